import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  appendSample,
  intervalMaxima,
  parseRunnerStatus,
  readStatusBlocks,
  seriesFromStderr,
  thinSeries,
  toSample,
  type LatencySample,
} from '../../../src/shared/latency';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

const block = (lines: string[]): string => ['#---------------------------', '# cyclictest current status:', ...lines, '#---------------------------'].join('\n');
const t = (thread: number, cycles: number, max: number, act = 4, avg = 5): string =>
  `T:${String(thread).padStart(2)} (  12${thread}) P:80 I:100 C:${String(cycles).padStart(7)} Min:      3 Act:${String(act).padStart(5)} Avg:${String(avg).padStart(5)} Max:${String(max).padStart(8)}`;

describe('SIGUSR1 status blocks', () => {
  test('a real run: every block, in order, with warnings around them', () => {
    const blocks = readStatusBlocks(fixture('lab-run-ct.err'));
    assert.equal(blocks.length, 9);
    assert.deepEqual(blocks.map((b) => b[0]?.cycles), [88, 10104, 20133, 30160, 40189, 50260, 60325, 70333, 79918]);
    assert.equal(blocks[1]?.[0]?.max, 346);
  });

  test('a block cut short (read mid-write) or with a damaged line is left out', () => {
    const text = [block([t(0, 100, 10), t(1, 100, 12)]), '#---------------------------', '# cyclictest current status:', t(0, 200, 11)].join('\n');
    assert.equal(readStatusBlocks(text).length, 1);
    const damaged = [block([t(0, 100, 10), 'T: 1 (  121) P:80 I:100 C:  10']), block([t(0, 300, 15), t(1, 300, 16)])].join('\n');
    assert.deepEqual(readStatusBlocks(damaged).map((b) => b.map((line) => line.cycles)), [[300, 300]]);
  });

  test('a block with a missing thread is not a status', () => {
    assert.equal(readStatusBlocks(block([t(1, 100, 10)])).length, 0);
  });

  test('the runner status file: state and the latest block, sorted by thread', () => {
    const status = parseRunnerStatus(['state=running', 'phase=cyclictest', block([t(0, 10, 1)]), block([t(1, 20, 9), t(0, 20, 7)])].join('\n'));
    assert.equal(status.state, 'running');
    assert.deepEqual(status.threads?.map((line) => [line.thread, line.max]), [[0, 7], [1, 9]]);
    assert.deepEqual(parseRunnerStatus('state=finished\nphase=done\n'), { state: 'finished', threads: null });
    assert.equal(parseRunnerStatus('state=bogus\n').state, null);
    assert.equal(parseRunnerStatus('').state, null);
  });
});

describe('max-over-time series', () => {
  test('elapsed time comes from the cycles counted, not from a clock', () => {
    const sample = toSample(readStatusBlocks(block([t(0, 10104, 346), t(1, 10090, 50)]))[0] ?? []);
    assert.equal(sample.t, 1);
    assert.deepEqual(sample.max, [346, 50]);
    assert.equal(toSample(readStatusBlocks(block([t(0, 10104, 346)]))[0] ?? [], 200).t, 2);
  });

  test('a thread without cycles shows 0, not the Min sentinel', () => {
    const zero = 'T: 0 (  120) P:80 I:100 C:      0 Min:1000000 Act:    0 Avg:    0 Max:       0';
    const sample = toSample(readStatusBlocks(block([zero]))[0] ?? []);
    assert.deepEqual([sample.max, sample.avg, sample.cycles], [[0], [0], [0]]);
  });

  test('a displayed maximum never goes down, and a repeated snapshot adds nothing', () => {
    const series: LatencySample[] = [];
    const make = (cycles: number, max: number): LatencySample => ({ t: cycles / 10_000, max: [max], act: [1], avg: [1], cycles: [cycles] });
    assert.equal(appendSample(series, make(10_000, 50)), true);
    assert.equal(appendSample(series, make(10_000, 50)), false);
    assert.equal(appendSample(series, make(20_000, 20)), true);
    assert.deepEqual(series.map((s) => s.max[0]), [50, 50]);
    assert.equal(appendSample(series, make(5_000, 99)), false, 'an older snapshot is ignored');
  });

  test('the collected stderr gives the whole series; per-interval maxima are exact where the max rose', () => {
    const series = seriesFromStderr(fixture('lab-run-ct.err'), 100);
    assert.equal(series.length, 9);
    assert.deepEqual(series.map((s) => s.t), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < series.length; i++) assert.ok((series[i]?.max[0] ?? 0) >= (series[i - 1]?.max[0] ?? 0));
    const intervals = intervalMaxima(series);
    assert.equal(intervals[0]?.max[0], 42);
    assert.equal(intervals[1]?.max[0], 346);
    assert.equal(intervals[2]?.max[0], null, 'no rise: the interval maximum is only bounded');
  });

  test('thinning keeps every rise of the maximum and the last sample', () => {
    const series: LatencySample[] = [];
    for (let i = 1; i <= 10_000; i++) appendSample(series, { t: i, max: [i % 1000 === 0 ? i : 0], act: [1], avg: [1], cycles: [i * 10_000] });
    const thin = thinSeries(series, 500);
    assert.ok(thin.length <= 560, `got ${thin.length}`);
    const rises = new Set(thin.map((s) => s.max[0]));
    for (let k = 1000; k <= 10_000; k += 1000) assert.ok(rises.has(k), `rise to ${k} kept`);
    assert.equal(thin.at(-1)?.t, 10_000);
    assert.deepEqual(thinSeries(series.slice(0, 3), 500), series.slice(0, 3));
  });
});
