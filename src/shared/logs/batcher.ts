/**
 * Coalesces many small items (log lines, terminal chunks) into one event per few milliseconds: thousands of
 * events per second would cost more in IPC and React than the data itself.
 */
export interface BatcherOptions {
  /** Send at the latest this long after the first item of a batch. */
  maxDelayMs: number;
  /** Send at once when a batch weighs this much. */
  maxWeight: number;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Batcher<T> {
  private items: T[] = [];
  private weight = 0;
  private timer: unknown = null;

  constructor(
    private readonly flushTo: (items: T[], weight: number) => void,
    private readonly options: BatcherOptions,
    private readonly timers: Timers = realTimers,
  ) {}

  push(item: T, weight: number): void {
    this.items.push(item);
    this.weight += weight;
    if (this.weight >= this.options.maxWeight) {
      this.flush();
      return;
    }
    this.timer ??= this.timers.set(() => {
      this.timer = null;
      this.flush();
    }, this.options.maxDelayMs);
  }

  flush(): void {
    if (this.timer !== null) {
      this.timers.clear(this.timer);
      this.timer = null;
    }
    if (this.items.length === 0) return;
    const items = this.items;
    const weight = this.weight;
    this.items = [];
    this.weight = 0;
    this.flushTo(items, weight);
  }

  /** Drops what was not sent yet (the stream is closing). */
  dispose(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.items = [];
    this.weight = 0;
  }

  get pending(): number {
    return this.items.length;
  }
}
