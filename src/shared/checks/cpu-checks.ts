/** §3 CPU: C01–C07. */
import { assessCstates, disableStateLines } from './cpu-idle';
import type { CheckDefinition } from './definition';
import { cpufreqOf, onlineCpus, pmQosProtected, presentCpus } from './facts';
import { cpuListOrNull, cpus, grepH, intersect, lines, minus, plural, section, valueLines } from './parse';
import * as P from './probes';
import { combine, textRemedy, tmpfilesRemedy, tmpfilesWrite } from './remedies';

const c01: CheckDefinition = {
  id: 'C01',
  slug: 'cpu-topology',
  title: 'RT and housekeeping cores exist and are online',
  group: 'cpu',
  probes: [P.cpuOnline],
  optionalProbes: [P.numaNodes, P.nic],
  why: 'The profile pins the RT loop and everything else to these cores; a missing or offline core means the pinning fails or silently shares a core.',
  evaluate(ev, profile) {
    const online = onlineCpus(ev);
    if (online === null) return { verdict: 'error', summary: 'cannot read /sys/devices/system/cpu/online' };
    const present = presentCpus(ev) ?? online;
    const missing = minus([...profile.rt, ...profile.hk], online);
    const needed = profile.rt.length + profile.hk.length;
    const nodes = new Map<string, number[]>();
    for (const [path, value] of grepH(ev.stdout(P.numaNodes))) {
      const node = /node(\d+)\/cpulist$/.exec(path)?.[1];
      const list = cpuListOrNull(value);
      if (node !== undefined && list) nodes.set(node, list);
    }
    const facts = `online ${cpus(online)}, present ${cpus(present)}; ${plural(Math.max(nodes.size, 1), 'NUMA node')}`;
    const remediation = textRemedy(
      'Correct the controller profile (RT and housekeeping cores) or bring the cores online: check the BIOS (disabled cores, SMT) and maxcpus=/nr_cpus= on the kernel command line.',
      [`grep -o -E '(maxcpus|nr_cpus)=[^ ]*' /proc/cmdline || true`],
    );
    if (missing.length > 0) {
      return { verdict: 'fail', summary: `CPU ${cpus(missing)} of the profile (RT ${profile.rtList}, housekeeping ${profile.hkList}) not online; ${facts}`, remediation };
    }
    if (online.length < needed) {
      return { verdict: 'fail', summary: `${online.length} CPUs online, the profile needs ${needed}; ${facts}`, remediation };
    }
    if (nodes.size > 1) {
      const rtNodes = [...nodes].filter(([, list]) => intersect(list, profile.rt).length > 0).map(([node]) => node);
      const nicNode = profile.ecatIf ? lines(section(ev.stdout(P.nic), 'numa') ?? '').find((l) => /^-?\d+$/.test(l.trim()))?.trim() : undefined;
      if (rtNodes.length > 1 || (nicNode !== undefined && nicNode !== '-1' && !rtNodes.includes(nicNode))) {
        return {
          verdict: 'warn',
          summary: `RT CPUs ${profile.rtList} on NUMA node ${rtNodes.join(',')}${nicNode !== undefined ? `, ${profile.ecatIf} on node ${nicNode}` : ''}; ${facts}`,
          remediation: textRemedy('Choose RT cores on one NUMA node, the node of the fieldbus NIC.'),
        };
      }
    }
    return { verdict: 'pass', summary: `RT ${profile.rtList} and housekeeping ${profile.hkList} online; ${facts}` };
  },
};

const c02: CheckDefinition = {
  id: 'C02',
  slug: 'cpu-smt-siblings',
  title: 'No hyper-thread sibling shares an RT core',
  group: 'cpu',
  probes: [P.smt, P.siblings],
  why: 'A hyper-thread sibling shares execution units and L1/L2 with the RT core; housekeeping work on it stretches every loop iteration.',
  evaluate(ev, profile) {
    const [control = '?', active = '?'] = valueLines(ev.text(P.smt)).map((l) => l.trim());
    const smtText = `smt/control=${control}, smt/active=${active}`;
    if (active === '0' || ['off', 'forceoff', 'notsupported', 'notimplemented'].includes(control)) {
      return { verdict: 'pass', summary: `SMT inactive (${smtText})` };
    }
    const siblingsOf = new Map<number, number[]>();
    for (const [path, value] of grepH(ev.stdout(P.siblings))) {
      const cpu = /\/cpu(\d+)\/topology\//.exec(path)?.[1];
      const list = cpuListOrNull(value);
      if (cpu !== undefined && list) siblingsOf.set(Number(cpu), list);
    }
    const outside: string[] = [];
    const shared: string[] = [];
    for (const cpu of profile.rt) {
      const others = (siblingsOf.get(cpu) ?? [cpu]).filter((c) => c !== cpu);
      const foreign = minus(others, profile.rt);
      if (foreign.length > 0) outside.push(`CPU ${cpu} with ${cpus(foreign)}`);
      else if (others.length > 0) shared.push(`CPU ${cpu} with ${cpus(others)}`);
    }
    if (outside.length > 0) {
      return {
        verdict: 'fail',
        summary: `${smtText}: ${outside.join('; ')} (not RT) share a core`,
        remediation: textRemedy(
          'Disable SMT in the BIOS (or nosmt on the kernel command line), or make both siblings RT cores. Either way the CPU numbering of the profile must be checked again.',
        ),
      };
    }
    if (shared.length > 0) {
      return {
        verdict: 'warn',
        summary: `${smtText}: RT cores are siblings of one core (${shared.join('; ')})`,
        remediation: textRemedy('Acceptable only if the loop budget allows half a core; otherwise disable SMT (nosmt) or pick RT cores on different physical cores.'),
      };
    }
    return { verdict: 'pass', summary: `${smtText}; RT CPUs ${profile.rtList} have no siblings` };
  },
};

const c03: CheckDefinition = {
  id: 'C03',
  slug: 'cpu-hybrid',
  title: 'RT cores are performance cores',
  group: 'cpu',
  probes: [P.hybrid],
  why: 'E-cores run the loop slower and less predictably than P-cores.',
  evaluate(ev, profile) {
    const map = grepH(ev.stdout(P.hybrid));
    const core = map.get('/sys/devices/cpu_core/cpus');
    const atom = map.get('/sys/devices/cpu_atom/cpus');
    if (core === undefined) return { verdict: 'pass', summary: 'not a hybrid CPU (no /sys/devices/cpu_core)' };
    const pCores = cpuListOrNull(core) ?? [];
    const eCores = minus(profile.rt, pCores);
    const facts = `cpu_core=${core}, cpu_atom=${atom ?? 'none'}`;
    if (eCores.length > 0) {
      return {
        verdict: 'warn',
        summary: `RT CPU ${cpus(eCores)} not P-cores (${facts})`,
        remediation: textRemedy('Choose RT cores among the P-cores in the controller profile, or disable the E-cores in the BIOS.'),
      };
    }
    return { verdict: 'pass', summary: `RT CPUs ${profile.rtList} are P-cores (${facts})` };
  },
};

function describeFreq(files: Map<string, string> | undefined): string {
  if (!files) return 'no cpufreq';
  const epp = files.get('energy_performance_preference');
  return `${files.get('scaling_driver') ?? '?'} ${files.get('scaling_governor') ?? '?'}${epp ? `, EPP ${epp}` : ''}, ${files.get('scaling_min_freq') ?? '?'}–${files.get('scaling_max_freq') ?? '?'} kHz`;
}

/** "CPU 2-3: …" per group of CPUs with the same settings. */
function describeCpus(freq: Map<number, Map<string, string>>, list: number[]): string {
  const groups = new Map<string, number[]>();
  for (const cpu of list) {
    const text = describeFreq(freq.get(cpu));
    groups.set(text, [...(groups.get(text) ?? []), cpu]);
  }
  return [...groups].map(([text, members]) => `CPU ${cpus(members)}: ${text}`).join('; ');
}

const c04: CheckDefinition = {
  id: 'C04',
  slug: 'cpu-governor',
  title: 'Performance governor on RT cores',
  group: 'cpu',
  probes: [P.cpufreq],
  why: 'Frequency changes and low clocks stretch and vary the execution time of each 100 µs cycle; governors also add periodic work on the core.',
  evaluate(ev, profile) {
    const freq = cpufreqOf(ev);
    if (freq.size === 0) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: 'no cpufreq: frequency controlled by firmware (record the BIOS settings, B02)' };
    }
    const known = profile.rt.filter((cpu) => freq.has(cpu));
    if (known.length === 0) return { verdict: 'skip', skipReason: 'not applicable', summary: `no cpufreq data for CPUs ${profile.rtList}` };
    const bad = known.filter((cpu) => {
      const files = freq.get(cpu);
      const epp = files?.get('energy_performance_preference');
      return files?.get('scaling_governor') !== 'performance' || (epp !== undefined && epp !== 'performance');
    });
    const summary = describeCpus(freq, known);
    if (bad.length === 0) return { verdict: 'pass', summary };
    const hasEpp = known.some((cpu) => freq.get(cpu)?.has('energy_performance_preference'));
    const entries = [tmpfilesWrite('/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor', 'performance')];
    if (hasEpp) entries.push(tmpfilesWrite('/sys/devices/system/cpu/cpu*/cpufreq/energy_performance_preference', 'performance'));
    const remediation = tmpfilesRemedy(entries, 'Use the performance governor (and EPP) on every CPU, persistently.');
    remediation.steps.push(`systemctl disable ondemand.service 2>/dev/null || true   # Ubuntu resets the governor after boot`);
    return { verdict: 'warn', summary: `not performance on CPU ${cpus(bad)}: ${summary}`, remediation };
  },
};

const c05: CheckDefinition = {
  id: 'C05',
  slug: 'cpu-turbo',
  title: 'Turbo off or frequency locked',
  group: 'cpu',
  probes: [P.pstate, P.cpufreq],
  why: 'With turbo the loop’s execution time depends on the thermal and power headroom of all cores, so it varies from cycle to cycle.',
  evaluate(ev, profile) {
    const pst = grepH(ev.stdout(P.pstate));
    const noTurbo = pst.get('/sys/devices/system/cpu/intel_pstate/no_turbo');
    const boost = pst.get('/sys/devices/system/cpu/cpufreq/boost');
    const freq = cpufreqOf(ev);
    if (freq.size === 0 && noTurbo === undefined && boost === undefined) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: 'no cpufreq or turbo control exposed (firmware-controlled)' };
    }
    const knob = noTurbo !== undefined ? `intel_pstate/no_turbo=${noTurbo}` : boost !== undefined ? `cpufreq/boost=${boost}` : 'turbo state not exposed';
    if (noTurbo === '1' || boost === '0') return { verdict: 'pass', summary: `turbo off (${knob})` };
    const rtFreq = profile.rt.map((cpu) => freq.get(cpu)).filter((f) => f !== undefined);
    const locked = rtFreq.length > 0 && rtFreq.every((f) => f.get('scaling_min_freq') !== undefined && f.get('scaling_min_freq') === f.get('scaling_max_freq'));
    const range = describeCpus(freq, profile.rt.filter((cpu) => freq.has(cpu)));
    if (noTurbo !== '0' && boost !== '1') return { verdict: 'pass', summary: `${knob}; ${range}` };
    if (locked) return { verdict: 'pass', summary: `turbo on (${knob}) but frequency locked: ${range}` };
    const entry = noTurbo !== undefined ? tmpfilesWrite('/sys/devices/system/cpu/intel_pstate/no_turbo', '1') : tmpfilesWrite('/sys/devices/system/cpu/cpufreq/boost', '0');
    return {
      verdict: 'warn',
      summary: `turbo on (${knob}) and frequency not locked: ${range}`,
      remediation: tmpfilesRemedy([entry], 'Turn turbo off (or lock min = max frequency on the RT cores).'),
    };
  },
};

const c06: CheckDefinition = {
  id: 'C06',
  slug: 'cpu-cstates',
  title: 'No deep idle states on RT cores',
  group: 'cpu',
  probes: [P.cpuidleDriver, P.cpuidleStates],
  optionalProbes: [P.pmQos],
  why: 'An RT core that idles between cycles must wake within µs; C3–C10 exit latencies of 30–900 µs cost whole 100 µs cycles.',
  evaluate(ev, profile) {
    const result = assessCstates(ev, profile);
    if (result.verdict === 'pass') return { verdict: 'pass', summary: result.summary };
    const remediation = combine(
      `Disable idle states slower than ${profile.thresholds.cstatePassUs} µs on CPUs ${profile.rtList} (or use PM QoS, C07, or K07 command-line limits).`,
      tmpfilesRemedy(disableStateLines(result.slow), ''),
    );
    return { verdict: result.verdict, summary: result.summary, remediation };
  },
};

const c07: CheckDefinition = {
  id: 'C07',
  slug: 'cpu-pm-qos',
  title: 'PM QoS keeps RT cores out of deep idle',
  group: 'cpu',
  probes: [P.pmQos],
  optionalProbes: [P.rtFds, P.cpuidleDriver, P.cpuidleStates],
  why: 'cyclictest writes 0 to /dev/cpu_dma_latency during its run; unless production does the same, measured latencies are better than what the loop will see.',
  evaluate(ev, profile) {
    const qos = pmQosProtected(ev, profile, profile.thresholds.pmQosMaxUs);
    const fds = ev.usable(P.rtFds);
    const pid = /^pid=(\d*)$/m.exec(fds?.stdout ?? '')?.[1];
    const holds = fds !== undefined && / -> \/dev\/cpu_dma_latency$/m.test(fds.stdout);
    const qosText = `pm_qos_resume_latency_us ${qos.values}`;
    if (holds) return { verdict: 'pass', summary: `RT process ${pid ?? '?'} holds /dev/cpu_dma_latency; ${qosText}` };
    if (qos.ok) return { verdict: 'pass', summary: qosText };
    const cstates = assessCstates(ev, profile);
    if (ev.usable(P.cpuidleDriver) && cstates.verdict === 'pass') return { verdict: 'pass', summary: `${qosText}; not needed: ${cstates.summary}` };
    const fdNote =
      ev.get(P.rtFds)?.status === 'needs-sudo'
        ? 'descriptor check needs sudo'
        : fds === undefined
          ? 'descriptor check not run'
          : pid === ''
            ? 'RT process not running'
            : `RT process ${pid ?? '?'} holds no /dev/cpu_dma_latency`;
    const entries = profile.rt.map((cpu) => tmpfilesWrite(`/sys/devices/system/cpu/cpu${cpu}/power/pm_qos_resume_latency_us`, '1'));
    const remediation = tmpfilesRemedy(
      entries,
      `Limit the resume latency of CPUs ${profile.rtList} to 1 µs (or let the RT app keep /dev/cpu_dma_latency open with 0). Until then run cyclictest with --default-system.`,
    );
    return { verdict: 'warn', summary: `no PM QoS on the RT CPUs: ${qosText}; ${fdNote}`, remediation };
  },
};

export const cpuChecks: CheckDefinition[] = [c01, c02, c03, c04, c05, c06, c07];
