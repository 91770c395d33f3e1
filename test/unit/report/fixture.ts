/**
 * A controller with two stored visits, written through the real ResultsStore (and the Deploy history folder) the
 * way the services store them: check runs with probe evidence, latency runs with histograms, deployments and an
 * acceptance probe. Between the visits the kernel command line, a sysctl, a check verdict, a unit, the WebAPI
 * image and the latency changed — what the drift audit must find.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ResultsStore } from '../../../src/main/services/store/results-store';
import type { CheckResult } from '../../../src/shared/checks/model';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import * as P from '../../../src/shared/checks/probes';
import type { CyclictestResult } from '../../../src/shared/latency';
import { compareToBaseline, latencyThresholdsForCycle } from '../../../src/shared/latency';
import type { CheckRunRecord } from '../../../src/shared/model/checks';
import { countVerdicts, runVerdict } from '../../../src/shared/model/checks';
import type { DeploymentRecord, ProbeResult } from '../../../src/shared/model/deploy';
import type { LatencyRunRecord } from '../../../src/shared/model/latency';
import { onHousekeeping, withSudo } from '../../../src/shared/remote-command';

export const controllerKey = '10.0.0.5:22';
export const visits = ['2026-11-20', '2026-11-27'] as const;

interface VisitSpec {
  cmdline: string;
  timerMigration: string;
  rtActive: string;
  k03: 'pass' | 'fail';
  digest: string;
  maxUs: number;
}

const spec: Record<(typeof visits)[number], VisitSpec> = {
  '2026-11-20': { cmdline: 'BOOT_IMAGE=/vmlinuz-6.1.0-rt root=/dev/sda1 ro quiet nohz_full=2,3', timerMigration: '1', rtActive: 'inactive', k03: 'fail', digest: 'sha256:' + 'a'.repeat(64), maxUs: 18 },
  '2026-11-27': { cmdline: 'BOOT_IMAGE=/vmlinuz-6.1.0-rt root=/dev/sda1 ro quiet nohz_full=2,3 isolcpus=2,3', timerMigration: '0', rtActive: 'active', k03: 'pass', digest: 'sha256:' + 'b'.repeat(64), maxUs: 25 },
};

/** What the check runner records: the probe wrapped in taskset/nice/sh -c (and sudo for root probes). */
function evidence(probe: { command: string; root: boolean }, stdout: string): CheckResult['evidence'][number] {
  const body = `RT_UNIT=mxrc-rt.service IPC_UNIT=mxrc-ipc.service; ${probe.command}`;
  return { command: onHousekeeping(probe.root ? withSudo(body) : body, '0'), stdout, stderr: '', exitCode: 0 };
}

function checks(s: VisitSpec): CheckResult[] {
  const sysctl = P.sysctlKeys.map((key) => `${key} = ${key === 'kernel.timer_migration' ? s.timerMigration : '0'}`).join('\n') + '\n';
  const units = [
    'Id=docker.service\nLoadState=loaded\nActiveState=active\nCPUAffinity=0-1',
    `Id=mxrc-rt.service\nLoadState=loaded\nActiveState=${s.rtActive}\nCPUAffinity=2-3\nCPUSchedulingPolicy=fifo\nCPUSchedulingPriority=80`,
    'Id=irqbalance.service\nLoadState=not-found\nActiveState=inactive',
  ].join('\n\n') + '\n';
  const dmi = '/sys/class/dmi/id/sys_vendor:Advantech\n/sys/class/dmi/id/product_name:MIC-770 V2\n/proc/cpuinfo:model name\t: Intel(R) Core(TM) i7-9700E CPU @ 2.60GHz\n';
  const base = { evidence: [], remediation: null };
  return [
    { ...base, id: 'K01', slug: 'preempt-rt', title: 'PREEMPT_RT kernel', group: 'kernel', verdict: 'pass', summary: '6.1.0-rt PREEMPT_RT', evidence: [evidence(P.uname, '6.1.0-rt\n#1 SMP PREEMPT_RT\n')] },
    { ...base, id: 'K03', slug: 'isolcpus', title: 'RT cores isolated', group: 'kernel', verdict: s.k03, summary: s.k03 === 'pass' ? 'isolcpus=2,3' : 'isolcpus missing for RT cores 2,3', evidence: [evidence(P.procCmdline, `${s.cmdline}\n`), evidence(P.cpuIsolated, s.k03 === 'pass' ? '2-3\n' : '\n')] },
    { ...base, id: 'S02', slug: 'sysctl', title: 'Scheduler sysctls', group: 'scheduler', verdict: 'warn', summary: `kernel.timer_migration=${s.timerMigration}`, evidence: [evidence(P.sysctl, sysctl)] },
    { ...base, id: 'D02', slug: 'docker-pinned', title: 'Docker on housekeeping cores', group: 'docker', verdict: 'pass', summary: 'docker.service CPUAffinity=0-1', evidence: [evidence(P.units, units)] },
    { ...base, id: 'B02', slug: 'platform-inventory', title: 'Platform inventory (recorded)', group: 'platform', verdict: 'pass', summary: 'Advantech MIC-770 V2', evidence: [evidence(P.dmi, dmi)] },
    { ...base, id: 'T01', slug: 'clocksource', title: 'Clock source', group: 'time', verdict: 'skip', summary: 'not applicable', skipReason: 'not applicable', evidence: [] },
  ];
}

function checkRecord(visit: string, s: VisitSpec, at: string): CheckRunRecord {
  const results = checks(s);
  return {
    runId: '',
    controller: controllerKey,
    controllerName: controllerKey,
    visit,
    source: 'live',
    status: 'finished',
    startedAt: at,
    finishedAt: at,
    profile: checkProfileSchema.parse({}),
    only: [],
    planned: results.map((r) => r.id),
    checks: results,
    carried: [],
    facts: { hostname: 'cell3-ctl', kernelRelease: '6.1.0-rt', kernelVersion: '#1 SMP PREEMPT_RT', uid: 1000 },
    counts: countVerdicts(results),
    warnings: [],
  };
}

export function cyclictest(maxUs: number, cpus: number[] = [2, 3]): CyclictestResult {
  return {
    tool: 'cyclictest',
    command: 'cyclictest -m -p80 -a 2,3 -t 2 -i 100 -h 400 -D 60 -q',
    threads: cpus.length,
    format: 'histogram',
    unit: 'us',
    cpus: cpus.map((cpu, thread) => {
      const histogram: Record<string, number> = { '2': 1000, '3': 500_000, '4': 90_000, '5': 8000, '6': 1500, '8': 300, '10': 40, '14': 5 };
      histogram[String(maxUs - thread)] = 1;
      const samples = Object.values(histogram).reduce((a, b) => a + b, 0);
      return { thread, cpu, samples, min: 2, avg: 3.2, max: maxUs - thread, p99: 5, p999: 8, p9999: 10, overflows: 0, histogram, bucketCount: 400, intervalUs: 100 };
    }),
  };
}

export function latencyRecord(maxUs: number, at: string, opts: { isBaseline?: boolean; baseline?: CyclictestResult } = {}): LatencyRunRecord {
  const result = cyclictest(maxUs);
  return {
    runId: `run-${at}`,
    controllerId: controllerKey,
    origin: 'cli',
    launcher: 'systemd-run',
    unit: 'mxrc-latency-x',
    runDir: '/var/lib/mxrc-commissioning/runs/x',
    startedAt: at,
    endedAt: at,
    status: 'finished',
    settings: {
      preset: 'quick',
      kind: 'idle',
      durationS: 60,
      intervalUs: 100,
      priority: 80,
      histogramUs: 400,
      load: false,
      rtCores: '2,3',
      housekeepingCores: '0,1',
      defaultSystem: false,
      rtla: false,
      cycleUs: 100,
      thresholds: latencyThresholdsForCycle(100),
      maxIncreasePct: 5,
      spreadTolerancePct: 20,
      rtUnit: 'mxrc-rt.service',
      stopRtService: false,
    },
    commands: { cyclictest: result.command ?? '', load: null, rtla: null },
    durationS: 60,
    result,
    evaluation: { verdict: maxUs <= 20 ? 'pass' : 'warn', reasons: maxUs <= 20 ? [] : [`max ${maxUs} µs is above the pass limit 20 µs`] },
    verdict: maxUs <= 20 ? 'pass' : 'warn',
    error: null,
    series: [],
    rtla: { status: 'skipped', reason: 'not asked' },
    rtService: null,
    comparison: opts.baseline ? { baseline: null, baselineFile: '/tmp/baseline.json', baselineStartedAt: null, result: compareToBaseline(opts.baseline, result) } : null,
    isBaseline: opts.isBaseline ?? false,
    cyclictestExit: 0,
    loadExit: null,
  };
}

export function deployment(kind: 'webapi' | 'services', at: string, digest: string): DeploymentRecord {
  const base = { id: `dep-${kind}-${at.slice(0, 10)}`, kind, controllerId: controllerKey, startedAt: at, finishedAt: at, result: 'deployed' as const, by: 'tech@laptop', toolVersion: '0.1.0' };
  if (kind === 'webapi') {
    return {
      ...base,
      webapi: {
        containerName: 'mxrc-webapi',
        image: 'mxrc-webapi:1.4',
        imageDigest: digest,
        archive: { path: '/tmp/webapi.tar', size: 1000, sha256: 'c'.repeat(64) },
        composeHash: 'd'.repeat(64),
        cpuset: '0,1',
        healthUrl: 'http://localhost:8080/api/health/live',
        health: [],
        probe: probe(3.2, at),
      },
    };
  }
  return {
    ...base,
    services: {
      units: ['mxrc-rt.service', 'mxrc-nonrt.service'],
      artifacts: [{ name: 'mxrc-rt', path: '/opt/mxrc/bin/mxrc-rt', sha256: 'e'.repeat(64), size: 12345 }],
      states: [{ unit: 'mxrc-rt.service', loadState: 'loaded', activeState: 'active', subState: 'running', unitFileState: 'enabled', mainPid: 42, execMainStatus: 0, execMainCode: 0, nRestarts: 0, result: 'success' }],
      rt: { unit: 'mxrc-rt.service', pid: 42, pass: true, evidence: '', checks: [{ name: 'policy', expected: 'SCHED_FIFO', observed: 'SCHED_FIFO', pass: true }] },
    },
  };
}

export function probe(p99Ms: number, _at: string): ProbeResult {
  return { url: 'http://localhost:8080/api/health/live', count: 200, ok: 200, failed: 0, p50Ms: 1.1, p99Ms, maxMs: p99Ms + 1, thresholdMs: 10, pass: p99Ms < 10, via: 'controller' };
}

/** Writes the two visits into `<dataDir>/results` (+ one deployment in `<dataDir>/deployments`). */
export async function writeTwoVisits(dataDir: string): Promise<ResultsStore> {
  let clock = new Date('2026-11-20T09:00:00Z');
  const store = new ResultsStore(join(dataDir, 'results'), () => clock);
  for (const visit of visits) {
    const s = spec[visit];
    const day = `${visit}T`;
    clock = new Date(`${day}09:00:00Z`);
    const record = checkRecord(visit, s, clock.toISOString());
    const stored = await store.save({ controller: controllerKey, visit, kind: 'check-run', title: 'checks', verdict: runVerdict(record.counts), data: record });
    await store.update(stored, { data: { ...record, runId: stored.id } });
    clock = new Date(`${day}10:00:00Z`);
    const baseline = latencyRecord(s.maxUs, clock.toISOString(), { isBaseline: visit === '2026-11-20' });
    await store.save({ controller: controllerKey, visit, kind: 'latency-run', title: `max ${s.maxUs} µs`, verdict: baseline.verdict === 'error' ? 'error' : baseline.verdict, data: baseline });
    clock = new Date(`${day}11:00:00Z`);
    await store.save({ controller: controllerKey, visit, kind: 'deployment', title: 'services', verdict: 'pass', data: deployment('services', clock.toISOString(), s.digest) });
    clock = new Date(`${day}11:30:00Z`);
    if (visit === '2026-11-20') {
      // The first visit's WebAPI deployment sits in the Deploy screen's own history folder (not the results store).
      const dir = join(dataDir, 'deployments', controllerKey.replace(/[^A-Za-z0-9._-]/g, '_'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'webapi.json'), JSON.stringify(deployment('webapi', clock.toISOString(), s.digest)));
    } else {
      await store.save({ controller: controllerKey, visit, kind: 'deployment', title: 'webapi', verdict: 'pass', data: deployment('webapi', clock.toISOString(), s.digest) });
    }
    clock = new Date(`${day}12:00:00Z`);
    const after = latencyRecord(s.maxUs + 1, clock.toISOString(), { baseline: baseline.result ?? undefined });
    await store.save({ controller: controllerKey, visit, kind: 'latency-run', title: `max ${s.maxUs + 1} µs`, verdict: after.verdict === 'error' ? 'error' : after.verdict, data: after });
    clock = new Date(`${day}12:30:00Z`);
    await store.save({ controller: controllerKey, visit, kind: 'probe', title: 'probe', verdict: 'pass', data: probe(2.4, clock.toISOString()) });
  }
  return store;
}
