import type { Case } from './helpers';
import { debianVm, edit, replaceLast, tuned, tunedProfile, untuned, withProbes } from './helpers';

/** The fieldbus IRQs moved onto RT CPU 2 with their IRQ threads at `prio` (only the data queue when `spread`). */
const nicOnRt = (prio: number, spread = false) => (): ReturnType<typeof tuned> => {
  const thread = (irq: string, cpu: number): string => `  FF ${String(prio).padStart(6)}   -   ${cpu} S    irq/${irq}`;
  let ev = edit(tuned(), 'irq-affinity', (s) => s.replace('129|0-1|1', '129|2|2'));
  ev = edit(ev, 'threads', (s) => s.replace('  FF     50   -   1 S    irq/129', thread('129', 2)));
  if (spread) return ev;
  ev = edit(ev, 'irq-affinity', (s) => s.replace('128|0-1|0', '128|2|2'));
  return edit(ev, 'threads', (s) => s.replace('  FF     50   -   0 S    irq/128', thread('128', 2)));
};
const nic = (change: (s: string) => string) => (): ReturnType<typeof tuned> => edit(tuned(), 'nic', change);

export const interruptCases: Case[] = (
  [
    { id: 'I02', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /14 device IRQs, none effective on CPUs 2-3; IRQ 124 nvme0q3 on CPU 2 \(managed queue of the RT CPUs\)/ },
    { id: 'I02', name: 'untuned', evidence: untuned, verdict: 'fail', summary: /4 of 15 device IRQs on RT CPUs: IRQ 8 rtc0 on CPU 2, IRQ 9 acpi on CPU 3, IRQ 120 xhci_hcd on CPU 2/ },
    { id: 'I02', name: 'Debian VM (2 CPUs, RT 2-3 absent)', evidence: debianVm, profile: {}, verdict: 'pass', summary: /19 device IRQs/ },
    { id: 'I02', name: 'Debian VM judged with RT core 1', evidence: debianVm, profile: { rtCores: '1', housekeepingCores: '0' }, verdict: 'fail', summary: /IRQ 25 ACPI:Ged on CPU 1, IRQ 26 ttyS0 on CPU 1/ },
    { id: 'I02', name: 'allow-listed IRQs', evidence: untuned, profile: { ecatIf: 'enp3s0', irqAllowList: ['rtc0', 'acpi', 'xhci_hcd', 'enp2s0'] }, verdict: 'pass', summary: /IRQ 8 rtc0 on CPU 2 \(allowed\)/ },
    { id: 'I03', name: 'tuned: only the loop timer', evidence: tuned, verdict: 'pass', summary: /CPU 2: LOC 9991\/s \(loop ~10000\/s\), RES 0\.1 CAL 0\.0 TLB 0\.0, NMI 0\.0 PMI 0\.0\/s, 0 device IRQs/ },
    { id: 'I03', name: 'untuned: device IRQs counted', evidence: untuned, verdict: 'fail', summary: /CPU 2: IRQ 120 xhci_hcd \+250, IRQ 124 nvme0q3 \+25/ },
    { id: 'I03', name: 'Debian VM judged with RT core 1', evidence: debianVm, profile: { rtCores: '1', housekeepingCores: '0' }, verdict: 'fail', summary: /IRQ 36 virtio1-req\.0 \+658/ },
    { id: 'I03', name: 'Debian VM without CPUs 2-3', evidence: debianVm, profile: {}, verdict: 'skip', skipReason: 'not applicable', summary: /CPUs 2-3 not in \/proc\/interrupts/ },
    {
      id: 'I03',
      name: 'tick still running on CPU 2',
      evidence: () => edit(tuned(), 'interrupts-10s', (s) => replaceLast(s, '36101240', '36111240')),
      verdict: 'warn',
      summary: /CPU 2 LOC 10990\/s, 990\/s above the loop/,
    },
    {
      id: 'I03',
      name: 'IPI storm on CPU 3',
      evidence: () => edit(tuned(), 'interrupts-10s', (s) => replaceLast(s, 'TLB:      14210      13400          2          2', 'TLB:      14210      13400          2       2002')),
      verdict: 'warn',
      summary: /CPU 3 TLB 200\/s/,
    },
    { id: 'I04', name: 'tuned: banned list covers RT', evidence: tuned, verdict: 'pass', summary: /irqbalance running, enabled: IRQBALANCE_BANNED_CPULIST=2-3/ },
    { id: 'I04', name: 'untuned: nothing banned', evidence: untuned, verdict: 'fail', summary: /auto-ban of isolated ∪ nohz_full = none misses RT CPU 2-3/ },
    { id: 'I04', name: 'Debian VM: no systemd, not running', evidence: debianVm, verdict: 'pass', summary: /not balancing/ },
    {
      id: 'I04',
      name: 'no systemd (this probe’s labelled output)',
      evidence: () => withProbes(tuned(), { irqbalance: "active=System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\nenabled=Failed to get unit file state for irqbalance.service: No such file or directory\nrunning=no\nIRQBALANCE_BANNED_CPULIST=1\n" }),
      verdict: 'pass',
      summary: /^irqbalance state unknown, no systemd: not balancing$/,
    },
    { id: 'I04', name: 'explicit list omits an RT CPU', evidence: () => edit(tuned(), 'irqbalance', (s) => s.replace('CPULIST=2-3', 'CPULIST=3')), verdict: 'fail', summary: /IRQBALANCE_BANNED_CPULIST=3 omits RT CPU 2/ },
    { id: 'I04', name: 'deprecated hex mask', evidence: () => edit(tuned(), 'irqbalance', (s) => s.replace('IRQBALANCE_BANNED_CPULIST=2-3', 'IRQBALANCE_BANNED_CPUS="0000000c"')), verdict: 'warn', summary: /deprecated IRQBALANCE_BANNED_CPUS=0000000c/ },
    { id: 'I04', name: 'disabled', evidence: () => withProbes(untuned(), { irqbalance: 'active=inactive\nenabled=disabled\nrunning=no\n' }), verdict: 'pass', summary: /irqbalance inactive, disabled: not balancing/ },
    { id: 'I04', name: 'auto-ban of isolated CPUs', evidence: () => withProbes(untuned(), { 'cpu-isolated': '2-3\n' }), verdict: 'pass', summary: /auto-ban of isolated ∪ nohz_full = 2-3/ },
    { id: 'I05', name: 'tuned: NIC IRQs on housekeeping', evidence: tuned, verdict: 'pass', summary: /enp3s0 \(igb\): IRQ 128 enp3s0 on CPU 0, IRQ 129 enp3s0-TxRx-0 on CPU 1/ },
    { id: 'I05', name: 'untuned: queue IRQs on RT CPUs, not threaded', evidence: untuned, verdict: 'fail', summary: /IRQ 129 enp3s0-TxRx-0 on CPU 2, not threaded/ },
    { id: 'I05', name: 'no fieldbus NIC in the profile', evidence: tuned, profile: {}, verdict: 'skip', skipReason: 'not applicable', summary: /no fieldbus NIC/ },
    { id: 'I05', name: 'deliberately on an RT CPU above the loop', evidence: nicOnRt(85), verdict: 'pass', summary: /IRQ 129 enp3s0-TxRx-0 on CPU 2, thread FF 85/ },
    { id: 'I05', name: 'on an RT CPU below the loop', evidence: nicOnRt(50), verdict: 'fail', summary: /thread FF 50/ },
    { id: 'I05', name: 'queues spread over housekeeping and RT', evidence: nicOnRt(85, true), verdict: 'warn', summary: /queues spread over housekeeping and RT CPUs/ },
    { id: 'I05', name: 'interface missing', evidence: nic((s) => s.replace('@@@ exists\nyes', '@@@ exists\nno')), verdict: 'fail', summary: /fieldbus interface enp3s0 does not exist/ },
    { id: 'I05', name: 'IgH native driver', evidence: nic((s) => s.replace('@@@ exists\nyes', '@@@ exists\nno').replace('@@@ igh\n', '@@@ igh\n/dev/EtherCAT0\n')), verdict: 'skip', skipReason: 'not applicable', summary: /IgH EtherCAT native driver/ },
    { id: 'I06', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /adaptive RX off TX off, rx-usecs 0, tx-usecs 0, EEE disabled, ASPM performance, power\/control on/ },
    { id: 'I06', name: 'untuned igb defaults', evidence: untuned, verdict: 'warn', summary: /rx-usecs 3 is a dynamic ITR mode, EEE enabled, ASPM default, runtime PM auto/ },
    { id: 'I06', name: 'fixed 50 µs moderation', evidence: nic((s) => s.replace('rx-usecs: 0', 'rx-usecs: 50')), verdict: 'fail', summary: /rx-usecs 50 holds frames ≥ 20 µs/ },
    { id: 'I06', name: 'ethtool missing', evidence: nic((s) => s.replace(/@@@ coalesce\n[\s\S]*?@@@ eee/, '@@@ coalesce\nsh: 1: ethtool: not found\n@@@ eee')), verdict: 'skip', skipReason: 'tool missing', summary: /ethtool not found/ },
    { id: 'I06', name: 'no fieldbus NIC in the profile', evidence: tuned, profile: {}, verdict: 'skip', skipReason: 'not applicable' },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));
