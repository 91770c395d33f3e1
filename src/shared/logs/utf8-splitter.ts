/**
 * Network chunks cut UTF-8 characters anywhere: a Korean syllable (3 bytes) or an emoji (4 bytes) can arrive half
 * in one chunk and half in the next. Decoding each chunk on its own would turn both halves into U+FFFD. The
 * splitter hands out only complete characters and keeps an unfinished trailing sequence for the next chunk
 * (the same idea as Tabby's UTF8Splitter).
 */

const empty = new Uint8Array(0);

/** Bytes a UTF-8 sequence needs, from its lead byte; 0 for a continuation byte, 1 for ASCII or invalid leads. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xc0) return 0;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf8) return 4;
  return 1;
}

/** How many bytes at the end of `bytes` start a character that is not complete yet (0 … 3). */
export function incompleteTailLength(bytes: Uint8Array): number {
  const end = bytes.length;
  // A sequence is at most 4 bytes, so its lead byte is within the last 3 when it is unfinished.
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back] ?? 0;
    const need = sequenceLength(byte);
    if (need === 0) continue; // continuation byte: keep looking for the lead
    return need > back ? back : 0;
  }
  return 0; // only continuation bytes: invalid input, the decoder replaces it
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

export class Utf8Splitter {
  private pending: Uint8Array = empty;

  /** The longest prefix of (held-back bytes + chunk) that ends on a character boundary. */
  write(chunk: Uint8Array): Uint8Array {
    const bytes = concat(this.pending, chunk);
    const tail = incompleteTailLength(bytes);
    this.pending = tail > 0 ? bytes.slice(bytes.length - tail) : empty;
    return tail > 0 ? bytes.subarray(0, bytes.length - tail) : bytes;
  }

  /** Whatever is still held back (an unfinished character at the end of the stream). */
  flush(): Uint8Array {
    const rest = this.pending;
    this.pending = empty;
    return rest;
  }

  get holding(): number {
    return this.pending.length;
  }
}

/** Chunks of bytes in, text out; a character split across chunks comes out whole. */
export class Utf8ChunkDecoder {
  private readonly splitter = new Utf8Splitter();
  private readonly decoder = new TextDecoder('utf-8');

  write(chunk: Uint8Array): string {
    const complete = this.splitter.write(chunk);
    return complete.length === 0 ? '' : this.decoder.decode(complete);
  }

  /** Ends the stream: an unfinished character becomes U+FFFD rather than vanishing. */
  end(): string {
    const rest = this.splitter.flush();
    return rest.length === 0 ? '' : this.decoder.decode(rest);
  }
}
