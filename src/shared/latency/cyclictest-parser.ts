/**
 * Turns any cyclictest output into a CyclictestResult, or throws a CyclictestParseError that says why not.
 *
 * Accepted: `-q` summary lines, `-h`/`-H` histograms (rt-tests ≤ 2.6 and ≥ 2.7), `--json` files (with the `-nan`
 * and unescaped-cmdline quirks), a captured live screen with ANSI cursor moves (last complete frame), each with
 * stderr merged in. Rejected with a specific code: the non-root error (NEEDS_ROOT), the help text cyclictest
 * prints with exit code 0 for an unknown option (INVALID_OPTION), output without results (NO_DATA), and anything
 * unexpected (MALFORMED, with line number and excerpt) — a wrong number is worse than no number.
 */
import { cpuForThread, readCommandFacts, type CyclictestCommandFacts } from './cyclictest-cmdline';
import { readHistogramText } from './cyclictest-histogram';
import { readCyclictestJson, type CyclictestJsonDocument } from './cyclictest-json';
import { isSummaryLine, readLiveSummary, readQuietSummary, type SummaryLine } from './cyclictest-summary';
import {
  CyclictestParseError,
  type CpuLatency,
  type CyclictestResult,
  type ParseCyclictestOptions,
} from './cyclictest-types';
import { computePercentiles, histogramTotal } from './histogram-stats';
import { excerpt, hasAnsi, stripAnsi, toLines, type NumberedLine } from './text-lines';

export { CyclictestParseError } from './cyclictest-types';
export type { CpuLatency, CyclictestResult, CyclictestFormat, CyclictestErrorCode } from './cyclictest-types';

/**
 * Lines without data that may surround or interleave the results: comments (`# /dev/cpu_dma_latency set to 0us`,
 * SIGUSR1 `#----` markers), cyclictest warnings on stderr, and the live screen's `policy:` header.
 */
function isNoise(text: string): boolean {
  const trimmed = text.trim();
  return (
    trimmed === '' ||
    trimmed.startsWith('#') ||
    /^(WARN|INFO):/.test(trimmed) ||
    trimmed.includes('/dev/cpu_dma_latency') ||
    trimmed.startsWith('policy:')
  );
}

const NEEDS_ROOT = /Unable to change scheduling policy|increase RLIMIT_RTPRIO/;
const OPTION_ERROR = /invalid option|unrecognized option|option requires an argument|option '.*' doesn't allow/;
const HELP_TEXT = /^(Usage:|cyclictest V \d)/;
const ERROR_MESSAGE = /error|fatal|failed|cannot|unable|not supported|denied|not permitted/i;

function firstMatching(lines: readonly NumberedLine[], pattern: RegExp): NumberedLine | undefined {
  return lines.find((line) => pattern.test(line.text.trim()));
}

function commandText(command: string | readonly string[] | undefined): string | undefined {
  if (command === undefined) return undefined;
  return typeof command === 'string' ? command.trim() : command.join(' ');
}

/** The run failed before measuring: say which of the known ways, quoting the line that shows it. */
function failureWithoutData(lines: readonly NumberedLine[]): CyclictestParseError {
  const optionError = firstMatching(lines, OPTION_ERROR);
  const help = firstMatching(lines, HELP_TEXT);
  if (optionError || help) {
    const shown = optionError ?? help;
    const detail = optionError ? `: ${excerpt(optionError.text.trim())}` : '';
    return new CyclictestParseError(
      'INVALID_OPTION',
      `cyclictest printed its usage text instead of results (it exits 0 in that case)${detail}`,
      shown?.number,
    );
  }
  const errorLine = lines.find((line) => !isNoise(line.text) && ERROR_MESSAGE.test(line.text));
  if (errorLine) {
    return new CyclictestParseError(
      'NO_DATA',
      `cyclictest printed no results; line ${errorLine.number}: ${excerpt(errorLine.text.trim())}`,
      errorLine.number,
    );
  }
  const unexpected = lines.find((line) => !isNoise(line.text));
  if (unexpected) {
    return new CyclictestParseError(
      'MALFORMED',
      `line ${unexpected.number}: unexpected output "${excerpt(unexpected.text.trim())}" (no histogram, no T: lines, no JSON)`,
      unexpected.number,
    );
  }
  return new CyclictestParseError('NO_DATA', 'cyclictest printed no histogram, no T: lines and no JSON (only comments)');
}

/** Everything outside the data block must be noise; the first other line is reported. */
function assertOnlyNoise(lines: readonly NumberedLine[], allowSummaryLines: boolean): void {
  const unexpected = lines.find((line) => !isNoise(line.text) && !(allowSummaryLines && isSummaryLine(line.text)));
  if (unexpected) {
    throw new CyclictestParseError(
      'MALFORMED',
      `line ${unexpected.number}: unexpected output "${excerpt(unexpected.text.trim())}"`,
      unexpected.number,
    );
  }
}

function withPercentiles(entry: Omit<CpuLatency, 'p99' | 'p999' | 'p9999'>): CpuLatency {
  const latency: CpuLatency = { ...entry, p99: null, p999: null, p9999: null };
  if (entry.histogram === null || entry.samples === 0) return latency;
  const { overflowedPercentiles, ...values } = computePercentiles(entry.histogram, entry.overflows, entry.max);
  return { ...latency, ...values, overflowedPercentiles };
}

function fromSummaryLines(summary: readonly SummaryLine[], facts: CyclictestCommandFacts): CpuLatency[] {
  return summary.map((line) =>
    withPercentiles({
      thread: line.thread,
      cpu: cpuForThread(facts, line.thread),
      samples: line.cycles,
      // A thread without cycles still shows the Min:1000000 sentinel; 0 placeholders keep sums and charts sane.
      min: line.cycles === 0 ? 0 : line.min,
      avg: line.cycles === 0 ? 0 : line.avg,
      max: line.cycles === 0 ? 0 : line.max,
      overflows: 0,
      histogram: null,
      intervalUs: line.intervalUs,
    }),
  );
}

function fromJson(document: CyclictestJsonDocument, facts: CyclictestCommandFacts): CpuLatency[] {
  return Object.keys(document.thread)
    .map(Number)
    .sort((a, b) => a - b)
    .map((thread) => {
      const data = document.thread[String(thread)];
      if (!data) throw new CyclictestParseError('MALFORMED', `cyclictest JSON lacks thread ${thread}`);
      // `{}` is "no -h" in ≤ 2.6 — unless the command had -h, then every sample overflowed.
      const histogramOn =
        data.histogram !== undefined && (Object.keys(data.histogram).length > 0 || facts.histogramSize !== null);
      const inRange = histogramOn && data.histogram ? histogramTotal(data.histogram) : 0;
      if (inRange > data.cycles) {
        throw new CyclictestParseError(
          'MALFORMED',
          `cyclictest JSON thread ${thread}: histogram holds ${inRange} samples but cycles is ${data.cycles}`,
        );
      }
      if (data.cycles > 0 && data.avg === null) {
        throw new CyclictestParseError('MALFORMED', `cyclictest JSON thread ${thread}: avg is not a number`);
      }
      const entry: Omit<CpuLatency, 'p99' | 'p999' | 'p9999'> = {
        thread,
        cpu: data.cpu !== undefined ? (data.cpu >= 0 ? data.cpu : null) : cpuForThread(facts, thread),
        samples: data.cycles,
        min: data.cycles === 0 ? 0 : data.min,
        avg: data.cycles === 0 ? 0 : (data.avg ?? 0),
        max: data.cycles === 0 ? 0 : data.max,
        overflows: histogramOn ? data.cycles - inRange : 0,
        histogram: histogramOn ? { ...data.histogram } : null,
      };
      if (histogramOn && facts.histogramSize !== null) entry.bucketCount = facts.histogramSize;
      return withPercentiles(entry);
    });
}

function parseJson(lines: readonly NumberedLine[], start: number, options: ParseCyclictestOptions): CyclictestResult {
  // Lines before the JSON (merged stderr) become blank so JSON.parse error positions keep their line numbers.
  const text = lines.map((line, index) => (index < start ? '' : line.text)).join('\n');
  const document = readCyclictestJson(text);
  const command = document['cmdline:'] ?? commandText(options.command);
  const facts = readCommandFacts(command ?? []);
  const cpus = fromJson(document, facts);
  const result: CyclictestResult = {
    tool: 'cyclictest',
    cpus,
    threads: cpus.length,
    format: 'json',
    unit: document.resolution_in_ns === 1 || facts.nanoseconds ? 'ns' : 'us',
  };
  if (document['rt_test_version:'] !== undefined) result.version = document['rt_test_version:'];
  if (command !== undefined) result.command = command;
  if (document.return_code !== undefined) result.returnCode = document.return_code;
  return result;
}

export function parseCyclictestOutput(text: string, options: ParseCyclictestOptions = {}): CyclictestResult {
  if (typeof text !== 'string') throw new CyclictestParseError('MALFORMED', 'cyclictest output is not text');
  const lines = toLines(stripAnsi(text));
  if (lines.every((line) => line.text.trim() === '')) {
    throw new CyclictestParseError('NO_DATA', 'cyclictest printed nothing');
  }
  const rootError = firstMatching(lines, NEEDS_ROOT);
  if (rootError) {
    throw new CyclictestParseError(
      'NEEDS_ROOT',
      'cyclictest could not switch to real-time scheduling (run it as root or raise RLIMIT_RTPRIO): ' +
        excerpt(rootError.text.trim()),
      rootError.number,
    );
  }

  const firstData = lines.findIndex((line) => !isNoise(line.text));
  if (firstData >= 0 && lines[firstData]?.text.trim().startsWith('{')) return parseJson(lines, firstData, options);

  const command = commandText(options.command);
  const facts = readCommandFacts(command ?? []);
  const base = { tool: 'cyclictest' as const, unit: facts.nanoseconds ? ('ns' as const) : ('us' as const) };
  const withCommand = (result: CyclictestResult): CyclictestResult =>
    command !== undefined ? { ...result, command } : result;

  const header = lines.findIndex((line) => line.text.trim() === '# Histogram');
  if (header >= 0) {
    // Before the histogram only noise and (non-quiet runs) live-screen T: lines may appear.
    assertOnlyNoise(lines.slice(0, header), true);
    const afterNoise = (line: string): boolean => isNoise(line) || isSummaryLine(line);
    const threads = readHistogramText(lines.slice(header + 1), afterNoise, facts.histogramSize);
    const cpus = threads.map((thread) => withPercentiles({ ...thread, cpu: cpuForThread(facts, thread.thread) }));
    return withCommand({ ...base, cpus, threads: cpus.length, format: 'histogram' });
  }

  if (lines.some((line) => isSummaryLine(line.text))) {
    const live = hasAnsi(text) || lines.some((line) => line.text.startsWith('policy:'));
    assertOnlyNoise(lines, true);
    const summary = live ? readLiveSummary(lines) : readQuietSummary(lines);
    const cpus = fromSummaryLines(summary, facts);
    return withCommand({ ...base, cpus, threads: cpus.length, format: live ? 'live' : 'summary' });
  }

  throw failureWithoutData(lines);
}
