import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import tar from 'tar-stream';

import { AppError } from '../../../shared/errors';
import type { ArchiveEntry } from '../../../shared/deploy/docker-archive';
import { verifyArchiveEntries } from '../../../shared/deploy/docker-archive';
import type { ArchiveInfo } from '../../../shared/model/deploy';

/** Files up to this size keep their text (manifest, image configs); layers are only hashed. */
const smallFileLimit = 1024 * 1024;

function hashStream(): { sink: Writable; digest: () => string } {
  const hash = createHash('sha256');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done();
    },
  });
  return { sink, digest: () => hash.digest('hex') };
}

async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** One tar entry → size, SHA-256 (raw and, for gzip layers, uncompressed), and the text of small files. */
async function readEntry(header: tar.Header, stream: AsyncIterable<Buffer>): Promise<ArchiveEntry> {
  const raw = createHash('sha256');
  const keep: Buffer[] = [];
  let size = 0;
  let gunzip: { input: Transform; done: Promise<string> } | null = null;
  let first = true;
  for await (const chunk of stream) {
    if (first) {
      first = false;
      if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b && !header.name.endsWith('.json')) {
        const input = new Transform({ transform: (c: Buffer, _e, cb) => cb(null, c) });
        const hashed = hashStream();
        gunzip = { input, done: pipeline(input, createGunzip(), hashed.sink).then(() => hashed.digest()) };
      }
    }
    raw.update(chunk);
    size += chunk.length;
    if (size <= smallFileLimit) keep.push(chunk);
    if (gunzip && !gunzip.input.write(chunk)) await new Promise((resolve) => gunzip?.input.once('drain', resolve));
  }
  const entry: ArchiveEntry = { path: header.name, size, sha256: raw.digest('hex') };
  if (size <= smallFileLimit) entry.text = Buffer.concat(keep).toString('utf8');
  if (gunzip) {
    gunzip.input.end();
    entry.uncompressedSha256 = await gunzip.done.catch((error: unknown) => {
      throw new AppError('INVALID_INPUT', `The image archive is not usable: layer ${header.name} is a damaged gzip stream (${(error as Error).message}).`);
    });
  }
  return entry;
}

/**
 * Reads a `docker save` archive (optionally gzip) once from start to end and verifies it. A truncated or damaged
 * file is rejected here, on the laptop, before anything is uploaded.
 */
export async function readImageArchive(path: string, expectImage?: string, opts: { signal?: AbortSignal; onProgress?: (read: number, total: number) => void } = {}): Promise<ArchiveInfo> {
  const info = await stat(path).catch((error: unknown) => {
    throw new AppError('INVALID_INPUT', `The image archive ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Choose an existing file.');
  });
  if (!info.isFile()) throw new AppError('INVALID_INPUT', `${path} is not a file.`, 'Choose the .tar or .tar.gz file made by docker save.');
  const gzip = await isGzipFile(path);
  const fileHash = createHash('sha256');
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      fileHash.update(chunk);
      read += chunk.length;
      opts.onProgress?.(read, info.size);
      done(null, chunk);
    },
  });
  const entries: ArchiveEntry[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      stream.resume();
      stream.on('end', () => next());
      return;
    }
    readEntry(header, stream as AsyncIterable<Buffer>).then(
      (entry) => {
        entries.push(entry);
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });
  const source = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    const stages: NodeJS.ReadWriteStream[] = gzip ? [counter, createGunzip()] : [counter];
    // tar-stream 3 is built on streamx; Node's pipeline drives its Writable fine
    await pipeline([source, ...stages, extract as unknown as NodeJS.WritableStream], opts.signal ? { signal: opts.signal } : {});
  } catch (error) {
    if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Checking the archive was cancelled.');
    if (error instanceof AppError) throw error;
    const message = (error as Error).message;
    throw new AppError(
      'INVALID_INPUT',
      `The image archive is not usable: ${/unexpected end|end of data|truncated/i.test(message) ? 'it ends too early (the file is truncated)' : `it is not a readable ${gzip ? 'gzip ' : ''}tar file`} (${message}).`,
      'Copy the archive again (the copy may be incomplete) or export it again with docker save.',
    );
  }
  if (read !== info.size) throw new AppError('INVALID_INPUT', `The image archive changed while it was read (${read} of ${info.size} bytes).`, 'Wait until the copy has finished and choose it again.');
  const verified = verifyArchiveEntries(entries, expectImage);
  const result: ArchiveInfo = {
    path,
    size: info.size,
    gzip,
    format: verified.format,
    repoTags: verified.repoTags,
    configDigest: verified.configDigest,
    alternateIds: verified.alternateIds,
    layers: verified.layers,
    fileSha256: fileHash.digest('hex'),
  };
  if (verified.architecture) result.architecture = verified.architecture;
  if (verified.os) result.os = verified.os;
  return result;
}
