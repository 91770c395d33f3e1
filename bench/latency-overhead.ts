/**
 * `npm run bench:latency-overhead`: during a 60 s latency test on the lab's systemd controller (RT core 1,
 * housekeeping core 0), how much CPU the tool's own processes use on the controller and on which CPUs they run.
 * Goal: zero on the RT cores, < 1 % of one housekeeping core.
 *
 * "The tool's own processes" on the controller: the sshd session of the app's connection (its unprivileged child,
 * the privileged monitor, the SFTP server and every command it ran — reaped children count through cutime/cstime),
 * and the detached runner with its helpers (sleep, tail, mv). cyclictest and stress-ng are the measurement and
 * the load, so they are not counted (the runner is sampled before it reaps cyclictest).
 *
 * Same run, for comparison: an OpenSSH client (one ControlMaster connection) that reads the same status file once
 * a second with `ssh HOST cat FILE` — the plain way to watch a detached run.
 *
 * The lab controller is a container on this machine: its processes are read from the host's /proc (their PIDs
 * mapped through NSpid), so measuring adds nothing on the controller. RT exposure is judged by affinity: a
 * process that may run on an RT core counts all its CPU time as RT time (an upper bound), and the CPUs each
 * process was seen on are listed. The last line is one JSON object: {"rtCoreCpuS", "housekeepingPct", …}.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compose } from '../src/main/composition';
import { parseCpuList } from '../src/shared/cpu-list';
import type { LatencyRunView } from '../src/shared/model/latency';
import { inMemoryClient } from '../test/support/in-memory-transport';
import { ensureLab } from '../test/support/lab';
import { waitFor } from '../test/support/wait-for';

const durationS = Number(process.env.BENCH_DURATION_S ?? 60);
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcSample {
  comm: string;
  state: string;
  ppid: number;
  /** utime + stime, seconds. */
  own: number;
  /** cutime + cstime (reaped children), seconds. */
  children: number;
  psr: number;
  allowed: number[];
}

function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] = state (field 3); utime = field 14 → index 11; processor = field 39 → index 36.
    const n = (index: number): number => Number(fields[index] ?? 0);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '';
    return {
      comm,
      state: fields[0] ?? '?',
      ppid: n(1),
      own: (n(11) + n(12)) / clockTicks,
      children: (n(13) + n(14)) / clockTicks,
      psr: n(36),
      allowed: allowed ? parseCpuList(allowed) : [],
    };
  } catch {
    return null;
  }
}

/** Host PIDs of the processes in the controller container's PID namespace, by their PID inside it. */
function namespaceMap(initHostPid: number): Map<number, number> {
  const ns = readlinkSync(`/proc/${initHostPid}/ns/pid`);
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) !== ns) continue;
      const nspid = /^NSpid:\s*(.+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
      const inner = nspid?.at(-1);
      if (inner) map.set(Number(inner), Number(entry));
    } catch {
      continue;
    }
  }
  return map;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const sample = readProc(Number(entry));
    if (sample?.ppid === pid) out.push(Number(entry));
  }
  return out;
}

/** One observed process: first and last CPU counters, the CPUs it was seen on, its allowed CPUs. */
class Tracked {
  first: ProcSample | null = null;
  last: ProcSample | null = null;
  readonly seen = new Set<number>();
  readonly allowed = new Set<number>();
  constructor(
    readonly pid: number,
    readonly role: string,
    /** Count reaped children (a shell's commands) — not for the runner after cyclictest ended. */
    readonly withChildren: boolean,
  ) {}

  sample(frozen = false): void {
    const now = readProc(this.pid);
    if (!now) return;
    const previous = this.last;
    this.first ??= now;
    // `processor` is the CPU a process last ran on: it tells where the process ran only when its counters moved
    // since the previous sample (or it is running now), not where it ran before the window.
    const ran = now.state === 'R' || (previous !== null && (now.own !== previous.own || now.children !== previous.children));
    if (ran) this.seen.add(now.psr);
    if (!frozen) this.last = now;
    for (const cpu of now.allowed) this.allowed.add(cpu);
  }

  cpuSeconds(): number {
    if (!this.first || !this.last) return 0;
    const own = this.last.own - this.first.own;
    return this.withChildren ? own + this.last.children - this.first.children : own;
  }
}

function sshArgs(ctl: { port: number; keyFile: string; user: string; host: string }, knownHosts: string, extra: string[]): string[] {
  return ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...extra, `${ctl.user}@${ctl.host}`];
}

async function main(): Promise<void> {
  const lab = await ensureLab();
  const ctl = lab.controllers.systemd;
  const rt = parseCpuList(ctl.rtCores);
  const hk = parseCpuList(ctl.housekeepingCores);
  const initPid = Number(execFileSync('docker', ['-H', lab.docker.host, 'inspect', '-f', '{{.State.Pid}}', ctl.container], { encoding: 'utf8' }).trim());
  const dir = mkdtempSync(join(tmpdir(), 'mxrc-bench-latency-'));
  const app = compose({ dataDir: join(dir, 'data'), mode: 'web', readOnlyKnownHosts: [lab.knownHostsFile] });
  const client = inMemoryClient(app.services, app.events);
  const views: LatencyRunView[] = [];
  client.on('latency.run', (view) => views.push(view));
  let master: ChildProcess | null = null;
  const socket = join(dir, 'mux.sock');
  try {
    const profile = await client.controllers.save({ name: 'bench', host: ctl.host, port: ctl.port, user: ctl.user, auth: { kind: 'key', keyFile: ctl.keyFile }, rtCores: ctl.rtCores, housekeepingCores: ctl.housekeepingCores, rtUnit: 'mxrc-rt-bench.service' });
    await client.connection.connect(profile.id);
    const host = app.connections.hostFor(profile.id);

    // The OpenSSH comparison: one ControlMaster connection, a `cat` of the status file every second.
    master = spawn('ssh', sshArgs(ctl, lab.knownHostsFile, ['-M', '-S', socket, '-N']), { stdio: 'ignore' });
    await waitFor(() => {
      try {
        execFileSync('ssh', ['-S', socket, '-O', 'check', 'x'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    }, 'the OpenSSH control master', 20_000);
    const opensshSessionNs = Number(execFileSync('ssh', [...sshArgs(ctl, lab.knownHostsFile, ['-S', socket]), 'echo $PPID'], { encoding: 'utf8' }).trim());

    const view = await client.latency.start({ controllerId: profile.id, preset: 'custom', durationS, load: false, rtla: false, safeStateConfirmed: true, baseline: 'none' });
    const toolSessionNs = Number((await host.exec('echo $PPID')).stdout.trim());
    const runnerNs = Number((await host.exec(`cat ${view.runDir}/runner.pid`)).stdout.trim());
    const ctNs = Number((await host.exec(`cat ${view.runDir}/ct.pid`)).stdout.trim());
    const map = namespaceMap(initPid);
    const toHost = (nsPid: number, what: string): number => {
      const pid = map.get(nsPid);
      if (pid === undefined) throw new Error(`${what} (pid ${nsPid} in the controller) not found on the host`);
      return pid;
    };
    const toolSession = toHost(toolSessionNs, 'the tool session');
    const opensshSession = toHost(opensshSessionNs, 'the OpenSSH session');
    const runner = toHost(runnerNs, 'the runner');
    const cyclictest = toHost(ctNs, 'cyclictest');

    const tool = new Map<number, Tracked>();
    const openssh = new Map<number, Tracked>();
    const track = (set: Map<number, Tracked>, pid: number, role: string, withChildren = true): void => {
      if (!set.has(pid)) set.set(pid, new Tracked(pid, role, withChildren));
    };
    track(tool, toolSession, 'sshd session (app connection)');
    track(tool, readProc(toolSession)?.ppid ?? 0, 'sshd monitor (app connection)');
    track(tool, runner, 'runner', true);
    track(openssh, opensshSession, 'sshd session (OpenSSH)');
    track(openssh, readProc(opensshSession)?.ppid ?? 0, 'sshd monitor (OpenSSH)');

    const started = performance.now();
    let runnerFrozen = false;
    let polls = 0;
    const poller = setInterval(() => {
      polls++;
      const child = spawn('ssh', [...sshArgs(ctl, lab.knownHostsFile, ['-S', socket]), `cat ${view.runDir}/status`], { stdio: 'ignore' });
      child.on('error', () => undefined);
    }, 1000);
    const sampler = setInterval(() => {
      // Live children: the SFTP server, commands in flight (they are counted when reaped, through cutime).
      for (const pid of childrenOf(toolSession)) track(tool, pid, `child of the app session (${readProc(pid)?.comm ?? '?'})`, false);
      for (const pid of childrenOf(opensshSession)) track(openssh, pid, `child of the OpenSSH session (${readProc(pid)?.comm ?? '?'})`, false);
      // Once cyclictest has exited the runner reaps it: stop counting the runner's children then.
      if (!runnerFrozen && (readProc(cyclictest)?.state ?? 'Z') === 'Z') runnerFrozen = true;
      for (const [pid, tracked] of tool) tracked.sample(pid === runner && runnerFrozen);
      for (const tracked of openssh.values()) tracked.sample();
    }, 200);

    await waitFor(() => views.some((v) => v.runId === view.runId && v.result !== undefined), 'the run collected', (durationS + 120) * 1000, 250);
    clearInterval(poller);
    const windowS = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const report = (label: string, set: Map<number, Tracked>): { cpuS: number; rtS: number; seen: Set<number> } => {
      let cpuS = 0;
      let rtS = 0;
      const seen = new Set<number>();
      process.stdout.write(`\n${label}\n`);
      process.stdout.write(`  ${'process'.padEnd(48)} ${'host pid'.padStart(8)}  ${'allowed'.padEnd(8)} ${'seen on'.padEnd(8)} ${'CPU s'.padStart(7)}\n`);
      for (const tracked of set.values()) {
        if (!tracked.first) continue; // ended before the first sample: its time is in its parent's cutime
        const seconds = tracked.cpuSeconds();
        const mayRunOnRt = [...tracked.allowed].some((cpu) => rt.includes(cpu));
        cpuS += seconds;
        if (mayRunOnRt) rtS += seconds;
        for (const cpu of tracked.seen) seen.add(cpu);
        const allowed = [...tracked.allowed].sort((a, b) => a - b).join(',');
        const on = [...tracked.seen].sort((a, b) => a - b).join(',');
        process.stdout.write(`  ${tracked.role.slice(0, 48).padEnd(48)} ${String(tracked.pid).padStart(8)}  ${allowed.padEnd(8)} ${on.padEnd(8)} ${seconds.toFixed(2).padStart(7)}\n`);
      }
      return { cpuS, rtS, seen };
    };
    const ours = report(`mxrc-commissioner (app connection + runner), ${windowS.toFixed(1)} s window:`, tool);
    const plain = report(`OpenSSH ControlMaster, ${polls} × "cat status" once a second:`, openssh);
    const housekeepingPct = Math.round(((ours.cpuS - ours.rtS) * 100 * 100) / windowS) / 100;
    const totalPct = Math.round((ours.cpuS * 100 * 100) / windowS) / 100;
    const opensshPct = Math.round((plain.cpuS * 100 * 100) / windowS) / 100;
    process.stdout.write(
      `\nRT cores ${rt.join(',')}, housekeeping ${hk.join(',')}; CPU time is counted in ${1000 / clockTicks} ms ticks.\n` +
        `tool: ${ours.cpuS.toFixed(2)} s = ${totalPct} % of one core, ${ours.rtS.toFixed(2)} s in processes allowed on RT cores; ` +
        `OpenSSH polling: ${plain.cpuS.toFixed(2)} s = ${opensshPct} %; ratio tool/OpenSSH ${plain.cpuS > 0 ? (ours.cpuS / plain.cpuS).toFixed(2) : '∞'}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        rtCoreCpuS: Math.round(ours.rtS * 100) / 100,
        housekeepingPct,
        windowS: Math.round(windowS * 10) / 10,
        cpusSeen: [...ours.seen].sort((a, b) => a - b),
        opensshPollingPct: opensshPct,
        ratioVsOpenssh: plain.cpuS > 0 ? Math.round((ours.cpuS / plain.cpuS) * 100) / 100 : null,
      })}\n`,
    );
  } finally {
    if (master?.pid) master.kill('SIGTERM');
    await app.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
