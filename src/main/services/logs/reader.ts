import type { AppError } from '../../../shared/errors';
import type { ParsedLogLine } from '../../../shared/logs/journal-entry';
import type { LogNote } from '../../../shared/model/logs';

/** A parsed line plus what a reader needs to resume right after it. */
export interface ReaderLine extends ParsedLogLine {
  /** Journal cursor of this entry. */
  cursor?: string;
  /** Engine timestamp as printed (containers). */
  ts?: string;
}

export interface ReaderCallbacks {
  line(line: ReaderLine): void;
  note(note: LogNote): void;
  /** The controller's clock when the reader started (epoch seconds), if the reader reports it. */
  clock?(epochSeconds: number): void;
}

/** Why a reader stopped: by itself (eof), because the connection went away (lost), on an error, or by us. */
export type ReaderEnd = { kind: 'eof' } | { kind: 'lost'; message?: string } | { kind: 'failed'; error: AppError } | { kind: 'stopped' };

/** One remote reader (journalctl, a Docker log request). Pausing stops reading so the SSH window closes. */
export interface LogReader {
  pause(): void;
  resume(): void;
  stop(): void;
  readonly ended: Promise<ReaderEnd>;
}
