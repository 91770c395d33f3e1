/**
 * Acknowledged flow control (VS Code's terminal, Tabby's PTYDataQueue): the producer counts what it sent, the
 * view acknowledges what it has rendered, and the producer stops reading from the controller while too much is
 * unacknowledged. Two watermarks give hysteresis so a busy stream does not flap between paused and running.
 */
export interface FlowWindowOptions {
  /** Pause the source when this much is unacknowledged. */
  highWatermark: number;
  /** Resume once the view has caught up to this. */
  lowWatermark: number;
}

export const defaultFlowWindow: FlowWindowOptions = { highWatermark: 1024 * 1024, lowWatermark: 256 * 1024 };

export class FlowWindow {
  private outstanding = 0;
  private isPaused = false;

  constructor(
    private readonly options: FlowWindowOptions,
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {
    if (options.lowWatermark >= options.highWatermark) throw new Error('lowWatermark must be below highWatermark');
  }

  sent(bytes: number): void {
    this.outstanding += bytes;
    if (!this.isPaused && this.outstanding >= this.options.highWatermark) {
      this.isPaused = true;
      this.pause();
    }
  }

  acknowledged(bytes: number): void {
    // Several views may acknowledge the same data; never below zero.
    this.outstanding = Math.max(0, this.outstanding - bytes);
    this.maybeResume();
  }

  /** A view (re-)attached with everything kept so far: nothing it was sent before is outstanding any more. */
  reset(): void {
    this.outstanding = 0;
    this.maybeResume();
  }

  private maybeResume(): void {
    if (this.isPaused && this.outstanding <= this.options.lowWatermark) {
      this.isPaused = false;
      this.resume();
    }
  }

  get unacknowledged(): number {
    return this.outstanding;
  }

  get paused(): boolean {
    return this.isPaused;
  }
}
