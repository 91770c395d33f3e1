/**
 * Statistics on cyclictest-style latency histograms: bucket i counts samples of exactly i µs (cyclictest truncates
 * every latency to whole µs before it counts it, and min/avg/max come from the same truncated values), and samples
 * of N µs or more for `-h N` are only counted as overflows.
 */
import type { CpuLatency, CyclictestResult, PercentileKey } from './cyclictest-types';

/** Sparse histogram: bucket index (decimal string, as in cyclictest JSON) → sample count. */
export type Histogram = Readonly<Record<string, number>>;

export interface PercentileValue {
  /** The percentile in histogram units; null when it lies among overflows and no maximum is known. */
  value: number | null;
  /** True when the rank fell among the overflowed samples: `value` is then the maximum, an upper bound. */
  overflowed: boolean;
}

export interface PercentileOptions {
  /** Samples beyond the histogram range; they rank above every bucket. */
  overflows?: number;
  /** The true maximum, used as the (upper-bound) value of a percentile that falls among the overflows. */
  max?: number;
}

export const PERCENTILES: Readonly<Record<PercentileKey, number>> = { p99: 99, p999: 99.9, p9999: 99.99 };

/** Buckets sorted by index; rejects keys that are not bucket numbers and counts that are not counts. */
export function sortedBuckets(histogram: Histogram): Array<[bucket: number, count: number]> {
  const buckets: Array<[number, number]> = [];
  for (const [key, count] of Object.entries(histogram)) {
    if (!/^\d+$/.test(key)) throw new Error(`histogram bucket "${key}" is not a non-negative integer`);
    if (!Number.isSafeInteger(count) || count < 0) throw new Error(`histogram bucket ${key} has invalid count ${count}`);
    if (count > 0) buckets.push([Number(key), count]);
  }
  return buckets.sort((a, b) => a[0] - b[0]);
}

export function histogramTotal(histogram: Histogram): number {
  return sortedBuckets(histogram).reduce((sum, [, count]) => sum + count, 0);
}

/**
 * Nearest-rank: the smallest rank r with r ≥ p/100 × N. Computed in integers (p in millionths of a percent, BigInt)
 * because p × N / 100 is not exact in binary floating point: 99.9 × 41000 / 100 = 40959.00000000001, whose ceiling
 * would be one rank too high — and a relative tolerance would instead round large counts down.
 */
export function nearestRank(percentile: number, total: number): number {
  if (!(percentile > 0 && percentile <= 100)) throw new Error(`percentile must be in (0, 100], got ${percentile}`);
  if (!Number.isSafeInteger(total) || total <= 0) throw new Error(`sample count must be a positive integer, got ${total}`);
  const micro = Math.round(percentile * 1_000_000);
  const rank =
    Math.abs(micro / 1_000_000 - percentile) < 1e-12
      ? Number((BigInt(micro) * BigInt(total) + 99_999_999n) / 100_000_000n)
      : Math.ceil((percentile * total) / 100); // more than six decimals: nobody asks for that, float is close enough
  return Math.min(total, Math.max(1, rank));
}

/** Nearest-rank percentile over histogram + overflows; null when there are no samples at all. */
export function histogramPercentile(
  histogram: Histogram,
  percentile: number,
  options: PercentileOptions = {},
): PercentileValue | null {
  const overflows = options.overflows ?? 0;
  if (!Number.isSafeInteger(overflows) || overflows < 0) throw new Error(`invalid overflow count ${overflows}`);
  const buckets = sortedBuckets(histogram);
  const inRange = buckets.reduce((sum, [, count]) => sum + count, 0);
  const total = inRange + overflows;
  if (total === 0) return null;
  const rank = nearestRank(percentile, total);
  let cumulative = 0;
  for (const [bucket, count] of buckets) {
    cumulative += count;
    if (cumulative >= rank) return { value: bucket, overflowed: false };
  }
  // The rank lies among samples ≥ the histogram range whose values are unknown; only the maximum bounds them.
  return { value: options.max ?? null, overflowed: true };
}

export interface Percentiles {
  p99: number | null;
  p999: number | null;
  p9999: number | null;
  overflowedPercentiles: PercentileKey[];
}

/** p99 / p99.9 / p99.99 for one thread; percentiles among overflows become `max` and are listed as overflowed. */
export function computePercentiles(histogram: Histogram, overflows: number, max: number): Percentiles {
  const result: Percentiles = { p99: null, p999: null, p9999: null, overflowedPercentiles: [] };
  for (const key of Object.keys(PERCENTILES) as PercentileKey[]) {
    const value = histogramPercentile(histogram, PERCENTILES[key], { overflows, max });
    if (value === null) continue;
    result[key] = value.value;
    if (value.overflowed) result.overflowedPercentiles.push(key);
  }
  return result;
}

/** Sum of several histograms (e.g. all RT threads of a run, or consecutive runs of the same CPU). */
export function mergeHistograms(histograms: readonly Histogram[]): Record<string, number> {
  const merged = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [bucket, count] of sortedBuckets(histogram)) merged.set(bucket, (merged.get(bucket) ?? 0) + count);
  }
  const out: Record<string, number> = {};
  for (const [bucket, count] of [...merged.entries()].sort((a, b) => a[0] - b[0])) out[String(bucket)] = count;
  return out;
}

export interface ChartSeriesInput {
  label: string;
  histogram: Histogram | null;
  overflows?: number;
}

export interface ChartSeries {
  /** Latency classes 0..xMax in µs, one per bucket, with no holes (rt-tests ≥ 2.7 omits empty rows). */
  x: number[];
  /** Counts per class; empty classes are null, because a logarithmic y axis cannot show 0 (draw a gap). */
  series: Array<{ label: string; values: Array<number | null>; overflows: number }>;
}

export interface ChartSeriesOptions {
  /** Last class on the x axis; default the highest non-empty bucket of all inputs (e.g. 399 for `-h 400`). */
  xMax?: number;
}

/** uPlot-friendly aligned series for an OSADL-style plot: linear x in µs, logarithmic y. */
export function toChartSeries(inputs: readonly ChartSeriesInput[], options: ChartSeriesOptions = {}): ChartSeries {
  const sorted = inputs.map((input) => sortedBuckets(input.histogram ?? {}));
  const highest = Math.max(-1, ...sorted.map((buckets) => buckets.at(-1)?.[0] ?? -1));
  const xMax = options.xMax ?? highest;
  const x = Array.from({ length: Math.max(0, xMax + 1) }, (_, index) => index);
  const series = inputs.map((input, index) => {
    const values: Array<number | null> = x.map(() => null);
    for (const [bucket, count] of sorted[index] ?? []) if (bucket <= xMax) values[bucket] = count;
    return { label: input.label, values, overflows: input.overflows ?? 0 };
  });
  return { x, series };
}

/** Chart label of a thread: the CPU when known (that is what a technician compares), else the thread index. */
export function latencyLabel(cpu: Pick<CpuLatency, 'thread' | 'cpu'>): string {
  return cpu.cpu === null ? `Thread ${cpu.thread}` : `CPU ${cpu.cpu}`;
}

/** One series per thread of a run; x spans the whole `-h` range when the histogram size is known. */
export function cyclictestChartSeries(result: CyclictestResult): ChartSeries {
  const bucketCounts = result.cpus.map((cpu) => cpu.bucketCount ?? 0);
  const fullRange = Math.max(0, ...bucketCounts);
  const inputs = result.cpus.map((cpu) => ({
    label: latencyLabel(cpu),
    histogram: cpu.histogram,
    overflows: cpu.overflows,
  }));
  return toChartSeries(inputs, fullRange > 0 ? { xMax: fullRange - 1 } : {});
}
