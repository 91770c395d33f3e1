/** §6 Memory: M01–M05. */
import type { CheckDefinition, EvidenceView, Outcome } from './definition';
import { rtProcessOf, sysctlsOf, unitProps, unitState } from './facts';
import type { ResolvedProfile } from './model';
import { grepH, lines, plural, sysctlNumber, valueLines } from './parse';
import { CAP_IPC_LOCK, CAP_SYS_NICE, hasCapability, kib } from './parse-proc';
import * as P from './probes';
import { combine, grubRemedy, LIMITS_FILE, rtUnitRemedy, sysctlRemedy, tmpfilesRemedy, tmpfilesWrite } from './remedies';

const m01: CheckDefinition = {
  id: 'M01',
  slug: 'swap',
  title: 'No swap',
  group: 'memory',
  probes: [P.swap],
  optionalProbes: [P.sysctl],
  why: 'The RT pages are locked, but swapping on the housekeeping cores adds I/O and mmap_lock contention that the loop’s threads can wait on.',
  evaluate(ev) {
    const rows = lines(ev.stdout(P.swap))
      .filter((l) => l.trim() !== '' && !l.startsWith('Filename'))
      .map((l) => l.trim().split(/\s+/));
    const swappiness = sysctlsOf(ev).get('vm.swappiness') ?? 'n/a';
    if (rows.length === 0) return { verdict: 'pass', summary: `/proc/swaps empty; vm.swappiness=${swappiness}` };
    const devices = rows.map(([name, type, size, used]) => `${name} ${type} ${size} kB, used ${used} kB`);
    const used = rows.some((r) => Number(r[3] ?? 0) > 0);
    return {
      verdict: 'warn',
      summary: `swap active${used ? ' and in use' : ''}: ${devices.join('; ')}; vm.swappiness=${swappiness}`,
      remediation: combine(
        'Turn swap off and keep it off (or, if it must stay, vm.swappiness = 10).',
        {
          summary: '',
          files: [],
          steps: [
            'swapoff -a',
            'cp -a /etc/fstab "/etc/fstab.mxrc-bak.$(date +%Y%m%d%H%M%S)"',
            `sed -i -E '/^[^#].*[[:space:]]swap[[:space:]]/s/^/#/' /etc/fstab`,
            '# the swap file itself (e.g. /swap.img) can then be deleted',
          ],
        },
      ),
    };
  },
};

function thpValues(ev: EvidenceView): { enabled?: string; defrag?: string; ksm?: string } {
  const map = grepH(ev.stdout(P.thp));
  if (map.size > 0) {
    return {
      enabled: map.get('/sys/kernel/mm/transparent_hugepage/enabled'),
      defrag: map.get('/sys/kernel/mm/transparent_hugepage/defrag'),
      ksm: map.get('/sys/kernel/mm/ksm/run'),
    };
  }
  // collect.sh format: the three values in order.
  const [enabled, defrag, ksm] = valueLines(ev.text(P.thp));
  return { enabled, defrag, ksm };
}

const active = (value: string | undefined): string | undefined => (value === undefined ? undefined : /\[([\w+]+)\]/.exec(value)?.[1] ?? value.trim());

const m02: CheckDefinition = {
  id: 'M02',
  slug: 'thp-ksm-numa',
  title: 'No THP, KSM or NUMA balancing',
  group: 'memory',
  probes: [P.thp, P.sysctl],
  optionalProbes: [P.numaNodes],
  why: 'khugepaged, compaction, KSM scanning and NUMA hinting faults stall memory access for µs to ms and run on any core.',
  evaluate(ev) {
    const thp = thpValues(ev);
    const enabled = active(thp.enabled);
    const defrag = active(thp.defrag);
    const s = sysctlsOf(ev);
    const numa = sysctlNumber(s, 'kernel.numa_balancing');
    const stat = sysctlNumber(s, 'vm.stat_interval');
    const nodes = Math.max(grepH(ev.stdout(P.numaNodes)).size, 1);
    const facts = `THP ${enabled ?? 'n/a'} (defrag ${defrag ?? 'n/a'}), KSM run=${thp.ksm ?? 'n/a'}, kernel.numa_balancing=${numa ?? 'n/a'} (${plural(nodes, 'node')}), vm.stat_interval=${stat ?? 'n/a'}`;
    const remediation = combine(
      'THP never, KSM off, no NUMA balancing, vm.stat_interval = 10.',
      tmpfilesRemedy([tmpfilesWrite('/sys/kernel/mm/transparent_hugepage/enabled', 'never'), tmpfilesWrite('/sys/kernel/mm/ksm/run', '0')], ''),
      sysctlRemedy([['kernel.numa_balancing', 0], ['vm.stat_interval', 10]], ''),
      grubRemedy(['transparent_hugepage=never'], ''),
    );
    if (enabled === 'always') return { verdict: 'fail', summary: facts, remediation };
    const warn = enabled === 'madvise' || thp.ksm?.trim() === '1' || (numa === 1 && nodes > 1);
    if (warn) return { verdict: 'warn', summary: facts, remediation };
    return { verdict: 'pass', summary: facts };
  },
};

function rtNotRunning(ev: EvidenceView, profile: ResolvedProfile): Outcome {
  return { verdict: 'skip', skipReason: 'not applicable', summary: `RT process not running (${unitState(ev, profile.rtUnit)})` };
}

const limitsLines = (profile: ResolvedProfile): string =>
  `@realtime - rtprio ${Math.min(profile.rtPrio + 15, 98)}\n@realtime - memlock unlimited\n`;

function humanLimits(profile: ResolvedProfile): { summary: string; files: { path: string; content: string; mode: string }[]; steps: string[] } {
  return {
    summary: '',
    files: [{ path: LIMITS_FILE, content: `# Written by mxrc-commissioner: commissioning/operator accounts in group "realtime"\n${limitsLines(profile)}`, mode: '0644' }],
    steps: ['getent group realtime >/dev/null || groupadd --system realtime'],
  };
}

const m03: CheckDefinition = {
  id: 'M03',
  slug: 'memlock-limit',
  title: 'RT process may lock its memory',
  group: 'memory',
  probes: [P.rtProcess],
  optionalProbes: [P.units, P.limitsConf],
  why: 'mlockall fails (or stops covering new allocations) under the 8 MiB default limit; unlocked pages fault in the middle of a cycle.',
  evaluate(ev, profile) {
    const proc = rtProcessOf(ev);
    if (proc.pid === null) return rtNotRunning(ev, profile);
    const limit = proc.limits.get('Max locked memory');
    const vmSize = kib(proc.status.get('VmSize'));
    const vmLck = kib(proc.status.get('VmLck')) ?? 0;
    const vmRss = kib(proc.status.get('VmRSS')) ?? 0;
    const capLock = hasCapability(proc.status.get('CapEff'), CAP_IPC_LOCK);
    const unit = unitProps(ev, profile.rtUnit)?.get('LimitMEMLOCKSoft');
    const facts = `pid ${proc.pid}: Max locked memory soft ${limit?.soft ?? '?'}${unit ? ` (unit LimitMEMLOCKSoft=${unit})` : ''}, VmSize ${vmSize ?? '?'} kB, VmLck ${vmLck} kB, VmRSS ${vmRss} kB${capLock ? ', CAP_IPC_LOCK' : ''}`;
    const soft = limit?.soft;
    const enough = soft === 'unlimited' || (soft !== undefined && /^\d+$/.test(soft) && vmSize !== undefined && Number(soft) >= vmSize * 1024);
    if (enough || capLock) return { verdict: 'pass', summary: facts };
    const remediation = combine(
      `Allow ${profile.rtUnit} to lock all its memory (LimitMEMLOCK=infinity); for login accounts use limits.d.`,
      rtUnitRemedy(profile, ''),
      humanLimits(profile),
    );
    if (vmLck < vmRss * profile.thresholds.vmLckRatio) return { verdict: 'fail', summary: `${facts}: memory not locked`, remediation };
    return { verdict: 'warn', summary: `${facts}: later allocations cannot be locked`, remediation };
  },
};

const m04: CheckDefinition = {
  id: 'M04',
  slug: 'mlockall-effective',
  title: 'RT process memory locked',
  group: 'memory',
  probes: [P.rtProcess],
  // The unit's state names why the process is missing; without declaring it a live run may not have it yet.
  optionalProbes: [P.units],
  why: 'Pages that are not locked can be reclaimed and fault back in during a cycle: a minor fault costs µs, a major one ms.',
  evaluate(ev, profile) {
    const proc = rtProcessOf(ev);
    if (proc.pid === null) return rtNotRunning(ev, profile);
    const vmLck = kib(proc.status.get('VmLck'));
    const vmRss = kib(proc.status.get('VmRSS'));
    const vmPin = kib(proc.status.get('VmPin'));
    if (vmLck === undefined || vmRss === undefined) return { verdict: 'error', summary: `pid ${proc.pid}: VmLck/VmRSS not in /proc/${proc.pid}/status` };
    const facts = `pid ${proc.pid}: VmLck ${vmLck} kB of VmRSS ${vmRss} kB${vmPin !== undefined ? `, VmPin ${vmPin} kB` : ''}`;
    const remediation = combine(
      'The RT application must call mlockall(MCL_CURRENT|MCL_FUTURE) before the loop starts, with LimitMEMLOCK=infinity.',
      rtUnitRemedy(profile, ''),
    );
    if (vmLck === 0) return { verdict: 'fail', summary: `${facts}: mlockall not called or failed`, remediation };
    if (vmLck < vmRss * profile.thresholds.vmLckRatio) return { verdict: 'warn', summary: `${facts}: only ${Math.round((vmLck / vmRss) * 100)} % locked`, remediation };
    return { verdict: 'pass', summary: facts };
  },
};

const policyNames: Record<string, string> = { '0': 'other', '1': 'fifo', '2': 'rr', '3': 'batch', '5': 'idle' };

const m05: CheckDefinition = {
  id: 'M05',
  slug: 'rtprio-limit',
  title: 'RT priority allowed',
  group: 'memory',
  probes: [P.units],
  optionalProbes: [P.rtProcess, P.limitsConf],
  why: 'Without a SCHED_FIFO policy from systemd, RLIMIT_RTPRIO or CAP_SYS_NICE the loop cannot raise itself to its priority and runs as SCHED_OTHER.',
  evaluate(ev, profile) {
    const unit = unitProps(ev, profile.rtUnit);
    const loaded = unit?.get('LoadState') === 'loaded';
    const proc = ev.usable(P.rtProcess) ? rtProcessOf(ev) : null;
    if (!loaded && (proc === null || proc.pid === null)) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: `${unitState(ev, profile.rtUnit)} and no RT process running` };
    }
    const policy = unit?.get('CPUSchedulingPolicy') ?? '';
    const prio = unit?.get('CPUSchedulingPriority') ?? '';
    const rlimit = proc?.limits.get('Max realtime priority')?.soft;
    const capNice = hasCapability(proc?.status.get('CapEff'), CAP_SYS_NICE);
    const humans = lines(ev.stdout(P.limitsConf)).filter((l) => /rtprio/.test(l)).map((l) => l.replace(/^[^:]*:/, '').trim());
    const facts = [
      loaded ? `${profile.rtUnit}: CPUSchedulingPolicy=${policy || 'unset'}${policyNames[policy] ? ` (${policyNames[policy]})` : ''} CPUSchedulingPriority=${prio || 'unset'} LimitRTPRIOSoft=${unit?.get('LimitRTPRIOSoft') ?? '?'}` : unitState(ev, profile.rtUnit),
      proc?.pid ? `pid ${proc.pid} RLIMIT_RTPRIO soft ${rlimit ?? '?'}${capNice ? ', CAP_SYS_NICE' : ''}` : '',
      humans.length ? `limits.conf: ${humans.join('; ')}` : '',
    ]
      .filter((f) => f !== '')
      .join('; ');
    if ((policy === '1' || policy === '2') && Number(prio) === profile.rtPrio) return { verdict: 'pass', summary: facts };
    if (rlimit !== undefined && (rlimit === 'unlimited' || Number(rlimit) >= profile.rtPrio)) return { verdict: 'pass', summary: facts };
    if (capNice) return { verdict: 'pass', summary: facts };
    return {
      verdict: 'fail',
      summary: `${facts}: priority ${profile.rtPrio} not reachable`,
      remediation: combine(`Let systemd set SCHED_FIFO ${profile.rtPrio} for ${profile.rtUnit} (LimitRTPRIO for threads that set their own).`, rtUnitRemedy(profile, ''), humanLimits(profile)),
    };
  },
};

export const memoryChecks: CheckDefinition[] = [m01, m02, m03, m04, m05];

