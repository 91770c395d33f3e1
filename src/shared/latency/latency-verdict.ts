/**
 * PASS / WARN / FAIL of a cyclictest run against the acceptance thresholds of checklist §9.2 (x86 PREEMPT_RT,
 * isolated cores, 100 µs cycle):
 *
 *   max, loaded (per thread)  ≤ 30 µs pass, ≤ 50 µs warn, > 50 µs fail
 *   max, idle baseline        ≤ 20 µs pass, ≤ 30 µs warn, > 30 µs fail
 *   histogram overflows       0 pass, ≥ 1 fail (≥ 400 µs = ≥ 4 missed cycles with -h 400)
 *   avg                       ≤ 5 µs pass, ≤ 10 µs warn, > 10 µs fail (C-states / frequency not tuned)
 *   cycles completed          ≥ 99.9 % of duration / interval, else fail (only meaningful for runs of minutes)
 *
 * The max limits scale with the cycle ("PASS ≤ 0.3 × CYCLE_US loaded"): wake-up latency, compute time and bus
 * transfer must all fit in one cycle. The avg limits do not scale: a high average points at untuned C-states or
 * frequency scaling, which is a property of the hardware, not of the cycle.
 */
import type { CpuLatency, CyclictestResult } from './cyclictest-types';
import { expectedCycles } from './cyclictest-command';
import { latencyLabel } from './histogram-stats';

export { compareToBaseline, type BaselineComparison, type BaselineOptions } from './latency-baseline';

export type Verdict = 'pass' | 'warn' | 'fail';
export type LatencyKind = 'idle' | 'loaded';

/** value ≤ passUs → pass; ≤ warnUs → warn; above → fail. */
export interface LatencyLimits {
  passUs: number;
  warnUs: number;
}

export interface LatencyThresholds {
  cycleUs: number;
  idleMax: LatencyLimits;
  loadedMax: LatencyLimits;
  avg: LatencyLimits;
  /** Histogram overflows tolerated per thread (0: any sample beyond the histogram fails). */
  maxOverflows: number;
  /** Minimum share of expected cycles a thread must complete, in percent. */
  minCompletionPct: number;
  /** Start-up and shutdown cost a few ms of cycles, so shorter runs skip the completion check. */
  minDurationForCompletionSec: number;
}

/** §9.2 fractions of the cycle for the max limits: idle 20 % / 30 %, loaded 30 % / 50 %. */
const MAX_LIMIT_PCT = { idle: { pass: 20, warn: 30 }, loaded: { pass: 30, warn: 50 } } as const;

/** Thresholds for a profile's cycle time; `overrides` replaces whole entries (profile-configured values). */
export function latencyThresholdsForCycle(
  cycleUs = 100,
  overrides: Partial<Omit<LatencyThresholds, 'cycleUs'>> = {},
): LatencyThresholds {
  if (!(cycleUs > 0) || !Number.isFinite(cycleUs)) throw new Error(`cycle time must be positive, got ${cycleUs}`);
  // Multiply before dividing so that the 100 µs defaults are exactly 20/30/30/50.
  const limits = (pct: { pass: number; warn: number }): LatencyLimits => ({
    passUs: (cycleUs * pct.pass) / 100,
    warnUs: (cycleUs * pct.warn) / 100,
  });
  return {
    cycleUs,
    idleMax: limits(MAX_LIMIT_PCT.idle),
    loadedMax: limits(MAX_LIMIT_PCT.loaded),
    avg: { passUs: 5, warnUs: 10 },
    maxOverflows: 0,
    minCompletionPct: 99.9,
    minDurationForCompletionSec: 60,
    ...overrides,
  };
}

export const DEFAULT_LATENCY_THRESHOLDS: LatencyThresholds = latencyThresholdsForCycle(100);

/** What the caller knows about the run beyond its output: needed for the completion and thread-count checks. */
export interface LatencyRunContext {
  durationSec?: number;
  /** cyclictest `-i`; falls back to each thread's printed interval. */
  intervalUs?: number;
  /** Number of RT cores measured; a result with fewer threads lost a CPU. */
  expectedThreads?: number;
}

export interface LatencyVerdict {
  verdict: Verdict;
  /** One sentence per criterion that is not PASS; empty when everything passed. */
  reasons: string[];
}

const RANK: Readonly<Record<Verdict, number>> = { pass: 0, warn: 1, fail: 2 };

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, verdict) => (RANK[verdict] > RANK[worst] ? verdict : worst), 'pass');
}

export function classify(value: number, limits: LatencyLimits): Verdict {
  if (value <= limits.passUs) return 'pass';
  return value <= limits.warnUs ? 'warn' : 'fail';
}

/** Values in µs whatever the run's unit (`-N` runs report ns). */
export function toMicroseconds(result: Pick<CyclictestResult, 'unit'>, value: number): number {
  return result.unit === 'ns' ? value / 1000 : value;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function threadName(cpu: CpuLatency): string {
  return cpu.cpu === null ? `thread ${cpu.thread}` : `${latencyLabel(cpu)} (thread ${cpu.thread})`;
}

interface LimitCheck {
  name: string;
  what: string;
  value: number;
  limits: LatencyLimits;
  limitName: string;
}

/** A finding for a value above its pass limit, or nothing when it passes. */
function checkLimit({ name, what, value, limits, limitName }: LimitCheck): Array<[Verdict, string]> {
  const verdict = classify(value, limits);
  if (verdict === 'pass') return [];
  const reason =
    verdict === 'fail'
      ? `${name}: ${what} ${round(value)} µs exceeds the ${limitName} limit of ${limits.warnUs} µs`
      : `${name}: ${what} ${round(value)} µs is above ${limits.passUs} µs (acceptable up to ${limits.warnUs} µs)`;
  return [[verdict, reason]];
}

function evaluateThread(
  result: CyclictestResult,
  cpu: CpuLatency,
  thresholds: LatencyThresholds,
  kind: LatencyKind,
  run: LatencyRunContext,
): Array<[Verdict, string]> {
  const name = threadName(cpu);
  if (cpu.samples === 0) return [['fail', `${name}: completed no cycles (thread stalled or never started)`]];
  const findings: Array<[Verdict, string]> = [
    ...checkLimit({
      name,
      what: 'max latency',
      value: toMicroseconds(result, cpu.max),
      limits: kind === 'idle' ? thresholds.idleMax : thresholds.loadedMax,
      limitName: `${kind} max`,
    }),
    ...checkLimit({
      name,
      what: 'average latency',
      value: toMicroseconds(result, cpu.avg),
      limits: thresholds.avg,
      limitName: 'average',
    }),
  ];
  if (cpu.histogram !== null && cpu.overflows > thresholds.maxOverflows) {
    const range = cpu.bucketCount !== undefined ? ` (≥ ${cpu.bucketCount} µs)` : '';
    findings.push(['fail', `${name}: ${cpu.overflows} samples beyond the histogram range${range}`]);
  }
  const interval = run.intervalUs ?? cpu.intervalUs;
  if (run.durationSec !== undefined && run.durationSec >= thresholds.minDurationForCompletionSec && interval !== undefined) {
    const expected = expectedCycles(run.durationSec, interval);
    const completedPct = (cpu.samples * 100) / expected;
    if (completedPct < thresholds.minCompletionPct) {
      findings.push([
        'fail',
        `${name}: completed ${cpu.samples} of ${expected} expected cycles ` +
          // Truncated, not rounded, so a shortfall never displays as the limit itself ("99.9 % < 99.9 %").
          `(${Math.floor(completedPct * 1000) / 1000} % < ${thresholds.minCompletionPct} %)`,
      ]);
    }
  }
  return findings;
}

export function evaluateLatency(
  result: CyclictestResult,
  thresholds: LatencyThresholds,
  kind: LatencyKind,
  run: LatencyRunContext = {},
): LatencyVerdict {
  const findings: Array<[Verdict, string]> = [];
  if (result.cpus.length === 0) findings.push(['fail', 'the result contains no measurement thread']);
  if (run.expectedThreads !== undefined && result.cpus.length !== run.expectedThreads) {
    findings.push(['fail', `${result.cpus.length} threads measured, ${run.expectedThreads} expected (one per RT core)`]);
  }
  if (result.returnCode !== undefined && result.returnCode !== 0) {
    findings.push(['fail', `cyclictest reported return code ${result.returnCode}`]);
  }
  for (const cpu of result.cpus) findings.push(...evaluateThread(result, cpu, thresholds, kind, run));
  return { verdict: worstVerdict(findings.map(([verdict]) => verdict)), reasons: findings.map(([, reason]) => reason) };
}
