import { AppError } from '../../../shared/errors';
import { isSudoRefusal, onHousekeeping, sh, withSudo } from '../../../shared/remote-command';
import type { ExecResult, RemoteHost } from '../../platform/remote-host';

/**
 * Remote commands of the deployment: fixed templates (quoted with `sh`), pinned to the housekeeping cores, root
 * only through `sudo -n`. Non-zero exits become errors that quote the controller's own words.
 */
export interface RemoteRunner {
  /** Runs the command; rejects on a non-zero exit unless `allowFail`. */
  run(command: string, opts?: { sudo?: boolean; timeoutMs?: number; allowFail?: boolean; what?: string; stdin?: string | Buffer; signal?: AbortSignal }): Promise<ExecResult>;
  /** Fails with SUDO_REQUIRED when the SSH user cannot use `sudo -n`. */
  requireSudo(): Promise<void>;
  readonly host: RemoteHost;
  readonly housekeepingCores: string;
}

export function remoteRunner(host: RemoteHost, housekeepingCores: string): RemoteRunner {
  const runner: RemoteRunner = {
    host,
    housekeepingCores,
    async run(command, opts = {}) {
      const full = onHousekeeping(opts.sudo ? withSudo(command) : command, housekeepingCores);
      const execOpts: Parameters<RemoteHost['exec']>[1] = { timeoutMs: opts.timeoutMs ?? 60_000 };
      if (opts.stdin !== undefined) execOpts.stdin = opts.stdin;
      if (opts.signal) execOpts.signal = opts.signal;
      const result = await host.exec(full, execOpts);
      if (result.exitCode !== 0 && !opts.allowFail) {
        if (opts.sudo && isSudoRefusal(result.stderr)) throw sudoRequired(result.stderr);
        const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join(' | ');
        throw new AppError('REMOTE_COMMAND', `${opts.what ?? 'A command on the controller'} failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${said || 'no output'}`, undefined, { command, stderr: result.stderr, stdout: result.stdout });
      }
      return result;
    },
    async requireSudo() {
      const result = await host.exec(onHousekeeping(sh`sudo -n true`, housekeepingCores), { timeoutMs: 15_000 });
      if (result.exitCode !== 0) throw sudoRequired(result.stderr);
    },
  };
  return runner;
}

function sudoRequired(stderr: string): AppError {
  return new AppError(
    'SUDO_REQUIRED',
    `The SSH user may not run commands as root without a password (sudo -n said: ${stderr.trim().split('\n')[0] || 'refused'}).`,
    'Installing systemd units needs root: log in as a user with passwordless sudo for this step, or ask the controller administrator to allow it.',
  );
}
