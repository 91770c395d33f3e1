/**
 * cyclictest histogram text (`-h N` / `-H N`, stdout or `--histfile`):
 *
 *   # Histogram
 *   000003 000054	000581          bucket `%06d `, per thread `%06lu` TAB-separated, `-H`: + TAB all-threads sum
 *   # Total: 000001999 000002000    ≤ 2.6 only; `-H` adds an all-threads column
 *   # Min Latencies: 00003 00003    never an extra column
 *   # Avg Latencies: 00005 00004    never an extra column (integer-truncated)
 *   # Max Latencies: 00229 00041    `-H` adds the maximum over all threads
 *   # Histogram Overflows: 00001 00000
 *   # Histogram Overflow at cycle number:
 *   # Thread 0: 01318               up to N cycle numbers, then ` # 00831 others`
 *
 * rt-tests ≥ 2.7 drops `# Total:` and rows that are 0 for every thread. Every cross-check that the format allows is
 * made, because a truncated file must be reported, not turned into smaller numbers.
 */
import { CyclictestParseError } from './cyclictest-types';
import { excerpt, parseUnsigned, tokens, type NumberedLine } from './text-lines';

export interface HistogramThread {
  thread: number;
  samples: number;
  min: number;
  avg: number;
  max: number;
  overflows: number;
  histogram: Record<string, number>;
  bucketCount?: number;
}

type TrailerKey = 'total' | 'min' | 'avg' | 'max' | 'overflows';

const TRAILER_PREFIXES: ReadonlyArray<[string, TrailerKey]> = [
  ['# Total:', 'total'],
  ['# Min Latencies:', 'min'],
  ['# Avg Latencies:', 'avg'],
  ['# Max Latencies:', 'max'],
  ['# Histogram Overflows:', 'overflows'],
];
const OVERFLOW_LIST_HEADER = '# Histogram Overflow at cycle number:';
const THREAD_OVERFLOW_LINE = /^# Thread (\d+):(.*)$/;

function malformed(line: NumberedLine | undefined, message: string): CyclictestParseError {
  const where = line ? `line ${line.number}: ` : '';
  const shown = line ? ` ("${excerpt(line.text)}")` : '';
  return new CyclictestParseError('MALFORMED', `${where}${message}${shown}`, line?.number);
}

function numbersOf(line: NumberedLine, text: string): number[] {
  return tokens(text).map((token) => {
    const value = parseUnsigned(token);
    if (value === null) throw malformed(line, `"${excerpt(token, 20)}" is not a count`);
    return value;
  });
}

interface Row {
  line: NumberedLine;
  bucket: number;
  counts: number[];
}

interface Trailer {
  values: Partial<Record<TrailerKey, { line: NumberedLine; numbers: number[] }>>;
  overflowListSeen: boolean;
  overflowLists: Map<number, { line: NumberedLine; listed: number; others: number }>;
}

/** Lines that stderr or the live screen may interleave with the histogram and that carry no histogram data. */
export type NoiseTest = (text: string) => boolean;

function readOverflowList(line: NumberedLine, rest: string): { listed: number; others: number } {
  const [listPart = '', othersPart] = rest.split('#');
  const listed = numbersOf(line, listPart).length;
  if (othersPart === undefined) return { listed, others: 0 };
  const others = /^\s*(\d+) others\s*$/.exec(othersPart);
  if (!others) throw malformed(line, 'unexpected text after the overflow cycle list');
  return { listed, others: Number(others[1]) };
}

function collect(lines: readonly NumberedLine[], isNoise: NoiseTest): { rows: Row[]; trailer: Trailer } {
  const rows: Row[] = [];
  const trailer: Trailer = { values: {}, overflowListSeen: false, overflowLists: new Map() };
  let state: 'rows' | 'trailer' | 'end' = 'rows';
  for (const line of lines) {
    const text = line.text.trimEnd();
    if (text === '') {
      // The output ends with an empty line; rows never contain one.
      state = 'end';
      continue;
    }
    if (state === 'rows' && /^\d+\s/.test(text)) {
      const [bucketToken = '', ...countTokens] = tokens(text);
      const bucket = parseUnsigned(bucketToken);
      if (bucket === null) throw malformed(line, 'bad bucket number');
      rows.push({ line, bucket, counts: numbersOf(line, countTokens.join(' ')) });
      continue;
    }
    if (state !== 'end' && text.startsWith('#')) {
      state = 'trailer';
      const prefixed = TRAILER_PREFIXES.find(([prefix]) => text.startsWith(prefix));
      const threadLine = THREAD_OVERFLOW_LINE.exec(text);
      if (prefixed) {
        const [prefix, key] = prefixed;
        if (trailer.values[key]) throw malformed(line, `second "${prefix}" line`);
        trailer.values[key] = { line, numbers: numbersOf(line, text.slice(prefix.length)) };
      } else if (text === OVERFLOW_LIST_HEADER) {
        trailer.overflowListSeen = true;
      } else if (threadLine && trailer.overflowListSeen) {
        trailer.overflowLists.set(Number(threadLine[1]), { line, ...readOverflowList(line, threadLine[2] ?? '') });
      }
      // Other comment lines (`# SMIs:`, future additions) carry nothing the result needs.
      continue;
    }
    if (isNoise(text)) continue;
    throw malformed(line, state === 'rows' ? 'unexpected line inside the histogram' : 'unexpected line after the histogram');
  }
  return { rows, trailer };
}

function requireValues(trailer: Trailer, key: TrailerKey, label: string, lastLine: NumberedLine | undefined): number[] {
  const entry = trailer.values[key];
  if (!entry) throw malformed(lastLine, `histogram is incomplete: the "${label}" line is missing (truncated output?)`);
  return entry.numbers;
}

/** A column list is per-thread, or (with `-H` and more than one thread) per-thread plus one all-threads value. */
function perThread(
  numbers: number[],
  threads: number,
  allowSum: boolean,
  line: NumberedLine | undefined,
  label: string,
): number[] {
  if (numbers.length === threads) return numbers;
  if (allowSum && threads > 1 && numbers.length === threads + 1) return numbers.slice(0, threads);
  throw malformed(line, `"${label}" has ${numbers.length} values for ${threads} threads`);
}

/** Shape checks that need no thread count, so a row cut in half is reported as such. */
function checkRowShape(rows: readonly Row[]): void {
  let previous = -1;
  const width = rows[0]?.counts.length;
  for (const row of rows) {
    if (row.bucket <= previous) throw malformed(row.line, 'histogram buckets are not in ascending order');
    previous = row.bucket;
    if (row.counts.length !== width) throw malformed(row.line, 'histogram row has a different number of columns');
  }
}

function checkRows(rows: readonly Row[], threads: number): void {
  for (const row of rows) {
    if (row.counts.length === threads + 1 && threads > 1) {
      const sum = row.counts.slice(0, threads).reduce((a, b) => a + b, 0);
      if (sum !== row.counts[threads]) throw malformed(row.line, `all-threads column ${row.counts[threads]} ≠ sum ${sum}`);
    } else if (row.counts.length !== threads) {
      throw malformed(row.line, `histogram row has ${row.counts.length} counts for ${threads} threads`);
    }
  }
}

function checkOverflowLists(trailer: Trailer, overflows: number[], lastLine: NumberedLine | undefined): void {
  if (!trailer.overflowListSeen) {
    throw malformed(lastLine, `histogram is incomplete: the "${OVERFLOW_LIST_HEADER}" block is missing (truncated output?)`);
  }
  overflows.forEach((count, thread) => {
    const list = trailer.overflowLists.get(thread);
    if (!list) throw malformed(lastLine, `histogram is incomplete: "# Thread ${thread}:" overflow line is missing`);
    if (list.listed + list.others !== count) {
      throw malformed(list.line, `thread ${thread} lists ${list.listed + list.others} overflows but counts ${count}`);
    }
  });
}

/**
 * Parses the histogram block that starts right after the `# Histogram` line.
 * @param histogramSize `-h N` from the command line, used as bucketCount when the rows do not show it.
 */
export function readHistogramText(
  lines: readonly NumberedLine[],
  isNoise: NoiseTest,
  histogramSize: number | null,
): HistogramThread[] {
  const { rows, trailer } = collect(lines, isNoise);
  checkRowShape(rows);
  const lastLine = [...lines].reverse().find((line) => line.text.trim() !== '') ?? lines.at(-1);
  const mins = requireValues(trailer, 'min', '# Min Latencies:', lastLine);
  const threads = mins.length;
  if (threads === 0) throw malformed(trailer.values.min?.line, 'no thread values');
  // `-H` adds an all-threads column to Max and Overflows (and Total), never to Min and Avg.
  const column = (key: TrailerKey, label: string, allowSum: boolean): number[] =>
    perThread(requireValues(trailer, key, label, lastLine), threads, allowSum, trailer.values[key]?.line, label);
  const avgs = column('avg', '# Avg Latencies:', false);
  const maxes = column('max', '# Max Latencies:', true);
  const overflows = column('overflows', '# Histogram Overflows:', true);
  checkRows(rows, threads);
  checkOverflowLists(trailer, overflows, lastLine);

  const sums = Array.from({ length: threads }, (_, thread) => rows.reduce((sum, row) => sum + (row.counts[thread] ?? 0), 0));
  const totalEntry = trailer.values.total;
  if (totalEntry) {
    const totals = perThread(totalEntry.numbers, threads, true, totalEntry.line, '# Total:');
    totals.forEach((total, thread) => {
      if (total !== sums[thread]) {
        const message = `histogram rows of thread ${thread} add up to ${sums[thread]}, not ${total} (truncated rows?)`;
        throw malformed(totalEntry.line, message);
      }
    });
  }
  // ≤ 2.6 prints every bucket 0..N-1 (and the Total line); ≥ 2.7 omits empty rows, so only the command knows N.
  const contiguous = rows.every((row, index) => row.bucket === index);
  const bucketCount = totalEntry && contiguous && rows.length > 0 ? rows.length : (histogramSize ?? undefined);

  return mins.map((min, thread) => {
    const histogram: Record<string, number> = {};
    for (const row of rows) {
      const count = row.counts[thread] ?? 0;
      if (count > 0) histogram[String(row.bucket)] = count;
    }
    const samples = (sums[thread] ?? 0) + (overflows[thread] ?? 0);
    const entry: HistogramThread = {
      thread,
      samples,
      // With no samples cyclictest still prints its min sentinel; 0 placeholders keep charts and sums sane.
      min: samples === 0 ? 0 : min,
      avg: samples === 0 ? 0 : (avgs[thread] ?? 0),
      max: samples === 0 ? 0 : (maxes[thread] ?? 0),
      overflows: overflows[thread] ?? 0,
      histogram,
    };
    if (bucketCount !== undefined) entry.bucketCount = bucketCount;
    return entry;
  });
}
