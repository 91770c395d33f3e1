/** §7 Time: T01, T03, T04 (T02 is K09). */
import type { CheckDefinition } from './definition';
import { cpus, intersect, keyValues, lines, listSome, plural, systemdUnavailable, toolMissing, valueLines } from './parse';
import { parsePsThreads, parseTaskStatus } from './parse-proc';
import * as P from './probes';
import { grubRemedy, textRemedy } from './remedies';

const t01: CheckDefinition = {
  id: 'T01',
  slug: 'clocksource',
  title: 'TSC clocksource',
  group: 'time',
  probes: [P.clocksource],
  optionalProbes: [P.cpuflags, P.kernelLog],
  why: 'Every clock_gettime and every timer of the loop reads the clocksource: TSC costs ns through the vDSO, HPET/ACPI PM cost µs through a system call.',
  evaluate(ev) {
    const [current = '', available = ''] = valueLines(ev.text(P.clocksource)).map((l) => l.trim());
    const flags = new Set(valueLines(ev.stdout(P.cpuflags)).map((l) => l.trim()));
    const unstable = lines(ev.stdout(P.kernelLog)).filter((l) => /clocksource.*unstable|tsc.*unstable/i.test(l));
    const facts = `current_clocksource=${current || '?'} (available: ${available || '?'})`;
    const firmware = textRemedy('Update the firmware / BIOS so the TSC stays stable; on an invariant-TSC CPU add tsc=reliable clocksource=tsc (K10).');
    if (current === 'hpet' || current === 'acpi_pm') return { verdict: 'fail', summary: `${facts}: slow clocksource${unstable.length ? `; ${unstable[0]?.trim()}` : ''}`, remediation: firmware };
    if (current === 'tsc') {
      const missing = ['constant_tsc', 'nonstop_tsc'].filter((f) => !flags.has(f));
      if (unstable.length > 0) return { verdict: 'warn', summary: `${facts}; kernel log: ${unstable[0]?.trim()}`, remediation: firmware };
      if (flags.size > 0 && missing.length > 0) return { verdict: 'warn', summary: `${facts}; CPU lacks ${missing.join(', ')}`, remediation: firmware };
      return { verdict: 'pass', summary: `${facts}; ${flags.size > 0 ? [...flags].filter((f) => /constant|nonstop/.test(f)).join(' ') : 'flags not read'}` };
    }
    if (current === 'arch_sys_counter') return { verdict: 'pass', summary: `${facts} (arm64 architected timer)` };
    return {
      verdict: 'warn',
      summary: `${facts}: not the TSC (virtual machine?)`,
      remediation: /\btsc\b/.test(available)
        ? grubRemedy(['clocksource=tsc', 'tsc=reliable'], 'Select the TSC (only on an invariant-TSC CPU, see K10).')
        : firmware,
    };
  },
};

const timeDaemons = /^(chronyd|ptp4l|phc2sys|ntpd|systemd-timesyn)$/;

const t03: CheckDefinition = {
  id: 'T03',
  slug: 'time-sync',
  title: 'Time synchronised, daemons on housekeeping cores',
  group: 'time',
  probes: [P.timesync],
  optionalProbes: [P.threadStatus, P.threads],
  why: 'Log correlation across the cell needs synchronised clocks; time daemons (ptp4l often at SCHED_FIFO) must not run on the RT cores.',
  evaluate(ev, profile) {
    const text = ev.text(P.timesync);
    const td = keyValues(lines(text).filter((l) => /^[A-Za-z]+=/.test(l)).join('\n'));
    const leap = /^Leap status\s*:\s*(.*)$/m.exec(text)?.[1]?.trim();
    const offset = /^System time\s*:\s*([\d.]+) seconds (slow|fast)/m.exec(text);
    const haveTd = td.has('NTPSynchronized');
    if (!haveTd && leap === undefined) {
      const tdWhy = systemdUnavailable(text) ? 'systemd not running' : toolMissing(text, 'timedatectl') ? 'timedatectl not found' : 'no answer';
      const chronyWhy = toolMissing(text, 'chronyc') ? 'chronyc not found' : 'chronyd not answering';
      return { verdict: 'skip', skipReason: 'tool missing', tool: 'chronyc', summary: `cannot read the sync state: ${tdWhy}; ${chronyWhy}` };
    }
    const tasks = parseTaskStatus(ev.stdout(P.threadStatus)).filter((t) => timeDaemons.test(t.name));
    const ps = new Map(parsePsThreads(ev.stdout(P.threads)).map((t) => [t.tid, t] as const));
    const onRt = [...new Set(tasks.filter((t) => t.allowed && intersect(t.allowed, profile.rt).length > 0).map((t) => `${t.name} (${cpus(t.allowed ?? [])})`))];
    const highPrio = [...new Set(tasks.map((t) => ps.get(t.tid)).filter((t) => t && (t.cls === 'FF' || t.cls === 'RR') && (t.rtprio ?? 0) >= profile.rtPrio).map((t) => `${t?.comm} ${t?.cls} ${t?.rtprio}`))];
    const synced = td.get('NTPSynchronized') === 'yes' || (leap === 'Normal' && offset !== null);
    const offsetMs = offset?.[1] ? Number(offset[1]) * 1000 : undefined;
    const daemonNames = [...new Set(tasks.map((t) => t.name))];
    const facts = [
      haveTd ? `NTP=${td.get('NTP') ?? '?'} NTPSynchronized=${td.get('NTPSynchronized')}` : '',
      leap !== undefined ? `chrony leap ${leap}${offset ? `, offset ${offset[1]} s ${offset[2]}` : ''}` : '',
      daemonNames.length ? `daemons: ${daemonNames.join(', ')}` : '',
    ]
      .filter((f) => f !== '')
      .join('; ');
    const problems: string[] = [];
    if (!synced) problems.push('not synchronised');
    if (leap !== undefined && leap !== 'Normal') problems.push(`leap status ${leap}`);
    if (offsetMs !== undefined && offsetMs >= profile.thresholds.ntpOffsetMs) problems.push(`offset ${offsetMs.toFixed(3)} ms`);
    if (onRt.length) problems.push(`allowed on RT CPUs: ${listSome(onRt)}`);
    if (highPrio.length) problems.push(`at or above loop priority: ${listSome(highPrio)}`);
    if (problems.length > 0) {
      return {
        verdict: 'warn',
        summary: `${problems.join('; ')}; ${facts}`,
        remediation: textRemedy('Configure an NTP/PTP source reachable from the cell (chrony or systemd-timesyncd), keep time daemons on the housekeeping cores (S09) and below the loop priority.', [
          'timedatectl set-ntp true',
        ]),
      };
    }
    return { verdict: 'pass', summary: facts };
  },
};

const critical = /RT throttling activated|rcu.*[Ss]tall|soft lockup|hard LOCKUP|scheduling while atomic/;

const t04: CheckDefinition = {
  id: 'T04',
  slug: 'kernel-log-anomalies',
  title: 'No RT anomalies in the kernel log',
  group: 'time',
  probes: [P.kernelLog],
  why: 'Throttling, RCU stalls and lockups mean the RT cores were blocked for ms to s this boot; slow hrtimer interrupts and split-lock traps are µs-to-ms stalls.',
  evaluate(ev) {
    const output = ev.get(P.kernelLog);
    const found = valueLines(ev.stdout(P.kernelLog)).filter((l) => l.trim() !== '');
    if (found.length === 0 && output && output.exitCode !== 0) {
      return { verdict: 'error', summary: `kernel log not readable: ${(output.stderr.trim() || `exit code ${output.exitCode}`).split('\n')[0]}` };
    }
    const bad = found.filter((l) => critical.test(l));
    const odd = found.filter((l) => !critical.test(l));
    const first = (list: string[]): string => listSome(list.map((l) => l.trim().slice(0, 120)), 2);
    const remediation = textRemedy('Find the cause around the first message (journalctl -k -b), then fix the related check (S01 throttling, K05 RCU, S06 placement, T01 clocksource).', [
      `journalctl -k -b --no-pager | grep -n -E 'throttling|stall|lockup|hrtimer|lock trap|unstable|atomic'`,
    ]);
    if (bad.length > 0) return { verdict: 'fail', summary: `${plural(bad.length, 'critical message')} this boot: ${first(bad)}`, remediation };
    if (odd.length > 0) return { verdict: 'warn', summary: `${plural(odd.length, 'message')} this boot: ${first(odd)}`, remediation };
    return { verdict: 'pass', summary: 'no throttling, RCU stall, lockup, hrtimer, split-lock or clocksource messages this boot' };
  },
};

export const timeChecks: CheckDefinition[] = [t01, t03, t04];
