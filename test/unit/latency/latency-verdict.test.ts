import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { CpuLatency, CyclictestResult } from '../../../src/shared/latency/cyclictest-types';
import { parseCyclictestOutput } from '../../../src/shared/latency/cyclictest-parser';
import {
  compareToBaseline,
  DEFAULT_LATENCY_THRESHOLDS,
  evaluateLatency,
  latencyThresholdsForCycle,
} from '../../../src/shared/latency/latency-verdict';
import { fixture } from './fixture';

function cpu(overrides: Partial<CpuLatency> = {}): CpuLatency {
  return {
    thread: 0,
    cpu: 2,
    samples: 36_000_000,
    min: 2,
    avg: 3,
    max: 15,
    p99: 5,
    p999: 8,
    p9999: 12,
    overflows: 0,
    histogram: { 2: 1 },
    bucketCount: 400,
    overflowedPercentiles: [],
    ...overrides,
  };
}

function run(cpus: CpuLatency[], overrides: Partial<CyclictestResult> = {}): CyclictestResult {
  return { tool: 'cyclictest', cpus, threads: cpus.length, format: 'json', unit: 'us', ...overrides };
}

describe('latency thresholds', () => {
  test('defaults are the §9.2 numbers for a 100 µs cycle', () => {
    assert.deepEqual(DEFAULT_LATENCY_THRESHOLDS, {
      cycleUs: 100,
      idleMax: { passUs: 20, warnUs: 30 },
      loadedMax: { passUs: 30, warnUs: 50 },
      avg: { passUs: 5, warnUs: 10 },
      maxOverflows: 0,
      minCompletionPct: 99.9,
      minDurationForCompletionSec: 60,
    });
  });

  test('max limits scale with the cycle, avg limits do not', () => {
    const t = latencyThresholdsForCycle(250);
    assert.deepEqual(t.loadedMax, { passUs: 75, warnUs: 125 });
    assert.deepEqual(t.idleMax, { passUs: 50, warnUs: 75 });
    assert.deepEqual(t.avg, { passUs: 5, warnUs: 10 });
  });

  test('profile overrides replace entries', () => {
    const t = latencyThresholdsForCycle(100, { loadedMax: { passUs: 25, warnUs: 40 }, maxOverflows: 2 });
    assert.deepEqual([t.loadedMax.passUs, t.loadedMax.warnUs, t.maxOverflows, t.idleMax.passUs], [25, 40, 2, 20]);
  });

  test('a non-positive cycle is rejected', () => {
    assert.throws(() => latencyThresholdsForCycle(0), /cycle time/);
  });
});

describe('evaluateLatency', () => {
  const t = DEFAULT_LATENCY_THRESHOLDS;

  test('loaded: 30 µs passes, 31 warns, 50 warns, 51 fails', () => {
    assert.deepEqual(evaluateLatency(run([cpu({ max: 30 })]), t, 'loaded'), { verdict: 'pass', reasons: [] });
    assert.equal(evaluateLatency(run([cpu({ max: 31 })]), t, 'loaded').verdict, 'warn');
    assert.equal(evaluateLatency(run([cpu({ max: 50 })]), t, 'loaded').verdict, 'warn');
    const fail = evaluateLatency(run([cpu({ max: 51 })]), t, 'loaded');
    assert.equal(fail.verdict, 'fail');
    assert.deepEqual(fail.reasons, ['CPU 2 (thread 0): max latency 51 µs exceeds the loaded max limit of 50 µs']);
  });

  test('idle: 20 passes, 21 warns, 30 warns, 31 fails', () => {
    assert.equal(evaluateLatency(run([cpu({ max: 20 })]), t, 'idle').verdict, 'pass');
    const warn = evaluateLatency(run([cpu({ max: 21 })]), t, 'idle');
    assert.deepEqual(warn, {
      verdict: 'warn',
      reasons: ['CPU 2 (thread 0): max latency 21 µs is above 20 µs (acceptable up to 30 µs)'],
    });
    assert.equal(evaluateLatency(run([cpu({ max: 30 })]), t, 'idle').verdict, 'warn');
    assert.equal(evaluateLatency(run([cpu({ max: 31 })]), t, 'idle').verdict, 'fail');
  });

  test('avg: 5 passes, 5.01 warns, 10.5 fails', () => {
    assert.equal(evaluateLatency(run([cpu({ avg: 5 })]), t, 'loaded').verdict, 'pass');
    assert.equal(evaluateLatency(run([cpu({ avg: 5.01 })]), t, 'loaded').verdict, 'warn');
    assert.deepEqual(evaluateLatency(run([cpu({ avg: 10.5 })]), t, 'loaded').reasons, [
      'CPU 2 (thread 0): average latency 10.5 µs exceeds the average limit of 10 µs',
    ]);
  });

  test('one overflow fails even when max is otherwise fine per thread verdicts', () => {
    const result = evaluateLatency(run([cpu({ overflows: 1, max: 45 })]), t, 'loaded');
    assert.equal(result.verdict, 'fail');
    assert.ok(result.reasons.includes('CPU 2 (thread 0): 1 samples beyond the histogram range (≥ 400 µs)'), result.reasons.join('\n'));
  });

  test('the worst thread decides; every failing thread is named', () => {
    const result = evaluateLatency(run([cpu({ max: 10 }), cpu({ thread: 1, cpu: 3, max: 40 }), cpu({ thread: 2, cpu: 4, max: 60 })]), t, 'loaded');
    assert.equal(result.verdict, 'fail');
    assert.equal(result.reasons.length, 2);
    assert.match(result.reasons[0] ?? '', /^CPU 3 \(thread 1\): max latency 40/);
    assert.match(result.reasons[1] ?? '', /^CPU 4 \(thread 2\): max latency 60/);
  });

  test('a thread without cycles fails', () => {
    const result = evaluateLatency(run([cpu(), cpu({ thread: 1, cpu: null, samples: 0, min: 0, avg: 0, max: 0 })]), t, 'idle');
    assert.deepEqual(result, { verdict: 'fail', reasons: ['thread 1: completed no cycles (thread stalled or never started)'] });
  });

  test('completion: 99.9 % of duration / interval passes, less fails; short runs are not judged', () => {
    const ctx = { durationSec: 3600, intervalUs: 100 };
    assert.equal(evaluateLatency(run([cpu({ samples: 35_964_000 })]), t, 'loaded', ctx).verdict, 'pass');
    const short = evaluateLatency(run([cpu({ samples: 35_963_999 })]), t, 'loaded', ctx);
    assert.deepEqual(short.reasons, ['CPU 2 (thread 0): completed 35963999 of 36000000 expected cycles (99.899 % < 99.9 %)']);
    assert.equal(evaluateLatency(run([cpu({ samples: 19_957 })]), t, 'loaded', { durationSec: 2, intervalUs: 100 }).verdict, 'pass');
  });

  test('fewer threads than RT cores fails; non-zero return code fails; empty result fails', () => {
    assert.deepEqual(evaluateLatency(run([cpu()]), t, 'idle', { expectedThreads: 2 }).reasons, [
      '1 threads measured, 2 expected (one per RT core)',
    ]);
    assert.deepEqual(evaluateLatency(run([cpu()], { returnCode: 1 }), t, 'idle').reasons, ['cyclictest reported return code 1']);
    assert.equal(evaluateLatency(run([]), t, 'idle').verdict, 'fail');
  });

  test('-N results are compared in µs', () => {
    const ns = run([cpu({ min: 2000, avg: 3500, max: 29_000 })], { unit: 'ns' });
    assert.equal(evaluateLatency(ns, t, 'loaded').verdict, 'pass');
    assert.equal(evaluateLatency(ns, t, 'idle').verdict, 'warn');
  });

  test('fixture: the VM acceptance-style run fails on max and overflows of both threads', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-acceptance-style-hist50.json'));
    const verdict = evaluateLatency(result, t, 'loaded', { expectedThreads: 2 });
    assert.equal(verdict.verdict, 'fail');
    assert.deepEqual(verdict.reasons, [
      'CPU 0 (thread 0): max latency 1675 µs exceeds the loaded max limit of 50 µs',
      'CPU 0 (thread 0): 15 samples beyond the histogram range (≥ 50 µs)',
      'CPU 1 (thread 1): max latency 478 µs exceeds the loaded max limit of 50 µs',
      'CPU 1 (thread 1): 14 samples beyond the histogram range (≥ 50 µs)',
    ]);
  });

  test('fixture: zero-cycle thread of the -nan JSON fails the run', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-json-zero-cycles-INVALID-nan.json'));
    const verdict = evaluateLatency(result, latencyThresholdsForCycle(10_000), 'loaded');
    assert.deepEqual(verdict, { verdict: 'fail', reasons: ['CPU 1 (thread 1): completed no cycles (thread stalled or never started)'] });
  });
});

describe('compareToBaseline', () => {
  const base = run([cpu({ max: 20, min: 2, p999: 10 }), cpu({ thread: 1, cpu: 3, max: 18, min: 2, p999: 9 })]);

  test('exactly 5 % higher max fails', () => {
    const result = compareToBaseline(base, run([cpu({ max: 21, min: 2, p999: 10 }), cpu({ thread: 1, cpu: 3, max: 18, min: 2, p999: 9 })]));
    assert.equal(result.baselineMax, 20);
    assert.equal(result.max, 21);
    assert.equal(result.increasePct, 5);
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.reasons, ['max latency 21 µs rose 5 % over the baseline 20 µs (limit < 5 %)']);
  });

  test('just under 5 % passes (40 → 41.9 µs is 4.75 %)', () => {
    const b = run([cpu({ max: 40, p999: 10 })]);
    const result = compareToBaseline(b, run([cpu({ max: 41.9, p999: 10 })]));
    assert.deepEqual([result.verdict, result.increasePct], ['pass', 4.75]);
  });

  test('a decrease passes with a negative increase', () => {
    const result = compareToBaseline(base, run([cpu({ max: 15, p999: 8 }), cpu({ thread: 1, cpu: 3, max: 14, p999: 8 })]));
    assert.deepEqual([result.verdict, result.max, result.increasePct, result.reasons], ['pass', 15, -25, []]);
  });

  test('spread p99.9 − min growing beyond the tolerance fails even with the same max', () => {
    const result = compareToBaseline(base, run([cpu({ max: 20, min: 2, p999: 13 }), cpu({ thread: 1, cpu: 3, max: 18, min: 2, p999: 9 })]));
    assert.equal(result.spreadMetric, 'p999-min');
    assert.deepEqual([result.baselineSpread, result.spread, result.spreadIncreasePct], [8, 11, 37.5]);
    assert.equal(result.verdict, 'fail');
    assert.match(result.reasons[0] ?? '', /spread \(p99\.9 − min\) grew from 8 µs to 11 µs \(37\.5 %, tolerance 20 %\)/);
  });

  test('spread growth exactly at the tolerance passes ("not beyond")', () => {
    const result = compareToBaseline(base, run([cpu({ max: 20, min: 2, p999: 10 }), cpu({ thread: 1, cpu: 3, max: 18, min: 2, p999: 9 })]), {
      spreadTolerancePct: 0,
    });
    assert.equal(result.verdict, 'pass');
    const grown = compareToBaseline(base, run([cpu({ max: 20, min: 2, p999: 11.6 }), cpu({ thread: 1, cpu: 3, max: 18, min: 2, p999: 9 })]), {
      spreadTolerancePct: 20,
    });
    assert.deepEqual([grown.spread, grown.spreadIncreasePct, grown.verdict], [9.6, 20, 'pass']);
  });

  test('without usable p99.9 both sides use max − avg', () => {
    const b = run([cpu({ max: 20, avg: 4, p999: null, histogram: null })]);
    const result = compareToBaseline(b, run([cpu({ max: 20, avg: 3, p999: 9 })]));
    assert.deepEqual([result.spreadMetric, result.baselineSpread, result.spread], ['max-avg', 16, 17]);
    assert.equal(result.verdict, 'pass');
  });

  test('an overflowed p99.9 is not used as a spread', () => {
    const b = run([cpu({ max: 300, avg: 4, p999: 300, overflowedPercentiles: ['p999', 'p9999'] })]);
    assert.equal(compareToBaseline(b, b).spreadMetric, 'max-avg');
  });

  test('maxIncreasePct is configurable', () => {
    const result = compareToBaseline(base, run([cpu({ max: 21, p999: 10 }), cpu({ thread: 1, cpu: 3, max: 18, p999: 9 })]), { maxIncreasePct: 10 });
    assert.equal(result.verdict, 'pass');
  });

  test('a baseline without samples or on other CPUs cannot pass', () => {
    const empty = run([cpu({ samples: 0, max: 0, min: 0, avg: 0 })]);
    const result = compareToBaseline(empty, base);
    assert.equal(result.verdict, 'fail');
    assert.ok(result.reasons.includes('the baseline has no measured cycles'));
    assert.equal(result.increasePct, null);
    const otherCpus = compareToBaseline(base, run([cpu({ cpu: 4, max: 20, p999: 10 }), cpu({ thread: 1, cpu: 5, max: 18, p999: 9 })]));
    assert.deepEqual(otherCpus.reasons, ['the runs measured different CPUs (baseline 2,3, now 4,5)']);
  });

  test('fixtures: the 2 s VM run against the 2000-loop run fails on max; spread +20 % is within tolerance', () => {
    const baseline = parseCyclictestOutput(fixture('cyclictest-2.4-json-with-hist.json'));
    const current = parseCyclictestOutput(fixture('cyclictest-2.4-acceptance-style-hist50.json'));
    const result = compareToBaseline(baseline, current);
    assert.deepEqual([result.baselineMax, result.max, result.increasePct], [37, 1675, 4427.03]);
    // Worst p99.9 − min: baseline thread 1 33 − 3 = 30, now thread 0 39 − 3 = 36.
    assert.deepEqual([result.spreadMetric, result.baselineSpread, result.spread, result.spreadIncreasePct], ['p999-min', 30, 36, 20]);
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.reasons, ['max latency 1675 µs rose 4427.03 % over the baseline 37 µs (limit < 5 %)']);
    assert.equal(compareToBaseline(baseline, current, { maxIncreasePct: 5000, spreadTolerancePct: 19 }).reasons.length, 1);
  });
});
