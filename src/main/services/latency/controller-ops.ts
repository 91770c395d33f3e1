import { AppError, isAppError } from '../../../shared/errors';
import { latencyRunsRoot, type LatencyLauncher } from '../../../shared/model/latency';
import { isSudoRefusal, onHousekeeping, quote, sh, withSudo } from '../../../shared/remote-command';
import type { ExecResult, RemoteHost } from '../../platform/remote-host';
import { runDirFor, type RunManifest } from './run-plan';

/** What the controller offers for a latency test, read in one user-level round trip. */
export interface PreflightFacts {
  tools: { cyclictest: boolean; stressNg: boolean; rtla: boolean; systemdRun: boolean; setsid: boolean; taskset: boolean };
  systemd: boolean;
  uid: number | null;
  sudo: boolean;
  sudoMessage: string;
  onlineCpus: string;
  rtUnitState: string | null;
  foreignCyclictest: boolean;
}

const activeStates = new Set(['active', 'activating', 'reloading', 'deactivating']);

export function isActiveState(state: string | null): boolean {
  return state !== null && activeStates.has(state);
}

/** Every file a run may leave in RUN_DIR, and whether its content is text worth keeping as an attachment. */
export const runFiles = [
  'state', 'status', 'reason', 'runner.log', 'run.json', 'run.conf', 'runner.pid', 'ct.pid', 'load.pid',
  'ct.out', 'ct.err', 'ct.json', 'ct.exit', 'load.out', 'load.exit', 'rtla.txt', 'rtla.exit', 'rt-unit',
] as const;
export type RunFileName = (typeof runFiles)[number];
export type RunFiles = Partial<Record<RunFileName, string>>;

function sftpMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 2 || code === 'ENOENT' || /No such file/i.test(error instanceof Error ? error.message : '');
}

/**
 * The latency test's operations on one controller. Every command runs pinned to the housekeeping cores at low
 * priority; progress is read over SFTP (no process is started on the controller for it).
 */
export class LatencyControllerOps {
  private uid: number | null = null;

  constructor(
    readonly host: RemoteHost,
    readonly housekeepingCores: string,
  ) {}

  private async run(command: string, opts: { timeoutMs?: number; stdin?: string } = {}): Promise<ExecResult> {
    return this.host.exec(onHousekeeping(command, this.housekeepingCores), { timeoutMs: opts.timeoutMs ?? 20_000, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });
  }

  /** Root without a prompt: plain when the SSH user is root, else `sudo -n`. */
  private asRoot(command: string): string {
    return this.uid === 0 ? `sh -c ${quote(command)}` : withSudo(command);
  }

  private async runAsRoot(command: string, what: string, opts: { timeoutMs?: number; stdin?: string } = {}): Promise<ExecResult> {
    const result = await this.run(this.asRoot(command), opts);
    if (result.exitCode !== 0 && isSudoRefusal(result.stderr)) throw sudoRequired(result.stderr);
    if (result.exitCode !== 0) {
      throw new AppError('REMOTE_COMMAND', `${what} failed on the controller: ${firstLine(result.stderr) || `exit ${result.exitCode ?? 'unknown'}`}`, undefined, {
        command,
        stderr: result.stderr,
        exitCode: result.exitCode,
      });
    }
    return result;
  }

  async preflight(rtUnit: string | null): Promise<PreflightFacts> {
    const script = [
      'for t in cyclictest stress-ng rtla systemd-run setsid taskset; do if command -v "$t" >/dev/null 2>&1; then echo "tool.$t=1"; else echo "tool.$t=0"; fi; done',
      'if [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi',
      'echo "uid=$(id -u)"',
      'echo "online=$(cat /sys/devices/system/cpu/online 2>/dev/null)"',
      'if out=$(sudo -n true 2>&1 </dev/null); then echo sudo=1; else echo sudo=0; printf "sudoerr=%s\\n" "$(printf "%s" "$out" | tr "\\n" " ")"; fi',
      rtUnit ? sh`if [ -d /run/systemd/system ]; then echo "rtunit=$(systemctl is-active ${rtUnit} 2>/dev/null)"; fi` : 'true',
      'if command -v pgrep >/dev/null 2>&1 && pgrep -x cyclictest >/dev/null 2>&1; then echo foreign=1; fi',
    ].join('\n');
    const result = await this.run(script, { timeoutMs: 20_000 });
    const facts = new Map<string, string>();
    for (const line of result.stdout.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) facts.set(line.slice(0, eq), line.slice(eq + 1).trim());
    }
    const uidText = facts.get('uid');
    this.uid = uidText && /^\d+$/.test(uidText) ? Number(uidText) : null;
    const tool = (name: string): boolean => facts.get(`tool.${name}`) === '1';
    return {
      tools: {
        cyclictest: tool('cyclictest'),
        stressNg: tool('stress-ng'),
        rtla: tool('rtla'),
        systemdRun: tool('systemd-run'),
        setsid: tool('setsid'),
        taskset: tool('taskset'),
      },
      systemd: facts.get('systemd') === '1',
      uid: this.uid,
      sudo: this.uid === 0 || facts.get('sudo') === '1',
      sudoMessage: facts.get('sudoerr') ?? '',
      onlineCpus: facts.get('online') ?? '',
      rtUnitState: rtUnit && facts.has('rtunit') ? (facts.get('rtunit') || 'unknown') : null,
      foreignCyclictest: facts.get('foreign') === '1',
    };
  }

  async writeRootFile(path: string, content: string, mode: '644' | '755' = '644'): Promise<void> {
    await this.runAsRoot(`umask 022 && cat > ${quote(path)} && chmod ${mode} ${quote(path)}`, `Writing ${path}`, { stdin: content });
  }

  async prepareRunDir(runDir: string, files: { runner: string; conf: string; manifest: RunManifest }): Promise<void> {
    await this.runAsRoot(`umask 022 && mkdir -p ${quote(runDir)} && chmod 755 ${quote(latencyRunsRoot)} ${quote(runDir)}`, 'Creating the run directory');
    await this.writeRootFile(`${runDir}/runner.sh`, files.runner, '755');
    await this.writeRootFile(`${runDir}/run.conf`, files.conf);
    await this.writeRootFile(`${runDir}/run.json`, `${JSON.stringify(files.manifest, null, 1)}\n`);
  }

  /** Starts the runner detached; returns once the controller accepted it (the runner reports its state itself). */
  async launch(launcher: LatencyLauncher, runDir: string, unit: string, description: string): Promise<void> {
    const runner = `${runDir}/runner.sh`;
    if (launcher === 'systemd-run') {
      const hkSpaced = this.housekeepingCores.replace(/,/g, ' ');
      await this.runAsRoot(
        sh`systemd-run --quiet --collect --unit=${unit} --description=${description} --property=${`CPUAffinity=${hkSpaced}`} --property=KillMode=control-group --property=TimeoutStopSec=30 --working-directory=${runDir} /bin/sh ${runner} ${runDir}`,
        'Starting the latency test (systemd-run)',
      );
    } else {
      // setsid: its own session, so the SSH channel closing (SIGHUP) does not end it; stdin/stdout detached.
      await this.runAsRoot(sh`setsid -f /bin/sh ${runner} ${runDir}` + ` </dev/null >>${quote(`${runDir}/runner.log`)} 2>&1`, 'Starting the latency test (setsid)');
    }
  }

  /** A run file's text, or null when it does not exist (yet). */
  async readRunFile(runDir: string, name: RunFileName): Promise<string | null> {
    const files = await this.host.sftp();
    try {
      return (await files.readFile(`${runDir}/${name}`)).toString('utf8');
    } catch (error) {
      if (sftpMissing(error)) return null;
      throw error;
    }
  }

  async readAllRunFiles(runDir: string): Promise<RunFiles> {
    const out: RunFiles = {};
    for (const name of runFiles) {
      const text = await this.readRunFile(runDir, name);
      if (text !== null) out[name] = text;
    }
    return out;
  }

  /** Whether the runner process still exists (read over SFTP from /proc: no process is started for it). */
  async runnerAlive(runDir: string): Promise<boolean> {
    const pid = (await this.readRunFile(runDir, 'runner.pid'))?.trim();
    if (!pid || !/^\d+$/.test(pid)) return false;
    const files = await this.host.sftp();
    try {
      const cmdline = (await files.readFile(`/proc/${pid}/cmdline`)).toString('utf8');
      return cmdline.includes(runDir);
    } catch (error) {
      if (sftpMissing(error)) return false;
      throw error;
    }
  }

  /** Ends the run on the controller: the unit is stopped (whole cgroup), or the runner's process group signalled. */
  async stop(launcher: LatencyLauncher, runDir: string, unit: string): Promise<void> {
    if (launcher === 'systemd-run') {
      await this.runAsRoot(sh`systemctl stop ${unit}`, 'Stopping the latency test', { timeoutMs: 60_000 });
      return;
    }
    const pid = (await this.readRunFile(runDir, 'runner.pid'))?.trim();
    if (!pid || !/^\d+$/.test(pid)) return;
    // The runner is a session leader (setsid): its pid is the process group of cyclictest and stress-ng.
    // `kill -TERM -PGID`, not `kill -TERM -- -PGID`: dash's builtin kill rejects `--`.
    await this.runAsRoot(`kill -TERM -${pid} 2>/dev/null; true`, 'Stopping the latency test');
  }

  /** Last resort after stop(): SIGKILL what is left of the run. */
  async kill(launcher: LatencyLauncher, runDir: string, unit: string): Promise<void> {
    if (launcher === 'systemd-run') {
      await this.runAsRoot(sh`systemctl kill --signal=SIGKILL ${unit} 2>/dev/null; systemctl stop ${unit} 2>/dev/null; true`, 'Ending the latency test');
      return;
    }
    const pid = (await this.readRunFile(runDir, 'runner.pid'))?.trim();
    if (pid && /^\d+$/.test(pid)) await this.runAsRoot(`kill -KILL -${pid} 2>/dev/null; true`, 'Ending the latency test');
  }

  /**
   * Processes of this run still alive: anything whose command line names RUN_DIR (runner, cyclictest with its
   * --json path, stress-ng with its --temp-path), stress-ng workers by the load's process group or unit cgroup.
   */
  async leftovers(launcher: LatencyLauncher, runDir: string, unit: string): Promise<string[]> {
    const runnerPid = (await this.readRunFile(runDir, 'runner.pid'))?.trim() ?? '';
    const lines = [
      // The checking shell's own command line names RUN_DIR too; it is the only `sh -c` here.
      sh`pgrep -a -f -- ${runDir} 2>/dev/null | grep -v -e pgrep -e 'sh -c' || true`,
      // The runner leads its process group (setsid or systemd): cyclictest, stress-ng and its workers are in it.
      /^\d+$/.test(runnerPid) ? `pgrep -a -g ${runnerPid} 2>/dev/null || true` : 'true',
      // printf, not echo "…": a quoted word inside double quotes would be taken apart again by the shell.
      launcher === 'systemd-run' ? sh`if [ "$(systemctl is-active ${unit} 2>/dev/null)" = active ]; then printf 'unit %s active\\n' ${unit}; fi` : 'true',
    ];
    const result = await this.run(lines.join('\n'), { timeoutMs: 15_000 });
    return [...new Set(result.stdout.split('\n').map((line) => line.trim()).filter(Boolean))];
  }

  /** Run ids on the controller, newest last. */
  async listRuns(): Promise<string[]> {
    const result = await this.run(sh`ls -1 ${latencyRunsRoot} 2>/dev/null || true`, { timeoutMs: 10_000 });
    return result.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[0-9A-Za-z-]{1,64}$/.test(line))
      .sort();
  }

  async readManifest(runId: string): Promise<RunManifest | null> {
    const text = await this.readRunFile(runDirFor(runId), 'run.json');
    if (!text) return null;
    try {
      return JSON.parse(text) as RunManifest;
    } catch {
      return null;
    }
  }

  async unitState(unit: string): Promise<string> {
    const result = await this.run(sh`systemctl is-active ${unit} 2>/dev/null || true`, { timeoutMs: 10_000 });
    return result.stdout.trim() || 'unknown';
  }
}

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}

export function sudoRequired(stderr: string): AppError {
  return new AppError(
    'SUDO_REQUIRED',
    `cyclictest needs root, and this SSH user may not use sudo without a password on the controller (${firstLine(stderr) || 'sudo refused'}).`,
    'Connect as a user with a passwordless sudo rule (NOPASSWD) for the commissioning tools, or ask the controller administrator to add one.',
  );
}

/** Lost links surface as these codes; the monitor waits for the connection instead of failing the run. */
export function isLinkError(error: unknown): boolean {
  if (isAppError(error, 'NOT_CONNECTED') || isAppError(error, 'DISCONNECTED') || isAppError(error, 'TIMEOUT')) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /not connected|No response from server|Channel open failure|socket|ECONNRESET|EPIPE|closed/i.test(message);
}
