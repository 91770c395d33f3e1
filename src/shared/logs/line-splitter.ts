/**
 * Byte chunks → complete text lines. The newline byte never occurs inside a multi-byte UTF-8 character, so each
 * complete line can be decoded on its own; only an overlong line that must be cut needs the UTF-8 boundary check.
 */
import { incompleteTailLength } from './utf8-splitter';

export interface LineSplitterOptions {
  /** A line longer than this is cut (at a character boundary) so one broken producer cannot grow memory. */
  maxLineBytes?: number;
}

const newline = 0x0a;
const carriageReturn = 0x0d;

export class LineSplitter {
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly maxLineBytes: number;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  }

  private decode(bytes: Uint8Array): string {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === carriageReturn ? bytes.length - 1 : bytes.length;
    return this.decoder.decode(bytes.subarray(0, end));
  }

  private joined(extra: Uint8Array): Uint8Array {
    if (this.parts.length === 0) return extra;
    const out = new Uint8Array(this.partBytes + extra.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    out.set(extra, offset);
    this.parts = [];
    this.partBytes = 0;
    return out;
  }

  /** Complete lines found so far, without their line ends. */
  write(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let index = chunk.indexOf(newline); index !== -1; index = chunk.indexOf(newline, start)) {
      lines.push(this.decode(this.joined(chunk.subarray(start, index))));
      start = index + 1;
    }
    if (start < chunk.length) {
      // Copy: the caller may reuse its buffer.
      const rest = chunk.slice(start);
      this.parts.push(rest);
      this.partBytes += rest.length;
      while (this.partBytes > this.maxLineBytes) {
        const all = this.joined(new Uint8Array(0));
        let cut = this.maxLineBytes;
        cut -= incompleteTailLength(all.subarray(0, cut));
        lines.push(this.decode(all.subarray(0, cut)));
        const remainder = all.slice(cut);
        if (remainder.length > 0) {
          this.parts = [remainder];
          this.partBytes = remainder.length;
        }
      }
    }
    return lines;
  }

  /** The unterminated last line, if any (end of stream). */
  flush(): string | null {
    if (this.partBytes === 0) return null;
    return this.decode(this.joined(new Uint8Array(0)));
  }

  /** Drops an unterminated line, e.g. when the connection broke in the middle of it. */
  discard(): void {
    this.parts = [];
    this.partBytes = 0;
  }

  get pendingBytes(): number {
    return this.partBytes;
  }
}
