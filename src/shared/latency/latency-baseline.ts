/**
 * Compares a new cyclictest run with a stored baseline of the same controller (e.g. after an update or a
 * configuration change): the worst-case latency must not rise by maxIncreasePct (default 5 %) or more, and the
 * spread of the distribution must not grow by more than spreadTolerancePct (default 20 %).
 *
 * Spread: p99.9 − min of each thread, worst thread. It shows a distribution that widens even when the single
 * maximum (already checked) stays put, and unlike max − avg it is not dominated by one outlier. When either run
 * lacks a usable p99.9 (no histogram, or p99.9 among the overflows), both sides use max − avg instead, so the two
 * numbers are always computed the same way. Values are whole µs, so on small spreads one µs is a large share:
 * 20 % keeps a 1 µs wobble of a 5–10 µs spread from failing while a real widening still does.
 */
import type { CyclictestResult } from './cyclictest-types';

export interface BaselineOptions {
  /** The max must rise by strictly less than this (exactly 5 % fails). Default 5. */
  maxIncreasePct?: number;
  /** The spread may grow by at most this much. Default 20. */
  spreadTolerancePct?: number;
}

export type SpreadMetric = 'p999-min' | 'max-avg';

export interface BaselineComparison {
  baselineMax: number;
  max: number;
  /** Rounded to 0.01 %; null when the baseline max is 0 and the new max is not. */
  increasePct: number | null;
  spreadMetric: SpreadMetric;
  baselineSpread: number;
  spread: number;
  spreadIncreasePct: number | null;
  verdict: 'pass' | 'fail';
  reasons: string[];
}

const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * Slack for binary floating point: (9.6 − 8) × 100 is 160.00000000000003, not 160. Whole-µs values compare exactly
 * anyway; this only matters for fractional values (JSON avg, ns converted to µs). A value on the limit counts as
 * on the limit: "exactly 5 %" still fails the max check and "exactly the tolerance" still passes the spread check.
 */
const epsilon = (scale: number): number => 1e-9 * Math.max(1, Math.abs(scale));

function measured(result: CyclictestResult): CyclictestResult['cpus'] {
  return result.cpus.filter((cpu) => cpu.samples > 0);
}

function usableP999(result: CyclictestResult): boolean {
  return measured(result).every((cpu) => cpu.p999 !== null && !(cpu.overflowedPercentiles ?? []).includes('p999'));
}

function scale(result: CyclictestResult): number {
  return result.unit === 'ns' ? 1 / 1000 : 1;
}

function worstMax(result: CyclictestResult): number {
  return Math.max(0, ...measured(result).map((cpu) => cpu.max * scale(result)));
}

function worstSpread(result: CyclictestResult, metric: SpreadMetric): number {
  const spreads = measured(result).map((cpu) =>
    metric === 'p999-min' ? ((cpu.p999 ?? cpu.max) - cpu.min) * scale(result) : (cpu.max - cpu.avg) * scale(result),
  );
  return round(Math.max(0, ...spreads));
}

/** Growth in percent, or null when the reference is 0 (any growth from 0 is unbounded). */
function growthPct(reference: number, value: number): number | null {
  if (reference === 0) return value === 0 ? 0 : null;
  return round(((value - reference) * 100) / reference);
}

function cpuSet(result: CyclictestResult): string {
  return result.cpus.map((cpu) => (cpu.cpu === null ? '?' : String(cpu.cpu))).join(',');
}

export function compareToBaseline(
  baseline: CyclictestResult,
  current: CyclictestResult,
  options: BaselineOptions = {},
): BaselineComparison {
  const maxIncreasePct = options.maxIncreasePct ?? 5;
  const spreadTolerancePct = options.spreadTolerancePct ?? 20;
  const reasons: string[] = [];
  if (measured(baseline).length === 0) reasons.push('the baseline has no measured cycles');
  if (measured(current).length === 0) reasons.push('the new run has no measured cycles');
  for (const cpu of current.cpus) {
    if (cpu.samples === 0 && measured(current).length > 0) {
      reasons.push(`thread ${cpu.thread} of the new run completed no cycles`);
    }
  }
  const knownCpus = [...baseline.cpus, ...current.cpus].every((cpu) => cpu.cpu !== null);
  if (knownCpus && cpuSet(baseline) !== cpuSet(current)) {
    reasons.push(`the runs measured different CPUs (baseline ${cpuSet(baseline)}, now ${cpuSet(current)})`);
  }

  const baselineMax = worstMax(baseline);
  const max = worstMax(current);
  // Compared as (max − base) × 100 < pct × base: exact for whole µs, so a rise of exactly 5 % fails. An equal or
  // lower max always passes.
  const allowedRise = maxIncreasePct * baselineMax;
  if (max > baselineMax && !((max - baselineMax) * 100 < allowedRise - epsilon(allowedRise))) {
    reasons.push(
      `max latency ${round(max)} µs rose ${growthPct(baselineMax, max) ?? '∞'} % over the baseline ` +
        `${round(baselineMax)} µs (limit < ${maxIncreasePct} %)`,
    );
  }

  const spreadMetric: SpreadMetric = usableP999(baseline) && usableP999(current) ? 'p999-min' : 'max-avg';
  const baselineSpread = worstSpread(baseline, spreadMetric);
  const spread = worstSpread(current, spreadMetric);
  const allowedGrowth = spreadTolerancePct * baselineSpread;
  if ((spread - baselineSpread) * 100 > allowedGrowth + epsilon(allowedGrowth)) {
    const metric = spreadMetric === 'p999-min' ? 'p99.9 − min' : 'max − avg';
    reasons.push(
      `spread (${metric}) grew from ${baselineSpread} µs to ${spread} µs ` +
        `(${growthPct(baselineSpread, spread) ?? '∞'} %, tolerance ${spreadTolerancePct} %)`,
    );
  }
  return {
    baselineMax,
    max,
    increasePct: growthPct(baselineMax, max),
    spreadMetric,
    baselineSpread,
    spread,
    spreadIncreasePct: growthPct(baselineSpread, spread),
    verdict: reasons.length === 0 ? 'pass' : 'fail',
    reasons,
  };
}
