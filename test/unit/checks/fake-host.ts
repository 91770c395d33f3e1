/** A RemoteHost that answers the check runner's exact commands from probe outputs (no SSH involved). */
import type { ExecOptions, ExecResult, RemoteHost } from '../../../src/main/platform/remote-host';
import { allProbes } from '../../../src/shared/checks/catalogue';
import type { CheckProfile, ProbeOutput } from '../../../src/shared/checks/model';
import { envPrefix } from '../../../src/shared/checks/probe-env';
import { AppError } from '../../../src/shared/errors';
import { onHousekeeping, withSudo } from '../../../src/shared/remote-command';

export interface FakeHostOptions {
  profile: CheckProfile;
  /** Probe outputs by id (what the probe prints when it runs with the rights it needs). */
  outputs: ReadonlyMap<string, Pick<ProbeOutput, 'stdout' | 'stderr' | 'exitCode'>>;
  uid?: number;
  /** sudo -n answers "a password is required". */
  sudoRefused?: boolean;
  /** What a probe prints when run without sudo, if different (e.g. the journal's "not seeing messages" hint). */
  asUser?: Record<string, Pick<ProbeOutput, 'stdout' | 'stderr' | 'exitCode'>>;
  /** Milliseconds before a probe answers. */
  delay?: (probeId: string) => number;
  /** Make a probe fail like the transport would. */
  throwFor?: Record<string, Error>;
}

export class FakeHost implements RemoteHost {
  readonly controllerId = 'fake';
  readonly connected = true;
  readonly commands: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly byCommand = new Map<string, { id: string; sudo: boolean }>();

  constructor(private readonly options: FakeHostOptions) {
    for (const probe of allProbes()) {
      const body = envPrefix(options.profile) + probe.command;
      this.byCommand.set(onHousekeeping(body, options.profile.housekeepingCores), { id: probe.id, sudo: false });
      this.byCommand.set(onHousekeeping(withSudo(body), options.profile.housekeepingCores), { id: probe.id, sudo: true });
    }
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (command === onHousekeeping('id -u', this.options.profile.housekeepingCores)) return { stdout: `${this.options.uid ?? 1000}\n`, stderr: '', exitCode: 0 };
      const target = this.byCommand.get(command);
      if (!target) throw new Error(`unexpected command: ${command}`);
      const wait = this.options.delay?.(target.id) ?? 0;
      if (wait > 0) await sleep(wait, opts.signal);
      const failure = this.options.throwFor?.[target.id];
      if (failure) throw failure;
      if (target.sudo && this.options.sudoRefused) return { stdout: '', stderr: 'sudo: a password is required\n', exitCode: 1 };
      const output = (!target.sudo && this.options.asUser?.[target.id]) || this.options.outputs.get(target.id);
      if (!output) throw new Error(`no fixture output for ${target.id}`);
      return { stdout: output.stdout, stderr: output.stderr, exitCode: output.exitCode };
    } finally {
      this.inFlight--;
    }
  }

  spawn(): never {
    throw new Error('not used by the checks');
  }
  shell(): never {
    throw new Error('not used by the checks');
  }
  sftp(): never {
    throw new Error('not used by the checks');
  }
  openUnixSocket(): never {
    throw new Error('not used by the checks');
  }
  openTcp(): never {
    throw new Error('not used by the checks');
  }
  onClose(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('CANCELLED', 'Cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
