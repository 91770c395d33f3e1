/**
 * The newest `capacity` items, in order, with O(1) push: the scrollback cap that keeps memory bounded however
 * long a stream runs. Counts what it had to drop so a saved file can say so.
 */
export class LineRing<T> {
  private buffer: (T | undefined)[];
  private start = 0;
  private count = 0;
  private droppedCount = 0;

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new Error('capacity must be a positive integer');
    this.buffer = new Array<T | undefined>(cap);
  }

  push(item: T): void {
    if (this.count < this.cap) {
      this.buffer[(this.start + this.count) % this.cap] = item;
      this.count++;
      return;
    }
    this.buffer[this.start] = item;
    this.start = (this.start + 1) % this.cap;
    this.droppedCount++;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.buffer[(this.start + i) % this.cap] as T);
    return out;
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.buffer[(this.start + this.count - 1) % this.cap];
  }

  clear(): void {
    this.buffer = new Array<T | undefined>(this.cap);
    this.start = 0;
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Items pushed out by the cap since the ring was made. */
  get dropped(): number {
    return this.droppedCount;
  }
}

/**
 * UTF-8 chunks capped by total bytes (a terminal's replay); drops whole chunks from the front. Chunks end on
 * character boundaries, so dropping whole ones never cuts a character.
 */
export class ChunkRing {
  private chunks: { seq: number; data: Uint8Array }[] = [];
  private length = 0;
  private latest = 0;

  constructor(private readonly maxBytes: number) {}

  push(seq: number, data: Uint8Array): void {
    this.chunks.push({ seq, data });
    this.length += data.length;
    this.latest = seq;
    while (this.length > this.maxBytes && this.chunks.length > 1) {
      const first = this.chunks.shift();
      this.length -= first?.data.length ?? 0;
    }
  }

  text(): string {
    const decoder = new TextDecoder();
    return this.chunks.map((chunk) => decoder.decode(chunk.data)).join('');
  }

  get lastSeq(): number {
    return this.latest;
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}
