/**
 * The view acknowledges rendered bytes so the Node side can keep reading (flow control). One request per
 * rendered chunk would be chatty; acknowledgements are summed and sent every few milliseconds, or at once when
 * a lot has piled up.
 */
export class AckBatcher {
  private pending = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (bytes: number) => void,
    private readonly options: { maxDelayMs: number; maxBytes: number } = { maxDelayMs: 20, maxBytes: 128 * 1024 },
  ) {}

  add(bytes: number): void {
    this.pending += bytes;
    if (this.pending >= this.options.maxBytes) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.options.maxDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === 0) return;
    const bytes = this.pending;
    this.pending = 0;
    this.send(bytes);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = 0;
  }
}
