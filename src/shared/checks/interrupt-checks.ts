/** §5 Interrupts: I02–I06 (I01 is K06). */
import type { CheckDefinition, EvidenceView } from './definition';
import { cmdlineOf, rtProcessOf, sysfsCpuList } from './facts';
import type { ResolvedProfile } from './model';
import {
  cmdlineValue,
  cpuListOrNull,
  cpuMaskOrNull,
  cpus,
  firstLine,
  intersect,
  isErrorLine,
  isSubset,
  keyValues,
  lines,
  listSome,
  minus,
  section,
  systemdUnavailable,
  toolMissing,
} from './parse';
import type { InterruptRow, InterruptTable } from './parse-proc';
import { interruptCount, parseInterrupts, parseInterruptSamples, parsePsThreads } from './parse-proc';
import * as P from './probes';
import { combine, grubRemedy, IRQBALANCE_DEFAULTS, oneshotRemedy, rtCmdlineParam, textRemedy } from './remedies';

interface IrqAffinity {
  irq: string;
  requested: number[] | null;
  effective: number[] | null;
}

function irqAffinities(ev: EvidenceView): IrqAffinity[] {
  const out: IrqAffinity[] = [];
  for (const line of lines(ev.stdout(P.irqAffinity))) {
    const [irq, requested, effective] = line.split('|');
    if (!irq || !/^\d+$/.test(irq)) continue;
    const req = cpuListOrNull(requested);
    out.push({ irq, requested: req, effective: cpuListOrNull(effective) ?? req });
  }
  return out;
}

/** IRQ rows deliberately allowed on RT cores: the profile's allow-list and the fieldbus NIC (judged by I05). */
function allowed(row: InterruptRow, profile: ResolvedProfile): boolean {
  if (profile.ecatIf && row.name.includes(profile.ecatIf)) return true;
  return profile.irqAllowList.some((name) => row.name.includes(name));
}

function irqAffinityRemedy(profile: ResolvedProfile): ReturnType<typeof combine> {
  return combine(
    `Move device IRQs to CPUs ${profile.hkList}: default affinity and managed IRQs at boot, a oneshot unit for the rest.`,
    grubRemedy([rtCmdlineParam(profile, 'irqaffinity'), rtCmdlineParam(profile, 'isolcpus')], ''),
    oneshotRemedy(
      'mxrc-irq-affinity',
      `Move device IRQs to housekeeping CPUs ${profile.hkList}`,
      [`for f in /proc/irq/[0-9]*/smp_affinity_list; do echo ${profile.hkList} > "$f" 2>/dev/null || true; done`],
      '',
    ),
  );
}

const i02: CheckDefinition = {
  id: 'I02',
  slug: 'irq-affinity',
  title: 'Device IRQs off the RT cores',
  group: 'interrupts',
  probes: [P.irqAffinity, P.interrupts],
  why: 'A device interrupt handled on an RT core preempts the loop for its hard-IRQ part and wakes its IRQ thread there: tens of µs per event.',
  evaluate(ev, profile) {
    const table = parseInterrupts(ev.stdout(P.interrupts));
    if (!table) return { verdict: 'error', summary: 'cannot parse /proc/interrupts' };
    const rows = new Map(table.rows.filter((r) => r.numeric).map((r) => [r.label, r] as const));
    const offenders: string[] = [];
    const notes: string[] = [];
    let devices = 0;
    for (const a of irqAffinities(ev)) {
      const row = rows.get(a.irq);
      if (!row || a.effective === null) continue;
      devices++;
      const onRt = intersect(a.effective, profile.rt);
      if (onRt.length === 0) continue;
      const label = `IRQ ${a.irq} ${row.name} on CPU ${cpus(a.effective)}`;
      if (allowed(row, profile)) notes.push(`${label} (allowed)`);
      else if (/\b(timer|cascade)\b/.test(row.name)) notes.push(`${label} (cannot move)`);
      else if (a.requested !== null && isSubset(a.requested, profile.rt)) notes.push(`${label} (managed queue of the RT CPUs)`);
      else offenders.push(label);
    }
    const noteText = notes.length > 0 ? `; ${listSome(notes, 3)}` : '';
    if (offenders.length > 0) {
      return {
        verdict: 'fail',
        summary: `${offenders.length} of ${devices} device IRQs on RT CPUs: ${listSome(offenders, 4)}${noteText}`,
        remediation: irqAffinityRemedy(profile),
      };
    }
    return { verdict: 'pass', summary: `${devices} device IRQs, none effective on CPUs ${profile.rtList}${noteText}` };
  },
};

function rate(a: InterruptTable, b: InterruptTable, label: string, cpu: number, seconds: number): number | undefined {
  const before = interruptCount(a, label, cpu);
  const after = interruptCount(b, label, cpu);
  if (before === undefined || after === undefined) return undefined;
  return (after - before) / seconds;
}

const fmt = (value: number | undefined): string => (value === undefined ? 'n/a' : value < 10 ? value.toFixed(1) : String(Math.round(value)));

const i03: CheckDefinition = {
  id: 'I03',
  slug: 'irq-activity-on-rt-cpus',
  title: 'Interrupt activity on RT cores (10 s)',
  group: 'interrupts',
  probes: [P.interrupts10s],
  optionalProbes: [P.rtProcess],
  why: 'Counted over 10 s: device IRQs, a running tick and IPIs on an RT core each steal µs from the loop; only the loop’s own timer wake-ups belong there.',
  evaluate(ev, profile) {
    const [first, second] = parseInterruptSamples(ev.stdout(P.interrupts10s));
    if (!first || !second) return { verdict: 'error', summary: 'interrupt sampling incomplete (need two /proc/interrupts samples)' };
    const seconds = first.at !== undefined && second.at !== undefined && second.at > first.at ? second.at - first.at : 10;
    const present = profile.rt.filter((cpu) => second.table.cpus.includes(cpu));
    if (present.length === 0) return { verdict: 'skip', skipReason: 'not applicable', summary: `CPUs ${profile.rtList} not in /proc/interrupts (offline?)` };
    const loopThreads = ev.usable(P.rtProcess) ? rtProcessOf(ev).threads.filter((t) => t.cls === 'FF' || t.cls === 'RR') : [];
    const failures: string[] = [];
    const warnings: string[] = [];
    const parts: string[] = [];
    let tickWarn = false;
    for (const cpu of present) {
      const devices: string[] = [];
      for (const row of second.table.rows.filter((r) => r.numeric && !allowed(r, profile))) {
        const delta = rate(first.table, second.table, row.label, cpu, 1);
        if (delta !== undefined && delta > 0) devices.push(`IRQ ${row.label} ${row.name} +${delta}`);
      }
      const expected = (loopThreads.filter((t) => t.psr === cpu).length * 1e6) / profile.cycleUs;
      const loc = rate(first.table, second.table, 'LOC', cpu, seconds);
      const ipis = ['RES', 'CAL', 'TLB'].map((label) => [label, rate(first.table, second.table, label, cpu, seconds)] as const);
      const nmis = ['NMI', 'PMI'].map((label) => [label, rate(first.table, second.table, label, cpu, seconds)] as const);
      parts.push(
        `CPU ${cpu}: LOC ${fmt(loc)}/s (loop ~${Math.round(expected)}/s), ${ipis.map(([l, v]) => `${l} ${fmt(v)}`).join(' ')}, ${nmis.map(([l, v]) => `${l} ${fmt(v)}`).join(' ')}/s, ${devices.length} device IRQs`,
      );
      if (devices.length > 0) failures.push(`CPU ${cpu}: ${listSome(devices, 3)}`);
      if (loc !== undefined && loc - expected > profile.thresholds.locExcessPerSec) {
        warnings.push(`CPU ${cpu} LOC ${fmt(loc)}/s, ${fmt(loc - expected)}/s above the loop (tick running?)`);
        tickWarn = true;
      }
      for (const [label, value] of ipis) if ((value ?? 0) > profile.thresholds.ipiPerSec) warnings.push(`CPU ${cpu} ${label} ${fmt(value)}/s`);
      for (const [label, value] of nmis) if ((value ?? 0) > profile.thresholds.nmiPerSec) warnings.push(`CPU ${cpu} ${label} ${fmt(value)}/s`);
    }
    const summary = `over ${seconds.toFixed(1)} s: ${parts.join('; ')}`;
    if (failures.length > 0) return { verdict: 'fail', summary: `device IRQs on RT CPUs: ${failures.join('; ')}`, remediation: irqAffinityRemedy(profile) };
    if (warnings.length > 0) {
      return {
        verdict: 'warn',
        summary: `${listSome(warnings, 3)}; ${summary}`,
        remediation: tickWarn
          ? grubRemedy([rtCmdlineParam(profile, 'nohz_full')], `Stop the tick on CPUs ${profile.rtList} and keep a single runnable task there.`)
          : textRemedy('IPIs come from housekeeping activity on shared memory (TLB shootdowns from mmap/munmap in a multithreaded RT process, cross-CPU wake-ups) or from the NMI watchdog (K09): remove the source.'),
      };
    }
    return { verdict: 'pass', summary };
  },
};

function irqbalanceState(text: string): { active: string; enabled: string; running: boolean } {
  const kv = keyValues(text);
  if (kv.has('active') || kv.has('enabled')) {
    const value = (key: string): string => {
      const line = firstLine(kv.get(key) ?? '');
      return isErrorLine(line) ? '' : line;
    };
    return { active: value('active'), enabled: value('enabled'), running: kv.get('running') === 'yes' };
  }
  // collect.sh format: bare `systemctl is-active` / `is-enabled` lines.
  const all = lines(text).map((l) => l.trim());
  return {
    active: all.find((l) => /^(active|inactive|failed|activating|deactivating|unknown)$/.test(l)) ?? '',
    enabled: all.find((l) => /^(enabled|enabled-runtime|disabled|masked|static|not-found|indirect|alias)$/.test(l)) ?? '',
    running: false,
  };
}

const i04: CheckDefinition = {
  id: 'I04',
  slug: 'irqbalance',
  title: 'irqbalance keeps away from RT cores',
  group: 'interrupts',
  probes: [P.irqbalance],
  optionalProbes: [P.cpuIsolated, P.cpuNohzFull],
  why: 'irqbalance rewrites IRQ affinities every 10 s; unless it bans the RT cores it moves device interrupts onto them.',
  evaluate(ev, profile) {
    const text = ev.text(P.irqbalance);
    const state = irqbalanceState(text);
    const active = state.active === 'active' || state.running;
    const enabled = state.enabled.startsWith('enabled');
    const stateText = `irqbalance ${state.running ? 'running' : state.active || 'state unknown'}, ${state.enabled || (systemdUnavailable(text) ? 'no systemd' : 'not installed')}`;
    if (!active && !enabled) return { verdict: 'pass', summary: `${stateText}: not balancing` };
    const settings = new Map<string, string>();
    for (const line of lines(text)) {
      const m = /^\s*IRQBALANCE_(\w+)=["']?([^"'#]*)["']?/.exec(line);
      if (m?.[1]) settings.set(m[1], (m[2] ?? '').trim());
    }
    const remediation = {
      summary: `Ban CPUs ${profile.rtList} from irqbalance (or disable it: systemctl disable --now irqbalance).`,
      files: [{ path: IRQBALANCE_DEFAULTS, content: `IRQBALANCE_BANNED_CPULIST=${profile.rtList}\n`, merge: 'set-keys' as const, mode: '0644' }],
      steps: ['systemctl restart irqbalance'],
    };
    const list = settings.get('BANNED_CPULIST');
    const mask = settings.get('BANNED_CPUS');
    if (list) {
      const missing = minus(profile.rt, cpuListOrNull(list) ?? []);
      if (missing.length > 0) return { verdict: 'fail', summary: `${stateText}: IRQBALANCE_BANNED_CPULIST=${list} omits RT CPU ${cpus(missing)}`, remediation };
      return { verdict: 'pass', summary: `${stateText}: IRQBALANCE_BANNED_CPULIST=${list}` };
    }
    if (mask) {
      const missing = minus(profile.rt, cpuMaskOrNull(mask) ?? []);
      if (missing.length > 0) return { verdict: 'fail', summary: `${stateText}: IRQBALANCE_BANNED_CPUS=${mask} omits RT CPU ${cpus(missing)}`, remediation };
      return { verdict: 'warn', summary: `${stateText}: deprecated IRQBALANCE_BANNED_CPUS=${mask}`, remediation };
    }
    const auto = [...(sysfsCpuList(ev, P.cpuIsolated) ?? []), ...(sysfsCpuList(ev, P.cpuNohzFull) ?? [])];
    const missing = minus(profile.rt, auto);
    const autoText = `no banned list, auto-ban of isolated ∪ nohz_full = ${cpus([...new Set(auto)].sort((a, b) => a - b))}`;
    if (missing.length > 0) return { verdict: 'fail', summary: `${stateText}: ${autoText} misses RT CPU ${cpus(missing)}`, remediation };
    return { verdict: 'pass', summary: `${stateText}: ${autoText}` };
  },
};

interface NicFacts {
  exists: boolean;
  igh: boolean;
  driver: string;
  text: string;
}

function nicFacts(ev: EvidenceView): NicFacts {
  const text = ev.stdout(P.nic);
  return {
    exists: firstLine(section(text, 'exists') ?? '') === 'yes',
    igh: /\/dev\/EtherCAT/.test(section(text, 'igh') ?? ''),
    driver: /^driver:\s*(\S+)/m.exec(section(text, 'driver') ?? '')?.[1] ?? '?',
    text,
  };
}

const notConfigured = { verdict: 'skip' as const, skipReason: 'not applicable' as const, summary: 'no fieldbus NIC (ecatIf) in the controller profile' };

const i05: CheckDefinition = {
  id: 'I05',
  slug: 'nic-irq-placement',
  title: 'Fieldbus NIC IRQ placement',
  group: 'interrupts',
  probes: [P.nic, P.interrupts, P.irqAffinity, P.threads],
  why: 'A NIC IRQ on an RT core whose IRQ thread runs below the loop is starved by the FIFO loop, so frames the loop waits for arrive late; on the housekeeping cores it never touches the loop.',
  evaluate(ev, profile) {
    const nicIf = profile.ecatIf;
    if (!nicIf) return notConfigured;
    const nic = nicFacts(ev);
    if (!nic.exists) {
      if (nic.igh) return { verdict: 'skip', skipReason: 'not applicable', summary: `${nicIf} is not a netdev: IgH EtherCAT native driver (/dev/EtherCAT*) runs without IRQs` };
      return { verdict: 'fail', summary: `fieldbus interface ${nicIf} does not exist on this controller`, remediation: textRemedy('Correct ecatIf in the controller profile (ip -br link lists the interfaces).', ['ip -br link']) };
    }
    const table = parseInterrupts(ev.stdout(P.interrupts));
    const rows = (table?.rows ?? []).filter((r) => r.numeric && r.name.includes(nicIf));
    if (rows.length === 0) return { verdict: 'warn', summary: `no IRQ named ${nicIf} in /proc/interrupts (driver ${nic.driver})`, remediation: textRemedy('Identify the NIC IRQs (grep on the PCI address in /proc/interrupts) and place them explicitly.') };
    const affinity = new Map(irqAffinities(ev).map((a) => [a.irq, a] as const));
    const threads = parsePsThreads(ev.stdout(P.threads));
    const low: string[] = [];
    const high: string[] = [];
    const housekeeping: string[] = [];
    for (const row of rows) {
      const eff = affinity.get(row.label)?.effective ?? [];
      const thread = threads.find((t) => t.comm.startsWith(`irq/${row.label}-`));
      const label = `IRQ ${row.label} ${row.name} on CPU ${cpus(eff)}`;
      if (intersect(eff, profile.rt).length === 0) housekeeping.push(label);
      else if (thread && (thread.rtprio ?? 0) > profile.rtPrio) high.push(`${label}, thread ${thread.cls} ${thread.rtprio}`);
      else low.push(`${label}, ${thread ? `thread ${thread.cls} ${thread.rtprio ?? '-'}` : 'not threaded'}`);
    }
    const remediation = oneshotRemedy(
      'mxrc-ecat-irq',
      `Fieldbus NIC ${nicIf} IRQs on housekeeping CPUs ${profile.hkList}`,
      [`for i in $(awk -F: '/${nicIf}/ {print $1}' /proc/interrupts); do echo ${profile.hkList} > "/proc/irq/$((i))/smp_affinity_list"; done`],
      `Place the ${nicIf} IRQs on CPUs ${profile.hkList} (or, if the loop blocks on receive, on its RT core with the IRQ thread above ${profile.rtPrio}: chrt -f -p ${Math.min(profile.rtPrio + 5, 98)} <irq-thread-pid>).`,
      { device: nicIf },
    );
    const facts = `${nicIf} (${nic.driver}): ${listSome([...housekeeping, ...high, ...low], 4)}`;
    if (low.length > 0) return { verdict: 'fail', summary: `NIC IRQ on an RT CPU without an IRQ thread above loop priority ${profile.rtPrio}: ${facts}`, remediation };
    if (high.length > 0 && housekeeping.length > 0) return { verdict: 'warn', summary: `queues spread over housekeeping and RT CPUs: ${facts}`, remediation };
    return { verdict: 'pass', summary: facts };
  },
};

const intelItr = /^(igb|igc|e1000e|e1000|ixgbe|ixgbevf|igbvf)$/;

const i06: CheckDefinition = {
  id: 'I06',
  slug: 'nic-coalescing',
  title: 'Fieldbus NIC without interrupt moderation or power saving',
  group: 'interrupts',
  probes: [P.nic, P.aspm],
  optionalProbes: [P.procCmdline],
  why: 'Interrupt moderation and EEE/ASPM wake-ups hold received frames back for µs to tens of µs, a large part of the 100 µs cycle.',
  evaluate(ev, profile) {
    const nicIf = profile.ecatIf;
    if (!nicIf) return notConfigured;
    const nic = nicFacts(ev);
    if (!nic.exists) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: nic.igh ? `${nicIf}: IgH native driver, no netdev` : `${nicIf} does not exist (see I05)` };
    }
    const coalesce = section(nic.text, 'coalesce') ?? '';
    if (toolMissing(nic.text, 'ethtool')) return { verdict: 'skip', skipReason: 'tool missing', tool: 'ethtool', summary: 'ethtool not found on the controller' };
    const adaptive = /Adaptive RX:\s*(\S+)\s+TX:\s*(\S+)/.exec(coalesce);
    const values = keyValues(coalesce, ':');
    const num = (key: string): number | undefined => (/^\d+$/.test(values.get(key) ?? '') ? Number(values.get(key)) : undefined);
    const rx = num('rx-usecs');
    const tx = num('tx-usecs');
    const eee = /EEE status:\s*(.*)$/m.exec(section(nic.text, 'eee') ?? '')?.[1]?.trim() ?? 'not reported';
    const power = firstLine(section(nic.text, 'power') ?? '');
    const aspm = /\[([\w+]+)\]/.exec(ev.stdout(P.aspm))?.[1] ?? 'n/a';
    const aspmOff = cmdlineValue(cmdlineOf(ev), 'pcie_aspm') === 'off';
    const facts = `${nicIf} (${nic.driver}): adaptive RX ${adaptive?.[1] ?? '?'} TX ${adaptive?.[2] ?? '?'}, rx-usecs ${rx ?? 'n/a'}, tx-usecs ${tx ?? 'n/a'}, EEE ${eee}, ASPM ${aspmOff ? 'off' : aspm}, power/control ${power || 'n/a'}`;
    const problems: string[] = [];
    if (adaptive && (adaptive[1] === 'on' || adaptive[2] === 'on')) problems.push('adaptive moderation on');
    if (rx !== undefined && rx > 0 && rx < profile.thresholds.coalesceFailUs) problems.push(intelItr.test(nic.driver) && rx <= 3 ? `rx-usecs ${rx} is a dynamic ITR mode` : `rx-usecs ${rx}`);
    if (/^enabled/.test(eee)) problems.push('EEE enabled');
    if (!aspmOff && aspm !== 'performance' && aspm !== 'n/a') problems.push(`ASPM ${aspm}`);
    if (power === 'auto') problems.push('runtime PM auto');
    const unit = oneshotRemedy(
      'mxrc-ecat-nic',
      `Fieldbus NIC ${nicIf} low-latency settings`,
      [
        `ethtool -C ${nicIf} adaptive-rx off adaptive-tx off rx-usecs 0 tx-usecs 0 || true`,
        `ethtool --set-eee ${nicIf} eee off || true`,
        `echo on > /sys/class/net/${nicIf}/device/power/control || true`,
      ],
      '',
      { device: nicIf },
    );
    const remediation = combine(
      `Turn off interrupt moderation, EEE and runtime PM on ${nicIf}${!aspmOff && aspm !== 'performance' ? ' and set the ASPM policy to performance' : ''}.`,
      unit,
      !aspmOff && aspm !== 'performance' && aspm !== 'n/a' ? grubRemedy(['pcie_aspm.policy=performance'], '') : null,
    );
    if (rx !== undefined && rx >= profile.thresholds.coalesceFailUs) return { verdict: 'fail', summary: `rx-usecs ${rx} holds frames ≥ ${profile.thresholds.coalesceFailUs} µs: ${facts}`, remediation };
    if (problems.length > 0) return { verdict: 'warn', summary: `${problems.join(', ')}: ${facts}`, remediation };
    return { verdict: 'pass', summary: facts };
  },
};

export const interruptChecks: CheckDefinition[] = [i02, i03, i04, i05, i06];

