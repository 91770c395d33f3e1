import type { Case } from './helpers';
import { debianVm, edit, tuned, tunedProfile, untuned, withProbes } from './helpers';

const inspect = (change: (s: string) => string) => (): ReturnType<typeof tuned> => edit(tuned(), 'docker-inspect', change);
const withoutDocker = (s: string): string =>
  s
    .split('\n')
    .filter((l) => !/^\/proc\/(880|900|1500)\//.test(l))
    .join('\n');

export const dockerCases: Case[] = (
  [
    { id: 'D01', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /Docker 27\.5\.1, containerd 1\.7\.24; \/sys\/fs\/cgroup cgroup2fs \(cpuset cpu io memory hugetlb pids rdma misc\); cgroup driver systemd/ },
    { id: 'D01', name: 'Debian VM: cgroup v1', evidence: debianVm, verdict: 'fail', summary: /cgroup v1 \(\/sys\/fs\/cgroup is tmpfs\): Docker 20\.10\.24, containerd 1\.6\.20/ },
    { id: 'D01', name: 'old engine', evidence: () => edit(tuned(), 'docker-bin', (s) => s.replace('Docker version 27.5.1', 'Docker version 19.03.8')), verdict: 'fail', summary: /Docker 19\.03\.8 older than 20\.10/ },
    { id: 'D01', name: 'cgroupfs driver', evidence: () => withProbes(tuned(), { 'docker-info': '27.5.1|2|cgroupfs\n' }), verdict: 'warn', summary: /cgroup driver cgroupfs/ },
    { id: 'D01', name: 'no Docker', evidence: () => withProbes(tuned(), { 'docker-bin': { stdout: '', stderr: 'sh: 1: dockerd: not found\nsh: 1: containerd: not found\n', exitCode: 127 } }), verdict: 'skip', skipReason: 'tool missing', summary: /dockerd not found/ },
    { id: 'D02', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /containerd on 0-1, dockerd on 0-1, containerd-shim on 0-1; docker\.service CPUAffinity=0-1/ },
    { id: 'D02', name: 'untuned', evidence: untuned, verdict: 'fail', summary: /allowed on RT CPUs: containerd on 0-3, dockerd on 0-3; docker\.service CPUAffinity=unset/ },
    { id: 'D02', name: 'Docker not running', evidence: () => edit(tuned(), 'thread-status', withoutDocker), verdict: 'skip', skipReason: 'not applicable', summary: /dockerd\/containerd not running/ },
    { id: 'D03', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /cpuset 0,1, memory 536870912, network host, privileged false, caps none, \/var\/run\/mxrc ro, health healthy/ },
    { id: 'D03', name: 'untuned: not deployed', evidence: untuned, verdict: 'skip', skipReason: 'not applicable', summary: /container mxrc-webapi not found/ },
    { id: 'D03', name: 'unpinned and privileged', evidence: inspect((s) => s.replace('0,1|536870912|host|false|null', '|536870912|host|true|["SYS_NICE"]')), verdict: 'fail', summary: /no cpuset, privileged, RT capabilities SYS_NICE/ },
    { id: 'D03', name: 'cpuset on RT CPUs', evidence: inspect((s) => s.replace(/^0,1\|/, '0-3|')), verdict: 'fail', summary: /cpuset includes RT CPU 2-3/ },
    { id: 'D03', name: 'memory limit and mount differ', evidence: inspect((s) => s.replace('536870912', '1073741824').replace('"RW":false', '"RW":true')), verdict: 'warn', summary: /memory 1073741824 ≠ 536870912, \/var\/run\/mxrc mounted read-write/ },
    { id: 'D03', name: 'Docker daemon down', evidence: () => withProbes(tuned(), { 'docker-inspect': { stdout: '\n', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', exitCode: 1 } }), verdict: 'skip', skipReason: 'not applicable', summary: /Docker daemon not running/ },
    { id: 'D04', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /GET http:\/\/localhost:8080\/api\/health\/live → 200 in 4 ms/ },
    { id: 'D04', name: 'untuned: not deployed', evidence: untuned, verdict: 'skip', skipReason: 'not applicable', summary: /→ 000 \(curl: \(7\) Failed to connect/ },
    { id: 'D04', name: 'Debian VM: port closed', evidence: debianVm, verdict: 'fail', summary: /→ 000 \(curl: \(7\) Failed to connect to localhost port 8080/ },
    { id: 'D04', name: 'unhealthy', evidence: () => withProbes(tuned(), { health: '503 0.010211\n' }), verdict: 'fail', summary: /→ 503 in 10 ms/ },
    { id: 'D04', name: 'too slow', evidence: () => withProbes(tuned(), { health: '200 1.500000\n' }), verdict: 'fail', summary: /→ 200 in 1500 ms/ },
    { id: 'D05', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /\/run\/mxrc 755 mxrc:mxrc inode 1187; 1 entry \(ipc\.sock \(socket 660\)\); container sees the same inode/ },
    { id: 'D05', name: 'untuned: services not installed', evidence: untuned, verdict: 'skip', skipReason: 'not applicable' },
    { id: 'D05', name: 'stale bind mount', evidence: () => withProbes(tuned(), { 'mxrc-dir-container': '2001\n' }), verdict: 'fail', summary: /sees inode 2001, host 1187 \(stale bind mount\)/ },
    {
      id: 'D05',
      name: 'missing while the services are installed',
      evidence: () => withProbes(tuned(), { 'mxrc-dir': { stdout: 'lrwxrwxrwx 1 root root 4 Apr 23  2024 /var/run -> /run\n', stderr: "ls: cannot access '/run/mxrc': No such file or directory\n", exitCode: 1 } }),
      verdict: 'fail',
      summary: /\/run\/mxrc missing \(ls: cannot access '\/run\/mxrc'/,
    },
    { id: 'D05', name: 'world-writable', evidence: () => edit(tuned(), 'mxrc-dir', (s) => s.replace('directory|755|', 'directory|777|')), verdict: 'warn', summary: /mode 777/ },
    { id: 'D06', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /no suppression of mxrc-rt\.service\/mxrc-ipc\.service; RateLimitIntervalSec=30s RateLimitBurst=20000; journald on 0-1/ },
    { id: 'D06', name: 'untuned: journald on all CPUs', evidence: untuned, verdict: 'warn', summary: /journald allowed on 0-3/ },
    { id: 'D06', name: 'Debian VM: no systemd', evidence: debianVm, verdict: 'skip', skipReason: 'not applicable', summary: /systemd-journald not running/ },
    { id: 'D06', name: 'RT messages suppressed', evidence: () => withProbes(tuned(), { 'journald-suppressed': 'Nov 26 11:20:01 mxrc-cell7 systemd-journald[412]: Suppressed 1234 messages from mxrc-rt.service\n' }), verdict: 'warn', summary: /Suppressed 1234 messages from mxrc-rt\.service/ },
    { id: 'D07', name: 'tuned', evidence: tuned, verdict: 'pass', summary: /mxrc-ipc pid 1200: 2 threads allowed on 0-1, classes TS; CPUAffinity=0-1/ },
    { id: 'D07', name: 'untuned: not installed', evidence: untuned, verdict: 'skip', skipReason: 'not applicable', summary: /IPC server not running \(mxrc-ipc\.service LoadState=not-found\)/ },
    { id: 'D07', name: 'allowed on RT CPUs', evidence: () => edit(tuned(), 'ipc-process', (s) => s.replace(/(task\/1201\/status:Cpus_allowed_list:\t)0-1/, '$10-3')), verdict: 'fail', summary: /allowed on RT CPU 2-3/ },
    { id: 'D07', name: 'FIFO thread at the loop priority', evidence: () => edit(tuned(), 'ipc-process', (s) => s.replace('   1201 TS       -', '   1201 FF      80')), verdict: 'warn', summary: /1 thread\(s\) at or above loop priority 80/ },
  ] satisfies Case[]
).map((c) => ({ profile: tunedProfile, ...c }));
