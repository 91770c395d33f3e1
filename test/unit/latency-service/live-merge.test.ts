import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { mergeCpus, mergeSamples } from '../../../src/renderer/src/features/latency/live-merge';
import type { LatencySample } from '../../../src/shared/latency';
import type { LatencyCpuLive } from '../../../src/shared/model/latency';

const cpu = (thread: number, max: number, avg = 5): LatencyCpuLive => ({ thread, cpu: thread + 2, cycles: 100, min: 2, act: 3, avg, max });
const sample = (t: number, max: number[]): LatencySample => ({ t, max, act: max.map(() => 1), avg: max.map(() => 1), cycles: max.map(() => t * 10_000) });

describe('live view merging (the screen side of "a max only ever grows")', () => {
  test('a per-CPU maximum on screen never goes down, other values follow the latest reading', () => {
    const merged = mergeCpus([cpu(0, 80), cpu(1, 40)], [cpu(0, 60, 7), cpu(1, 45)]);
    assert.deepEqual(merged.map((c) => [c.max, c.avg]), [[80, 7], [45, 5]]);
    assert.deepEqual(mergeCpus([], [cpu(0, 3)]).map((c) => c.max), [3]);
  });

  test('samples arriving twice or out of order are ignored; the running maximum stays monotonic', () => {
    let series = mergeSamples([], [sample(1, [10]), sample(2, [30])]);
    series = mergeSamples(series, [sample(2, [30]), sample(1.5, [99]), sample(3, [20])]);
    assert.deepEqual(series.map((s) => [s.t, s.max[0]]), [[1, 10], [2, 30], [3, 30]]);
  });
});
