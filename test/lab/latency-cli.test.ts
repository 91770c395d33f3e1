/**
 * `mxrc-commission latency …` as a technician or a script runs it, against the lab's systemd controller.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { LatencyJson } from '../../src/shared/latency';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { runCli } from '../support/run-cli';
import { waitFor } from '../support/wait-for';

const root = join(import.meta.dirname, '..', '..');

describe('latency CLI against the lab controller', { timeout: 300_000 }, () => {
  let lab: Lab;
  let dir: string;
  let target: string;
  let flags: string[];

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-latency-cli-'));
    const ctl = lab.controllers.systemd;
    writeFileSync(join(dir, 'profile.json'), JSON.stringify({ rtCores: ctl.rtCores, housekeepingCores: ctl.housekeepingCores, latency: { maxIncreasePct: 5 } }));
    target = `${ctl.user}@${ctl.host}:${ctl.port}`;
    flags = ['--key', ctl.keyFile, '--known-hosts', lab.knownHostsFile, '--profile', join(dir, 'profile.json')];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a real run with --json: exactly the documented fields, consistent numbers, stored raw output, exit 0/1', async () => {
    const result = await runCli(['--data-dir', join(dir, 'data'), 'latency', target, ...flags, '--duration', '6s', '--json'], {}, { timeoutMs: 120_000 });
    assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr}`);
    const json = JSON.parse(result.stdout) as LatencyJson;
    assert.deepEqual(Object.keys(json), ['tool', 'command', 'startedAt', 'durationS', 'cpus', 'verdict', 'comparison']);
    assert.equal(json.tool, 'cyclictest');
    assert.match(json.command ?? '', /^cyclictest -m -p80 -a 1 -t 1 --mainaffinity=0 -i 100 -d 0 -h 400 -D 6 -q --json=\/var\/lib\/mxrc-commissioning\/runs\/[0-9a-f-]+\/ct\.json$/);
    assert.ok(!Number.isNaN(Date.parse(json.startedAt ?? '')));
    assert.equal(json.durationS !== null && Math.round(json.durationS), 6);
    assert.equal(json.cpus.length, 1);
    const cpu = json.cpus[0];
    assert.ok(cpu);
    assert.deepEqual(Object.keys(cpu), ['cpu', 'samples', 'min', 'avg', 'max', 'p99', 'p999', 'p9999', 'overflows', 'histogram']);
    assert.equal(cpu.cpu, 1);
    assert.equal(Object.values(cpu.histogram).reduce((a, b) => a + b, 0) + cpu.overflows, cpu.samples);
    assert.ok(cpu.samples >= 57_000, `samples ${cpu.samples}`);
    assert.equal(json.comparison, null);
    assert.equal(result.code, json.verdict === 'fail' ? 1 : 0);
    writeFileSync(join(dir, 'first.json'), result.stdout);

    const results = join(dir, 'data', 'results', `${lab.controllers.systemd.host}_${lab.controllers.systemd.port}`);
    const [visit] = readdirSync(results);
    assert.ok(visit);
    const files = readdirSync(join(results, visit));
    assert.ok(files.some((f) => f.endsWith('.cyclictest.json')) && files.some((f) => f.endsWith('.cyclictest-stderr.txt')), files.join(' '));
  });

  test('--baseline with the previous --json output, and import of the stored raw cyclictest JSON', async () => {
    const second = await runCli(['--data-dir', join(dir, 'data'), 'latency', target, ...flags, '--duration', '4s', '--baseline', join(dir, 'first.json'), '--json'], {}, { timeoutMs: 120_000 });
    assert.ok(second.code === 0 || second.code === 1, second.stderr);
    const json = JSON.parse(second.stdout) as LatencyJson;
    const first = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as LatencyJson;
    assert.ok(json.comparison);
    assert.deepEqual(Object.keys(json.comparison), ['baselineMax', 'max', 'increasePct', 'verdict']);
    assert.equal(json.comparison.baselineMax, first.cpus[0]?.max);
    assert.equal(json.comparison.max, json.cpus[0]?.max);
    const failed = json.verdict === 'fail' || json.comparison.verdict === 'fail';
    assert.equal(second.code, failed ? 1 : 0);

    const results = join(dir, 'data', 'results', `${lab.controllers.systemd.host}_${lab.controllers.systemd.port}`);
    const [visit] = readdirSync(results);
    const raw = readdirSync(join(results, visit ?? '')).filter((f) => f.endsWith('.cyclictest.json')).sort()[0];
    assert.ok(raw);
    const imported = await runCli(['latency', 'import', join(results, visit ?? '', raw), '--baseline', join(dir, 'first.json'), '--json']);
    assert.ok(imported.code === 0 || imported.code === 1, imported.stderr);
    const back = JSON.parse(imported.stdout) as LatencyJson;
    assert.equal(back.cpus[0]?.max, first.cpus[0]?.max, 'the raw file of the first run reads back to its numbers');
    assert.equal(back.comparison?.increasePct, 0);
  });

  test('Ctrl-C cancels the test on the controller and leaves no process behind', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli/cli.ts'), '--data-dir', join(dir, 'data'), 'latency', target, ...flags, '--duration', '5m'], {
      cwd: root,
      env: { ...process.env, SSH_AUTH_SOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor(() => /raw output in (\S+)\./.test(stderr), 'the test started', 60_000);
    const runDir = /raw output in (\S+)\./.exec(stderr)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill('SIGINT');
    assert.equal(await exited, 2, stderr);
    assert.match(stderr, /Cancelling the test on the controller/);
    const ctl = lab.controllers.systemd;
    const left = await new Promise<string>((resolve, reject) => {
      const ssh = spawn('ssh', ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, `cat ${runDir}/state; ps -eo args | grep -F ${runDir} | grep -v grep || true`]);
      let out = '';
      ssh.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      ssh.on('error', reject);
      ssh.on('close', () => resolve(out));
    });
    assert.equal(left.trim(), 'cancelled');
  });

  test('errors: no sudo, a bad preset, an unreadable file — exit 2 with a code', async () => {
    const ctl = lab.controllers.systemd;
    const noSudo = await runCli(['--data-dir', join(dir, 'data'), 'latency', `${lab.users.noSudo.user}@${ctl.host}:${ctl.port}`, ...flags, '--json'], {}, { timeoutMs: 60_000 });
    assert.equal(noSudo.code, 2);
    const error = (JSON.parse(noSudo.stdout) as { ok: false; error: { code: string; message: string } }).error;
    assert.equal(error.code, 'SUDO_REQUIRED');
    assert.match(error.message, /sudo/);

    const preset = await runCli(['latency', target, ...flags, '--preset', 'soak', '--json']);
    assert.equal(preset.code, 2);
    assert.match(preset.stdout, /INVALID_INPUT/);

    const missing = await runCli(['latency', 'import', join(dir, 'nope.txt')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot be read/);

    const broken = join(dir, 'broken.txt');
    writeFileSync(broken, 'hello\n');
    const notCyclictest = await runCli(['latency', 'import', broken, '--json']);
    assert.equal(notCyclictest.code, 2);
    assert.match(notCyclictest.stdout, /is not cyclictest output/);
  });
});
