import type { Case } from './helpers';
import { debianVm, edit, tuned, tunedProfile, untuned, withProbes } from './helpers';

export const timeCases: Case[] = (
  [
    { id: 'T01', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /current_clocksource=tsc \(available: tsc hpet acpi_pm\); constant_tsc nonstop_tsc/ },
    { id: 'T01', name: 'Debian VM (KVM)', evidence: debianVm, verdict: 'pass', summary: /available: tsc kvm-clock/ },
    { id: 'T01', name: 'fell back to HPET', evidence: () => withProbes(tuned(), { clocksource: 'hpet\nhpet acpi_pm \n', 'kernel-log': "[   12.345678] clocksource: Marking clocksource 'tsc' as unstable because the skew is too large:\n" }), verdict: 'fail', summary: /current_clocksource=hpet .*Marking clocksource 'tsc' as unstable/ },
    { id: 'T01', name: 'TSC marked unstable earlier', evidence: () => withProbes(tuned(), { 'kernel-log': "[   12.345678] clocksource: Marking clocksource 'tsc' as unstable because the skew is too large:\n" }), verdict: 'warn', summary: /kernel log: .*Marking clocksource 'tsc' as unstable/ },
    { id: 'T01', name: 'kvm-clock', evidence: () => withProbes(tuned(), { clocksource: 'kvm-clock\ntsc kvm-clock \n' }), verdict: 'warn', summary: /current_clocksource=kvm-clock .*not the TSC/ },
    { id: 'T03', name: 'tuned chrony', evidence: tuned, verdict: 'pass', summary: /NTP=yes NTPSynchronized=yes; chrony leap Normal, offset 0\.000012345 s slow; daemons: chronyd/ },
    { id: 'T03', name: 'untuned: timesyncd allowed on RT CPUs', evidence: untuned, verdict: 'warn', summary: /allowed on RT CPUs: systemd-timesyn \(0-3\)/ },
    { id: 'T03', name: 'Debian VM: no systemd, no chrony', evidence: debianVm, verdict: 'skip', skipReason: 'tool missing', summary: /systemd not running; chronyc not found/ },
    { id: 'T03', name: 'offset 5 ms', evidence: () => edit(tuned(), 'timesync', (s) => s.replace('0.000012345 seconds slow', '0.005000000 seconds fast')), verdict: 'warn', summary: /offset 5\.000 ms/ },
    { id: 'T03', name: 'not synchronised', evidence: () => edit(tuned(), 'timesync', (s) => s.replace('NTPSynchronized=yes', 'NTPSynchronized=no').replace('Leap status     : Normal', 'Leap status     : Not synchronised')), verdict: 'warn', summary: /not synchronised; leap status Not synchronised/ },
    { id: 'T04', name: 'tuned: clean log', evidence: tuned, verdict: 'pass', summary: /no throttling, RCU stall, lockup/ },
    { id: 'T04', name: 'RT throttling and an RCU stall', evidence: () => withProbes(tuned(), { 'kernel-log': '[  301.1] sched: RT throttling activated\n[  402.2] rcu: INFO: rcu_preempt self-detected stall on CPU\n' }), verdict: 'fail', summary: /2 critical messages this boot: \[ {2}301\.1\] sched: RT throttling activated/ },
    { id: 'T04', name: 'slow hrtimer interrupt', evidence: () => withProbes(tuned(), { 'kernel-log': '[ 1201.5] hrtimer: interrupt took 126384 ns\n' }), verdict: 'warn', summary: /1 message this boot: \[ 1201\.5\] hrtimer: interrupt took 126384 ns/ },
    { id: 'T04', name: 'journal refused and sudo refused', evidence: () => withProbes(tuned(), { 'kernel-log': { stdout: '', stderr: 'sudo: a password is required\n', exitCode: 1, status: 'needs-sudo' } }), verdict: 'skip', skipReason: 'needs sudo', summary: /needs sudo: kernel-log/ },
    { id: 'T04', name: 'log unreadable', evidence: () => withProbes(tuned(), { 'kernel-log': { stdout: '', stderr: 'dmesg: read kernel buffer failed: Bad address\n', exitCode: 1 } }), verdict: 'error', summary: /kernel log not readable: dmesg: read kernel buffer failed/ },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));

export const platformCases: Case[] = (
  [
    { id: 'B01', name: 'tuned: no SMI in 10 s', evidence: tuned, verdict: 'pass', summary: /MSR_SMI_COUNT 12 → 12 over 10\.0 s/ },
    { id: 'B01', name: 'SMIs counted', evidence: () => withProbes(tuned(), { 'smi-count': 'smi=12 at=5234.10\nsmi=15 at=5244.11\n' }), verdict: 'warn', summary: /3 SMIs: MSR_SMI_COUNT 12 → 15/ },
    { id: 'B01', name: 'untuned: sudo refused', evidence: untuned, verdict: 'skip', skipReason: 'needs sudo', summary: /needs sudo: smi-count/ },
    { id: 'B01', name: 'msr module not loaded', evidence: () => withProbes(tuned(), { 'smi-count': 'msr=absent\n' }), verdict: 'skip', skipReason: 'tool missing', summary: /msr module not loaded/ },
    { id: 'B01', name: 'AMD CPU', evidence: () => withProbes(tuned(), { 'smi-count': 'vendor=not-intel\n' }), verdict: 'skip', skipReason: 'not applicable' },
    { id: 'B01', name: 'MSR unreadable in a VM', evidence: () => withProbes(tuned(), { 'smi-count': { stdout: 'smi= at=10.00\nsmi= at=20.01\n', stderr: "dd: error reading '/dev/cpu/0/msr': Input/output error\n" } }), verdict: 'skip', skipReason: 'not applicable', summary: /Input\/output error/ },
    { id: 'B02', name: 'tuned (recorded)', evidence: tuned, verdict: 'pass', summary: /MXRC Robotics MXRC-C2 Controller \(board MXRC-MB2\), BIOS American Megatrends International, LLC\. MXRC2\.R1\.07 03\/14\/2024; CPU Intel/ },
    { id: 'B02', name: 'Debian VM without DMI (recorded)', evidence: debianVm, verdict: 'pass', summary: /DMI not available/ },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));
