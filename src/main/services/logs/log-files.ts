import type { WriteStream } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import writeFileAtomic from 'write-file-atomic';

import type { SavedLog } from '../../../shared/model/logs';

/** Keeps names readable in every file manager (no colons, slashes or spaces). */
export function safeFileSegment(text: string, fallback: string): string {
  const cleaned = text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return cleaned === '' ? fallback : cleaned;
}

/** `20261126-124019-123`: UTC, sortable, unique enough for a technician's saves. */
export function fileStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').slice(0, 19);
}

export interface Recording {
  readonly path: string;
  write(text: string): void;
  close(): Promise<void>;
}

/**
 * Saved logs and recordings live with the rest of the visit's data: `<dataDir>/logs/<controllerId>/`. Saving is
 * atomic (temporary file + rename), so an interrupted save never leaves half a log that looks complete.
 */
export class LogFiles {
  constructor(
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  dirFor(controllerId: string): string {
    return join(this.dataDir, 'logs', safeFileSegment(controllerId, 'controller'));
  }

  pathFor(controllerId: string, name: string, extension: string): string {
    return join(this.dirFor(controllerId), `${fileStamp(this.now())}-${safeFileSegment(name, 'log')}.${extension}`);
  }

  async save(controllerId: string, name: string, text: string, lines: number, extension = 'log'): Promise<SavedLog> {
    await mkdir(this.dirFor(controllerId), { recursive: true });
    const path = this.pathFor(controllerId, name, extension);
    const data = Buffer.from(text, 'utf8');
    await writeFileAtomic(path, data, { mode: 0o600 });
    return { path, lines, bytes: data.length };
  }

  async record(controllerId: string, name: string, extension: string): Promise<Recording> {
    await mkdir(this.dirFor(controllerId), { recursive: true });
    const path = this.pathFor(controllerId, name, extension);
    const stream: WriteStream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    let failed: Error | null = null;
    stream.on('error', (error) => {
      failed = error;
    });
    return {
      path,
      write: (text) => {
        if (!failed) stream.write(text);
      },
      close: () =>
        new Promise<void>((resolve) => {
          stream.end(() => resolve());
        }),
    };
  }
}
