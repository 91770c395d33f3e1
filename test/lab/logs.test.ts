import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';

import Docker from 'dockerode';

import type { Composition } from '../../src/main/composition';
import type { RemoteHost } from '../../src/main/platform/remote-host';
import { AppError } from '../../src/shared/errors';
import type { LogStreamInfo } from '../../src/shared/model/logs';
import type { ConnectionState } from '../../src/shared/model/controller';
import type { AppClient } from '../../src/shared/rpc';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { runCli } from '../support/run-cli';
import { waitFor } from '../support/wait-for';
import { openLabApp, addLabController } from '../support/lab-app';

/** The numbers n in lines "n=<n>", and how often each occurred. */
function tally(texts: readonly string[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const text of texts) {
    const match = /(?:^|\s)n=(\d+)$/.exec(text);
    if (match?.[1]) counts.set(Number(match[1]), (counts.get(Number(match[1])) ?? 0) + 1);
  }
  return counts;
}

function assertEachOnce(counts: Map<number, number>, total: number, what: string): void {
  const missing: number[] = [];
  const repeated: number[] = [];
  for (let n = 1; n <= total; n++) {
    const count = counts.get(n) ?? 0;
    if (count === 0) missing.push(n);
    if (count > 1) repeated.push(n);
  }
  assert.deepEqual({ missing: missing.slice(0, 20), missingCount: missing.length, repeated: repeated.slice(0, 20) }, { missing: [], missingCount: 0, repeated: [] }, what);
  assert.equal(counts.size, total, `${what}: no numbers beyond ${total}`);
}

describe('live logs against the systemd controller', () => {
  let lab: Lab;
  let app: Composition;
  let client: AppClient;
  let dataDir: string;
  let controllerId: string;
  const connection: ConnectionState[] = [];
  const states = new Map<string, LogStreamInfo[]>();
  const texts = new Map<string, string[]>();
  /** Streams whose lines the "view" acknowledges (all but the flood test's). */
  const acking = new Set<string>();
  const units: string[] = [];

  const host = (): RemoteHost => app.connections.hostFor(controllerId);
  const lastState = (id: string): LogStreamInfo | undefined => states.get(id)?.at(-1);

  /** A transient unit that prints n=1 … n=<count>, one line every `intervalS` seconds. */
  async function startCounter(count: number, intervalS: string): Promise<string> {
    const unit = `mxrc-lab-counter-${Date.now()}-${units.length}`;
    units.push(unit);
    const result = await host().exec(
      `sudo -n systemd-run --quiet --unit=${unit} -p LogRateLimitIntervalSec=0 /bin/bash -c 'for i in $(seq 1 ${count}); do echo n=$i; sleep ${intervalS}; done'`,
      { timeoutMs: 20_000 },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    return `${unit}.service`;
  }

  /** Ends this connection's sshd session on the controller, as a cable pull would, and waits for the reconnect. */
  async function cutConnection(): Promise<void> {
    const sessionPid = (await host().exec('echo $PPID')).stdout.trim();
    assert.match(sessionPid, /^\d+$/);
    connection.length = 0;
    await host().exec(`sudo -n kill -9 ${sessionPid}`).catch(() => undefined);
    await waitFor(() => connection.some((s) => s.status === 'reconnecting'), 'the app to notice the cut');
    await waitFor(() => connection.at(-1)?.status === 'connected', 'the connection service to reconnect', 60_000);
  }

  before(async () => {
    lab = await ensureLab();
    ({ app, client, dataDir } = openLabApp(lab, 'mxrc-logs-lab-'));
    client.on('connection.state', (s) => connection.push(s));
    client.on('logs.state', (s) => states.set(s.id, [...(states.get(s.id) ?? []), s]));
    client.on('logs.lines', (event) => {
      const list = texts.get(event.streamId) ?? [];
      for (const line of event.lines) list.push(line.text);
      texts.set(event.streamId, list);
      if (acking.has(event.streamId)) void client.logs.ack(event.streamId, event.bytes);
    });
    controllerId = await addLabController(client, lab, 'systemd', { name: 'Lab systemd controller (logs)' });
  });

  after(async () => {
    if (app) {
      for (const unit of units) await host().exec(`sudo -n systemctl stop ${unit} 2>/dev/null; sudo -n systemctl reset-failed ${unit} 2>/dev/null; true`).catch(() => undefined);
      await app.shutdown();
    }
  });

  test('a unit logging every few ms: the connection is cut and restored, every number arrives exactly once, in the view and in the saved file', async () => {
    const total = 3000;
    // The unit is new, so a large backlog shows it from its first line.
    const unit = await startCounter(total, '0.003');
    const opened = await client.logs.open(controllerId, { source: { kind: 'journal', unit }, backlog: 100_000 });
    acking.add(opened.id);
    assert.equal(opened.state, 'live');
    assert.equal(opened.scrollback, 10_000, 'default scrollback cap');
    assert.deepEqual(opened.notes, [], 'the lab user has sudo: no user-journal note');

    await waitFor(() => (texts.get(opened.id)?.length ?? 0) >= total / 3, 'a third of the lines');
    await cutConnection();
    await waitFor(() => lastState(opened.id)?.state === 'live' && (lastState(opened.id)?.resumes ?? 0) >= 1, 'the stream to resume');
    assert.ok(states.get(opened.id)?.some((s) => s.state === 'reconnecting'), 'the view was told the stream was reconnecting');
    await waitFor(() => (tally(texts.get(opened.id) ?? []).get(total) ?? 0) > 0, `n=${total}`, 60_000);

    assertEachOnce(tally(texts.get(opened.id) ?? []), total, 'lines shown in the view');

    const saved = await client.logs.save(opened.id);
    assert.ok(saved.path.startsWith(join(dataDir, 'logs', controllerId) + sep), saved.path);
    assert.match(saved.path, /\d{8}-\d{6}-\d{3}-mxrc-lab-counter-[\w-]+\.log$/);
    const fileLines = readFileSync(saved.path, 'utf8').split('\n');
    assert.match(fileLines[0] ?? '', /^# mxrc-lab-counter-.*: journal of mxrc-lab-counter-/);
    const numbered = fileLines.filter((line) => /: n=\d+$/.test(line));
    assert.match(numbered[0] ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2} bash\[\d+\] <info>: n=1$/, 'full timestamps in the file');
    assertEachOnce(tally(numbered.map((line) => line.replace(/^.*?: /, ''))), total, 'lines in the saved file');
    await client.logs.close(opened.id);
    await assert.rejects(client.logs.save(opened.id), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');
  });

  test('pause stops the reader on the controller; resume continues after the last line, no gap, no repeat', async () => {
    const total = 600;
    const unit = await startCounter(total, '0.005');
    const opened = await client.logs.open(controllerId, { source: { kind: 'journal', unit }, backlog: 100_000 });
    acking.add(opened.id);
    await waitFor(() => (texts.get(opened.id)?.length ?? 0) >= 100, '100 lines');

    const paused = await client.logs.pause(opened.id);
    assert.equal(paused.state, 'paused');
    const readers = async (): Promise<string> => (await host().exec(`pgrep -af '[j]ournalctl.*${unit}' || true`)).stdout.trim();
    await waitFor(async () => (await readers()) === '', 'no journalctl left for this stream on the controller', 10_000);
    const countAtPause = texts.get(opened.id)?.length ?? 0;
    await waitFor(async () => (await host().exec(`sudo -n journalctl -u ${unit} -o cat --no-pager | wc -l`)).stdout.trim() >= String(countAtPause + 100), 'the unit to log on while paused');
    assert.equal(texts.get(opened.id)?.length ?? 0, countAtPause, 'nothing arrives while paused');

    const resumed = await client.logs.resume(opened.id);
    assert.equal(resumed.state, 'live');
    await waitFor(() => (tally(texts.get(opened.id) ?? []).get(total) ?? 0) > 0, `n=${total}`, 30_000);
    assertEachOnce(tally(texts.get(opened.id) ?? []), total, 'lines across pause/resume');
    await client.logs.close(opened.id);
  });

  test('flow control: a flood the view does not acknowledge pauses the SSH reader at a bounded amount; acknowledging lets it finish', async () => {
    // 20 MB of 1 kB lines; below journald's burst limit, which the lab cannot lift for transient units.
    const total = 20_000;
    const unit = `mxrc-lab-flood-${Date.now()}`;
    units.push(unit);
    const started = await host().exec(
      `sudo -n systemd-run --quiet --unit=${unit} -p LogRateLimitIntervalSec=0 /bin/bash -c 'pad=$(printf %01000d 0); for i in $(seq 1 ${total}); do echo "$pad n=$i"; done; sleep 600'`,
    );
    assert.equal(started.exitCode, 0, started.stderr);
    await waitFor(async () => Number((await host().exec(`sudo -n journalctl -u ${unit}.service -o cat --no-pager | wc -l`)).stdout.trim()) >= total, 'journald to have the whole flood', 60_000);

    const opened = await client.logs.open(controllerId, { source: { kind: 'journal', unit: `${unit}.service` }, backlog: 100_000 });
    await waitFor(() => lastState(opened.id)?.throttled === true, 'the stream to be throttled');
    // Stable for a while: the reader really stopped (the SSH window closes), it does not just buffer on.
    let previous = -1;
    await waitFor(
      async () => {
        const info = (await client.logs.list(controllerId)).find((s) => s.id === opened.id);
        const same = info?.received === previous;
        previous = info?.received ?? -1;
        return same;
      },
      'the line count to stop growing',
      20_000,
      500,
    );
    assert.ok(previous > 0 && previous < total / 2, `bounded while unacknowledged: ${previous} of ${total} lines read`);

    // The view catches up (a re-attach acknowledges everything sent before it): reading resumes.
    const attached = await client.logs.attach(opened.id);
    assert.equal(attached.lines.length, Math.min(previous, 10_000));
    acking.add(opened.id);
    await waitFor(() => (tally(texts.get(opened.id) ?? []).get(total) ?? 0) > 0, `n=${total}`, 60_000);
    const info = (await client.logs.list(controllerId)).find((s) => s.id === opened.id);
    assert.equal(info?.buffered, 10_000, 'the kept lines stop at the scrollback cap');
    assert.ok((info?.dropped ?? 0) >= total - 10_000);
    assertEachOnce(tally(texts.get(opened.id) ?? []), total, 'flood lines');
    await client.logs.close(opened.id);
  });

  test('WebAPI container logs (over the controller’s Docker socket) resume after a cut without gap or repeat', async () => {
    const docker = new Docker({ socketPath: lab.docker.socket });
    const name = `mxrc-lab-logs-${Date.now()}`;
    const total = 1500;
    // Local image only (never pulled); stdout and stderr both, numbered.
    const container = await docker.createContainer({
      name,
      Image: lab.docker.images.busybox,
      Cmd: ['sh', '-c', `i=0; while [ $i -lt ${total} ]; do i=$((i+1)); if [ $((i % 2)) = 0 ]; then echo n=$i; else echo n=$i >&2; fi; sleep 0.004; done; sleep 600`],
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      await container.start();
      const opened = await client.logs.open(controllerId, { source: { kind: 'container', container: name }, backlog: 100_000 });
      acking.add(opened.id);
      await waitFor(() => (texts.get(opened.id)?.length ?? 0) >= total / 3, 'a third of the container lines');
      await cutConnection();
      await waitFor(() => lastState(opened.id)?.state === 'live' && (lastState(opened.id)?.resumes ?? 0) >= 1, 'the container stream to resume');
      await waitFor(() => tally(texts.get(opened.id) ?? []).size >= total, 'every container line', 60_000);
      assertEachOnce(tally(texts.get(opened.id) ?? []), total, 'container lines');
      const attached = await client.logs.attach(opened.id);
      assert.ok(attached.lines.some((l) => l.stream === 'stderr') && attached.lines.some((l) => l.stream === 'stdout'), 'stdout and stderr are told apart');
      await client.logs.close(opened.id);
      await assert.rejects(client.logs.open(controllerId, { source: { kind: 'container', container: `${name}-missing` } }), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');
      const grepped = await client.logs.open(controllerId, { source: { kind: 'container', container: name, grep: 'n=1[0-9]$' }, follow: false });
      assert.deepEqual(grepped.notes.map((n) => n.code), ['LOCAL_GREP']);
      await waitFor(() => lastState(grepped.id)?.state === 'ended', 'the grep over the container log to end');
      assert.deepEqual(texts.get(grepped.id)?.sort(), ['n=10', 'n=11', 'n=12', 'n=13', 'n=14', 'n=15', 'n=16', 'n=17', 'n=18', 'n=19'], 'grep applied on the laptop');
      await client.logs.close(grepped.id);
    } finally {
      await container.remove({ force: true });
    }
  });

  test('filters: priority, grep on the controller, a bad grep explains itself, kernel messages open', async () => {
    const unit = `mxrc-lab-prio-${Date.now()}`;
    units.push(unit);
    const result = await host().exec(
      `sudo -n systemd-run --quiet --unit=${unit} /bin/bash -c 'logger -t ${unit} -p user.err "an error n=1"; logger -t ${unit} -p user.info "just info n=2"; logger -t ${unit} -p user.warning "a warning n=3"; sleep 600'`,
    );
    assert.equal(result.exitCode, 0, result.stderr);
    await waitFor(async () => (await host().exec(`sudo -n journalctl -t ${unit} -o cat --no-pager | wc -l`)).stdout.trim() === '3', 'the three messages');

    const warnings = await client.logs.open(controllerId, { source: { kind: 'journal', identifier: unit, priority: 'warning' }, follow: false });
    assert.deepEqual(warnings.notes, [], 'not following was asked for: no note');
    const window = await client.logs.open(controllerId, { source: { kind: 'journal', identifier: unit, until: 'now' } });
    assert.deepEqual(window.notes.map((n) => n.code), ['NO_FOLLOW'], 'a closed time window says it does not follow');
    await waitFor(() => lastState(window.id)?.state === 'ended', 'the closed window to end');
    await client.logs.close(window.id);
    await waitFor(() => lastState(warnings.id)?.state === 'ended', 'a non-follow stream to end');
    assert.deepEqual(texts.get(warnings.id), ['an error n=1', 'a warning n=3']);

    // journalctl's smart case: lower case matches any case, an upper-case letter makes it exact.
    const grep = await client.logs.open(controllerId, { source: { kind: 'journal', identifier: unit, grep: 'just INFO|a warning' }, follow: false });
    await waitFor(() => lastState(grep.id)?.state === 'ended', 'the grep stream to end');
    assert.deepEqual(texts.get(grep.id), ['a warning n=3']);

    await assert.rejects(
      client.logs.open(controllerId, { source: { kind: 'journal', unit: 'x; reboot' } }),
      (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT',
    );
    const bad = await client.logs.open(controllerId, { source: { kind: 'journal', identifier: unit, grep: '(' }, follow: false });
    await waitFor(() => lastState(bad.id)?.state === 'failed', 'a bad pattern to fail');
    assert.equal(lastState(bad.id)?.error?.code, 'INVALID_INPUT');
    assert.match(lastState(bad.id)?.error?.message ?? '', /grep pattern/);

    const kernel = await client.logs.open(controllerId, { source: { kind: 'kernel' } });
    assert.equal(kernel.state, 'live');
    assert.equal(kernel.source.kind === 'kernel' && kernel.source.boot, 'current');
    for (const id of [warnings.id, grep.id, bad.id, kernel.id]) await client.logs.close(id);
    assert.ok((await client.logs.units(controllerId)).includes('ssh.service'));
  });

  test('without sudo the stream still runs, with a visible note', async () => {
    const ctl = lab.controllers.systemd;
    const profile = await client.controllers.save({
      name: 'Lab systemd controller (no sudo)',
      host: ctl.host,
      port: ctl.port,
      user: lab.users.noSudo.user,
      auth: { kind: 'key', keyFile: lab.users.noSudo.keyFile },
      rtCores: ctl.rtCores,
      housekeepingCores: ctl.housekeepingCores,
    });
    await client.connection.connect(profile.id);
    const opened = await client.logs.open(profile.id, { source: { kind: 'journal', unit: 'ssh.service' } });
    assert.equal(opened.state, 'live');
    assert.deepEqual(opened.notes.map((n) => n.code), ['USER_JOURNAL_ONLY']);
    assert.match(opened.notes[0]?.message ?? '', /sudo was refused/);
    await client.logs.close(opened.id);
    await client.connection.disconnect(profile.id);
  });

  test('CLI: prints a unit’s lines and exits 0; --follow stops cleanly on Ctrl-C; a bad choice of flags is a usage error', async () => {
    const ctl = lab.controllers.systemd;
    const target = `${ctl.user}@${ctl.host}:${ctl.port}`;
    const common = ['--key', ctl.keyFile, '--known-hosts', lab.knownHostsFile];
    const unit = await startCounter(200, '0.001');
    await waitFor(async () => (await host().exec(`sudo -n journalctl -u ${unit} -o cat --no-pager | grep -c '^n='`)).stdout.trim() === '200', 'the counter to finish');

    const printed = await runCli(['logs', target, '--unit', unit, ...common]);
    assert.equal(printed.code, 0, printed.stderr);
    const lines = printed.stdout.split('\n').filter((l) => /: n=\d+$/.test(l));
    assertEachOnce(tally(lines.map((l) => l.replace(/^.*?: /, ''))), 200, 'CLI lines');
    assert.match(lines[0] ?? '', /^\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2} bash\[\d+\] <info>: n=1$/);

    const json = await runCli(['logs', target, '--unit', unit, '--since', '-1h', '--json', ...common]);
    assert.equal(json.code, 0, json.stderr);
    const first = JSON.parse(json.stdout.split('\n').find((l) => l.includes('"n=1"')) ?? '{}') as { message?: string; source?: string };
    assert.deepEqual([first.message, first.source], ['n=1', 'bash']);

    assert.equal((await runCli(['logs', target, '--unit', unit, '--kernel', ...common])).code, 2);
    const badSince = await runCli(['logs', target, '--unit', unit, '--since', '$(reboot)', '--json', ...common]);
    assert.equal(badSince.code, 2);
    assert.equal((JSON.parse(badSince.stdout) as { error: { code: string } }).error.code, 'INVALID_INPUT');

    // --follow, then Ctrl-C once the lines are out.
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src/main/cli/cli.ts'), 'logs', target, '--unit', unit, '--follow', '--since', '-1h', ...common], {
      env: { ...process.env, SSH_AUTH_SOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor(() => out.includes(': n=200\n'), 'the follow to print every line', 30_000);
    child.kill('SIGINT');
    assert.equal(await exited, 0, 'Ctrl-C ends a follow with exit code 0');
    await waitFor(async () => (await host().exec(`pgrep -af '[j]ournalctl.*${unit}' || true`)).stdout.trim() === '', 'its reader on the controller to be gone', 10_000);
  });
});
