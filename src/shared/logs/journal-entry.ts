/**
 * `journalctl -o json` prints one JSON object per entry. Field values are strings, except binary or non-UTF-8
 * data (an array of byte values) and fields that occur several times (an array of those). The cursor
 * (`__CURSOR`) names the entry's position so a reader can resume right after it.
 */
import type { LogLine } from '../model/logs';

export type ParsedLogLine = Omit<LogLine, 'seq'>;

export interface JournalEntry extends ParsedLogLine {
  cursor: string;
  bootId?: string;
}

const decoder = new TextDecoder('utf-8');

function isByteArray(value: unknown[]): value is number[] {
  return value.every((item) => typeof item === 'number' && Number.isInteger(item) && item >= 0 && item <= 255);
}

/** A field as text: strings as they are, byte arrays decoded as UTF-8, repeated fields joined by newlines. */
export function journalFieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length > 0 && isByteArray(value)) return decoder.decode(Uint8Array.from(value));
    const parts = value.map(journalFieldText).filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }
  return undefined;
}

/** Cursors are opaque, but always this shape; anything else is refused before it reaches a command line. */
export function isJournalCursor(text: string): boolean {
  return text.length > 0 && text.length <= 512 && /^[A-Za-z0-9=;_-]+$/.test(text);
}

/** One line of `journalctl -o json` output; null for anything that is not a journal entry with a cursor. */
export function parseJournalEntry(line: string): JournalEntry | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const fields = raw as Record<string, unknown>;
  const cursor = journalFieldText(fields.__CURSOR);
  if (cursor === undefined || !isJournalCursor(cursor)) return null;

  const realtime = Number(journalFieldText(fields.__REALTIME_TIMESTAMP));
  const priorityText = journalFieldText(fields.PRIORITY);
  const priority = priorityText !== undefined && /^[0-7]$/.test(priorityText) ? Number(priorityText) : undefined;
  const transport = journalFieldText(fields._TRANSPORT);
  // Same choice as journalctl's short output: the syslog identifier, else the command name.
  const source =
    journalFieldText(fields.SYSLOG_IDENTIFIER) ??
    journalFieldText(fields._COMM) ??
    (transport === 'kernel' ? 'kernel' : undefined) ??
    journalFieldText(fields._SYSTEMD_UNIT) ??
    'journal';
  const pid = journalFieldText(fields._PID) ?? journalFieldText(fields.SYSLOG_PID);
  const bootId = journalFieldText(fields._BOOT_ID);

  const entry: JournalEntry = {
    cursor,
    us: Number.isFinite(realtime) ? realtime : 0,
    source,
    text: journalFieldText(fields.MESSAGE) ?? '',
  };
  if (priority !== undefined) entry.priority = priority;
  if (pid !== undefined && transport !== 'kernel') entry.pid = pid;
  if (bootId !== undefined) entry.bootId = bootId;
  return entry;
}
