/**
 * Docker multiplexes a non-TTY container's stdout and stderr on one HTTP body: each frame is an 8-byte header
 * (stream type, three zero bytes, payload length as big-endian uint32) and the payload. Frames are cut at any
 * byte by the transport, so the demuxer keeps partial headers and payloads between chunks.
 */
export type DockerStream = 'stdin' | 'stdout' | 'stderr';

export interface DockerFrame {
  stream: DockerStream;
  payload: Uint8Array;
}

const streamTypes: Record<number, DockerStream> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

export class DockerFrameDemuxer {
  private buffer = new Uint8Array(0);

  write(chunk: Uint8Array): DockerFrame[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const frames: DockerFrame[] = [];
    let offset = 0;
    while (joined.length - offset >= 8) {
      const type = joined[offset] ?? 0;
      const size = (((joined[offset + 4] ?? 0) << 24) >>> 0) + ((joined[offset + 5] ?? 0) << 16) + ((joined[offset + 6] ?? 0) << 8) + (joined[offset + 7] ?? 0);
      const stream = streamTypes[type];
      if (stream === undefined) throw new Error(`not a multiplexed Docker log stream (frame type ${type})`);
      if (joined.length - offset - 8 < size) break;
      frames.push({ stream, payload: joined.slice(offset + 8, offset + 8 + size) });
      offset += 8 + size;
    }
    this.buffer = joined.slice(offset);
    return frames;
  }

  get pendingBytes(): number {
    return this.buffer.length;
  }
}
