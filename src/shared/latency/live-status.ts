/**
 * Live progress of a detached cyclictest run. The runner (resources/latency-runner.sh) sends SIGUSR1 to cyclictest
 * about once a second; cyclictest answers on stderr with its current `T:` lines between two marker lines
 * (checklist §10.4), whatever `-q` and `-h` say:
 *
 *   #---------------------------
 *   # cyclictest current status:
 *   T: 0 (   86) P:80 I:100 C:   4882 Min:      4 Act:    7 Avg:   12 Max:     263
 *   #---------------------------
 *
 * The runner copies its state and the tail of that stderr into a small `status` file; the whole stderr is kept
 * and, once collected, gives the complete max-over-time series even across a dropped link.
 */
import { parseSummaryLine, type SummaryLine } from './cyclictest-summary';
import { stripAnsi, toLines } from './text-lines';

const MARKER = /^#-{10,}\s*$/;
const HEADER = '# cyclictest current status:';

/** Every complete status block, oldest first; a block cut short (the file was read mid-write) is left out. */
export function readStatusBlocks(text: string): SummaryLine[][] {
  const blocks: SummaryLine[][] = [];
  let current: SummaryLine[] | null = null;
  let broken = false;
  let previousWasMarker = false;
  for (const { text: raw } of toLines(stripAnsi(text))) {
    const line = raw.trimEnd();
    if (line === HEADER && previousWasMarker) {
      current = [];
      broken = false;
      previousWasMarker = false;
      continue;
    }
    previousWasMarker = MARKER.test(line);
    if (current === null) continue;
    if (previousWasMarker) {
      if (!broken && current.length > 0 && isThreadSet(current)) blocks.push(current);
      current = null;
      continue;
    }
    const parsed = line.startsWith('T:') ? parseSummaryLine(line) : null;
    if (parsed) current.push(parsed);
    else broken = true;
  }
  return blocks;
}

function isThreadSet(lines: readonly SummaryLine[]): boolean {
  return [...lines].sort((a, b) => a.thread - b.thread).every((line, index) => line.thread === index);
}

export type RunnerState = 'starting' | 'running' | 'rtla' | 'finished' | 'failed' | 'cancelled';
export const runnerStates: readonly RunnerState[] = ['starting', 'running', 'rtla', 'finished', 'failed', 'cancelled'];
export const terminalRunnerStates: ReadonlySet<RunnerState> = new Set(['finished', 'failed', 'cancelled']);

export interface RunnerStatus {
  /** null when the file did not name a known state (e.g. read while the runner replaced it). */
  state: RunnerState | null;
  /** The latest complete status block, sorted by thread; null before cyclictest answered the first time. */
  threads: SummaryLine[] | null;
}

function isRunnerState(value: string): value is RunnerState {
  return (runnerStates as readonly string[]).includes(value);
}

/** The runner's `status` file: `state=<state>` and `phase=<phase>` lines, then the tail of cyclictest's stderr. */
export function parseRunnerStatus(text: string): RunnerStatus {
  let state: RunnerState | null = null;
  for (const { text: line } of toLines(text)) {
    const match = /^state=(\w+)\s*$/.exec(line);
    if (match?.[1] && isRunnerState(match[1])) state = match[1];
  }
  const last = readStatusBlocks(text).at(-1);
  return { state, threads: last ? [...last].sort((a, b) => a.thread - b.thread) : null };
}

/** One point of the max-over-time series: per thread, in thread order. */
export interface LatencySample {
  /** Seconds of measurement: the most advanced thread's cycles × interval (independent of any clock). */
  t: number;
  /** Running maximum so far (µs); it only ever grows. */
  max: number[];
  /** Latest single latency when the snapshot was taken (µs). */
  act: number[];
  /** Average so far (µs, integer-truncated by cyclictest). */
  avg: number[];
  cycles: number[];
}

/** Elapsed measurement time of a snapshot in seconds, from the cycles counted (0.1 s resolution). */
export function elapsedSeconds(threads: readonly SummaryLine[], intervalUs?: number): number {
  const seconds = threads.map((line) => (line.cycles * (intervalUs ?? line.intervalUs)) / 1_000_000);
  return Math.round(Math.max(0, ...seconds) * 10) / 10;
}

/** A snapshot as a sample; threads that completed no cycle yet report 0 (cyclictest prints a Min sentinel). */
export function toSample(threads: readonly SummaryLine[], intervalUs?: number): LatencySample {
  const sorted = [...threads].sort((a, b) => a.thread - b.thread);
  return {
    t: elapsedSeconds(sorted, intervalUs),
    max: sorted.map((line) => (line.cycles === 0 ? 0 : line.max)),
    act: sorted.map((line) => (line.cycles === 0 ? 0 : line.act)),
    avg: sorted.map((line) => (line.cycles === 0 ? 0 : line.avg)),
    cycles: sorted.map((line) => line.cycles),
  };
}

/**
 * Appends a sample unless it repeats the last one (the same snapshot read twice), and keeps the displayed maxima
 * monotonic: a maximum shown to a technician never goes down, even if a re-read or a restarted count reports less.
 */
export function appendSample(series: LatencySample[], sample: LatencySample): boolean {
  const last = series.at(-1);
  if (last && sample.cycles.every((cycles, index) => cycles === last.cycles[index])) return false;
  if (last && sample.t < last.t) return false;
  const max = sample.max.map((value, index) => Math.max(value, last?.max[index] ?? 0));
  series.push({ ...sample, max });
  return true;
}

/** The whole series from a collected stderr (every status block the run produced). */
export function seriesFromStderr(text: string, intervalUs?: number): LatencySample[] {
  const series: LatencySample[] = [];
  for (const block of readStatusBlocks(text)) appendSample(series, toSample(block, intervalUs));
  return series;
}

/**
 * Per-interval maxima from the running maximum: where it rose between two samples, the new value is exactly the
 * largest latency of that interval; where it did not, the interval's maximum is only known to be at most the
 * running maximum (null here).
 */
export function intervalMaxima(series: readonly LatencySample[]): Array<{ t: number; max: Array<number | null> }> {
  return series.map((sample, index) => {
    const previous = index > 0 ? series[index - 1] : undefined;
    return {
      t: sample.t,
      max: sample.max.map((value, thread) => (previous === undefined || value > (previous.max[thread] ?? 0) ? value : null)),
    };
  });
}

/**
 * Thins a long series for display and events (a 24 h soak has ~86 400 samples) without losing a rise of the
 * maximum: every sample where some thread's maximum grew is kept, the rest are sampled evenly.
 */
export function thinSeries(series: readonly LatencySample[], limit: number): LatencySample[] {
  if (series.length <= limit) return [...series];
  const rises = new Set<number>();
  series.forEach((sample, index) => {
    const previous = series[index - 1];
    if (!previous || sample.max.some((value, thread) => value > (previous.max[thread] ?? 0))) rises.add(index);
  });
  const step = Math.max(1, Math.ceil(series.length / Math.max(1, limit - rises.size)));
  return series.filter((_, index) => rises.has(index) || index % step === 0 || index === series.length - 1);
}
