/**
 * Live host checks over the one SSH connection: every probe once, a few at a time, each pinned to the
 * housekeeping cores at nice 10; a check is evaluated and reported as soon as its probes are in.
 */
import type { RemoteHost } from '../../platform/remote-host';
import { AppError, isAppError } from '../../../shared/errors';
import { onHousekeeping, withSudo } from '../../../shared/remote-command';
import { allProbes, selectChecks } from '../../../shared/checks/catalogue';
import type { CheckDefinition } from '../../../shared/checks/definition';
import { classifyOutput, controllerFacts, evaluateCheck } from '../../../shared/checks/evaluate';
import type { CheckProfile, CheckResult, CheckRun, ControllerFacts, Probe, ProbeOutput } from '../../../shared/checks/model';
import { resolveProfile } from '../../../shared/checks/model';
import { envPrefix } from '../../../shared/checks/probe-env';

const DEFAULT_TIMEOUT_MS = 15_000;

export interface CheckRunnerOptions {
  host: RemoteHost;
  profile: CheckProfile;
  clock?: () => Date;
  /** Probes in flight at once (the connection's own exec limit still applies). */
  concurrency?: number;
}

export interface RunOptions {
  /** Check ids or aliases; all checks when absent. */
  only?: string[];
  onResult?: (result: CheckResult) => void;
  signal?: AbortSignal;
}

export class CheckRunner {
  private readonly host: RemoteHost;
  private readonly profile: CheckProfile;
  private readonly clock: () => Date;
  private readonly concurrency: number;

  constructor(options: CheckRunnerOptions) {
    this.host = options.host;
    this.profile = options.profile;
    this.clock = options.clock ?? (() => new Date());
    this.concurrency = options.concurrency ?? 6;
  }

  async run(options: RunOptions = {}): Promise<CheckRun> {
    const startedAt = this.clock().toISOString();
    const resolved = resolveProfile(this.profile);
    const checks = selectChecks(options.only);
    const uid = await this.userId(options.signal);
    const outputs = new Map<string, ProbeOutput>();
    const results = new Map<string, CheckResult>();

    const emitReady = (): void => {
      for (const check of checks) {
        if (results.has(check.id) || !needs(check).every((p) => outputs.has(p.id))) continue;
        const result = evaluateCheck(check, outputs, resolved);
        results.set(check.id, result);
        options.onResult?.(result);
      }
    };

    // The 10 s samplers go first so they overlap with everything else.
    const probes = allProbes(checks).sort((a, b) => Number(b.sampling === true) - Number(a.sampling === true));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < probes.length) {
        const probe = probes[next++];
        if (!probe) break;
        if (options.signal?.aborted) return;
        outputs.set(probe.id, await this.runProbe(probe, uid, options.signal));
        emitReady();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, probes.length) }, worker));
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The checks were cancelled.');
    emitReady();

    return {
      startedAt,
      finishedAt: this.clock().toISOString(),
      source: 'live',
      controller: { ...controllerFacts(outputs), ...(uid === undefined ? {} : { uid }) } satisfies ControllerFacts,
      checks: checks.map((c) => results.get(c.id)).filter((r): r is CheckResult => r !== undefined),
    };
  }

  /** The SSH user's uid: as root, root probes need no sudo. */
  private async userId(signal?: AbortSignal): Promise<number | undefined> {
    try {
      const result = await this.host.exec(onHousekeeping('id -u', this.profile.housekeepingCores), { timeoutMs: DEFAULT_TIMEOUT_MS, ...(signal ? { signal } : {}) });
      const uid = Number(result.stdout.trim());
      return result.exitCode === 0 && Number.isInteger(uid) ? uid : undefined;
    } catch (error) {
      if (isAppError(error, 'CANCELLED')) throw error;
      return undefined;
    }
  }

  private async runProbe(probe: Probe, uid: number | undefined, signal?: AbortSignal): Promise<ProbeOutput> {
    const isRoot = uid === 0;
    const body = envPrefix(this.profile) + probe.command;
    if (probe.root && !isRoot) return this.exec(probe, withSudo(body), true, signal);
    const first = await this.exec(probe, body, isRoot, signal);
    if (!isRoot && first.status === 'needs-sudo' && probe.rootIfDenied) {
      const retry = await this.exec(probe, withSudo(body), true, signal);
      // A refused retry keeps the user-level evidence (it shows what the account may not see) plus sudo's answer.
      return retry.status === 'needs-sudo' ? { ...first, stderr: `${first.stderr}${first.stderr.endsWith('\n') || first.stderr === '' ? '' : '\n'}${retry.stderr}` } : retry;
    }
    return first;
  }

  private async exec(probe: Probe, body: string, asRoot: boolean, signal?: AbortSignal): Promise<ProbeOutput> {
    const command = onHousekeeping(body, this.profile.housekeepingCores);
    try {
      const result = await this.host.exec(command, { timeoutMs: probe.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(signal ? { signal } : {}) });
      const output = { command, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
      return classifyOutput(probe, output, asRoot);
    } catch (error) {
      if (isAppError(error, 'CANCELLED')) return { command, stdout: '', stderr: '', exitCode: null, status: 'failed', message: 'cancelled' };
      const message = error instanceof Error ? error.message : String(error);
      const timeout = isAppError(error, 'TIMEOUT');
      return { command, stdout: '', stderr: message, exitCode: null, status: timeout ? 'timeout' : 'failed', message };
    }
  }
}

function needs(check: CheckDefinition): Probe[] {
  return [...check.probes, ...(check.optionalProbes ?? [])];
}
