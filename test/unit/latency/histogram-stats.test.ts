import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseCyclictestOutput } from '../../../src/shared/latency/cyclictest-parser';
import {
  computePercentiles,
  cyclictestChartSeries,
  histogramPercentile,
  histogramTotal,
  mergeHistograms,
  nearestRank,
  toChartSeries,
} from '../../../src/shared/latency/histogram-stats';
import { fixture } from './fixture';

describe('nearestRank', () => {
  test('is ceil(p/100 × N) without floating-point drift', () => {
    // 99.9 × 41000 / 100 is 40959.00000000001 in binary floating point; the rank is 40959.
    assert.equal(nearestRank(99.9, 41_000), 40_959);
    assert.equal(nearestRank(99.9, 1000), 999);
    // Large counts must not be rounded down either: 99.99 % of 1 440 000 001 is 1 439 856 000.9999 → 1 439 856 001.
    assert.equal(nearestRank(99.99, 1_440_000_001), 1_439_856_001);
    assert.equal(nearestRank(99.99, 1_440_000_000), 1_439_856_000);
    assert.equal(nearestRank(99.99, 10_000), 9999);
    assert.equal(nearestRank(99, 100), 99);
    assert.equal(nearestRank(99, 101), 100);
    assert.equal(nearestRank(50, 3), 2);
    assert.equal(nearestRank(100, 7), 7);
    assert.equal(nearestRank(0.001, 5), 1);
  });

  test('rejects percentiles outside (0, 100] and empty populations', () => {
    assert.throws(() => nearestRank(0, 10), /percentile/);
    assert.throws(() => nearestRank(100.5, 10), /percentile/);
    assert.throws(() => nearestRank(99, 0), /sample count/);
  });
});

describe('histogramPercentile', () => {
  // 1000 samples: 900 at 3 µs, 90 at 4 µs, 9 at 10 µs, 1 at 40 µs.
  const histogram = { 3: 900, 4: 90, 10: 9, 40: 1 };

  test('exact nearest-rank values on a synthetic histogram', () => {
    assert.deepEqual(histogramPercentile(histogram, 50), { value: 3, overflowed: false });
    assert.deepEqual(histogramPercentile(histogram, 90), { value: 3, overflowed: false });
    assert.deepEqual(histogramPercentile(histogram, 90.1), { value: 4, overflowed: false });
    assert.deepEqual(histogramPercentile(histogram, 99), { value: 4, overflowed: false });
    assert.deepEqual(histogramPercentile(histogram, 99.9), { value: 10, overflowed: false });
    assert.deepEqual(histogramPercentile(histogram, 99.91), { value: 40, overflowed: false });
    assert.deepEqual(histogramPercentile(histogram, 100), { value: 40, overflowed: false });
  });

  test('bucket order does not depend on key insertion order', () => {
    assert.deepEqual(histogramPercentile({ 40: 1, 10: 9, 3: 900, 4: 90 }, 99.9), { value: 10, overflowed: false });
  });

  test('a rank among the overflows reports the max as an upper bound, never a bucket below it', () => {
    // 998 in range + 2 overflows: p99.9 rank 999 is an overflowed sample.
    const value = histogramPercentile({ 5: 998 }, 99.9, { overflows: 2, max: 731 });
    assert.deepEqual(value, { value: 731, overflowed: true });
    assert.deepEqual(histogramPercentile({ 5: 998 }, 99.8, { overflows: 2, max: 731 }), { value: 5, overflowed: false });
  });

  test('overflowed without a known max is null, not the histogram edge', () => {
    assert.deepEqual(histogramPercentile({ 5: 1 }, 99, { overflows: 99 }), { value: null, overflowed: true });
  });

  test('no samples at all → null', () => {
    assert.equal(histogramPercentile({}, 99), null);
  });

  test('bad histogram keys and counts are rejected', () => {
    assert.throws(() => histogramPercentile({ x: 1 }, 99), /not a non-negative integer/);
    assert.throws(() => histogramPercentile({ 3: -1 }, 99), /invalid count/);
    assert.throws(() => histogramPercentile({ 3: 1 }, 99, { overflows: -1 }), /invalid overflow count/);
  });
});

describe('computePercentiles', () => {
  test('p99 / p99.9 / p99.99 with the overflowed ones listed', () => {
    // 10 000 samples: 9 900 at 2, 90 at 7, 9 at 15, 1 overflow (max 420).
    assert.deepEqual(computePercentiles({ 2: 9900, 7: 90, 15: 9 }, 1, 420), {
      p99: 2,
      p999: 7,
      p9999: 15,
      overflowedPercentiles: [],
    });
    assert.deepEqual(computePercentiles({ 2: 9900, 7: 90, 15: 8 }, 2, 420), {
      p99: 2,
      p999: 7,
      p9999: 420,
      overflowedPercentiles: ['p9999'],
    });
  });

  test('no samples → all null', () => {
    assert.deepEqual(computePercentiles({}, 0, 0), { p99: null, p999: null, p9999: null, overflowedPercentiles: [] });
  });
});

describe('mergeHistograms and histogramTotal', () => {
  test('sums per bucket, sorted by bucket', () => {
    const merged = mergeHistograms([{ 3: 2, 10: 1 }, { 2: 5, 3: 1 }, {}]);
    assert.deepEqual(merged, { 2: 5, 3: 3, 10: 1 });
    assert.deepEqual(Object.keys(merged), ['2', '3', '10']);
    assert.equal(histogramTotal(merged), 9);
  });

  test('merging the two threads of a fixture keeps every sample', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-json-with-hist.json'));
    const merged = mergeHistograms(result.cpus.map((cpu) => cpu.histogram ?? {}));
    assert.equal(histogramTotal(merged), 4000);
    assert.equal(merged['3'], 752 + 938);
  });
});

describe('toChartSeries', () => {
  test('fills every µs class, empty classes are null gaps for a log axis', () => {
    const chart = toChartSeries([
      { label: 'CPU 2', histogram: { 1: 4, 3: 10 }, overflows: 2 },
      { label: 'CPU 3', histogram: { 0: 1 } },
    ]);
    assert.deepEqual(chart.x, [0, 1, 2, 3]);
    assert.deepEqual(chart.series, [
      { label: 'CPU 2', values: [null, 4, null, 10], overflows: 2 },
      { label: 'CPU 3', values: [1, null, null, null], overflows: 0 },
    ]);
  });

  test('xMax widens the axis (OSADL plots span 0–400) and cuts buckets above it', () => {
    const chart = toChartSeries([{ label: 'a', histogram: { 1: 1, 9: 2 } }], { xMax: 5 });
    assert.equal(chart.x.length, 6);
    assert.deepEqual(chart.series[0]?.values, [null, 1, null, null, null, null]);
  });

  test('no histogram → empty axis', () => {
    assert.deepEqual(toChartSeries([{ label: 'a', histogram: null }]), { x: [], series: [{ label: 'a', values: [], overflows: 0 }] });
  });

  test('cyclictestChartSeries: one series per CPU over the whole -h range', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-hist100-2threads.txt'), { command: 'cyclictest -a 2,3 -t 2 -h 100 -q' });
    const chart = cyclictestChartSeries(result);
    assert.equal(chart.x.length, 100);
    assert.deepEqual(chart.series.map((series) => series.label), ['CPU 2', 'CPU 3']);
    assert.equal(chart.series[0]?.values[5], 1286);
    assert.equal(chart.series[0]?.values[16], null);
    assert.equal(chart.series[0]?.overflows, 1);
  });
});
