import type { Case } from './helpers';
import { debianVm, edit, tuned, tunedProfile, untuned } from './helpers';

const rtProcess = (change: (s: string) => string) => (): ReturnType<typeof tuned> => edit(tuned(), 'rt-process', change);
const memlock8m = (s: string): string => s.replace(/(Max locked memory\s+)unlimited\s+unlimited/, '$18388608             8388608             ');

export const memoryCases: Case[] = (
  [
    { id: 'M01', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /\/proc\/swaps empty; vm\.swappiness=10/ },
    { id: 'M01', name: 'untuned /swap.img', evidence: untuned, verdict: 'warn', summary: /swap active: \/swap\.img file 4194300 kB, used 0 kB; vm\.swappiness=60/ },
    { id: 'M01', name: 'Debian VM', evidence: debianVm, verdict: 'pass', summary: /\/proc\/swaps empty/ },
    { id: 'M02', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /THP never \(defrag never\), KSM run=0, kernel\.numa_balancing=0 \(1 node\), vm\.stat_interval=10/ },
    { id: 'M02', name: 'untuned madvise', evidence: untuned, verdict: 'warn', summary: /THP madvise/ },
    { id: 'M02', name: 'Debian VM (plain values)', evidence: debianVm, verdict: 'warn', summary: /THP madvise \(defrag madvise\), KSM run=0/ },
    { id: 'M02', name: 'THP always', evidence: () => edit(tuned(), 'thp', (s) => s.replace('always madvise [never]', '[always] madvise never')), verdict: 'fail', summary: /THP always/ },
    { id: 'M02', name: 'KSM running', evidence: () => edit(tuned(), 'thp', (s) => s.replace('ksm/run:0', 'ksm/run:1')), verdict: 'warn', summary: /KSM run=1/ },
    { id: 'M03', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /Max locked memory soft unlimited \(unit LimitMEMLOCKSoft=infinity\)/ },
    { id: 'M03', name: 'untuned', evidence: untuned, verdict: 'skip', skipReason: 'not applicable' },
    { id: 'M03', name: '8 MiB limit, nothing locked', evidence: rtProcess((s) => memlock8m(s).replace(/VmLck:\t\s+204800 kB/, 'VmLck:\t       0 kB')), verdict: 'fail', summary: /soft 8388608.*VmLck 0 kB.*memory not locked/ },
    { id: 'M03', name: '8 MiB limit, current pages locked', evidence: rtProcess(memlock8m), verdict: 'warn', summary: /later allocations cannot be locked/ },
    { id: 'M03', name: 'CAP_IPC_LOCK instead of a limit', evidence: rtProcess((s) => memlock8m(s).replace(/CapEff:\t0+/, 'CapEff:\t0000000000004000')), verdict: 'pass', summary: /CAP_IPC_LOCK/ },
    { id: 'M04', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /VmLck 204800 kB of VmRSS 65536 kB/ },
    { id: 'M04', name: 'mlockall missing', evidence: rtProcess((s) => s.replace(/VmLck:\t\s+204800 kB/, 'VmLck:\t       0 kB')), verdict: 'fail', summary: /VmLck 0 kB of VmRSS 65536 kB.*: mlockall not called or failed/ },
    { id: 'M04', name: 'half locked', evidence: rtProcess((s) => s.replace(/VmLck:\t\s+204800 kB/, 'VmLck:\t   32768 kB')), verdict: 'warn', summary: /only 50 % locked/ },
    { id: 'M04', name: 'untuned', evidence: untuned, verdict: 'skip', skipReason: 'not applicable' },
    { id: 'M05', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /CPUSchedulingPolicy=1 \(fifo\) CPUSchedulingPriority=80/ },
    {
      id: 'M05',
      name: 'no policy, no RLIMIT_RTPRIO',
      evidence: () =>
        edit(
          edit(tuned(), 'units', (s) => s.replace(/(Id=mxrc-rt\.service\n(?:.*\n)*?)CPUSchedulingPolicy=1\nCPUSchedulingPriority=80/, '$1CPUSchedulingPolicy=0\nCPUSchedulingPriority=0')),
          'rt-process',
          (s) => s.replace(/(Max realtime priority\s+)90\s+90/, '$10                    0'),
        ),
      verdict: 'fail',
      summary: /CPUSchedulingPolicy=0 \(other\).*RLIMIT_RTPRIO soft 0;.*priority 80 not reachable/,
    },
    {
      id: 'M05',
      name: 'RLIMIT_RTPRIO high enough',
      evidence: () => edit(tuned(), 'units', (s) => s.replace(/(Id=mxrc-rt\.service\n(?:.*\n)*?)CPUSchedulingPolicy=1\nCPUSchedulingPriority=80/, '$1CPUSchedulingPolicy=0\nCPUSchedulingPriority=0')),
      verdict: 'pass',
      summary: /RLIMIT_RTPRIO soft 90/,
    },
    { id: 'M05', name: 'untuned', evidence: untuned, verdict: 'skip', skipReason: 'not applicable', summary: /mxrc-rt\.service LoadState=not-found/ },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));
