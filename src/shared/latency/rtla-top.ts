/**
 * `rtla timerlat top` screen (timerlat_top.c). Without `-q` it is redrawn after `ESC c`; the last complete frame
 * is the result.
 *
 *                                      Timer Latency
 *     0 00:10:00   |          IRQ Timer Latency (us)        |         Thread Timer Latency (us)[      |    Ret user …]
 *   CPU COUNT      |      cur       min       avg       max |      cur       min       avg       max[ | …]
 *     2 #5999998   |        0         0         0         4 |        2         1         2        11
 *   ---------------|----------------------------------------|---------------------------------------   (newer)
 *   ALL #119144 e4 |                  0         5         4 |                  2        28        16   (newer)
 *
 * Row values are `%9llu` or `        -` (no sample of that kind). `ALL #<count> e<exp>` means count × 10^exp.
 */
import { RtlaParseError, type RtlaCpuLatency, type RtlaLatencyKind, type RtlaLatencyStats } from './rtla-types';
import { excerpt, parseUnsigned, tokens, type NumberedLine } from './text-lines';

const DURATION_LINE = /^\s*(\d+ \d{2}:\d{2}:\d{2})\s+\|\s+IRQ Timer Latency \((us|ns)\)/;
const COLUMN_HEADER = /^CPU COUNT\s+\|/;
const CPU_ROW = /^\s*(\d+) #(\d+)\s*\|(.*)$/;
const ALL_ROW = /^\s*ALL #(\d+)\s+e(\d+)\s*\|(.*)$/;
const KINDS: readonly RtlaLatencyKind[] = ['irq', 'thread', 'user'];

export interface TopFrame {
  duration?: string;
  unit?: 'us' | 'ns';
  cpus: RtlaCpuLatency[];
  all?: Partial<Record<RtlaLatencyKind, RtlaLatencyStats | null>>;
}

function malformed(line: NumberedLine, message: string): RtlaParseError {
  return new RtlaParseError('MALFORMED', `line ${line.number}: ${message}`, line.number);
}

function value(token: string, line: NumberedLine): number | null {
  if (token === '-') return null;
  const parsed = parseUnsigned(token);
  if (parsed === null) throw malformed(line, `"${excerpt(token, 20)}" is not a latency value`);
  return parsed;
}

/** One `|`-separated block: `cur min avg max` for CPU rows, `min avg max` for the ALL row; all `-` = no data. */
function readBlock(block: string, withCur: boolean, line: NumberedLine): RtlaLatencyStats | null {
  const parts = tokens(block);
  if (parts.length > 0 && parts.every((part) => part === '-')) return null;
  const expected = withCur ? 4 : 3;
  if (parts.length !== expected) {
    throw malformed(line, `expected ${expected} values in "${excerpt(block.trim(), 60)}"`);
  }
  const [min, avg, max] = (withCur ? parts.slice(1) : parts).map((part) => value(part, line));
  return { count: null, min: min ?? null, avg: avg ?? null, max: max ?? null };
}

function blocksOf(rest: string, hasUser: boolean, line: NumberedLine): string[] {
  const blocks = rest.split('|');
  const expected = hasUser ? 3 : 2;
  if (blocks.length !== expected) {
    throw malformed(line, `expected ${expected} latency blocks in "${excerpt(line.text.trim())}"`);
  }
  return blocks;
}

/** Parses the frame whose column header is at `headerIndex`; rows end at the first line that is not a CPU row. */
export function readTopFrame(lines: readonly NumberedLine[], headerIndex: number): TopFrame {
  const header = lines[headerIndex];
  if (!header) throw new RtlaParseError('MALFORMED', 'rtla timerlat top header is missing');
  const hasUser = header.text.split('|').length === 4;
  const frame: TopFrame = { cpus: [] };
  const durationLine = lines[headerIndex - 1];
  const duration = durationLine ? DURATION_LINE.exec(durationLine.text) : null;
  if (duration?.[1] !== undefined) {
    frame.duration = duration[1];
    frame.unit = duration[2] === 'ns' ? 'ns' : 'us';
  }
  for (const line of lines.slice(headerIndex + 1)) {
    const row = CPU_ROW.exec(line.text);
    if (row) {
      const [irq, thread, user] = blocksOf(row[3] ?? '', hasUser, line).map((block) => readBlock(block, true, line));
      const cpu = Number(row[1]);
      frame.cpus.push({ cpu, count: Number(row[2]), irq: irq ?? null, thread: thread ?? null, user: user ?? null });
      continue;
    }
    if (line.text.trim() === '') continue; // some versions print a blank line before the ALL block
    if (/^\s*-+\|/.test(line.text)) continue; // separator before the ALL row
    if (/^\s*\d+(\s+#|\s*$)/.test(line.text)) {
      // A CPU row cut short (capture ended mid-line) must not silently drop that CPU.
      throw malformed(line, `incomplete CPU row "${excerpt(line.text.trim())}"`);
    }
    const all = ALL_ROW.exec(line.text);
    if (all) {
      const stats = blocksOf(all[3] ?? '', hasUser, line).map((block) => readBlock(block, false, line));
      frame.all = {};
      stats.forEach((entry, index) => {
        const kind = KINDS[index];
        if (kind && frame.all) frame.all[kind] = entry;
      });
    }
    break;
  }
  return frame;
}

/** Header lines of all frames; the caller takes the last one that parses. */
export function findTopHeaders(lines: readonly NumberedLine[]): number[] {
  return lines.flatMap((line, index) => (COLUMN_HEADER.test(line.text.trim()) ? [index] : []));
}
