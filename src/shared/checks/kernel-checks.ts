/** §2 Kernel: K01–K13 (K06 is also I01, K09 is also T02). */
import { assessCstates, idleDriver } from './cpu-idle';
import type { CheckDefinition } from './definition';
import { cmdlineOf, cpuCount, onlineCpus, pmQosProtected, sysctlsOf, sysfsCpuList } from './facts';
import {
  cmdlineHas,
  cmdlineValue,
  cpuMaskOrNull,
  cpus,
  firstLine,
  grepH,
  intersect,
  kernelCpuList,
  lines,
  listSome,
  mentionsMissingFile,
  minus,
  parseIsolcpus,
  plural,
  sameSet,
  sysctlNumber,
  valueLines,
} from './parse';
import { parseTaskStatus } from './parse-proc';
import * as P from './probes';
import { combine, grubRemedy, oneshotRemedy, rtCmdlineParam, sysctlRemedy, textRemedy } from './remedies';

const rtKernelRemedy = {
  summary: 'Install and boot the Canonical real-time kernel (Ubuntu Pro, free for up to 5 machines).',
  steps: [
    'pro attach',
    'pro enable realtime-kernel',
    '# make the -realtime entry the GRUB default (GRUB_DEFAULT=saved + grub-set-default), reboot, re-run the checks',
  ],
  files: [],
  reboot: true,
  manual: true,
};

const k01: CheckDefinition = {
  id: 'K01',
  slug: 'kernel-preempt-rt',
  title: 'Running kernel is PREEMPT_RT',
  group: 'kernel',
  probes: [P.uname, P.sysKernelRealtime],
  optionalProbes: [P.bootConfig],
  why: 'Only a fully preemptible kernel bounds the wake-up latency of a SCHED_FIFO thread; generic or PREEMPT_DYNAMIC kernels show outliers of hundreds of µs to ms, several missed 100 µs cycles each.',
  evaluate(ev) {
    const [release = '', version = ''] = lines(ev.stdout(P.uname));
    const realtimeText = ev.text(P.sysKernelRealtime);
    const realtime = mentionsMissingFile(realtimeText) ? 'missing' : firstLine(realtimeText) || 'empty';
    const configRt = /^CONFIG_PREEMPT_RT=y$/m.test(ev.stdout(P.bootConfig));
    const facts = `/sys/kernel/realtime=${realtime}; release ${release}`;
    if (!/\bPREEMPT_RT\b/.test(version)) {
      return { verdict: 'fail', summary: `uname -v '${version}' lacks PREEMPT_RT; ${facts}`, remediation: rtKernelRemedy };
    }
    const confirmed = realtime === '1' || (realtime === 'missing' && configRt);
    if (!confirmed) {
      return {
        verdict: 'warn',
        summary: `uname -v has PREEMPT_RT but ${facts}${configRt ? '' : ', CONFIG_PREEMPT_RT not confirmed'}`,
        remediation: rtKernelRemedy,
      };
    }
    if (!/-realtime$|-rt(-[a-z0-9_]+)?$|\.rt\d|-rt\d+/.test(release)) {
      return {
        verdict: 'warn',
        summary: `PREEMPT_RT custom kernel ${release} (not a packaged -realtime flavour); ${facts}`,
        remediation: rtKernelRemedy,
      };
    }
    return { verdict: 'pass', summary: `uname -v has PREEMPT_RT; ${facts}` };
  },
};

const requiredConfig = ['CONFIG_PREEMPT_RT', 'CONFIG_NO_HZ_FULL', 'CONFIG_RCU_NOCB_CPU', 'CONFIG_CPU_ISOLATION'];

const k02: CheckDefinition = {
  id: 'K02',
  slug: 'kernel-config',
  title: 'Kernel has the real-time features',
  group: 'kernel',
  probes: [P.bootConfig, P.uname],
  why: 'Without NO_HZ_FULL, RCU_NOCB_CPU and CPU_ISOLATION the RT cores keep the scheduler tick and RCU callbacks (µs of jitter every ms); RT_GROUP_SCHED breaks RT tasks outside the root cgroup on cgroup v2.',
  evaluate(ev) {
    const text = ev.text(P.bootConfig);
    const release = lines(ev.stdout(P.uname))[0] ?? '';
    const config = new Map<string, string>();
    for (const line of lines(text)) {
      const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
      if (m?.[1]) config.set(m[1], m[2] ?? '');
    }
    const rtGroupUnset = /^# CONFIG_RT_GROUP_SCHED is not set/m.test(text);
    if (config.size === 0 && !rtGroupUnset) {
      const reason = mentionsMissingFile(text) ? 'missing' : /Permission denied/.test(text) ? 'not readable' : 'has none of the options';
      return {
        verdict: 'warn',
        summary: `/boot/config-${release} ${reason}; kernel features not verified`,
        remediation: textRemedy('Use the packaged realtime kernel, which installs its /boot/config file.', rtKernelRemedy.steps),
      };
    }
    const missing = requiredConfig.filter((key) => config.get(key) !== 'y');
    const rtGroup = config.get('CONFIG_RT_GROUP_SCHED') === 'y';
    const tracers = ['HWLAT', 'TIMERLAT', 'OSNOISE'].filter((t) => config.get(`CONFIG_${t}_TRACER`) === 'y').map((t) => t.toLowerCase());
    const facts = `${requiredConfig.map((key) => `${key.slice(7)}=${config.get(key) ?? 'unset'}`).join(' ')}; RT_GROUP_SCHED=${rtGroup ? 'y' : 'unset'}; HZ=${config.get('CONFIG_HZ') ?? '?'}; tracers: ${tracers.join(',') || 'none'}`;
    if (missing.length > 0 || rtGroup) {
      return { verdict: 'warn', summary: facts, remediation: rtKernelRemedy };
    }
    return { verdict: 'pass', summary: facts };
  },
};

const k03: CheckDefinition = {
  id: 'K03',
  slug: 'cmdline-isolcpus',
  title: 'RT cores isolated (isolcpus)',
  group: 'kernel',
  probes: [P.procCmdline, P.cpuIsolated],
  optionalProbes: [P.cpuOnline],
  why: 'Without isolation the scheduler balances other tasks onto the RT cores and multi-queue IRQs land there; each intrusion delays the 100 µs loop by µs to ms.',
  evaluate(ev, profile) {
    const cmd = cmdlineOf(ev);
    const value = cmdlineValue(cmd, 'isolcpus');
    const isolated = sysfsCpuList(ev, P.cpuIsolated);
    const isolatedText = isolated === null ? 'unreadable' : cpus(isolated);
    const remediation = grubRemedy([rtCmdlineParam(profile, 'isolcpus')], `Isolate CPUs ${profile.rtList} with managed IRQs kept away.`);
    if (value === undefined) {
      return { verdict: 'fail', summary: `no isolcpus= on the kernel command line; isolated=${isolatedText}`, remediation };
    }
    const parsed = parseIsolcpus(value, cpuCount(ev));
    if (parsed.cpus === null) return { verdict: 'fail', summary: `isolcpus=${value} has an unreadable CPU list`, remediation };
    const problems: string[] = [];
    const rtMissing = minus(profile.rt, parsed.cpus);
    if (rtMissing.length > 0) problems.push(`omits RT CPU ${cpus(rtMissing)}`);
    const hkIsolated = intersect(parsed.cpus, [...new Set([0, ...profile.hk])]);
    if (hkIsolated.length > 0) problems.push(`isolates housekeeping CPU ${cpus(hkIsolated)}`);
    if (isolated !== null) {
      const notIsolated = minus(profile.rt, isolated);
      if (notIsolated.length > 0 && rtMissing.length === 0) problems.push(`but isolated=${isolatedText} (no domain isolation of ${cpus(notIsolated)})`);
    }
    if (problems.length > 0) return { verdict: 'fail', summary: `isolcpus=${value} ${problems.join(', ')}`, remediation };
    if (!parsed.flags.includes('managed_irq')) {
      return { verdict: 'warn', summary: `isolcpus=${value} lacks managed_irq; isolated=${isolatedText}`, remediation };
    }
    const extra = minus(parsed.cpus, profile.rt);
    return {
      verdict: 'pass',
      summary: `isolcpus=${value}, isolated=${isolatedText}${extra.length > 0 ? `; CPU ${cpus(extra)} isolated but unused by the profile` : ''}`,
    };
  },
};

const k04: CheckDefinition = {
  id: 'K04',
  slug: 'cmdline-nohz-full',
  title: 'Adaptive ticks on RT cores (nohz_full)',
  group: 'kernel',
  probes: [P.procCmdline, P.cpuNohzFull],
  optionalProbes: [P.cpuOnline],
  why: 'With the tick running, every RT core takes a timer interrupt each millisecond (1–5 µs of jitter each) even while the loop is the only task.',
  evaluate(ev, profile) {
    const cmd = cmdlineOf(ev);
    const value = cmdlineValue(cmd, 'nohz_full');
    const sys = sysfsCpuList(ev, P.cpuNohzFull);
    const sysText = sys === null ? 'missing (kernel without NO_HZ_FULL)' : cpus(sys);
    const remediation = grubRemedy([rtCmdlineParam(profile, 'nohz_full')], `Stop the tick on CPUs ${profile.rtList}.`);
    const cmdCpus = value === undefined ? null : kernelCpuList(value, cpuCount(ev));
    const forbidden = [...new Set([0, ...profile.hk])];
    const hkInCmd = cmdCpus ? intersect(cmdCpus, forbidden) : [];
    const hkInSys = sys ? intersect(sys, forbidden) : [];
    if (hkInCmd.length > 0 || hkInSys.length > 0) {
      return {
        verdict: 'fail',
        summary: `nohz_full=${value ?? 'unset'} (sysfs ${sysText}) includes housekeeping CPU ${cpus([...new Set([...hkInCmd, ...hkInSys])])}`,
        remediation,
      };
    }
    if (value === undefined) {
      const viaIsolcpus = parseIsolcpus(cmdlineValue(cmd, 'isolcpus') ?? '').flags.includes('nohz');
      const note = viaIsolcpus ? ' (isolcpus has the nohz flag)' : '';
      return { verdict: 'warn', summary: `no nohz_full= on the kernel command line${note}; sysfs nohz_full=${sysText}`, remediation };
    }
    if (sys === null) return { verdict: 'warn', summary: `nohz_full=${value} but sysfs nohz_full is ${sysText}`, remediation };
    const missing = minus(profile.rt, sys);
    if (missing.length > 0) {
      return { verdict: 'warn', summary: `nohz_full=${value}, sysfs nohz_full=${sysText} misses RT CPU ${cpus(missing)}`, remediation };
    }
    return { verdict: 'pass', summary: `nohz_full=${value}, sysfs nohz_full=${sysText}` };
  },
};

const k05: CheckDefinition = {
  id: 'K05',
  slug: 'cmdline-rcu-nocbs',
  title: 'RCU callbacks offloaded from RT cores',
  group: 'kernel',
  probes: [P.procCmdline, P.threadStatus],
  optionalProbes: [P.cpuOnline],
  why: 'RCU callbacks executed on an RT core run in softirq context and can take tens of µs; offloaded callbacks run in rcuo threads on the housekeeping cores.',
  evaluate(ev, profile) {
    const cmd = cmdlineOf(ev);
    const count = cpuCount(ev);
    const nocbsValue = cmd.params.get('rcu_nocbs');
    const nohzValue = cmdlineValue(cmd, 'nohz_full');
    const nocb = [
      ...(typeof nocbsValue === 'string' ? kernelCpuList(nocbsValue, count) ?? [] : []),
      ...(nohzValue ? kernelCpuList(nohzValue, count) ?? [] : []),
    ];
    const nocbsText = nocbsValue === undefined ? 'unset' : nocbsValue === true ? '(no list)' : nocbsValue;
    const rcuo = parseTaskStatus(ev.stdout(P.threadStatus)).filter((t) => /^rcuo[a-z]*\/\d+$/.test(t.name));
    const floating = rcuo.filter((t) => t.allowed !== null && intersect(t.allowed, profile.rt).length > 0);
    const missing = minus(profile.rt, nocb);
    const facts = `rcu_nocbs=${nocbsText}, nohz_full=${nohzValue ?? 'unset'}; ${plural(rcuo.length, 'rcuo thread')}`;
    const grub = grubRemedy([rtCmdlineParam(profile, 'rcu_nocbs')], `Offload RCU callbacks from CPUs ${profile.rtList}.`);
    const pin = oneshotRemedy(
      'mxrc-rcuo-affinity',
      `Keep RCU offload threads on housekeeping CPUs ${profile.hkList}`,
      [`for p in $(pgrep '^rcuo'); do taskset -pc ${profile.hkList} "$p" >/dev/null || true; done`],
      `Pin rcuo threads to CPUs ${profile.hkList}.`,
    );
    if (missing.length > 0) {
      return { verdict: 'warn', summary: `RCU callbacks not offloaded from CPU ${cpus(missing)} (${facts})`, remediation: grub };
    }
    if (floating.length > 0) {
      const names = floating.map((t) => `${t.name} (${cpus(t.allowed ?? [])})`);
      return { verdict: 'warn', summary: `${facts}; allowed on RT CPUs: ${listSome(names)}`, remediation: combine(pin.summary, pin) };
    }
    return { verdict: 'pass', summary: `${facts}, none allowed on CPUs ${profile.rtList}` };
  },
};

const k06: CheckDefinition = {
  id: 'K06',
  aliases: ['I01'],
  slug: 'irq-default-affinity',
  title: 'Default IRQ affinity on housekeeping cores',
  group: 'kernel',
  probes: [P.procCmdline, P.irqDefault],
  optionalProbes: [P.cpuOnline],
  why: 'Every IRQ registered later (hot-plugged devices, driver reloads) starts on the default mask; an RT core in it receives device interrupts of tens of µs.',
  evaluate(ev, profile) {
    const raw = firstLine(ev.stdout(P.irqDefault));
    const mask = cpuMaskOrNull(raw);
    if (mask === null) return { verdict: 'error', summary: `cannot read /proc/irq/default_smp_affinity ('${raw}')` };
    const online = onlineCpus(ev);
    const effective = online ? intersect(mask, online) : mask;
    const param = cmdlineValue(cmdlineOf(ev), 'irqaffinity');
    const paramCpus = param === undefined ? null : kernelCpuList(param, cpuCount(ev));
    const facts = `irqaffinity=${param ?? 'unset'}, default_smp_affinity=${raw} (CPUs ${cpus(effective)})`;
    const remediation = grubRemedy([rtCmdlineParam(profile, 'irqaffinity')], `Default IRQ affinity to CPUs ${profile.hkList}.`);
    const rtBits = intersect(mask, profile.rt);
    if (rtBits.length > 0) return { verdict: 'fail', summary: `${facts} includes RT CPU ${cpus(rtBits)}`, remediation };
    if (paramCpus === null) return { verdict: 'warn', summary: `${facts}: no irqaffinity= on the command line, so nothing keeps it after a change`, remediation };
    if (!sameSet(paramCpus, profile.hk) || !sameSet(effective, profile.hk)) {
      return { verdict: 'warn', summary: `${facts}; expected CPUs ${profile.hkList}`, remediation };
    }
    return { verdict: 'pass', summary: facts };
  },
};

const k07: CheckDefinition = {
  id: 'K07',
  slug: 'cmdline-cstates',
  title: 'Idle-state limits',
  group: 'kernel',
  probes: [P.procCmdline, P.idleParams, P.cpuidleDriver],
  optionalProbes: [P.cpuidleStates, P.pmQos],
  why: 'Waking from a deep C-state takes 50–900 µs: a loop that sleeps between 100 µs cycles would miss whole cycles.',
  evaluate(ev, profile) {
    const cmd = cmdlineOf(ev);
    const params = grepH(ev.stdout(P.idleParams));
    const intelMax = Number(cmdlineValue(cmd, 'intel_idle.max_cstate') ?? params.get('/sys/module/intel_idle/parameters/max_cstate') ?? NaN);
    const acpiMax = Number(cmdlineValue(cmd, 'processor.max_cstate') ?? params.get('/sys/module/processor/parameters/max_cstate') ?? NaN);
    const driver = idleDriver(ev) ?? 'absent';
    const idle = cmdlineValue(cmd, 'idle');
    const facts = `driver ${driver}, intel_idle.max_cstate=${Number.isNaN(intelMax) ? '?' : intelMax}, processor.max_cstate=${Number.isNaN(acpiMax) ? '?' : acpiMax}${idle ? `, idle=${idle}` : ''}`;
    const remediation = grubRemedy(['intel_idle.max_cstate=1', 'processor.max_cstate=1'], 'Limit idle states system-wide (or use per-CPU PM QoS on the RT cores, see C07).');
    if (idle === 'poll') {
      return {
        verdict: 'warn',
        summary: `${facts}: idle=poll spins all CPUs (heat, less turbo headroom)`,
        remediation: textRemedy('Prefer intel_idle.max_cstate=1 processor.max_cstate=1 or per-CPU PM QoS over idle=poll.'),
      };
    }
    const limited =
      driver === 'none' ||
      driver === 'absent' ||
      (driver === 'intel_idle' && intelMax <= 1) ||
      (driver === 'acpi_idle' && acpiMax <= 1);
    if (limited) return { verdict: 'pass', summary: facts };
    const qos = pmQosProtected(ev, profile, profile.thresholds.pmQosMaxUs);
    if (qos.ok) return { verdict: 'pass', summary: `${facts}; PM QoS ${qos.values} on the RT CPUs` };
    if (assessCstates(ev, profile).verdict === 'pass') return { verdict: 'pass', summary: `${facts}; deep states disabled on CPUs ${profile.rtList} (C06)` };
    return { verdict: 'warn', summary: `${facts}: deep C-states allowed`, remediation };
  },
};

const k08: CheckDefinition = {
  id: 'K08',
  slug: 'cmdline-pstate',
  title: 'Frequency driver (recorded)',
  group: 'kernel',
  probes: [P.procCmdline, P.pstate, P.cpufreq],
  why: 'Recorded for C04/C05: the driver decides how the frequency of the RT cores can be locked.',
  evaluate(ev) {
    const cmd = cmdlineOf(ev);
    const pstates = grepH(ev.stdout(P.pstate));
    const status = pstates.get('/sys/devices/system/cpu/intel_pstate/status') ?? pstates.get('/sys/devices/system/cpu/amd_pstate/status');
    const driver = [...grepH(ev.stdout(P.cpufreq))].find(([path]) => path.endsWith('/scaling_driver'))?.[1];
    const param = cmdlineValue(cmd, 'intel_pstate') ?? cmdlineValue(cmd, 'amd_pstate');
    return {
      verdict: 'pass',
      summary: `scaling_driver ${driver ?? 'none (no cpufreq)'}; pstate status ${status ?? 'n/a'}; cmdline intel_pstate/amd_pstate=${param ?? 'unset'}`,
    };
  },
};

const k09: CheckDefinition = {
  id: 'K09',
  aliases: ['T02'],
  slug: 'lockup-watchdogs',
  title: 'Lockup detectors off the RT cores',
  group: 'kernel',
  probes: [P.procCmdline, P.sysctl],
  why: 'The NMI watchdog fires a perf NMI on every CPU every few seconds and the soft-lockup watchdog wakes a thread per CPU; both interrupt the RT loop.',
  evaluate(ev, profile) {
    const cmd = cmdlineOf(ev);
    const s = sysctlsOf(ev);
    const nmi = sysctlNumber(s, 'kernel.nmi_watchdog');
    const soft = sysctlNumber(s, 'kernel.soft_watchdog');
    const watchdog = sysctlNumber(s, 'kernel.watchdog');
    const maskText = s.get('kernel.watchdog_cpumask');
    const mask = maskText === undefined ? null : kernelCpuList(maskText);
    const nosoft = cmdlineHas(cmd, 'nosoftlockup') || cmdlineHas(cmd, 'nowatchdog');
    const softOn = watchdog !== 0 && soft !== 0 && !nosoft && soft !== undefined;
    const softOnRt = softOn && (mask === null || intersect(mask, profile.rt).length > 0);
    const facts = `kernel.nmi_watchdog=${nmi ?? 'n/a'}, kernel.soft_watchdog=${soft ?? 'n/a'}, kernel.watchdog=${watchdog ?? 'n/a'}, watchdog_cpumask=${maskText ?? 'n/a'}${nosoft ? ', nosoftlockup' : ''}`;
    if (nmi === 1 || softOnRt) {
      const reasons = [nmi === 1 ? 'NMI watchdog enabled' : '', softOnRt ? `soft-lockup watchdog on CPU ${cpus(intersect(mask ?? profile.rt, profile.rt))}` : '']
        .filter((r) => r !== '')
        .join(', ');
      return {
        verdict: 'warn',
        summary: `${reasons}: ${facts}`,
        remediation: combine(
          'Disable the NMI watchdog and the soft-lockup detector.',
          grubRemedy(['nmi_watchdog=0', 'nosoftlockup'], ''),
          sysctlRemedy([['kernel.nmi_watchdog', 0]], ''),
        ),
      };
    }
    return { verdict: 'pass', summary: facts };
  },
};

const k10: CheckDefinition = {
  id: 'K10',
  slug: 'cmdline-tsc',
  title: 'TSC clocksource options',
  group: 'kernel',
  probes: [P.procCmdline, P.cpuflags],
  why: 'The clocksource watchdog can declare the TSC unstable under load and switch to HPET, making every clock read cost µs; tsc=reliable is only safe on an invariant TSC.',
  evaluate(ev) {
    const flags = new Set(valueLines(ev.stdout(P.cpuflags)).map((l) => l.trim()));
    const tsc = cmdlineValue(cmdlineOf(ev), 'tsc');
    const invariant = flags.has('constant_tsc') && flags.has('nonstop_tsc');
    if (flags.size === 0) return { verdict: 'skip', skipReason: 'not applicable', summary: 'no TSC flags in /proc/cpuinfo (not an x86 CPU)' };
    const flagText = ['constant_tsc', 'nonstop_tsc'].map((f) => `${f}${flags.has(f) ? '' : ' missing'}`).join(', ');
    if (tsc === 'reliable' || tsc === 'nowatchdog') {
      if (invariant) return { verdict: 'pass', summary: `tsc=${tsc} with ${flagText}` };
      return {
        verdict: 'warn',
        summary: `tsc=${tsc} set but ${flagText}`,
        remediation: textRemedy('Remove tsc=reliable from the GRUB command line: this CPU has no invariant TSC.', [
          `grep -rn 'tsc=' /etc/default/grub /etc/default/grub.d/`,
        ]),
      };
    }
    if (!invariant) return { verdict: 'pass', summary: `tsc=${tsc ?? 'unset'}; correctly not reliable: ${flagText}` };
    return {
      verdict: 'warn',
      summary: `tsc=${tsc ?? 'unset'} although ${flagText}: the clocksource watchdog stays active`,
      remediation: grubRemedy(['tsc=reliable'], 'Trust the invariant TSC (disables the clocksource watchdog).'),
    };
  },
};

const k11: CheckDefinition = {
  id: 'K11',
  slug: 'cmdline-skew-tick',
  title: 'Skewed ticks (skew_tick=1)',
  group: 'kernel',
  probes: [P.procCmdline],
  why: 'Without skew_tick all CPUs take their tick at the same instant and contend on the same locks, lengthening the tick on the RT cores.',
  evaluate(ev) {
    const value = cmdlineValue(cmdlineOf(ev), 'skew_tick');
    if (value === '1') return { verdict: 'pass', summary: 'skew_tick=1' };
    return { verdict: 'warn', summary: `skew_tick=${value ?? 'unset'}`, remediation: grubRemedy(['skew_tick=1'], 'Offset the per-CPU ticks.') };
  },
};

const k12: CheckDefinition = {
  id: 'K12',
  slug: 'cmdline-mitigations',
  title: 'CPU vulnerability mitigations (recorded)',
  group: 'kernel',
  probes: [P.procCmdline, P.vulns],
  why: 'Recorded for the project policy: mitigations add µs to kernel entry and interrupts, turning them off exposes the controller.',
  evaluate(ev) {
    const value = cmdlineValue(cmdlineOf(ev), 'mitigations');
    const entries = [...grepH(ev.stdout(P.vulns))].map(([path, state]) => [path.split('/').pop() ?? path, state] as const);
    const vulnerable = entries.filter(([, state]) => state.startsWith('Vulnerable')).map(([name]) => name);
    const partial = entries.filter(([, state]) => !state.startsWith('Vulnerable') && /Vulnerable/.test(state)).map(([name]) => name);
    const mitigated = entries.filter(([, state]) => state.startsWith('Mitigation')).length;
    const parts = [
      `mitigations=${value ?? 'default'}`,
      `${vulnerable.length} vulnerable${vulnerable.length ? ` (${listSome(vulnerable)})` : ''}`,
      `${mitigated} mitigated${partial.length ? ` (partly vulnerable: ${listSome(partial)})` : ''}`,
      `${entries.length - vulnerable.length - mitigated} not affected`,
    ];
    return { verdict: 'pass', summary: parts.join('; ') };
  },
};

const k13: CheckDefinition = {
  id: 'K13',
  slug: 'cmdline-misc',
  title: 'Other command-line settings',
  group: 'kernel',
  probes: [P.procCmdline, P.sysctl],
  why: 'cgroup v1 breaks the Docker/systemd resource model the controller relies on; a verbose serial console makes printk wait on a slow UART.',
  evaluate(ev) {
    const cmd = cmdlineOf(ev);
    const tokens = cmd.raw.split(/\s+/);
    const end = tokens.indexOf('--');
    const kernelTokens = end < 0 ? tokens : tokens.slice(0, end);
    const cgroup = cmdlineValue(cmd, 'systemd.unified_cgroup_hierarchy');
    const serial = kernelTokens.filter((t) => /^console=ttyS/.test(t));
    const printk = sysctlsOf(ev).get('kernel.printk');
    const level = Number((printk ?? '').split(/\s+/)[0]);
    const extras = ['transparent_hugepage', 'workqueue.unbound_cpus', 'rcupdate.rcu_normal_after_boot', 'rcutree.nohz_full_patience_delay', 'audit', 'split_lock_detect']
      .filter((name) => cmd.params.has(name))
      .map((name) => `${name}=${cmdlineValue(cmd, name) ?? ''}`);
    const consoleText = serial.length > 0 ? `${serial.join(' ')} with printk console level ${Number.isNaN(level) ? '?' : level}` : 'no serial console';
    const facts = `${consoleText}; extras: ${extras.join(' ') || 'none'}`;
    if (cgroup !== undefined && /^(0|false|no)$/.test(cgroup)) {
      return {
        verdict: 'fail',
        summary: `systemd.unified_cgroup_hierarchy=${cgroup} forces cgroup v1; ${facts}`,
        remediation: textRemedy('Remove systemd.unified_cgroup_hierarchy=0 from the GRUB configuration, then update-grub and reboot.', [
          `sed -i 's/ *systemd\\.unified_cgroup_hierarchy=[^ "]*//g' /etc/default/grub /etc/default/grub.d/*.cfg`,
          'update-grub',
          '# reboot, then re-run the checks',
        ]),
      };
    }
    if (serial.length > 0 && level >= 7) {
      return {
        verdict: 'warn',
        summary: `${facts}: debug messages go synchronously to the serial console`,
        remediation: sysctlRemedy([['kernel.printk', '4 4 1 7']], 'Lower the console log level.'),
      };
    }
    return { verdict: 'pass', summary: `no cgroup v1 override; ${facts}` };
  },
};

export const kernelChecks: CheckDefinition[] = [k01, k02, k03, k04, k05, k06, k07, k08, k09, k10, k11, k12, k13];

