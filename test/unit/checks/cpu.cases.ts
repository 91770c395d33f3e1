import type { Case } from './helpers';
import { debianVm, edit, tuned, tunedProfile, untuned, withProbes } from './helpers';

const qosOnRt = (base: ReturnType<typeof tuned>): ReturnType<typeof tuned> =>
  edit(base, 'pm-qos', (s) => s.replace(/(cpu[23]\/power\/pm_qos_resume_latency_us:)0/g, '$11'));
const shallowStates = (): ReturnType<typeof tuned> =>
  edit(untuned(), 'cpuidle-states', (s) =>
    s
      .split('\n')
      .filter((l) => !/\|(C6|C8|C10)\|/.test(l))
      .join('\n')
      .replace(/\|C1E\|2\|/g, '|C1E|10|'),
  );

export const cpuCases: Case[] = (
  [
    { id: 'C01', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /RT 2-3 and housekeeping 0-1 online; online 0-3, present 0-3; 1 NUMA node/ },
    { id: 'C01', name: 'Debian VM has no CPUs 2-3', evidence: debianVm, verdict: 'fail', summary: /CPU 2-3 of the profile .* not online; online 0-1/ },
    { id: 'C01', name: 'too few CPUs for the profile', evidence: tuned, profile: { rtCores: '2-4', housekeepingCores: '0,1', ecatIf: 'enp3s0' }, verdict: 'fail', summary: /CPU 4 of the profile/ },
    {
      id: 'C01',
      name: 'RT CPUs split over two NUMA nodes',
      evidence: () => withProbes(tuned(), { 'numa-nodes': '/sys/devices/system/node/node0/cpulist:0,2\n/sys/devices/system/node/node1/cpulist:1,3\n' }),
      verdict: 'warn',
      summary: /RT CPUs 2-3 on NUMA node 0,1/,
    },
    { id: 'C02', name: 'tuned (no SMT)', evidence: tuned, verdict: 'pass', summary: /smt\/control=notsupported, smt\/active=0/ },
    { id: 'C02', name: 'untuned: RT CPU shares a core with housekeeping', evidence: untuned, verdict: 'fail', summary: /CPU 2 with 0; CPU 3 with 1 \(not RT\) share a core/ },
    {
      id: 'C02',
      name: 'both RT CPUs on one core',
      evidence: () => edit(withProbes(untuned(), {}), 'siblings', (s) => s.replace(/:0,2$/gm, ':0-1').replace(/:1,3$/gm, ':0-1').replace(/(cpu[23]\/topology\/thread_siblings_list:)0-1/g, '$12-3')),
      verdict: 'warn',
      summary: /RT cores are siblings of one core \(CPU 2 with 3; CPU 3 with 2\)/,
    },
    { id: 'C02', name: 'Debian VM', evidence: debianVm, verdict: 'pass', summary: /SMT inactive/ },
    { id: 'C03', name: 'not hybrid', evidence: tuned, verdict: 'pass', summary: /not a hybrid CPU/ },
    { id: 'C03', name: 'RT on E-cores', evidence: () => withProbes(tuned(), { hybrid: '/sys/devices/cpu_core/cpus:0-1\n/sys/devices/cpu_atom/cpus:2-3\n' }), verdict: 'warn', summary: /RT CPU 2-3 not P-cores \(cpu_core=0-1, cpu_atom=2-3\)/ },
    { id: 'C03', name: 'RT on P-cores', evidence: () => withProbes(tuned(), { hybrid: '/sys/devices/cpu_core/cpus:0-3\n/sys/devices/cpu_atom/cpus:4-11\n' }), verdict: 'pass', summary: /are P-cores \(cpu_core=0-3/ },
    { id: 'C04', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /CPU 2-3: intel_pstate performance, EPP performance, 3100000–3100000 kHz/ },
    { id: 'C04', name: 'untuned powersave', evidence: untuned, verdict: 'warn', summary: /not performance on CPU 2-3: .*powersave, EPP balance_performance/ },
    { id: 'C04', name: 'Debian VM: no cpufreq', evidence: debianVm, verdict: 'skip', skipReason: 'not applicable', summary: /no cpufreq/ },
    { id: 'C05', name: 'tuned: turbo off', evidence: tuned, verdict: 'pass', summary: /turbo off \(intel_pstate\/no_turbo=1\)/ },
    { id: 'C05', name: 'untuned: turbo on, not locked', evidence: untuned, verdict: 'warn', summary: /turbo on \(intel_pstate\/no_turbo=0\) and frequency not locked/ },
    {
      id: 'C05',
      name: 'turbo on but frequency locked',
      evidence: () => edit(tuned(), 'pstate', (s) => s.replace('no_turbo:1', 'no_turbo:0')),
      verdict: 'pass',
      summary: /turbo on .* but frequency locked/,
    },
    { id: 'C05', name: 'Debian VM', evidence: debianVm, verdict: 'skip', skipReason: 'not applicable' },
    { id: 'C06', name: 'tuned: POLL and C1 only', evidence: tuned, verdict: 'pass', summary: /POLL 0 µs, C1 1 µs; worst usable exit latency 1 µs/ },
    { id: 'C06', name: 'untuned: C10 enabled', evidence: untuned, verdict: 'fail', summary: /C10 1000 µs; worst usable exit latency 1000 µs/ },
    { id: 'C06', name: 'C1E 10 µs enabled', evidence: shallowStates, verdict: 'warn', summary: /worst usable exit latency 10 µs/ },
    { id: 'C06', name: 'deep states held off by PM QoS', evidence: () => qosOnRt(untuned()), verdict: 'pass', summary: /held off by PM QoS/ },
    { id: 'C06', name: 'Debian VM: driver none', evidence: debianVm, verdict: 'pass', summary: /cpuidle driver none/ },
    { id: 'C07', name: 'tuned: RT app holds cpu_dma_latency', evidence: tuned, verdict: 'pass', summary: /RT process 1300 holds \/dev\/cpu_dma_latency/ },
    { id: 'C07', name: 'untuned: no QoS, descriptor check refused', evidence: untuned, verdict: 'warn', summary: /pm_qos_resume_latency_us cpu2=0 cpu3=0; descriptor check needs sudo/ },
    { id: 'C07', name: 'per-CPU resume latency', evidence: () => qosOnRt(untuned()), verdict: 'pass', summary: /pm_qos_resume_latency_us cpu2=1 cpu3=1/ },
    { id: 'C07', name: 'no QoS needed without cpuidle', evidence: debianVm, verdict: 'pass', summary: /not needed: cpuidle driver none/ },
    {
      id: 'K07',
      name: 'deep states disabled in sysfs (C06 passes)',
      evidence: () => edit(untuned(), 'cpuidle-states', (s) => s.replace(/\|(C1E|C6|C8|C10)\|(\d+)\|0\|/g, '|$1|$2|1|')),
      verdict: 'pass',
      summary: /deep states disabled on CPUs 2-3 \(C06\)/,
    },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));
