import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CheckRunner } from '../../../src/main/services/checks/check-runner';
import { catalogue } from '../../../src/shared/checks/catalogue';
import type { CheckResult } from '../../../src/shared/checks/model';
import { checkProfileSchema, resolveProfile } from '../../../src/shared/checks/model';
import { AppError } from '../../../src/shared/errors';
import { FakeHost } from './fake-host';
import { evaluate, tuned, tunedProfile, untuned } from './helpers';

const profile = checkProfileSchema.parse(tunedProfile);
const clock = (): Date => new Date('2026-11-26T12:00:00Z');

describe('CheckRunner', () => {
  test('runs every check over one host, pinned to the housekeeping cores, same verdicts as the evaluators', async () => {
    const host = new FakeHost({ profile, outputs: tuned(), uid: 0 });
    const streamed: CheckResult[] = [];
    const run = await new CheckRunner({ host, profile, clock }).run({ onResult: (r) => streamed.push(r) });
    assert.equal(run.source, 'live');
    assert.equal(run.startedAt, '2026-11-26T12:00:00.000Z');
    assert.deepEqual(run.controller, { kernelRelease: '6.8.1-1015-realtime', kernelVersion: '#16-Ubuntu SMP PREEMPT_RT Mon Jan 20 10:24:42 UTC 2025', hostname: 'mxrc-cell7', uid: 0 });
    assert.deepEqual(run.checks.map((c) => c.id), catalogue.map((c) => c.id));
    assert.equal(streamed.length, catalogue.length);
    assert.equal(new Set(streamed.map((r) => r.id)).size, catalogue.length);
    for (const result of run.checks) {
      const offline = evaluate(result.id, tuned(), tunedProfile);
      assert.equal(result.verdict, offline.verdict, `${result.id}: ${result.summary}`);
      assert.equal(result.summary, offline.summary);
    }
    assert.ok(host.commands.every((c) => c.startsWith("taskset -c 0,1 nice -n 10 sh -c 'export RT_UNIT=mxrc-rt.service") || c === 'taskset -c 0,1 nice -n 10 sh -c \'id -u\''));
    assert.ok(host.commands.every((c) => !c.includes('sudo')), 'as root no sudo is used');
    // Each probe once (plus the uid query).
    assert.equal(host.commands.length, new Set(host.commands).size);
  });

  test('the evidence records the exact command that ran', async () => {
    const host = new FakeHost({ profile, outputs: tuned(), uid: 0 });
    const run = await new CheckRunner({ host, profile }).run({ only: ['K11'] });
    const [evidence] = run.checks[0]?.evidence ?? [];
    assert.ok(evidence && host.commands.includes(evidence.command));
    assert.match(evidence.command, /cat \/proc\/cmdline'$/);
  });

  test('root probes go through sudo -n; a refusal skips with "needs sudo" instead of hanging', async () => {
    const host = new FakeHost({ profile, outputs: tuned(), uid: 1000, sudoRefused: true });
    const run = await new CheckRunner({ host, profile }).run({ only: ['B01', 'C07', 'S01'] });
    const byId = new Map(run.checks.map((c) => [c.id, c]));
    assert.equal(byId.get('B01')?.verdict, 'skip');
    assert.equal(byId.get('B01')?.skipReason, 'needs sudo');
    assert.equal(byId.get('B01')?.summary, 'needs sudo: smi-count must run as root');
    assert.equal(byId.get('B01')?.evidence[0]?.stderr, 'sudo: a password is required\n');
    // Optional root evidence refused: the check still decides from what the user can read.
    assert.equal(byId.get('C07')?.verdict, 'pass');
    assert.match(byId.get('C07')?.summary ?? '', /pm_qos_resume_latency_us cpu2=1 cpu3=1/);
    assert.equal(byId.get('S01')?.verdict, 'pass');
    const sudoCommands = host.commands.filter((c) => c.includes('sudo -n sh -c'));
    assert.deepEqual(sudoCommands.length, 3);
    assert.ok(sudoCommands.every((c) => c.startsWith('taskset -c 0,1 nice -n 10 sh -c ')), 'sudo runs pinned too');
  });

  test('a journal the user may not read is retried with sudo', async () => {
    const hint = { stdout: '', stderr: 'Hint: You are currently not seeing messages from other users and the system.\n      Users in groups \'adm\', \'systemd-journal\' can see all messages.\n', exitCode: 0 };
    const log = { stdout: '[ 301.1] sched: RT throttling activated\n', stderr: '', exitCode: 0 };
    const outputs = new Map(tuned());
    const previous = outputs.get('kernel-log');
    assert.ok(previous);
    outputs.set('kernel-log', { ...previous, ...log });
    const allowed = new FakeHost({ profile, outputs, uid: 1000, asUser: { 'kernel-log': hint } });
    const run = await new CheckRunner({ host: allowed, profile }).run({ only: ['T04'] });
    assert.equal(run.checks[0]?.verdict, 'fail');
    assert.match(run.checks[0]?.evidence[0]?.command ?? '', /sudo -n sh -c/);

    const refused = new FakeHost({ profile, outputs, uid: 1000, asUser: { 'kernel-log': hint }, sudoRefused: true });
    const skipped = await new CheckRunner({ host: refused, profile }).run({ only: ['T04'] });
    assert.equal(skipped.checks[0]?.verdict, 'skip');
    assert.equal(skipped.checks[0]?.skipReason, 'needs sudo');
    assert.match(skipped.checks[0]?.evidence[0]?.stderr ?? '', /not seeing messages[\s\S]*sudo: a password is required/);
  });

  test('results stream as each check completes: quick checks before the 10 s samplers', async () => {
    const host = new FakeHost({ profile, outputs: tuned(), uid: 0, delay: (id) => (id.endsWith('-10s') || id === 'smi-count' ? 400 : 1) });
    const order: string[] = [];
    let resolved = false;
    const promise = new CheckRunner({ host, profile }).run({
      onResult: (r) => {
        assert.equal(resolved, false, 'results arrive before run() resolves');
        order.push(r.id);
      },
    });
    const run = await promise;
    resolved = true;
    assert.ok(order.indexOf('K01') < order.indexOf('S05'));
    assert.ok(order.indexOf('M01') < order.indexOf('I03'));
    assert.equal(run.checks.length, catalogue.length);
    assert.ok(host.maxInFlight <= 6, `at most 6 probes at once (saw ${host.maxInFlight})`);
    assert.ok(host.maxInFlight > 1, 'probes run concurrently');
  });

  test('a probe that times out makes its checks error, the others still decide', async () => {
    const host = new FakeHost({ profile, outputs: tuned(), uid: 0, throwFor: { swap: new AppError('TIMEOUT', 'The command did not finish within 15 s.') } });
    const run = await new CheckRunner({ host, profile }).run({ only: ['M01', 'M02'] });
    assert.equal(run.checks[0]?.verdict, 'error');
    assert.match(run.checks[0]?.summary ?? '', /timed out: The command did not finish within 15 s\./);
    assert.equal(run.checks[1]?.verdict, 'pass');
  });

  test('cancelling stops the run', async () => {
    const host = new FakeHost({ profile, outputs: tuned(), uid: 0, delay: () => 20 });
    const controller = new AbortController();
    const promise = new CheckRunner({ host, profile }).run({ signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(promise, (error: unknown) => error instanceof AppError && error.code === 'CANCELLED');
    assert.ok(host.commands.length < 40);
  });

  test('only: selected checks (aliases too) and their probes', async () => {
    const host = new FakeHost({ profile, outputs: untuned(), uid: 0 });
    const run = await new CheckRunner({ host, profile }).run({ only: ['I01'] });
    assert.deepEqual(run.checks.map((c) => c.id), ['K06']);
    assert.equal(run.checks[0]?.verdict, 'fail');
    assert.equal(host.commands.length, 1 + 5, 'id -u, uname, hostname, proc-cmdline, irq-default, cpu-online');
  });

  test('another profile: cores and names reach the commands only through the environment', async () => {
    const other = checkProfileSchema.parse({ rtCores: '1', housekeepingCores: '0', rtUnit: 'cyclictest', ecatIf: 'enp3s0' });
    const host = new FakeHost({ profile: other, outputs: tuned(), uid: 0 });
    await new CheckRunner({ host, profile: other }).run({ only: ['S04'] });
    assert.ok(host.commands.some((c) => c.startsWith("taskset -c 0 nice -n 10 sh -c 'export RT_UNIT=cyclictest IPC_UNIT=mxrc-ipc.service WEBAPI=mxrc-webapi ECAT_IF=enp3s0 HEALTH_URL=http://localhost:8080/api/health/live;")));
    assert.equal(resolveProfile(other).rtList, '1');
  });
});
