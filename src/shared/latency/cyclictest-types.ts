/**
 * The result model of one cyclictest run, independent of the output format it was parsed from (summary lines,
 * histogram, JSON or a captured live screen), so verdicts, baselines and charts work on one shape.
 */

export type CyclictestFormat = 'summary' | 'histogram' | 'json' | 'live';

/** Percentiles the tool reports; the key names are also the property names on CpuLatency. */
export type PercentileKey = 'p99' | 'p999' | 'p9999';

export interface CpuLatency {
  /** cyclictest thread index (T: N / `# Thread N`), 0-based. */
  thread: number;
  /** CPU the thread was pinned to: JSON `cpu`, else derived from the `-a` list of the command line, else null. */
  cpu: number | null;
  /**
   * Measured cycles including overflowed ones. When 0, min/avg/max are 0 placeholders without meaning (cyclictest
   * itself prints a `Min:1000000` sentinel and `avg: -nan`); the verdict fails such a thread explicitly.
   */
  samples: number;
  min: number;
  /** Integer-truncated by cyclictest in summary/histogram text, two decimals in JSON. */
  avg: number;
  /** The true maximum, also when it lies beyond the histogram range. */
  max: number;
  /** Nearest-rank percentiles from the histogram; null without a histogram or without samples. */
  p99: number | null;
  p999: number | null;
  p9999: number | null;
  /**
   * Percentiles whose rank fell among the overflowed samples (≥ bucketCount µs). Their exact value is unknown, so
   * they are reported as `max`, an upper bound: a percentile is never under-reported.
   */
  overflowedPercentiles?: PercentileKey[];
  /** Samples at or beyond the histogram range (0 when no histogram was recorded). */
  overflows: number;
  /** Sparse bucket (µs, as a decimal string) → count; overflows are not in it. Null when run without `-h`. */
  histogram: Record<string, number> | null;
  /** Histogram size N of `-h N`, when known (all rows printed, or from the command line). */
  bucketCount?: number;
  /** Thread interval in µs (`I:` of the summary line), when printed. */
  intervalUs?: number;
}

export interface CyclictestResult {
  tool: 'cyclictest';
  /** rt-tests version as cyclictest prints it in JSON (`"2.40"`). */
  version?: string;
  /** Command line: JSON `cmdline:`, or the one the caller says it ran. */
  command?: string;
  /** One entry per measurement thread, ordered by thread index. */
  cpus: CpuLatency[];
  threads: number;
  format: CyclictestFormat;
  /** `-N` makes cyclictest report nanoseconds; every value of this result is then in ns. */
  unit: 'us' | 'ns';
  /** JSON `return_code` (cyclictest's own exit status), when present. */
  returnCode?: number;
}

export type CyclictestErrorCode = 'NEEDS_ROOT' | 'INVALID_OPTION' | 'NO_DATA' | 'MALFORMED';

/** Why an output could not be turned into numbers. The UI maps `code` to advice; `line` points into the input. */
export class CyclictestParseError extends Error {
  override readonly name = 'CyclictestParseError';
  constructor(
    readonly code: CyclictestErrorCode,
    message: string,
    /** 1-based line of the input the problem was found on, when there is one. */
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface ParseCyclictestOptions {
  /**
   * The command that produced the text (argv or a string). Text formats do not echo it, but it tells which CPU
   * each thread ran on (`-a`), the histogram size and whether values are in ns (`-N`).
   */
  command?: string | readonly string[];
}
