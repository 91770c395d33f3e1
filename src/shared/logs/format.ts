/**
 * Log lines as text: for saved files and the CLI (full, unambiguous timestamps) and for the terminal view
 * (shorter time, colour by priority). Pure so the CLI, the Node side and the renderer print the same thing.
 */
import type { LogLine, LogSource } from '../model/logs';
import { priorityNames } from '../model/logs';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Local time with microseconds and the UTC offset, like `journalctl -o short-iso-precise`:
 * `2026-11-26T21:40:19.197890+09:00`. The offset makes a saved file unambiguous for the engineer at HQ.
 */
export function isoLocalMicros(us: number, offsetMinutes?: number): string {
  const ms = Math.floor(us / 1000);
  const date = new Date(ms);
  const offset = offsetMinutes ?? -date.getTimezoneOffset();
  const shifted = new Date(ms + offset * 60_000);
  const micros = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` +
    `T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}.${pad(micros, 6)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** `2026-11-26 21:40:19.197` in local time: what the view shows when timestamps are on. */
export function shortLocalTime(us: number): string {
  const date = new Date(Math.floor(us / 1000));
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

export function priorityName(priority: number | undefined): string | undefined {
  return priority === undefined ? undefined : priorityNames[priority];
}

/** `mxrc-rt[812]`, `kernel`, `mxrc-webapi (stderr)`. */
export function originLabel(line: Pick<LogLine, 'source' | 'pid' | 'stream'>): string {
  const pid = line.pid !== undefined ? `[${line.pid}]` : '';
  const stream = line.stream === 'stderr' ? ' (stderr)' : '';
  return `${line.source}${pid}${stream}`;
}

/** One line for a file or stdout: `<iso time> <origin> <priority>: text`; continuation lines are indented. */
export function formatLogLine(line: LogLine, options: { offsetMinutes?: number } = {}): string {
  const time = line.us > 0 ? isoLocalMicros(line.us, options.offsetMinutes) : '-';
  const prio = priorityName(line.priority);
  const head = `${time} ${originLabel(line)}${prio !== undefined ? ` <${prio}>` : ''}:`;
  const text = line.text.includes('\n') ? line.text.split('\n').join('\n    ') : line.text;
  return `${head} ${text}`;
}

/** The journald source for a header line or a tab name. */
export function describeSource(source: LogSource): string {
  const filters: string[] = [];
  if (source.kind !== 'container' && source.priority !== undefined) filters.push(`priority ≤ ${source.priority}`);
  if (source.kind !== 'container' && source.boot !== 'any') filters.push(`${source.boot} boot`);
  if (source.since !== undefined) filters.push(`since ${source.since}`);
  if (source.until !== undefined) filters.push(`until ${source.until}`);
  if (source.grep !== undefined) filters.push(`grep ${JSON.stringify(source.grep)}`);
  let what: string;
  switch (source.kind) {
    case 'journal':
      what = source.unit !== undefined ? `journal of ${source.unit}` : source.identifier !== undefined ? `journal tag ${source.identifier}` : 'whole journal';
      if (source.unit !== undefined && source.identifier !== undefined) what += ` (tag ${source.identifier})`;
      break;
    case 'kernel':
      what = 'kernel messages';
      break;
    case 'container':
      what = `container ${source.container}`;
      break;
  }
  return filters.length > 0 ? `${what}, ${filters.join(', ')}` : what;
}

/** A short tab label. */
export function defaultStreamName(source: LogSource): string {
  switch (source.kind) {
    case 'journal':
      return (source.unit ?? source.identifier ?? 'journal').replace(/\.service$/, '');
    case 'kernel':
      return 'kernel';
    case 'container':
      return source.container;
  }
}

export interface LogFileHeader {
  name: string;
  controller: string;
  source: LogSource;
  savedAt: Date;
  lines: number;
  dropped: number;
}

/** The saved file: a `#` header (what, where, when, what is missing), then one formatted line per entry. */
export function formatLogFile(header: LogFileHeader, lines: readonly LogLine[], options: { offsetMinutes?: number } = {}): string {
  const out = [
    `# ${header.name}: ${describeSource(header.source)}`,
    `# controller: ${header.controller}`,
    `# saved: ${isoLocalMicros(header.savedAt.getTime() * 1000, options.offsetMinutes)}`,
    `# lines: ${header.lines}${header.dropped > 0 ? ` (${header.dropped} earlier lines were past the scrollback cap and are not in this file)` : ''}`,
  ];
  for (const line of lines) out.push(formatLogLine(line, options));
  return `${out.join('\n')}\n`;
}

const ESC = String.fromCharCode(27);
const reset = `${ESC}[0m`;

function colourFor(priority: number | undefined): string {
  if (priority === undefined) return '';
  if (priority <= 3) return `${ESC}[1;31m`; // emerg … err: bold red
  if (priority === 4) return `${ESC}[33m`; // warning: yellow
  if (priority === 5) return `${ESC}[1m`; // notice: bold
  if (priority === 7) return `${ESC}[2m`; // debug: dim
  return '';
}

/**
 * A log line must not move the cursor, switch screens or retitle the window: every escape except SGR colours
 * is shown as ␛, other control characters as �, carriage returns are dropped. Colours are reset after the line.
 */
export function neutralise(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(new RegExp(`${ESC}(?!\\[[0-9;]*m)`, 'g'), '␛')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g, '�');
}

/** Lines for the xterm view (CRLF, colours, optional short time); `\n` inside a message becomes an indented line. */
export function formatForTerminal(lines: readonly LogLine[], options: { timestamps: boolean }): string {
  let out = '';
  for (const line of lines) {
    const colour = colourFor(line.priority);
    const time = options.timestamps && line.us > 0 ? `${ESC}[2m${shortLocalTime(line.us)}${reset} ` : '';
    const origin = `${ESC}[36m${originLabel(line)}${reset}`;
    const text = neutralise(line.text).split('\n').join('\r\n    ');
    out += `${time}${origin} ${colour}${text}${colour !== '' || text.includes(ESC) ? reset : ''}\r\n`;
  }
  return out;
}
