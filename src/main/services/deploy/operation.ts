import { randomBytes } from 'node:crypto';

import type { EventSink } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { DeployKind, DeployProgress, DeployStepName, TransferProgress } from '../../../shared/model/deploy';

/**
 * One running deployment: its id (chosen by the caller so it can cancel before the request returns), its abort
 * signal, and the progress events the UI and the CLI render. Transfer progress is throttled to ~10 events/s.
 */
export class Operation {
  private readonly abort = new AbortController();
  private lastTransferAt = 0;
  current: DeployStepName = 'prepare';

  constructor(
    readonly id: string,
    readonly kind: DeployKind,
    readonly controllerId: string,
    private readonly emit: EventSink,
    private readonly now: () => Date,
  ) {}

  static newId(): string {
    return randomBytes(6).toString('hex');
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  cancel(): void {
    this.abort.abort();
  }

  throwIfCancelled(): void {
    if (this.abort.signal.aborted) throw new AppError('CANCELLED', 'The deployment was cancelled.');
  }

  private send(step: DeployStepName, state: DeployProgress['state'], message: string, extra: Partial<DeployProgress> = {}): void {
    this.emit('deploy.progress', { operationId: this.id, controllerId: this.controllerId, kind: this.kind, step, state, message, at: this.now().toISOString(), ...extra });
  }

  step(step: DeployStepName, message: string): void {
    this.current = step;
    this.send(step, 'running', message);
  }

  done(step: DeployStepName, message: string, extra: Partial<DeployProgress> = {}): void {
    this.send(step, 'done', message, extra);
  }

  skipped(step: DeployStepName, message: string): void {
    this.send(step, 'skipped', message);
  }

  failed(step: DeployStepName, message: string): void {
    this.send(step, 'failed', message);
  }

  health(status: string, message: string): void {
    this.send('health', 'running', message, { health: status });
  }

  transfer(step: DeployStepName, progress: TransferProgress, message: string, force = false): void {
    const t = Date.now();
    if (!force && t - this.lastTransferAt < 100 && progress.sent < progress.total) return;
    this.lastTransferAt = t;
    this.send(step, 'running', message, { transfer: progress });
  }
}
