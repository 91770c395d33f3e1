import type { Case } from './helpers';
import { debianVm, edit, psRow, replaceLast, taskStatus, tuned, tunedProfile, untuned, withProbes } from './helpers';

const sysctlEdit = (from: string, to: string) => (): ReturnType<typeof tuned> => edit(tuned(), 'sysctl', (s) => s.replace(from, to));
const rtProcess = (change: (s: string) => string) => (): ReturnType<typeof tuned> => edit(tuned(), 'rt-process', change);
const addThread = (pid: number, name: string, allowed: string, cls: string, rtprio: number | null, psr: number, kthread = false) => (): ReturnType<typeof tuned> =>
  edit(edit(tuned(), 'thread-status', (s) => s + taskStatus(pid, pid, name, allowed, { ppid: kthread ? 2 : 1, kthread })), 'threads', (s) => s + psRow(pid, pid, cls, rtprio, psr, name));

export const schedulerCases: Case[] = (
  [
    { id: 'S01', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /kernel\.sched_rt_runtime_us=-1, sched_rt_period_us=1000000; 0 throttling messages/ },
    { id: 'S01', name: 'untuned default budget', evidence: untuned, verdict: 'warn', summary: /kernel\.sched_rt_runtime_us=950000/ },
    { id: 'S01', name: 'Debian VM (no kernel log probe)', evidence: debianVm, verdict: 'warn', summary: /950000.*kernel log not read/ },
    {
      id: 'S01',
      name: 'throttling happened',
      evidence: () => withProbes(untuned(), { 'kernel-log': '[ 1234.567890] sched: RT throttling activated\n' }),
      verdict: 'fail',
      summary: /RT throttling activated" in the kernel log; kernel\.sched_rt_runtime_us=950000/,
    },
    { id: 'S02', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /sched_rt_period_us=1000000, sched_schedstats=0/ },
    { id: 'S02', name: 'schedstats on', evidence: sysctlEdit('kernel.sched_schedstats = 0', 'kernel.sched_schedstats = 1'), verdict: 'warn', summary: /sched_schedstats=1/ },
    { id: 'S02', name: 'Debian VM (schedstats missing)', evidence: debianVm, verdict: 'pass', summary: /sched_schedstats=n\/a/ },
    { id: 'S03', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /kernel\.timer_migration=0/ },
    { id: 'S03', name: 'untuned', evidence: untuned, verdict: 'warn', summary: /kernel\.timer_migration=1/ },
    { id: 'S03', name: 'Debian VM', evidence: debianVm, verdict: 'warn', summary: /kernel\.timer_migration=1/ },
    { id: 'S04', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /mxrc-rt pid 1300: mxrc-rt-loop0\/1301 FF 80 on CPU 2 \(allowed 2\)/ },
    { id: 'S04', name: 'untuned: no RT service', evidence: untuned, verdict: 'skip', skipReason: 'not applicable', summary: /mxrc-rt\.service LoadState=not-found/ },
    {
      id: 'S04',
      name: 'RT thread allowed on housekeeping cores',
      evidence: rtProcess((s) => s.replace(/(task\/1301\/status:Cpus_allowed_list:\t)2/, '$10-3')),
      verdict: 'fail',
      summary: /mxrc-rt-loop0\/1301 allowed on 0-3/,
    },
    { id: 'S04', name: 'no SCHED_FIFO thread', evidence: rtProcess((s) => s.replace(/ FF {6}80 /g, ' TS       - ')), verdict: 'fail', summary: /no SCHED_FIFO thread \(3 threads, classes TS\)/ },
    { id: 'S04', name: 'wrong priority', evidence: rtProcess((s) => s.replace(/ FF {6}80 /g, ' FF      70 ')), verdict: 'warn', summary: /at priority 70, expected 80/ },
    { id: 'S04', name: 'priority 99', evidence: rtProcess((s) => s.replace(/ FF {6}80 /g, ' FF      99 ')), verdict: 'fail', summary: /priority 99 \(reserved\)/ },
    { id: 'S05', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /pid 1300 over 10\.0 s: tid 1301: 0\.0 involuntary\/s, 9991 voluntary\/s \(expected ~10000\), Δmin_flt 0, Δmaj_flt 0/ },
    { id: 'S05', name: 'untuned', evidence: untuned, verdict: 'skip', skipReason: 'not applicable' },
    {
      id: 'S05',
      name: 'major faults on the RT thread',
      evidence: () => edit(tuned(), 'rt-process-10s', (s) => replaceLast(s, '   1301 FF        12     0', '   1301 FF        12     3')),
      verdict: 'fail',
      summary: /Δmaj_flt 3/,
    },
    {
      id: 'S05',
      name: 'preempted 6 times per second',
      evidence: () => edit(tuned(), 'rt-process-10s', (s) => replaceLast(s, 'task/1301/status:nonvoluntary_ctxt_switches:\t2', 'task/1301/status:nonvoluntary_ctxt_switches:\t62')),
      verdict: 'warn',
      summary: /tid 1301: 6\.0 involuntary\/s/,
    },
    { id: 'S06', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /on CPUs 2-3: 2 RT-process threads, 14 per-CPU kthreads$/ },
    { id: 'S06', name: 'untuned: user threads on RT CPUs', evidence: untuned, verdict: 'fail', summary: /user threads running there \(systemd \(0-3\)/ },
    { id: 'S06', name: 'an unbound kworker allowed on RT CPUs', evidence: addThread(4000, 'kworker/u8:7-events_unbound', '0-3', 'TS', null, 0, true), verdict: 'warn', summary: /1 unbound kthread \(kworker\/u8:7-events_unbound \(0-3\)\)/ },
    { id: 'S06', name: 'a FIFO 90 user thread can run there', evidence: addThread(4001, 'rogue-rt', '0-3', 'FF', 90, 0), verdict: 'fail', summary: /RT threads at ≥ 80: rogue-rt \(0-3\) FF 90/ },
    { id: 'S07', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /14 unbound kthreads, all on CPUs 0-1/ },
    { id: 'S07', name: 'untuned', evidence: untuned, verdict: 'warn', summary: /9 of 9 unbound kthreads allowed beyond housekeeping 0-1: kthreadd \(0-3\)/ },
    { id: 'S08', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /workqueue cpumask=3 \(CPUs 0-1\), 2 per-queue masks; none on CPUs 2-3/ },
    { id: 'S08', name: 'untuned', evidence: untuned, verdict: 'fail', summary: /workqueue cpumask=f \(CPUs 0-3\).* includes RT CPU 2-3/ },
    { id: 'S08', name: 'writeback still on all CPUs', evidence: () => edit(tuned(), 'workqueue', (s) => s.replace('writeback/cpumask:3', 'writeback/cpumask:f')), verdict: 'warn', summary: /on RT CPUs: writeback=f/ },
    { id: 'S08', name: 'Debian VM (plain values)', evidence: debianVm, verdict: 'pass', summary: /workqueue cpumask=3 \(CPUs 0-1\)/ },
    { id: 'S09', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /PID 1 Cpus_allowed_list=0-1; system\.conf CPUAffinity=0 1/ },
    { id: 'S09', name: 'untuned', evidence: untuned, verdict: 'warn', summary: /PID 1 Cpus_allowed_list=0-3; system\.conf CPUAffinity=unset: services may start on RT CPUs/ },
    { id: 'S09', name: 'Debian VM', evidence: debianVm, verdict: 'pass', summary: /PID 1 Cpus_allowed_list=0-1/ },
    {
      id: 'S09',
      name: 'RT unit without CPUAffinity',
      evidence: () => edit(tuned(), 'units', (s) => s.replace(/(Id=mxrc-rt\.service\n(?:.*\n)*?)CPUAffinity=2-3/, '$1CPUAffinity=')),
      verdict: 'warn',
      summary: /mxrc-rt\.service has no CPUAffinity= and inherits 0-1/,
    },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));
