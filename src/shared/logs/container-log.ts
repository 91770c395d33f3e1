/**
 * Container logs with `timestamps: true`: every line starts with the engine's RFC 3339 time in nanoseconds
 * (`2026-11-26T12:40:19.197890123Z message`). Docker has no cursor; a resume asks for `since` = the last kept
 * time, which includes that instant again, so lines at exactly that time that were already kept are skipped.
 */
import type { ParsedLogLine } from './journal-entry';

export interface ContainerLogLine extends ParsedLogLine {
  /** The engine's timestamp as printed (nanosecond precision), for resuming. */
  ts: string;
}

const timestampPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) (.*)$/s;

/** Seconds and nanoseconds since the epoch of an RFC 3339 time, or null when it is not one. */
export function rfc3339ToEpochNs(ts: string): { seconds: number; nanos: number } | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!match?.[1] || !match[3]) return null;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (!Number.isFinite(ms)) return null;
  return { seconds: Math.floor(ms / 1000), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

/** One demultiplexed output line with its engine timestamp. */
export function parseContainerLogLine(line: string, container: string, stream: 'stdout' | 'stderr'): ContainerLogLine {
  const match = timestampPattern.exec(line);
  if (match?.[1] && match[3] !== undefined) {
    const ts = `${match[1]}${match[2] ? `.${match[2]}` : ''}${match[3]}`;
    const epoch = rfc3339ToEpochNs(ts);
    if (epoch) {
      return { ts, us: epoch.seconds * 1_000_000 + Math.floor(epoch.nanos / 1000), source: container, text: match[4] ?? '', stream };
    }
  }
  return { ts: '', us: 0, source: container, text: line, stream };
}

/** Docker's `since` parameter for an engine timestamp: `<seconds>.<nanoseconds>`. */
export function dockerSinceParam(ts: string): string | null {
  const epoch = rfc3339ToEpochNs(ts);
  return epoch ? `${epoch.seconds}.${String(epoch.nanos).padStart(9, '0')}` : null;
}

/** Where a container stream resumes: the last kept time and how many kept lines carry exactly that time. */
export interface ContainerResumePoint {
  ts: string;
  seenAtTs: number;
}

export function advanceResumePoint(point: ContainerResumePoint | undefined, line: ContainerLogLine): ContainerResumePoint | undefined {
  if (line.ts === '') return point;
  if (point && point.ts === line.ts) return { ts: line.ts, seenAtTs: point.seenAtTs + 1 };
  return { ts: line.ts, seenAtTs: 1 };
}

/** Orders two engine timestamps; null when either is not one. */
export function compareTimestamps(a: string, b: string): number | null {
  const x = rfc3339ToEpochNs(a);
  const y = rfc3339ToEpochNs(b);
  if (!x || !y) return null;
  return x.seconds !== y.seconds ? Math.sign(x.seconds - y.seconds) : Math.sign(x.nanos - y.nanos);
}

/** Skips the lines a resumed reader repeats: those at the resume time that were already kept, and older ones. */
export class ResumeDeduplicator {
  private toSkip: number;
  constructor(private readonly point: ContainerResumePoint | undefined) {
    this.toSkip = point?.seenAtTs ?? 0;
  }

  accept(line: ContainerLogLine): boolean {
    if (!this.point || line.ts === '') return true;
    const order = compareTimestamps(line.ts, this.point.ts);
    if (order === null || order > 0) return true;
    if (order < 0) return false;
    if (this.toSkip > 0) {
      this.toSkip--;
      return false;
    }
    return true;
  }
}
