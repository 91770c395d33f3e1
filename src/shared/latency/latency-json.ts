/**
 * The machine-readable form of a latency result: what `mxrc-commission latency … --json` prints (exactly these
 * fields) and what `--baseline FILE` reads back. A baseline file may also be any raw cyclictest output.
 */
import { z } from 'zod';

import { parseCyclictestOutput } from './cyclictest-parser';
import type { CpuLatency, CyclictestResult } from './cyclictest-types';
import { computePercentiles, histogramTotal } from './histogram-stats';
import type { BaselineComparison } from './latency-baseline';
import { toMicroseconds, type Verdict } from './latency-verdict';

export interface LatencyJsonCpu {
  cpu: number | null;
  samples: number;
  min: number;
  avg: number;
  max: number;
  p99: number | null;
  p999: number | null;
  p9999: number | null;
  overflows: number;
  /** µs bucket → count, non-empty buckets only; `{}` when the run recorded no histogram. */
  histogram: Record<string, number>;
}

export interface LatencyJsonComparison {
  baselineMax: number;
  max: number;
  increasePct: number | null;
  verdict: 'pass' | 'fail';
}

export interface LatencyJson {
  tool: 'cyclictest';
  command: string | null;
  startedAt: string | null;
  durationS: number | null;
  cpus: LatencyJsonCpu[];
  verdict: Verdict;
  comparison: LatencyJsonComparison | null;
}

export interface LatencyJsonInput {
  result: CyclictestResult;
  verdict: Verdict;
  startedAt?: string | null;
  durationS?: number | null;
  comparison?: BaselineComparison | null;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The `--json` document; values in µs whatever unit the run used. */
export function toLatencyJson(input: LatencyJsonInput): LatencyJson {
  const { result } = input;
  const us = (value: number): number => round2(toMicroseconds(result, value));
  const usOrNull = (value: number | null): number | null => (value === null ? null : us(value));
  return {
    tool: 'cyclictest',
    command: result.command ?? null,
    startedAt: input.startedAt ?? null,
    durationS: input.durationS ?? null,
    cpus: result.cpus.map((cpu) => ({
      cpu: cpu.cpu,
      samples: cpu.samples,
      min: us(cpu.min),
      avg: us(cpu.avg),
      max: us(cpu.max),
      p99: usOrNull(cpu.p99),
      p999: usOrNull(cpu.p999),
      p9999: usOrNull(cpu.p9999),
      overflows: cpu.overflows,
      histogram: { ...(cpu.histogram ?? {}) },
    })),
    verdict: input.verdict,
    comparison: input.comparison
      ? {
          baselineMax: input.comparison.baselineMax,
          max: input.comparison.max,
          increasePct: input.comparison.increasePct,
          verdict: input.comparison.verdict,
        }
      : null,
  };
}

const count = z.number().int().nonnegative();
const latencyJsonSchema = z.object({
  tool: z.literal('cyclictest'),
  command: z.string().nullable(),
  startedAt: z.string().nullable(),
  durationS: z.number().nullable(),
  cpus: z
    .array(
      z.object({
        cpu: z.number().int().nullable(),
        samples: count,
        min: z.number(),
        avg: z.number(),
        max: z.number(),
        p99: z.number().nullable(),
        p999: z.number().nullable(),
        p9999: z.number().nullable(),
        overflows: count,
        histogram: z.record(z.string().regex(/^\d+$/), count),
      }),
    )
    .min(1),
  verdict: z.enum(['pass', 'warn', 'fail']),
  comparison: z.unknown(),
});

function looksLikeLatencyJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'tool' in value && 'cpus' in value && 'verdict' in value;
}

/** A previous `--json` output back into a result (percentiles recomputed from the histogram when it has one). */
function fromLatencyJson(document: z.output<typeof latencyJsonSchema>): CyclictestResult {
  const cpus: CpuLatency[] = document.cpus.map((entry, thread) => {
    // An empty histogram with samples means the run had no -h (an -h run always puts samples somewhere).
    const hasHistogram = Object.keys(entry.histogram).length > 0 || entry.overflows > 0;
    const base: CpuLatency = {
      thread,
      cpu: entry.cpu,
      samples: entry.samples,
      min: entry.min,
      avg: entry.avg,
      max: entry.max,
      p99: entry.p99,
      p999: entry.p999,
      p9999: entry.p9999,
      overflows: entry.overflows,
      histogram: hasHistogram ? { ...entry.histogram } : null,
    };
    if (hasHistogram && entry.samples > 0 && histogramTotal(entry.histogram) + entry.overflows === entry.samples) {
      const { overflowedPercentiles, ...values } = computePercentiles(entry.histogram, entry.overflows, entry.max);
      return { ...base, ...values, overflowedPercentiles };
    }
    return base;
  });
  const result: CyclictestResult = { tool: 'cyclictest', cpus, threads: cpus.length, format: 'json', unit: 'us' };
  if (document.command !== null) result.command = document.command;
  return result;
}

export interface LatencyFile {
  result: CyclictestResult;
  /** 'tool-json' = a previous `--json` output of this tool; 'cyclictest' = raw cyclictest output. */
  source: 'tool-json' | 'cyclictest';
  startedAt: string | null;
  durationS: number | null;
}

/** RFC 2822 time as cyclictest's JSON prints it ("Thu, 26 Nov 2026 11:05:20 +0000") → ISO, or null. */
function jsonTime(text: string, key: string): string | null {
  const match = new RegExp(`"${key}"\\s*:\\s*"([^"]+)"`).exec(text);
  if (!match?.[1]) return null;
  const time = Date.parse(match[1]);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * Reads a latency file: a previous `--json` output of this tool, or any cyclictest output the parser accepts
 * (summary, histogram, JSON, live screen). Throws CyclictestParseError (or a zod error for a damaged tool JSON).
 */
export function readLatencyFile(text: string): LatencyFile {
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not plain JSON: raw cyclictest text, or cyclictest's own not-quite-JSON.
  }
  if (looksLikeLatencyJson(parsed)) {
    const document = latencyJsonSchema.parse(parsed);
    return { result: fromLatencyJson(document), source: 'tool-json', startedAt: document.startedAt, durationS: document.durationS };
  }
  const result = parseCyclictestOutput(text);
  const startedAt = jsonTime(text, 'start_time');
  const endedAt = jsonTime(text, 'end_time');
  let durationS: number | null = null;
  if (startedAt && endedAt) durationS = Math.max(0, (Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
  else {
    const measured = result.cpus.filter((cpu) => cpu.intervalUs !== undefined && cpu.samples > 0);
    if (measured.length > 0) {
      durationS = Math.round(Math.max(...measured.map((cpu) => (cpu.samples * (cpu.intervalUs ?? 0)) / 1e6)) * 10) / 10;
    }
  }
  return { result, source: 'cyclictest', startedAt, durationS };
}
