/** Shared by the checks lab tests: the app on a temporary data dir with the lab's controllers saved and trusted. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import type { Composition } from '../../src/main/composition';
import { catalogue } from '../../src/shared/checks/catalogue';
import type { CheckResult } from '../../src/shared/checks/model';
import type { CheckDoneEvent, CheckResultEvent } from '../../src/shared/model/checks';
import type { AppClient } from '../../src/shared/rpc';
import type { Lab } from '../support/lab';
import { waitFor } from '../support/wait-for';
import { openLabApp, addLabController } from '../support/lab-app';

export interface ChecksApp {
  app: Composition;
  client: AppClient;
  dataDir: string;
  results: Array<CheckResultEvent & { at: number }>;
  done: Array<CheckDoneEvent & { at: number }>;
  /** Saves (and connects) a lab controller; returns its profile id. */
  add(name: 'tuned' | 'untuned' | 'systemd', opts?: { user?: string; label?: string; connect?: boolean }): Promise<string>;
  /** Starts a run and waits for its `checks.done`. */
  runAndWait(controllerId: string, request?: { only?: string[]; baseRunId?: string }, timeoutMs?: number): Promise<{ runId: string; done: CheckDoneEvent & { at: number }; events: Array<CheckResultEvent & { at: number }>; startedAt: number }>;
  close(): Promise<void>;
}

export function openChecksApp(lab: Lab, prefix: string): ChecksApp {
  const { app, client, dataDir } = openLabApp(lab, prefix);
  const out: ChecksApp = {
    app,
    client,
    dataDir,
    results: [],
    done: [],
    add: (name, opts = {}) =>
      addLabController(client, lab, name, { name: opts.label ?? `lab ${name}${opts.user ? ` as ${opts.user}` : ''}`, ...(opts.user ? { user: opts.user } : {}) }, opts),
    async runAndWait(controllerId, request = {}, timeoutMs = 60_000) {
      const startedAt = Date.now();
      const run = await client.checks.run(controllerId, request);
      await waitFor(() => out.done.some((d) => d.runId === run.runId), `checks.done of ${run.runId}`, timeoutMs);
      const done = out.done.find((d) => d.runId === run.runId) as CheckDoneEvent & { at: number };
      return { runId: run.runId, done, events: out.results.filter((e) => e.runId === run.runId), startedAt };
    },
    async close() {
      await app.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  client.on('checks.result', (event) => out.results.push({ ...event, at: Date.now() }));
  client.on('checks.done', (event) => out.done.push({ ...event, at: Date.now() }));
  return out;
}

export function byId(results: readonly CheckResult[]): Map<string, CheckResult> {
  return new Map(results.map((r) => [r.id, r] as const));
}

/**
 * What the fake controllers cannot fake (test/lab/profiles/README.md "What cannot be faked"), with the verdicts
 * those checks may show there. Everything else must pass on `tuned`.
 */
export const notFakeable: Record<string, { verdicts: CheckResult['verdict'][]; why: string }> = {
  S04: { verdicts: ['skip'], why: 'no RT process on the fakes' },
  S05: { verdicts: ['skip'], why: 'no RT process on the fakes' },
  M03: { verdicts: ['skip'], why: 'no RT process on the fakes' },
  M04: { verdicts: ['skip'], why: 'no RT process on the fakes' },
  M05: { verdicts: ['skip'], why: 'no RT process on the fakes' },
  S06: { verdicts: ['fail', 'warn'], why: "the host's own processes are visible and allowed on CPU 1" },
  S07: { verdicts: ['warn', 'pass'], why: "the host's unbound kthreads" },
  S09: { verdicts: ['warn'], why: "the host's PID 1 affinity" },
  I05: { verdicts: ['skip'], why: 'no fieldbus NIC on the lab machine' },
  I06: { verdicts: ['skip'], why: 'no fieldbus NIC on the lab machine' },
  T03: { verdicts: ['skip'], why: 'no systemd inside the fakes' },
  T04: { verdicts: ['skip'], why: 'the kernel log needs sudo, which the fakes do not give' },
  B01: { verdicts: ['skip'], why: 'root-only probe, no sudo on the fakes' },
  D01: { verdicts: ['warn', 'skip'], why: "dockerd is the lab engine's (cgroupfs driver)" },
  D02: { verdicts: ['fail', 'skip'], why: "the lab engine's daemons run on every CPU" },
  D03: { verdicts: ['skip'], why: 'no WebAPI container deployed on the fakes' },
  D04: { verdicts: ['skip'], why: 'no WebAPI container deployed on the fakes' },
  D05: { verdicts: ['skip'], why: 'no MXRC services on the fakes' },
  D06: { verdicts: ['skip'], why: 'no systemd-journald inside the fakes' },
  D07: { verdicts: ['skip'], why: 'no IPC server on the fakes' },
};

/**
 * Probes whose output legitimately changes between two runs a few seconds apart on the shared lab, and why.
 * A check whose evidence (stdout and stderr of every probe) is the same in the bundle and the live run must have
 * the same verdict and the same summary; a check whose evidence differs must owe that to one of these.
 */
const volatileProbes: Record<string, string> = {
  'interrupts-10s': 'a 10 s sample of /proc/interrupts: counts and the exact window move (static on the fakes)',
  interrupts: 'interrupt counters keep counting',
  threads: 'process snapshot: the run itself (sshd sessions, collect.sh vs exec channels) and other lab users',
  'thread-status': 'process snapshot, as above',
  'rt-process': 'other lab tests start and stop mxrc-rt.service (cyclictest) on the systemd controller',
  'rt-process-10s': 'as rt-process, plus its context-switch counters move',
  'ipc-process': 'as rt-process',
  'rt-fds': 'as rt-process',
  units: "MainPID/ActiveState of units other lab tests start and stop",
  timesync: 'clock offsets and timestamps change with every reading',
  'kernel-log': 'new kernel messages may arrive in between',
  'journald-suppressed': 'new journal lines may arrive in between',
  'docker-inspect': 'containers of other lab tests come and go',
  'mxrc-dir': 'files under /run/mxrc of other lab tests come and go',
  'mxrc-dir-container': 'as docker-inspect',
  health: "curl's time_total, and WebAPIs of other lab tests",
  'smi-count': 'uptime stamps of the 10 s sample',
  // Privilege, not time: readable by root only; the bundle ran under sudo, the live run reads as the SSH user.
  'idle-params': '/sys/module/processor/parameters/max_cstate is mode 0400',
};

/**
 * stderr without what says only how a probe was run: sudo's refusal (live) vs collect.sh's "needs root" marker
 * (bundle), sudo's complaint about the fakes' unresolvable host names, and the line number sh reports (the live
 * runner's command starts with an `export` line, collect.sh's does not).
 */
function stderrOf(text: string | undefined): string {
  return (text ?? '')
    .split('\n')
    .filter((line) => !/^sudo: /.test(line) && line !== 'needs root: run collect.sh with sudo')
    .map((line) => line.replace(/^sh: \d+: /, 'sh: N: '))
    .join('\n')
    .trim();
}

/** Returns the checks whose evidence moved, for the test's diagnostics. */
export function compareBundleWithLive(controller: string, live: readonly CheckResult[], bundle: readonly CheckResult[]): string[] {
  assert.deepEqual(bundle.map((c) => c.id), live.map((c) => c.id));
  const liveById = byId(live);
  let identical = 0;
  const moved: string[] = [];
  for (const fromBundle of bundle) {
    const fromLive = liveById.get(fromBundle.id);
    const check = catalogue.find((c) => c.id === fromBundle.id);
    assert.ok(fromLive && check);
    const used = [...check.probes, ...(check.optionalProbes ?? [])];
    assert.equal(fromBundle.evidence.length, fromLive.evidence.length, `${controller} ${check.id}: same probes`);
    const differing = used.filter((_p, i) => fromBundle.evidence[i]?.stdout !== fromLive.evidence[i]?.stdout || stderrOf(fromBundle.evidence[i]?.stderr) !== stderrOf(fromLive.evidence[i]?.stderr));
    const what = `${controller} ${check.id}: bundle ${fromBundle.verdict} "${fromBundle.summary}" vs live ${fromLive.verdict} "${fromLive.summary}"`;
    if (differing.length === 0) {
      identical++;
      assert.equal(fromBundle.verdict, fromLive.verdict, what);
      assert.equal(fromBundle.skipReason, fromLive.skipReason, what);
      assert.equal(fromBundle.summary, fromLive.summary, what);
    } else {
      const unexplained = differing.filter((p) => volatileProbes[p.id] === undefined).map((p) => p.id);
      assert.deepEqual(unexplained, [], `${what}: evidence differs in ${differing.map((p) => p.id).join(', ')}`);
      moved.push(`${check.id} (${differing.map((p) => p.id).join(', ')}${fromBundle.verdict === fromLive.verdict ? '' : `; ${fromLive.verdict} → ${fromBundle.verdict}`})`);
    }
  }
  // Most of the catalogue reads configuration that does not move: the comparison must not be vacuous.
  assert.ok(identical >= 35, `${controller}: ${identical} checks with identical evidence`);
  return moved;
}
