/**
 * Latency tests against the lab's systemd controller container (real systemd, sudo, rt-tests, stress-ng; 2 CPUs:
 * RT core 1, housekeeping core 0) through the app's own services and contract, as the UI drives them.
 * The lab is a VM: maxima are not RT-grade, so the tests check mechanics and the consistency of the numbers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Composition } from '../../src/main/composition';
import { AppError } from '../../src/shared/errors';
import type { ConnectionState } from '../../src/shared/model/controller';
import type { LatencyProgressEvent, LatencyRunRecord, LatencyRunView } from '../../src/shared/model/latency';
import type { AppClient } from '../../src/shared/rpc';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { waitFor } from '../support/wait-for';
import { openLabApp, addLabController } from '../support/lab-app';

interface App {
  app: Composition;
  client: AppClient;
  runs: LatencyRunView[];
  progress: LatencyProgressEvent[];
  states: ConnectionState[];
}

function open(dataDir: string, lab: Lab): App {
  const { app, client } = openLabApp(lab, '', dataDir);
  const out: App = { app, client, runs: [], progress: [], states: [] };
  client.on('latency.run', (view) => out.runs.push(view));
  client.on('latency.progress', (event) => out.progress.push(event));
  client.on('connection.state', (state) => out.states.push(state));
  return out;
}

/** Processes of a run still on the controller: command line naming RUN_DIR, or in the runner's process group. */
async function processesOf(app: Composition, controllerId: string, runDir: string): Promise<string[]> {
  const host = app.connections.hostFor(controllerId);
  const runnerPid = (await host.exec(`cat ${runDir}/runner.pid 2>/dev/null`)).stdout.trim();
  const ps = (await host.exec('ps -eo pid=,pgid=,args=')).stdout;
  return ps
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => {
      const [pid, pgid, ...args] = line.split(/\s+/);
      const command = args.join(' ');
      if (!pid || command.startsWith('ps ')) return false;
      return (runnerPid !== '' && pgid === runnerPid) || (command.includes(runDir) && !command.includes('ps -eo'));
    });
}

function consistent(record: LatencyRunRecord, durationS: number): void {
  const result = record.result;
  assert.ok(result, `a result (${record.error?.message ?? ''})`);
  assert.equal(result.cpus.length, 1);
  const cpu = result.cpus[0];
  assert.ok(cpu);
  assert.equal(cpu.cpu, 1, 'measured on the RT core of the profile');
  assert.ok(cpu.histogram, 'a histogram');
  const inHistogram = Object.values(cpu.histogram).reduce((a, b) => a + b, 0);
  assert.equal(inHistogram + cpu.overflows, cpu.samples, 'histogram + overflows = samples');
  // The VM loses a few cycles now and then; ≥ 95 % shows that the thread ran the whole time.
  assert.ok(cpu.samples >= durationS * 10_000 * 0.95 && cpu.samples <= durationS * 10_000 + 100, `samples ${cpu.samples} for ${durationS} s`);
  assert.ok(cpu.min <= cpu.avg && cpu.avg <= cpu.max, 'min ≤ avg ≤ max');
  const ps = [cpu.p99, cpu.p999, cpu.p9999];
  assert.ok(ps.every((p) => p !== null && p >= cpu.min && p <= cpu.max), `percentiles within [min, max]: ${ps.join(',')}`);
  assert.ok((cpu.p99 ?? 0) <= (cpu.p999 ?? 0) && (cpu.p999 ?? 0) <= (cpu.p9999 ?? 0), 'percentiles ordered');
  // Every snapshot of the running maximum is ≤ the final maximum, and never goes down.
  for (let i = 0; i < record.series.length; i++) {
    const max = record.series[i]?.max[0] ?? 0;
    assert.ok(max <= cpu.max, `snapshot max ${max} ≤ final ${cpu.max}`);
    if (i > 0) assert.ok(max >= (record.series[i - 1]?.max[0] ?? 0));
  }
  assert.ok(record.evaluation && ['pass', 'warn', 'fail'].includes(record.evaluation.verdict));
}

describe('latency tests on the lab systemd controller', { timeout: 600_000 }, () => {
  let lab: Lab;
  let dataDir: string;
  let a: App;
  let controllerId: string;
  const rtUnit = `mxrc-rt-lat-${randomBytes(3).toString('hex')}.service`;

  const finished = (app: App, runId: string): LatencyRunView | undefined =>
    app.runs.find((view) => view.runId === runId && ['finished', 'cancelled', 'failed'].includes(view.status) && view.result !== undefined);

  before(async () => {
    lab = await ensureLab();
    dataDir = mkdtempSync(join(tmpdir(), 'mxrc-latency-lab-'));
    a = open(dataDir, lab);
    controllerId = await addLabController(a.client, lab, 'systemd', { rtUnit });
  });

  after(async () => {
    try {
      const host = a.app.connections.hostFor(controllerId);
      await host.exec(`sudo -n systemctl stop ${rtUnit}; sudo -n rm -f /etc/systemd/system/${rtUnit}; sudo -n systemctl daemon-reload`);
    } catch {
      // not connected any more: nothing was installed by this test run then
    }
    await a.app.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('preflight: tools, sudo and systemd are detected, rtla is not assumed', async () => {
    const preflight = await a.client.latency.preflight(controllerId);
    assert.equal(preflight.tools.cyclictest, true);
    assert.equal(preflight.tools.stressNg, true);
    assert.equal(preflight.tools.rtla, false, 'the lab image has no rtla');
    assert.equal(preflight.systemd, true);
    assert.equal(preflight.root, true);
    assert.deepEqual(preflight.rtUnit, { name: rtUnit, state: 'inactive', active: false });
    assert.equal(preflight.activeRun, null);
  });

  test('without the safe-state confirmation nothing starts', async () => {
    await assert.rejects(
      a.client.latency.start({ controllerId, safeStateConfirmed: false as unknown as true }),
      (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /safe state/.test(e.message),
    );
  });

  test('a real run survives a killed SSH connection and is collected complete', async () => {
    const durationS = 14;
    const view = await a.client.latency.start({ controllerId, preset: 'custom', durationS, safeStateConfirmed: true, baseline: 'none' });
    assert.equal(view.launcher, 'systemd-run');
    assert.equal(view.status, 'running');
    assert.equal(view.totalS, durationS, 'no rtla time: the controller has no rtla');
    await waitFor(() => a.progress.filter((p) => p.runId === view.runId && p.samples.length > 0).length >= 3, 'three live samples', 20_000);
    const live = a.progress.filter((p) => p.runId === view.runId);
    assert.ok(live.every((p) => p.cpus[0]?.cpu === 1));
    for (let i = 1; i < live.length; i++) assert.ok((live[i]?.cpus[0]?.max ?? 0) >= (live[i - 1]?.cpus[0]?.max ?? 0), 'live max only grows');
    assert.ok((live.at(-1)?.elapsedS ?? 0) > 0 && (live.at(-1)?.remainingS ?? durationS) < durationS);

    // Kill this connection's sshd session on the controller; the app reconnects by itself.
    const host = a.app.connections.hostFor(controllerId);
    const sessionPid = (await host.exec('echo $PPID')).stdout.trim();
    a.states.length = 0;
    await host.exec(`sudo -n kill -9 ${sessionPid}`).catch(() => undefined);
    await waitFor(() => a.runs.some((r) => r.runId === view.runId && r.link === 'lost'), 'the run view shows the lost link', 20_000);
    await waitFor(() => a.states.at(-1)?.status === 'connected', 'reconnected', 30_000);

    await waitFor(() => finished(a, view.runId) !== undefined, 'collected', 60_000);
    const end = finished(a, view.runId);
    assert.equal(end?.status, 'finished');
    assert.equal(end?.link, 'attached');
    assert.ok(end?.result);
    const stored = await a.client.latency.result(end.result);
    consistent(stored.data, durationS);
    // The series is back-filled from cyclictest's stderr: no hole where the link was down.
    const times = stored.data.series.map((s) => s.t);
    assert.ok(times.length >= durationS - 1, `series of ${times.length}`);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) - (times[i - 1] ?? 0) <= 2.5, `gap between ${times[i - 1]} and ${times[i]}`);
    assert.ok(stored.attachments.includes('cyclictest.json') && stored.attachments.includes('cyclictest-stderr.txt'));
    assert.deepEqual(await processesOf(a.app, controllerId, view.runDir), []);
    const detail = await a.client.latency.status(controllerId);
    assert.equal(detail?.status, 'finished');
    assert.ok((detail?.series.length ?? 0) >= durationS - 1);
  });

  test('the RT service interlock: refused without consent; stopped for the test and started again with it', async () => {
    const host = a.app.connections.hostFor(controllerId);
    const unit = ['[Unit]', 'Description=latency test stand-in for mxrc-rt', '[Service]', 'ExecStart=/bin/sleep infinity', ''].join('\n');
    const install = await host.exec(`sudo -n sh -c 'cat > /etc/systemd/system/${rtUnit} && systemctl daemon-reload && systemctl start ${rtUnit}'`, { stdin: unit });
    assert.equal(install.exitCode, 0, install.stderr);
    assert.equal((await a.client.latency.preflight(controllerId)).rtUnit?.active, true);

    const refused = await a.client.latency.start({ controllerId, preset: 'custom', durationS: 4, safeStateConfirmed: true }).then(
      () => assert.fail('must not start while the RT service runs'),
      (e: unknown) => e as AppError,
    );
    assert.equal(refused.code, 'RT_SERVICE_ACTIVE');
    assert.match(refused.message, new RegExp(rtUnit.replace(/\./g, '\\.')));
    assert.equal((await host.exec(`systemctl is-active ${rtUnit}`)).stdout.trim(), 'active', 'left running');

    const view = await a.client.latency.start({ controllerId, preset: 'custom', durationS: 4, safeStateConfirmed: true, stopRtService: true, baseline: 'none' });
    assert.equal((await host.exec(`systemctl is-active ${rtUnit}`)).stdout.trim(), 'inactive', 'stopped while measuring');
    await waitFor(() => finished(a, view.runId) !== undefined, 'collected', 60_000);
    const ref = finished(a, view.runId)?.result;
    assert.ok(ref);
    const record = (await a.client.latency.result(ref)).data;
    assert.deepEqual(record.rtService, { unit: rtUnit, stateBefore: 'active', stoppedForTest: true, stateAfter: 'active' });
    assert.equal((await host.exec(`systemctl is-active ${rtUnit}`)).stdout.trim(), 'active', 'running again');
    await host.exec(`sudo -n systemctl stop ${rtUnit}`);
  });

  test('cancel under load stops cyclictest and stress-ng on the controller and keeps what was measured', async () => {
    const view = await a.client.latency.start({ controllerId, preset: 'custom', durationS: 300, load: true, safeStateConfirmed: true, baseline: 'none' });
    assert.equal(view.settings.kind, 'loaded');
    await waitFor(() => a.progress.filter((p) => p.runId === view.runId && p.samples.length > 0).length >= 2, 'live samples', 20_000);
    const before = await processesOf(a.app, controllerId, view.runDir);
    assert.ok(before.some((line) => line.includes('stress-ng')), `stress-ng runs: ${before.join(' | ')}`);
    assert.ok(before.some((line) => line.includes('cyclictest')), 'cyclictest runs');

    const cancelled = await a.client.latency.cancel(controllerId);
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(await processesOf(a.app, controllerId, view.runDir), [], 'no process left behind');
    const host = a.app.connections.hostFor(controllerId);
    assert.notEqual((await host.exec(`systemctl is-active ${view.unit}`)).stdout.trim(), 'active');
    assert.ok(cancelled.result);
    const record = (await a.client.latency.result(cancelled.result)).data;
    assert.equal(record.status, 'cancelled');
    assert.ok((record.result?.cpus[0]?.samples ?? 0) > 10_000, 'cyclictest printed the samples it had');
    assert.match((await a.client.latency.history(controllerId)).find((h) => h.ref.id === cancelled.result?.id)?.title ?? '', /cancelled/);
  });

  test('without systemd-run (setsid launcher): a run and a cancel leave nothing behind', async () => {
    const view = await a.client.latency.start({ controllerId, preset: 'custom', durationS: 120, load: true, launcher: 'setsid', safeStateConfirmed: true, baseline: 'none' });
    assert.equal(view.launcher, 'setsid');
    await waitFor(() => a.progress.filter((p) => p.runId === view.runId && p.samples.length > 0).length >= 2, 'live samples', 20_000);
    const cancelled = await a.client.latency.cancel(controllerId);
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(await processesOf(a.app, controllerId, view.runDir), []);
  });

  test('baseline: a marked run is the reference of the next one', async () => {
    const history = await a.client.latency.history(controllerId);
    const first = history.find((h) => h.status === 'finished');
    assert.ok(first);
    await a.client.latency.setBaseline(first.ref, true);
    assert.equal((await a.client.latency.history(controllerId)).filter((h) => h.isBaseline).length, 1);
    const view = await a.client.latency.start({ controllerId, preset: 'custom', durationS: 4, safeStateConfirmed: true });
    await waitFor(() => finished(a, view.runId) !== undefined, 'collected', 60_000);
    const ref = finished(a, view.runId)?.result;
    assert.ok(ref);
    const record = (await a.client.latency.result(ref)).data;
    assert.ok(record.comparison, 'compared with the marked baseline');
    assert.deepEqual(record.comparison.baseline, first.ref);
    const c = record.comparison.result;
    assert.equal(c.max, record.result?.cpus[0]?.max);
    assert.equal(c.verdict, c.max < c.baselineMax * 1.05 && c.spreadIncreasePct !== null && c.spreadIncreasePct <= 20 ? 'pass' : 'fail');
  });

  test('after an app restart the app re-attaches to a running test and collects it', async () => {
    const view = await a.client.latency.start({ controllerId, preset: 'custom', durationS: 10, safeStateConfirmed: true, baseline: 'none' });
    await waitFor(() => a.progress.some((p) => p.runId === view.runId && p.samples.length > 0), 'live', 20_000);
    await a.app.shutdown();
    const b = open(dataDir, lab);
    try {
      await b.client.connection.connect(controllerId);
      await waitFor(() => b.runs.some((r) => r.runId === view.runId), 'the new app attached', 20_000);
      await waitFor(() => finished(b, view.runId) !== undefined, 'collected by the new app', 60_000);
      const ref = finished(b, view.runId)?.result;
      assert.ok(ref);
      consistent((await b.client.latency.result(ref)).data, 10);
    } finally {
      await b.app.shutdown();
      a = open(dataDir, lab);
      await a.client.connection.connect(controllerId);
    }
  });

  test('no sudo: a clear SUDO_REQUIRED before anything runs (no-sudo user, fake RT controller)', async () => {
    const ctl = lab.controllers.systemd;
    const noSudo = await a.client.controllers.save({
      name: 'No sudo',
      host: ctl.host,
      port: ctl.port,
      user: lab.users.noSudo.user,
      auth: { kind: 'key', keyFile: lab.users.noSudo.keyFile },
      rtCores: '1',
      housekeepingCores: '0',
    });
    await a.client.connection.connect(noSudo.id);
    const error = await a.client.latency.start({ controllerId: noSudo.id, safeStateConfirmed: true }).then(
      () => assert.fail('must not start'),
      (e: unknown) => e as AppError,
    );
    assert.equal(error.code, 'SUDO_REQUIRED');
    assert.match(error.message, /sudo/);
    assert.match(error.hint ?? '', /NOPASSWD/);
    assert.equal((await a.client.latency.preflight(noSudo.id)).root, false);

    const fake = lab.controllers.tuned;
    const tuned = await a.client.controllers.save({ name: 'Tuned fake', host: fake.host, port: fake.port, user: fake.user, auth: { kind: 'key', keyFile: fake.keyFile }, rtCores: '1', housekeepingCores: '0' });
    await a.client.connection.connect(tuned.id);
    await assert.rejects(a.client.latency.start({ controllerId: tuned.id, safeStateConfirmed: true }), (e: unknown) => e instanceof AppError && e.code === 'SUDO_REQUIRED');
  });
});
