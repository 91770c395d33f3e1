/**
 * `rtla timerlat hist` output (timerlat_hist.c):
 *
 *   # RTLA timerlat histogram
 *   # Time unit is microseconds (us)
 *   # Duration:   0 00:10:00
 *   Index   IRQ-002   Thr-002   IRQ-003   Thr-003        columns per CPU: IRQ-%03d, Thr-%03d, optional Usr-%03d
 *   0        276489         0    206089         0        index `%-6d` (bucket × bucket size), values `%9d`
 *   over:         0         0         0         0        rows that are 0 everywhere are omitted (no --with-zeros)
 *   count:   600002    600002    600002    600002
 *   min:          0         1         0         1        `-` when a column has no sample
 *   avg:          0         5         0         4
 *   max:         16        36        15        58
 *   ALL:        IRQ       Thr                            newer versions: summary over all CPUs
 *   count: …  min: …  avg: …  max: …
 */
import { RtlaParseError, type RtlaCpuLatency, type RtlaLatencyKind, type RtlaLatencyStats } from './rtla-types';
import { excerpt, parseUnsigned, tokens, type NumberedLine } from './text-lines';

export interface HistResult {
  duration?: string;
  unit: 'us' | 'ns';
  cpus: RtlaCpuLatency[];
  all?: Partial<Record<RtlaLatencyKind, RtlaLatencyStats | null>>;
}

interface Column {
  cpu: number;
  kind: RtlaLatencyKind;
}

const KIND_BY_PREFIX: Readonly<Record<string, RtlaLatencyKind>> = { IRQ: 'irq', Thr: 'thread', Usr: 'user' };
const SUMMARY_ROWS = ['count', 'min', 'avg', 'max'] as const;
type SummaryRow = (typeof SUMMARY_ROWS)[number];

function malformed(line: NumberedLine, message: string): RtlaParseError {
  return new RtlaParseError('MALFORMED', `line ${line.number}: ${message} ("${excerpt(line.text.trim())}")`, line.number);
}

function readColumns(line: NumberedLine): Column[] {
  return tokens(line.text)
    .slice(1)
    .map((token) => {
      const match = /^(IRQ|Thr|Usr)-(\d+)$/.exec(token);
      const kind = match?.[1] !== undefined ? KIND_BY_PREFIX[match[1]] : undefined;
      if (!match || kind === undefined) throw malformed(line, `unknown histogram column "${excerpt(token, 20)}"`);
      return { cpu: Number(match[2]), kind };
    });
}

function readValues(line: NumberedLine, count: number, allowDash: boolean): Array<number | null> {
  const values = tokens(line.text).slice(1);
  if (values.length !== count) throw malformed(line, `expected ${count} values, found ${values.length}`);
  return values.map((token) => {
    if (allowDash && token === '-') return null;
    const parsed = parseUnsigned(token);
    if (parsed === null) throw malformed(line, `"${excerpt(token, 20)}" is not a number`);
    return parsed;
  });
}

type Summary = Partial<Record<SummaryRow | 'over', Array<number | null>>>;

function statsFrom(summary: Summary, index: number): RtlaLatencyStats {
  return {
    count: summary.count?.[index] ?? null,
    min: summary.min?.[index] ?? null,
    avg: summary.avg?.[index] ?? null,
    max: summary.max?.[index] ?? null,
  };
}

interface HistRow {
  bucket: number;
  values: Array<number | null>;
}

function buildCpus(columns: readonly Column[], rows: readonly HistRow[], summary: Summary): RtlaCpuLatency[] {
  const byCpu = new Map<number, RtlaCpuLatency>();
  columns.forEach((column, index) => {
    let cpu = byCpu.get(column.cpu);
    if (!cpu) {
      cpu = { cpu: column.cpu, count: null, irq: null, thread: null, user: null, histogram: {}, overflows: {} };
      byCpu.set(column.cpu, cpu);
    }
    const stats = statsFrom(summary, index);
    cpu[column.kind] = stats.count === 0 ? null : stats;
    const histogram: Record<string, number> = {};
    for (const row of rows) {
      const count = row.values[index] ?? 0;
      if (count > 0) histogram[String(row.bucket)] = count;
    }
    if (cpu.histogram) cpu.histogram[column.kind] = histogram;
    if (cpu.overflows) cpu.overflows[column.kind] = summary.over?.[index] ?? 0;
  });
  for (const cpu of byCpu.values()) cpu.count = cpu.irq?.count ?? cpu.thread?.count ?? cpu.user?.count ?? null;
  return [...byCpu.values()].sort((a, b) => a.cpu - b.cpu);
}

export function readHist(lines: readonly NumberedLine[]): HistResult {
  const result: HistResult = { unit: 'us', cpus: [] };
  const headerIndex = lines.findIndex((line) => /^Index\s/.test(line.text.trim()));
  const header = lines[headerIndex];
  if (!header) throw new RtlaParseError('MALFORMED', 'rtla timerlat hist output has no "Index" header line');
  for (const line of lines.slice(0, headerIndex)) {
    if (/^# Time unit is nanoseconds/.test(line.text.trim())) result.unit = 'ns';
    const duration = /^# Duration:\s+(\d+ \d{2}:\d{2}:\d{2})/.exec(line.text.trim());
    if (duration?.[1] !== undefined) result.duration = duration[1];
  }
  const columns = readColumns(header);
  const rows: HistRow[] = [];
  const summary: Summary = {};
  const allSummary: Summary = {};
  let allKinds: RtlaLatencyKind[] | null = null;
  for (const line of lines.slice(headerIndex + 1)) {
    const first = tokens(line.text)[0];
    if (first === undefined) continue;
    const bucket = parseUnsigned(first);
    if (bucket !== null && allKinds === null && summary.over === undefined) {
      rows.push({ bucket, values: readValues(line, columns.length, false) });
      continue;
    }
    if (first === 'ALL:') {
      allKinds = tokens(line.text)
        .slice(1)
        .map((token) => {
          const kind = KIND_BY_PREFIX[token];
          if (kind === undefined) throw malformed(line, `unknown summary column "${excerpt(token, 20)}"`);
          return kind;
        });
      continue;
    }
    const name = first.replace(/:$/, '');
    if (first.endsWith(':') && (name === 'over' || (SUMMARY_ROWS as readonly string[]).includes(name))) {
      const key = name as SummaryRow | 'over';
      const target = allKinds === null ? summary : allSummary;
      const width = allKinds === null ? columns.length : allKinds.length;
      target[key] = readValues(line, width, key !== 'over' && key !== 'count');
      continue;
    }
    // The auto-analysis and "hit stop tracing" messages follow the summary; they are read elsewhere.
    if (summary.max !== undefined) break;
    throw malformed(line, 'unexpected line in the histogram');
  }
  for (const key of ['over', ...SUMMARY_ROWS] as const) {
    if (summary[key] === undefined) {
      const message = `rtla timerlat hist output is incomplete: the "${key}:" row is missing (truncated output?)`;
      throw new RtlaParseError('MALFORMED', message);
    }
  }
  result.cpus = buildCpus(columns, rows, summary);
  if (allKinds !== null) {
    const all: Partial<Record<RtlaLatencyKind, RtlaLatencyStats | null>> = {};
    allKinds.forEach((kind, index) => {
      const stats = statsFrom(allSummary, index);
      all[kind] = stats.count === 0 ? null : stats;
    });
    result.all = all;
  }
  return result;
}
