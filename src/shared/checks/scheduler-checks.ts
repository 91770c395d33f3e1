/** §4 Scheduler and task placement: S01–S09. */
import type { CheckDefinition, Outcome } from './definition';
import type { EvidenceView } from './definition';
import { cmdlineOf, rtProcessOf, sysctlsOf, unitProps, unitState } from './facts';
import type { ResolvedProfile } from './model';
import {
  cmdlineValue,
  cpuListOrNull,
  cpuMaskOrNull,
  cpus,
  grepH,
  intersect,
  isSubset,
  lines,
  listSome,
  parseIsolcpus,
  plural,
  sameSet,
  sysctlNumber,
  valueLines,
} from './parse';
import type { TaskStatus } from './parse-proc';
import { isPerCpuKthreadName, parseProcessSamples, parsePsThreads, parseTaskStatus, systemdCpuSet } from './parse-proc';
import * as P from './probes';
import {
  combine,
  grubRemedy,
  rtCmdlineParam,
  rtUnitRemedy,
  sysctlRemedy,
  systemAffinityRemedy,
  textRemedy,
  tmpfilesRemedy,
  tmpfilesWrite,
} from './remedies';

const isRtClass = (cls: string): boolean => cls === 'FF' || cls === 'RR';

function notRunning(ev: EvidenceView, profile: ResolvedProfile): Outcome {
  return {
    verdict: 'skip',
    skipReason: 'not applicable',
    summary: `RT process not running (${unitState(ev, profile.rtUnit)}); start ${profile.rtUnit} and re-run`,
  };
}

const s01: CheckDefinition = {
  id: 'S01',
  slug: 'sched-rt-throttling',
  title: 'RT throttling disabled',
  group: 'scheduler',
  probes: [P.sysctl],
  optionalProbes: [P.kernelLog, P.fairServer],
  why: 'With the default 950 ms per 1 s budget the kernel stops all RT tasks for 50 ms once they use 95 % of a CPU: 500 missed cycles if the loop ever spins.',
  evaluate(ev, profile) {
    const s = sysctlsOf(ev);
    const runtime = sysctlNumber(s, 'kernel.sched_rt_runtime_us');
    const period = sysctlNumber(s, 'kernel.sched_rt_period_us');
    const log = ev.get(P.kernelLog);
    const throttled = lines(ev.stdout(P.kernelLog)).filter((l) => /RT throttling activated/.test(l));
    const logNote = log?.status === 'needs-sudo' ? 'kernel log needs sudo' : log?.status === 'ok' ? `${plural(throttled.length, 'throttling message')} this boot` : 'kernel log not read';
    const fair = [...grepH(ev.stdout(P.fairServer))].filter(([path]) => profile.rt.some((cpu) => path.includes(`/cpu${cpu}/runtime`)));
    const fairNote = fair.length > 0 ? `; fair_server runtime ${fair.map(([path, v]) => `${/cpu\d+/.exec(path)?.[0] ?? ''}=${v} ns`).join(' ')}` : '';
    const remediation = sysctlRemedy([['kernel.sched_rt_runtime_us', -1]], 'Disable RT throttling (install stalld if the loop may ever spin).');
    if (runtime === undefined) return { verdict: 'error', summary: `kernel.sched_rt_runtime_us unreadable (${s.get('kernel.sched_rt_runtime_us') ?? 'no value'})` };
    const facts = `kernel.sched_rt_runtime_us=${runtime}, sched_rt_period_us=${period ?? '?'}`;
    if (throttled.length > 0) return { verdict: 'fail', summary: `"sched: RT throttling activated" in the kernel log; ${facts}`, remediation };
    if (runtime === -1) return { verdict: 'pass', summary: `${facts}; ${logNote}${fairNote}` };
    return { verdict: 'warn', summary: `${facts}: RT tasks stop after ${runtime} µs of every period; ${logNote}${fairNote}`, remediation };
  },
};

const s02: CheckDefinition = {
  id: 'S02',
  slug: 'sched-sysctls',
  title: 'Scheduler sysctls',
  group: 'scheduler',
  probes: [P.sysctl],
  why: 'schedstats adds accounting to every context switch; a non-default RT period changes the throttling budget.',
  evaluate(ev) {
    const s = sysctlsOf(ev);
    const keys = ['sched_rt_period_us', 'sched_schedstats', 'sched_autogroup_enabled', 'sched_rr_timeslice_ms', 'sched_util_clamp_min_rt_default'];
    const facts = keys.map((key) => `${key}=${s.get(`kernel.${key}`) ?? 'n/a'}`).join(', ');
    const settings: Array<[string, number]> = [];
    if (sysctlNumber(s, 'kernel.sched_schedstats') === 1) settings.push(['kernel.sched_schedstats', 0]);
    const period = sysctlNumber(s, 'kernel.sched_rt_period_us');
    if (period !== undefined && period !== 1_000_000) settings.push(['kernel.sched_rt_period_us', 1_000_000]);
    if (settings.length === 0) return { verdict: 'pass', summary: facts };
    return { verdict: 'warn', summary: facts, remediation: sysctlRemedy(settings, 'Restore the scheduler defaults.') };
  },
};

const s03: CheckDefinition = {
  id: 'S03',
  slug: 'timer-migration',
  title: 'Timer migration off',
  group: 'scheduler',
  probes: [P.sysctl],
  why: 'With timer migration, timers of housekeeping tasks can be queued on idle RT cores and fire there.',
  evaluate(ev) {
    const value = sysctlNumber(sysctlsOf(ev), 'kernel.timer_migration');
    if (value === undefined) return { verdict: 'skip', skipReason: 'not applicable', summary: 'kernel.timer_migration not present in this kernel' };
    if (value === 0) return { verdict: 'pass', summary: 'kernel.timer_migration=0' };
    return { verdict: 'warn', summary: `kernel.timer_migration=${value}`, remediation: sysctlRemedy([['kernel.timer_migration', 0]], 'Keep timers on the CPU that armed them.') };
  },
};

const s04: CheckDefinition = {
  id: 'S04',
  slug: 'rt-process-placement',
  title: 'RT loop scheduled as designed',
  group: 'scheduler',
  probes: [P.rtProcess],
  optionalProbes: [P.units],
  why: 'The loop meets 100 µs only as SCHED_FIFO at its design priority, alone on the isolated cores; on a housekeeping core or as SCHED_OTHER it competes with everything else.',
  evaluate(ev, profile) {
    const proc = rtProcessOf(ev);
    if (proc.pid === null) return notRunning(ev, profile);
    const allowed = new Map(proc.tasks.map((t) => [t.tid, t.allowed] as const));
    const name = proc.status.get('Name') ?? proc.threads[0]?.comm ?? '?';
    const rtThreads = proc.threads.filter((t) => isRtClass(t.cls));
    const others = proc.threads.filter((t) => !isRtClass(t.cls));
    const remediation = rtUnitRemedy(profile, `Run ${profile.rtUnit} as SCHED_FIFO ${profile.rtPrio} on CPUs ${profile.rtList}.`);
    const head = `${name} pid ${proc.pid}`;
    if (rtThreads.length === 0) {
      return { verdict: 'fail', summary: `${head}: no SCHED_FIFO thread (${plural(proc.threads.length, 'thread')}, classes ${[...new Set(proc.threads.map((t) => t.cls))].join(',') || '?'})`, remediation };
    }
    const fails: string[] = [];
    const warns: string[] = [];
    for (const t of rtThreads) {
      const list = allowed.get(t.tid) ?? null;
      const label = `${t.comm}/${t.tid}`;
      if (list && !isSubset(list, profile.rt)) fails.push(`${label} allowed on ${cpus(list)}`);
      if ((t.rtprio ?? 0) >= 99) fails.push(`${label} at priority ${t.rtprio} (reserved)`);
      else if (t.rtprio !== profile.rtPrio) warns.push(`${label} at priority ${t.rtprio ?? '?'}, expected ${profile.rtPrio}`);
      if (t.cls === 'RR') warns.push(`${label} is SCHED_RR`);
      if (!profile.rt.includes(t.psr)) warns.push(`${label} last ran on CPU ${t.psr}`);
    }
    const otherAllowed = [...new Set(others.flatMap((t) => allowed.get(t.tid) ?? []))].sort((a, b) => a - b);
    if (others.length > 0 && !isSubset(otherAllowed, profile.hk)) warns.push(`${plural(others.length, 'non-RT thread')} allowed on ${cpus(otherAllowed)}`);
    const rtText = listSome(rtThreads.map((t) => `${t.comm}/${t.tid} ${t.cls} ${t.rtprio ?? '-'} on CPU ${t.psr} (allowed ${cpus(allowed.get(t.tid) ?? [])})`), 3);
    const summary = `${head}: ${rtText}; ${plural(others.length, 'other thread')}${others.length > 0 ? ` on ${cpus(otherAllowed)}` : ''}`;
    if (fails.length > 0) return { verdict: 'fail', summary: `${head}: ${fails.join('; ')}`, remediation };
    if (warns.length > 0) return { verdict: 'warn', summary: `${head}: ${warns.join('; ')}`, remediation };
    return { verdict: 'pass', summary };
  },
};

const s05: CheckDefinition = {
  id: 'S05',
  slug: 'rt-process-preemption',
  title: 'RT loop not preempted, no page faults',
  group: 'scheduler',
  probes: [P.rtProcess10s],
  optionalProbes: [P.units],
  why: 'Involuntary switches mean another thread takes the RT core mid-cycle; a major page fault stalls the loop for a disk access (ms).',
  evaluate(ev, profile) {
    const { pid, samples } = parseProcessSamples(ev.stdout(P.rtProcess10s));
    if (pid === null) return notRunning(ev, profile);
    const [first, second] = samples;
    if (!first || !second) return { verdict: 'error', summary: `pid ${pid}: ${samples.length} of 2 samples (process exited during sampling?)` };
    const seconds = first.at !== undefined && second.at !== undefined && second.at > first.at ? second.at - first.at : 10;
    const rt = second.faults.filter((t) => isRtClass(t.cls));
    if (rt.length === 0) return { verdict: 'skip', skipReason: 'not applicable', summary: `pid ${pid} has no SCHED_FIFO thread (see S04)` };
    const byTid = (list: TaskStatus[], tid: number): TaskStatus | undefined => list.find((t) => t.tid === tid);
    const expected = 1e6 / profile.cycleUs;
    let majors = 0;
    let minors = 0;
    let worstNonvol = 0;
    const parts: string[] = [];
    for (const t of rt) {
      const before = first.faults.find((f) => f.tid === t.tid);
      const a = byTid(first.tasks, t.tid);
      const b = byTid(second.tasks, t.tid);
      const nonvol = ((b?.nonvoluntary ?? 0) - (a?.nonvoluntary ?? 0)) / seconds;
      const vol = ((b?.voluntary ?? 0) - (a?.voluntary ?? 0)) / seconds;
      const dMaj = t.majFlt - (before?.majFlt ?? t.majFlt);
      const dMin = t.minFlt - (before?.minFlt ?? t.minFlt);
      majors += dMaj;
      minors += dMin;
      worstNonvol = Math.max(worstNonvol, nonvol);
      parts.push(`tid ${t.tid}: ${nonvol.toFixed(1)} involuntary/s, ${Math.round(vol)} voluntary/s (expected ~${Math.round(expected)}), Δmin_flt ${dMin}, Δmaj_flt ${dMaj}`);
    }
    const summary = `pid ${pid} over ${seconds.toFixed(1)} s: ${listSome(parts, 2)}`;
    if (majors > 0) {
      return {
        verdict: 'fail',
        summary,
        remediation: combine(
          'The RT path pages: call mlockall(MCL_CURRENT|MCL_FUTURE) at start-up and allow it with LimitMEMLOCK=infinity (M03/M04).',
          rtUnitRemedy(profile, ''),
        ),
      };
    }
    if (worstNonvol > profile.thresholds.nonvoluntaryPerSec || minors > 0) {
      return {
        verdict: 'warn',
        summary,
        remediation: textRemedy(
          worstNonvol > profile.thresholds.nonvoluntaryPerSec
            ? 'Another thread shares the RT core: fix isolation and placement (K03, S06) and priorities (S04).'
            : 'Minor faults in steady state: pre-fault and lock all memory before the loop starts (mlockall, touch stacks and heap).',
        ),
      };
    }
    return { verdict: 'pass', summary };
  },
};

interface Occupancy {
  rtProcess: string[];
  perCpu: string[];
  irqThreads: string[];
  unbound: string[];
  userAllowed: string[];
  userRunning: string[];
  rtCompetitors: string[];
}

function occupancy(ev: EvidenceView, profile: ResolvedProfile): Occupancy {
  const ps = new Map(parsePsThreads(ev.stdout(P.threads)).map((t) => [t.tid, t] as const));
  const tasks = parseTaskStatus(ev.stdout(P.threadStatus));
  const rtPid = ev.usable(P.rtProcess) ? rtProcessOf(ev).pid : null;
  const occ: Occupancy = { rtProcess: [], perCpu: [], irqThreads: [], unbound: [], userAllowed: [], userRunning: [], rtCompetitors: [] };
  for (const task of tasks) {
    const thread = ps.get(task.tid);
    const onRt = task.allowed !== null && intersect(task.allowed, profile.rt).length > 0;
    const runningOnRt = thread !== undefined && profile.rt.includes(thread.psr);
    if (!onRt && !runningOnRt) continue;
    const label = `${task.name} (${cpus(task.allowed ?? [])})`;
    if (rtPid !== null && task.tgid === rtPid) {
      occ.rtProcess.push(label);
    } else if (task.kthread) {
      if (isPerCpuKthreadName(task.name) && (task.allowed?.length ?? 1) === 1) occ.perCpu.push(task.name);
      else if (task.name.startsWith('irq/')) {
        if (!(profile.ecatIf && task.name.includes(profile.ecatIf.slice(0, 8)))) occ.irqThreads.push(label);
      } else occ.unbound.push(label);
    } else {
      if (thread && isRtClass(thread.cls) && (thread.rtprio ?? 0) >= profile.rtPrio) occ.rtCompetitors.push(`${label} ${thread.cls} ${thread.rtprio}`);
      else if (runningOnRt) occ.userRunning.push(label);
      else occ.userAllowed.push(label);
    }
  }
  return occ;
}

const s06: CheckDefinition = {
  id: 'S06',
  slug: 'isolated-cpu-occupancy',
  title: 'Nothing else runs on the RT cores',
  group: 'scheduler',
  probes: [P.threads, P.threadStatus],
  optionalProbes: [P.rtProcess],
  why: 'Every other thread that can run on an RT core can delay the loop by its whole time slice; same-priority FIFO threads can block it outright.',
  evaluate(ev, profile) {
    const occ = occupancy(ev, profile);
    const distinct = (items: string[]): string[] => [...new Set(items)];
    const parts = [
      plural(occ.rtProcess.length, 'RT-process thread'),
      plural(occ.perCpu.length, 'per-CPU kthread'),
      occ.unbound.length ? `${plural(occ.unbound.length, 'unbound kthread')} (${listSome(distinct(occ.unbound), 3)})` : '',
      occ.irqThreads.length ? `${plural(occ.irqThreads.length, 'IRQ thread')} (${listSome(distinct(occ.irqThreads), 3)})` : '',
      occ.userRunning.length ? `${plural(occ.userRunning.length, 'user thread')} running there (${listSome(distinct(occ.userRunning), 3)})` : '',
      occ.userAllowed.length ? `${plural(occ.userAllowed.length, 'user thread')} allowed (${listSome(distinct(occ.userAllowed), 3)})` : '',
      occ.rtCompetitors.length ? `RT threads at ≥ ${profile.rtPrio}: ${listSome(distinct(occ.rtCompetitors), 3)}` : '',
    ].filter((p) => p !== '');
    const summary = `on CPUs ${profile.rtList}: ${parts.join(', ')}`;
    const remediation = combine(
      `Keep everything but the RT loop and per-CPU kthreads off CPUs ${profile.rtList} (isolcpus, systemd CPUAffinity; at runtime: tuna --cpus=${profile.rtList} --isolate).`,
      grubRemedy([rtCmdlineParam(profile, 'isolcpus')], ''),
      systemAffinityRemedy(profile, ''),
    );
    if (occ.userRunning.length > 0 || occ.rtCompetitors.length > 0) return { verdict: 'fail', summary, remediation };
    if (occ.unbound.length > 0 || occ.irqThreads.length > 0 || occ.userAllowed.length > 0) return { verdict: 'warn', summary, remediation };
    return { verdict: 'pass', summary };
  },
};

const s07: CheckDefinition = {
  id: 'S07',
  slug: 'kthread-placement',
  title: 'Unbound kernel threads on housekeeping cores',
  group: 'scheduler',
  probes: [P.threadStatus],
  why: 'Unbound kthreads (kworker/u*, kcompactd, khugepaged) do bursts of work wherever they are allowed, including the RT cores.',
  evaluate(ev, profile) {
    const unbound = parseTaskStatus(ev.stdout(P.threadStatus)).filter((t) => t.kthread && !isPerCpuKthreadName(t.name));
    const offenders = unbound.filter((t) => t.allowed !== null && !isSubset(t.allowed, profile.hk));
    if (unbound.length === 0) return { verdict: 'pass', summary: 'no unbound kernel threads listed' };
    if (offenders.length === 0) return { verdict: 'pass', summary: `${plural(unbound.length, 'unbound kthread')}, all on CPUs ${profile.hkList}` };
    const names = [...new Set(offenders.map((t) => `${t.name} (${cpus(t.allowed ?? [])})`))];
    return {
      verdict: 'warn',
      summary: `${offenders.length} of ${plural(unbound.length, 'unbound kthread')} allowed beyond housekeeping ${profile.hkList}: ${listSome(names)}`,
      remediation: grubRemedy([rtCmdlineParam(profile, 'isolcpus')], 'isolcpus=domain keeps unbound kthreads on the housekeeping cores.'),
    };
  },
};

const s08: CheckDefinition = {
  id: 'S08',
  slug: 'workqueue-cpumask',
  title: 'Unbound workqueues off the RT cores',
  group: 'scheduler',
  probes: [P.workqueue],
  why: 'Unbound workqueue items (writeback, crypto, …) run on any CPU of the mask; on an RT core they preempt nothing but delay everything the loop waits for, and kworkers at the same CPU steal cycles.',
  evaluate(ev, profile) {
    const text = ev.text(P.workqueue);
    const map = grepH(text);
    if (map.size === 0) {
      // collect.sh format: plain values of the global and the writeback mask.
      const [globalValue, writebackValue] = valueLines(text);
      if (globalValue !== undefined) map.set('/sys/devices/virtual/workqueue/cpumask', globalValue);
      if (writebackValue !== undefined) map.set('/sys/devices/virtual/workqueue/writeback/cpumask', writebackValue);
    }
    const globalPath = '/sys/devices/virtual/workqueue/cpumask';
    const global = map.get(globalPath);
    if (global === undefined) return { verdict: 'skip', skipReason: 'not applicable', summary: 'no /sys/devices/virtual/workqueue/cpumask in this kernel' };
    const offenders: string[] = [];
    const entries: string[] = [];
    const globalCpus = cpuMaskOrNull(global) ?? [];
    const globalRt = intersect(globalCpus, profile.rt);
    for (const [path, value] of map) {
      if (path === globalPath) continue;
      const name = /workqueue\/([^/]+)\/cpumask$/.exec(path)?.[1] ?? path;
      if (intersect(cpuMaskOrNull(value) ?? [], profile.rt).length > 0) {
        offenders.push(`${name}=${value}`);
        entries.push(tmpfilesWrite(path.replace('/sys/bus/workqueue/devices/', '/sys/devices/virtual/workqueue/'), profile.hkMask));
      }
    }
    const facts = `workqueue cpumask=${global} (CPUs ${cpus(globalCpus)})${map.size > 1 ? `, ${plural(map.size - 1, 'per-queue mask')}` : ''}`;
    const remediation = tmpfilesRemedy(
      [
        tmpfilesWrite(globalPath, profile.hkMask),
        tmpfilesWrite('/sys/devices/virtual/workqueue/writeback/cpumask', profile.hkMask),
        ...entries,
      ],
      `Restrict unbound workqueues to CPUs ${profile.hkList} (mask ${profile.hkMask}); on 6.6+ kernels workqueue.unbound_cpus=${profile.hkList} on the command line does the same.`,
    );
    if (globalRt.length > 0) return { verdict: 'fail', summary: `${facts} includes RT CPU ${cpus(globalRt)}`, remediation };
    if (offenders.length > 0) return { verdict: 'warn', summary: `${facts}; on RT CPUs: ${listSome(offenders)}`, remediation };
    return { verdict: 'pass', summary: `${facts}; none on CPUs ${profile.rtList}` };
  },
};

const s09: CheckDefinition = {
  id: 'S09',
  slug: 'systemd-default-affinity',
  title: 'systemd starts services on housekeeping cores',
  group: 'scheduler',
  probes: [P.pid1Affinity],
  optionalProbes: [P.systemConf, P.procCmdline, P.units],
  why: 'Every service inherits PID 1’s affinity; without a housekeeping default, daemons and containers start on the RT cores.',
  evaluate(ev, profile) {
    const pid1 = /Cpus_allowed_list:\s*(\S+)/.exec(ev.text(P.pid1Affinity))?.[1];
    if (pid1 === undefined) return { verdict: 'error', summary: 'cannot read Cpus_allowed_list of PID 1' };
    const pid1Cpus = cpuListOrNull(pid1) ?? [];
    const conf = /^\s*CPUAffinity=(.*)$/m.exec(ev.stdout(P.systemConf))?.[1]?.trim();
    const isolcpus = cmdlineValue(cmdlineOf(ev), 'isolcpus');
    const domain = isolcpus !== undefined && parseIsolcpus(isolcpus).flags.includes('domain');
    const facts = `PID 1 Cpus_allowed_list=${pid1}; system.conf CPUAffinity=${conf ?? 'unset'}`;
    const remediation = systemAffinityRemedy(profile, `Start every service on CPUs ${profile.hkList} by default.`);
    if (intersect(pid1Cpus, profile.rt).length > 0) return { verdict: 'warn', summary: `${facts}: services may start on RT CPUs`, remediation };
    const rtUnit = unitProps(ev, profile.rtUnit);
    if (rtUnit?.get('LoadState') === 'loaded' && systemdCpuSet(rtUnit.get('CPUAffinity')) === null) {
      return {
        verdict: 'warn',
        summary: `${facts}; ${profile.rtUnit} has no CPUAffinity= and inherits ${pid1}`,
        remediation: rtUnitRemedy(profile, `Give ${profile.rtUnit} its RT cores.`),
      };
    }
    if (sameSet(pid1Cpus, profile.hk) && conf !== undefined) return { verdict: 'pass', summary: facts };
    const why = domain ? ' (isolcpus=domain keeps new tasks off the RT CPUs)' : '';
    return { verdict: 'pass', summary: `${facts}${why}` };
  },
};

export const schedulerChecks: CheckDefinition[] = [s01, s02, s03, s04, s05, s06, s07, s08, s09];
