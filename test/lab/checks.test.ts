/**
 * The checklist through the app's contract, as the Checks screen drives it, against the lab's fake controllers
 * (`tuned`, `untuned`: RT core 1, housekeeping core 0) and the systemd controller (real systemd and sudo).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { catalogue } from '../../src/shared/checks/catalogue';
import { AppError } from '../../src/shared/errors';
import type { CheckRunRecord } from '../../src/shared/model/checks';
import { compose } from '../../src/main/composition';
import { inMemoryClient } from '../support/in-memory-transport';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { waitFor } from '../support/wait-for';
import type { ChecksApp } from './checks-support';
import { byId, notFakeable, openChecksApp } from './checks-support';

/** Processes running the 10 s interrupt sampler's `sleep 10`, seen from the (shared) host /proc. */
function samplerSleeps(): Array<{ pid: number; nice: number; cpus: string }> {
  const out: Array<{ pid: number; nice: number; cpus: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (cmdline !== 'sleep 10') continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = fields[1] ?? '';
      const parent = readFileSync(`/proc/${ppid}/cmdline`, 'utf8');
      if (!parent.includes('@@@ sample') || !parent.includes('/proc/interrupts')) continue;
      const nice = Number(fields[16]);
      const cpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? '?';
      out.push({ pid: Number(entry), nice, cpus });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe('checks through the contract against the lab', { timeout: 600_000 }, () => {
  let lab: Lab;
  let a: ChecksApp;
  let tuned: string;
  let untuned: string;
  let untunedRun: CheckRunRecord;
  let tunedRun: CheckRunRecord;

  before(async () => {
    lab = await ensureLab();
    a = openChecksApp(lab, 'mxrc-checks-lab-');
    tuned = await a.add('tuned');
    untuned = await a.add('untuned');
  });
  after(async () => {
    await a?.close();
  });

  test('tuned: every check that can be faked passes; results stream in as each completes; all pinned', async () => {
    let sleeps: ReturnType<typeof samplerSleeps> = [];
    const watching = (async () => {
      // The interrupt sampler sleeps 10 s on the controller: catch it there and look at its CPU set and nice.
      await waitFor(() => (sleeps = samplerSleeps()).length > 0, 'the interrupt sampler on the controller', 9_000, 20);
    })();
    const { runId, done, events, startedAt } = await a.runAndWait(tuned);
    await watching;
    assert.equal(done.status, 'finished');
    assert.equal(events.length, catalogue.length, 'one checks.result per check');
    assert.deepEqual(events.map((e) => e.done), catalogue.map((_c, i) => i + 1), 'progress n of m counts up');
    assert.ok(events.every((e) => e.total === catalogue.length));
    const doneAt = done.at;
    const early = events.filter((e) => e.at < doneAt - 5_000);
    assert.ok(early.length > 30, `most results arrive while the 10 s samplers still run (${early.length} more than 5 s before the end)`);
    assert.ok(doneAt - startedAt < 25_000, `the whole checklist in ${doneAt - startedAt} ms`);

    assert.ok(sleeps.length > 0);
    for (const sleep of sleeps) {
      assert.equal(sleep.cpus, '0', `sampler pid ${sleep.pid} pinned to housekeeping core 0`);
      assert.equal(sleep.nice, 10, `sampler pid ${sleep.pid} at nice 10`);
    }

    tunedRun = await a.client.checks.get(runId);
    assert.equal(tunedRun.status, 'finished');
    assert.deepEqual(tunedRun.checks.map((c) => c.id), catalogue.map((c) => c.id));
    assert.equal(tunedRun.facts.hostname, 'mxrc-tuned');
    for (const result of tunedRun.checks) {
      for (const evidence of result.evidence) assert.match(evidence.command, /^taskset -c 0 nice -n 10 sh -c '/, `${result.id}: ${evidence.command.slice(0, 60)}`);
      const exception = notFakeable[result.id];
      if (exception) assert.ok(exception.verdicts.includes(result.verdict), `${result.id} (${exception.why}): ${result.verdict} ${result.summary}`);
      else assert.equal(result.verdict, 'pass', `${result.id}: ${result.summary}`);
    }
    assert.equal(byId(tunedRun.checks).get('B01')?.skipReason, 'needs sudo');
  });

  test('untuned: fails what a fresh Ubuntu 24.04 fails, each with the right summary', async () => {
    const { runId, done } = await a.runAndWait(untuned);
    assert.equal(done.status, 'finished');
    untunedRun = await a.client.checks.get(runId);
    const results = byId(untunedRun.checks);
    const expected: Array<[string, 'fail' | 'warn', RegExp]> = [
      ['K01', 'fail', /uname -v '#45-Ubuntu SMP PREEMPT_DYNAMIC .*' lacks PREEMPT_RT; \/sys\/kernel\/realtime=missing; release 6\.8\.0-45-generic/],
      ['K02', 'warn', /PREEMPT_RT=unset/],
      ['K03', 'fail', /no isolcpus= on the kernel command line; isolated=none/],
      ['K04', 'warn', /no nohz_full= on the kernel command line; sysfs nohz_full=none/],
      ['K05', 'warn', /RCU callbacks not offloaded from CPU 1/],
      ['K06', 'fail', /irqaffinity=unset, default_smp_affinity=3 \(CPUs 0-1\) includes RT CPU 1/],
      ['K07', 'warn', /intel_idle\.max_cstate=9, processor\.max_cstate=8: deep C-states allowed/],
      ['K09', 'warn', /NMI watchdog enabled.*kernel\.nmi_watchdog=1/],
      ['K10', 'warn', /tsc=unset/],
      ['K11', 'warn', /skew_tick=unset/],
      ['C04', 'warn', /not performance on CPU 1: CPU 1: intel_pstate powersave, EPP balance_performance/],
      ['C05', 'warn', /turbo on \(intel_pstate\/no_turbo=0\)/],
      ['C06', 'fail', /enabled on CPUs 1: .*C10 230 µs; worst usable exit latency 230 µs/],
      ['C07', 'warn', /no PM QoS on the RT CPUs: pm_qos_resume_latency_us cpu1=0/],
      ['S01', 'warn', /kernel\.sched_rt_runtime_us=950000/],
      ['S03', 'warn', /kernel\.timer_migration=1/],
      ['S08', 'fail', /workqueue cpumask=3 \(CPUs 0-1\).*includes RT CPU 1/],
      ['I02', 'fail', /of \d+ device IRQs on RT CPUs: IRQ \d+/],
      ['M01', 'warn', /swap active: \/swap\.img/],
      ['M02', 'warn', /THP madvise.*vm\.stat_interval=1/],
    ];
    for (const [id, verdict, summary] of expected) {
      const result = results.get(id);
      assert.equal(result?.verdict, verdict, `${id}: ${result?.summary ?? 'missing'}`);
      assert.match(result.summary, summary, id);
      assert.ok(result.remediation, `${id} has a remedy`);
      assert.ok(result.why && result.why.length > 20, `${id} says why it matters`);
    }
    // I01 is the same check as K06.
    assert.equal(results.has('I01'), false);
    for (const id of ['C01', 'C02', 'C03', 'K12', 'T01', 'B02']) assert.equal(results.get(id)?.verdict, 'pass', id);
  });

  test('history: runs are stored, listed newest first, survive a restart; re-verify compares two runs', async () => {
    const runs = await a.client.checks.runs(untuned);
    assert.equal(runs[0]?.runId, untunedRun.runId);
    assert.equal(runs[0]?.status, 'finished');
    assert.equal(runs[0]?.counts.fail, untunedRun.counts.fail);
    const files = readdirSync(join(a.dataDir, 'results', untuned, untunedRun.visit));
    assert.ok(files.includes(`check-run.${untunedRun.runId}.json`));

    const again = compose({ dataDir: a.dataDir, mode: 'web', readOnlyKnownHosts: [] });
    try {
      const client = inMemoryClient(again.services, again.events);
      const stored = await client.checks.get(untunedRun.runId);
      assert.deepEqual(stored.checks.map((c) => [c.id, c.verdict, c.summary]), untunedRun.checks.map((c) => [c.id, c.verdict, c.summary]));
    } finally {
      await again.shutdown();
    }

    // Re-run one: only K03 is measured, the other 50 results are carried over, so the run is complete.
    const rerun = await a.runAndWait(untuned, { only: ['K03'], baseRunId: untunedRun.runId });
    assert.deepEqual(rerun.events.map((e) => [e.result.id, e.done, e.total]), [['K03', 1, 1]]);
    const one = await a.client.checks.get(rerun.runId);
    assert.equal(one.checks.length, catalogue.length);
    assert.equal(one.carried.length, catalogue.length - 1);
    const same = await a.client.checks.compare(untunedRun.runId, rerun.runId);
    assert.equal(same.counts.same, catalogue.length, JSON.stringify(same.changes.filter((c) => c.kind !== 'same')));

    // What a technician sees after tuning: untuned → tuned.
    const diff = await a.client.checks.compare(untunedRun.runId, tunedRun.runId);
    const kinds = new Map(diff.changes.map((c) => [c.id, c.kind] as const));
    for (const id of ['K01', 'K03', 'K06', 'C06', 'S08', 'I02', 'M01']) assert.equal(kinds.get(id), 'fixed', id);
    assert.equal(kinds.get('C01'), 'same');
    assert.ok(diff.counts.fixed >= 15, `fixed: ${diff.counts.fixed}`);
    assert.equal(diff.counts.regressed, 0, JSON.stringify(diff.changes.filter((c) => c.kind === 'regressed')));
  });

  test('export remediation: script + files + diff for review; the controller is not touched; its dry run shows the diff', async () => {
    const host = a.app.connections.hostFor(untuned);
    const before = (await host.exec('cat /etc/default/irqbalance; ls /etc/default/grub.d /etc/sysctl.d 2>&1')).stdout;
    const exported = await a.client.checks.exportRemediation(untunedRun.runId);
    assert.equal(exported.applied, false);
    assert.equal(exported.folder, join(a.dataDir, 'remediation', untuned, untunedRun.runId));
    assert.ok(existsSync(join(exported.folder, 'remediation.sh')));
    assert.equal(statSync(join(exported.folder, 'remediation.sh')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(exported.folder, 'remediation.sh'), 'utf8'), exported.script);
    assert.ok(existsSync(join(exported.folder, 'changes.diff')));
    execFileSync('sh', ['-n', join(exported.folder, 'remediation.sh')]);
    for (const id of ['K01', 'K03', 'K06', 'S01', 'S08', 'I02', 'C06']) assert.ok(exported.addressed.some((x) => x.id === id), `addresses ${id}`);

    const files = new Map(exported.files.map((f) => [f.target, f] as const));
    const grub = files.get('/etc/default/grub.d/60-mxrc-rt.cfg');
    assert.equal(grub?.state, 'new');
    assert.match(grub.content, /isolcpus=managed_irq,domain,1/);
    assert.match(grub.content, /irqaffinity=0/);
    assert.match(grub.diff, /^\+GRUB_CMDLINE_LINUX=/m);
    assert.equal(files.get('/etc/sysctl.d/60-mxrc-rt.conf')?.state, 'new');
    assert.match(files.get('/etc/sysctl.d/60-mxrc-rt.conf')?.content ?? '', /^kernel\.sched_rt_runtime_us = -1$/m);
    assert.equal(readFileSync(join(exported.folder, 'files/etc/default/grub.d/60-mxrc-rt.cfg'), 'utf8'), grub.content);
    assert.ok(exported.reboot);
    assert.equal((await host.exec('cat /etc/default/irqbalance; ls /etc/default/grub.d /etc/sysctl.d 2>&1')).stdout, before, 'exporting changed nothing on the controller');

    // The reviewer's first step on the controller: the dry run shows the same changes and applies nothing.
    const remote = `/tmp/mxrc-remediation-${untunedRun.runId}`;
    const sftp = await host.sftp();
    await sftp.mkdirp(`${remote}/files`);
    await sftp.writeFile(`${remote}/remediation.sh`, exported.script, 0o755);
    for (const file of exported.files) {
      const target = `${remote}/${file.path}`;
      await sftp.mkdirp(target.slice(0, target.lastIndexOf('/')));
      await sftp.writeFile(target, readFileSync(join(exported.folder, file.path)));
    }
    try {
      const dry = await host.exec(`taskset -c 0 nice -n 10 sh ${remote}/remediation.sh --dry-run`, { timeoutMs: 30_000 });
      assert.equal(dry.exitCode, 0, dry.stderr);
      assert.match(dry.stdout, /new file: \/etc\/default\/grub\.d\/60-mxrc-rt\.cfg/);
      assert.match(dry.stdout, /new file: \/etc\/sysctl\.d\/60-mxrc-rt\.conf\n\+ .*\n(\+ .*\n)*\+ kernel\.sched_rt_runtime_us = -1/);
      assert.match(dry.stdout, /Dry run: nothing changed\./);
    } finally {
      await host.exec(`rm -rf ${remote}`);
    }
    assert.equal((await host.exec('cat /etc/default/irqbalance; ls /etc/default/grub.d /etc/sysctl.d 2>&1')).stdout, before);
  });

  test('export remediation diffs against the file the controller has now', async () => {
    const ctl = await a.add('systemd', { label: 'systemd for the diff' });
    const host = a.app.connections.hostFor(ctl);
    const file = '/etc/sysctl.d/60-mxrc-rt.conf';
    const had = await host.exec(`test -e ${file} && echo yes || echo no`);
    assert.equal(had.stdout.trim(), 'no', `${file} must not exist on the lab controller before this test`);
    await host.exec(`sudo -n sh -c 'printf "# an older tuning\\nkernel.timer_migration = 1\\n" > ${file}'`);
    try {
      const { runId } = await a.runAndWait(ctl, { only: ['S01', 'S03'] });
      const exported = await a.client.checks.exportRemediation(runId);
      const sysctl = exported.files.find((f) => f.target === file);
      assert.equal(sysctl?.state, 'changed');
      assert.match(sysctl.diff, /^--- \/etc\/sysctl\.d\/60-mxrc-rt\.conf \(on the controller\)$/m);
      assert.match(sysctl.diff, /^-kernel\.timer_migration = 1$/m);
      assert.match(sysctl.diff, /^\+kernel\.timer_migration = 0$/m);
      assert.match(readFileSync(join(exported.folder, 'changes.diff'), 'utf8'), /^-kernel\.timer_migration = 1$/m);
      assert.equal(exported.currentFilesNote, undefined);
      assert.equal((await host.exec(`cat ${file}`)).stdout, '# an older tuning\nkernel.timer_migration = 1\n', 'the export did not touch it');
    } finally {
      await host.exec(`sudo -n rm -f ${file}`);
    }
  });

  test('one run at a time per controller; cancel stops it and keeps what was measured', async () => {
    const started = await a.client.checks.run(tuned, {});
    await assert.rejects(a.client.checks.run(tuned, {}), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /already running/.test(e.message));
    const current = await a.client.checks.current(tuned);
    assert.equal(current?.runId, started.runId);
    await waitFor(() => a.results.some((r) => r.runId === started.runId), 'a first result');
    assert.equal(await a.client.checks.cancel(started.runId), true);
    const done = a.done.find((d) => d.runId === started.runId);
    assert.equal(done?.status, 'cancelled');
    const stored = await a.client.checks.get(started.runId);
    assert.equal(stored.status, 'cancelled');
    assert.ok(stored.checks.length > 0 && stored.checks.length < catalogue.length, `${stored.checks.length} results kept`);
    assert.equal(await a.client.checks.current(tuned), null);
    assert.equal(await a.client.checks.cancel(started.runId), false);
  });

  test('errors a technician can act on: not connected, unknown check id', async () => {
    const offline = await a.add('tuned', { label: 'tuned, not connected', connect: false });
    await assert.rejects(a.client.checks.run(offline, {}), (e: unknown) => e instanceof AppError && e.code === 'NOT_CONNECTED');
    await assert.rejects(a.client.checks.run(tuned, { only: ['Z99'] }), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /unknown check id Z99/.test(e.message));
    await assert.rejects(a.client.checks.get('20990101-000000-abcdef'), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');
  });

  test('systemd controller: with sudo the root probes run; a user without sudo gets "needs sudo", never a hang', async () => {
    const withSudo = await a.add('systemd');
    const noSudo = await a.add('systemd', { user: lab.users.noSudo.user });
    const only = ['T04', 'B01', 'S01', 'C07', 'D06'];
    const root = await a.runAndWait(withSudo, { only }, 45_000);
    const rootRun = byId((await a.client.checks.get(root.runId)).checks);
    assert.notEqual(rootRun.get('T04')?.skipReason, 'needs sudo', rootRun.get('T04')?.summary);
    assert.match(rootRun.get('T04')?.evidence[0]?.command ?? '', /^taskset -c 0 nice -n 10 sh -c 'sudo -n sh -c /, 'sudo runs pinned too');

    const user = await a.runAndWait(noSudo, { only }, 45_000);
    assert.ok(user.done.at - user.startedAt < 30_000, 'no password prompt to wait for');
    const userRun = byId((await a.client.checks.get(user.runId)).checks);
    for (const id of ['T04', 'B01']) {
      assert.equal(userRun.get(id)?.verdict, 'skip', `${id}: ${userRun.get(id)?.summary}`);
      assert.equal(userRun.get(id)?.skipReason, 'needs sudo');
      assert.match(userRun.get(id)?.summary ?? '', /^needs sudo: /);
      assert.match(userRun.get(id)?.remediation?.steps[0] ?? '', /sudo sh collect\.sh > evidence\.tar\.gz/);
    }
    // The checks that only read what any user may read still decide.
    assert.notEqual(userRun.get('S01')?.verdict, 'skip');
    assert.match(userRun.get('S01')?.summary ?? '', /kernel log needs sudo/);
  });
});
