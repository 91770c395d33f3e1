/**
 * The journalctl command line for a log source, from a fixed template with every value quoted. Resuming is by
 * cursor: `--after-cursor` starts right after the last entry the laptop kept, so a reconnect neither repeats nor
 * skips a line (journalctl seeks by cursor before it looks at -n or --since).
 */
import type { BootChoice, JournalSource, KernelSource, PriorityName } from '../model/logs';
import { sh } from '../remote-command';
import { isJournalCursor } from './journal-entry';

/** Only the fields the view shows: `-o json` with everything is ~5× larger, which matters on a slow link. */
export const journalOutputFields = ['MESSAGE', 'PRIORITY', 'SYSLOG_IDENTIFIER', '_COMM', '_PID', '_SYSTEMD_UNIT', '_TRANSPORT'] as const;

export interface JournalQuery {
  unit?: string;
  identifier?: string;
  kernel?: boolean;
  priority?: PriorityName;
  since?: string;
  until?: string;
  boot: BootChoice;
  grep?: string;
  follow: boolean;
  /** Earlier entries to print first (journalctl -n); absent = journalctl's default. */
  backlog?: number;
  /** Resume right after this entry; wins over backlog and since. */
  afterCursor?: string;
  /**
   * Resume from this controller time (epoch seconds) when no entry was kept yet: the stream was opened at that
   * moment, so nothing before it can be missing and nothing after it was shown.
   */
  sinceEpoch?: number;
}

/** Following makes no sense for a closed time window or a boot that is over. */
export function journalFollows(query: Pick<JournalQuery, 'follow' | 'until' | 'boot'>): boolean {
  return query.follow && query.until === undefined && query.boot !== 'previous';
}

export function journalQueryFor(source: JournalSource | KernelSource, options: { follow: boolean; backlog?: number; afterCursor?: string; sinceEpoch?: number }): JournalQuery {
  const query: JournalQuery = { boot: source.boot, follow: options.follow };
  if (source.kind === 'kernel') query.kernel = true;
  else {
    if (source.unit !== undefined) query.unit = source.unit;
    if (source.identifier !== undefined) query.identifier = source.identifier;
  }
  if (source.priority !== undefined) query.priority = source.priority;
  if (source.since !== undefined) query.since = source.since;
  if (source.until !== undefined) query.until = source.until;
  if (source.grep !== undefined) query.grep = source.grep;
  if (options.backlog !== undefined) query.backlog = options.backlog;
  if (options.afterCursor !== undefined) query.afterCursor = options.afterCursor;
  if (options.sinceEpoch !== undefined) query.sinceEpoch = options.sinceEpoch;
  return query;
}

/** `journalctl …` (without sudo or core pinning; the caller wraps it). */
export function journalctlCommand(query: JournalQuery): string {
  const parts: string[] = [sh`journalctl --no-pager -q -o json --output-fields=${journalOutputFields.join(',')}`];
  if (query.unit !== undefined) parts.push(sh`-u ${query.unit}`);
  if (query.identifier !== undefined) parts.push(sh`-t ${query.identifier}`);
  // A field match instead of -k: -k implies the current boot, which would hide the previous one.
  if (query.kernel) parts.push('_TRANSPORT=kernel');
  if (query.priority !== undefined) parts.push(sh`-p ${query.priority}`);
  if (query.boot === 'current') parts.push('-b 0');
  if (query.boot === 'previous') parts.push('-b -1');
  if (query.until !== undefined) parts.push(sh`--until=${query.until}`);
  if (query.grep !== undefined) parts.push(sh`--grep=${query.grep}`);
  if (query.afterCursor !== undefined) {
    if (!isJournalCursor(query.afterCursor)) throw new Error('invalid journal cursor');
    parts.push(sh`--after-cursor=${query.afterCursor}`);
  } else if (query.sinceEpoch !== undefined) {
    parts.push(sh`--since=${`@${Math.floor(query.sinceEpoch)}`}`);
  } else if (query.since !== undefined) {
    parts.push(sh`--since=${query.since}`);
  } else if (query.backlog !== undefined) {
    parts.push(sh`-n ${query.backlog}`);
  }
  if (journalFollows(query)) parts.push('-f');
  return parts.join(' ');
}

/** Marks the controller's clock at the start of every reader: `@<epoch seconds>` on the first line. */
export const clockMarkerPattern = /^@(\d{9,12})$/;

/**
 * The reader as one shell script: first the controller's clock (for a resume before any entry arrived, see
 * `sinceEpoch`), then journalctl with a watchdog on stdin. `journalctl -f` only notices that nobody reads it when
 * it writes the next entry, which may be never for a quiet unit; so when the laptop closes the channel (pause,
 * close, a dropped link) stdin ends and the watchdog stops journalctl. Nothing is left running on the controller.
 * The watchdog uses the shell's own `read` (no child process), so killing it when journalctl ends by itself
 * leaves no process holding the channel open (OpenSSH gives the command one socket for stdin and stdout).
 */
export function journalReaderScript(query: JournalQuery): string {
  return [
    'date +@%s',
    'exec 3<&0',
    `${journalctlCommand(query)} </dev/null 3<&- &`,
    'r=$!',
    '( while read -r _; do :; done <&3; kill $r 2>/dev/null ) >/dev/null 2>&1 &',
    'w=$!',
    'exec 3<&- 0</dev/null',
    'wait $r',
    's=$?',
    'kill $w 2>/dev/null',
    'exit $s',
  ].join('\n');
}
