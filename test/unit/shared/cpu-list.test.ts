import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatCpuList, formatCpuMask, parseCpuList, parseCpuMask } from '../../../src/shared/cpu-list';

test('cpu lists and masks in the kernel formats', () => {
  assert.deepEqual(parseCpuList('2-3'), [2, 3]);
  assert.deepEqual(parseCpuList(' 0-2,5, 7 '), [0, 1, 2, 5, 7]);
  assert.deepEqual(parseCpuList('0-7:2/4'), [0, 1, 4, 5]);
  assert.deepEqual(parseCpuList(''), []);
  assert.deepEqual(parseCpuList('(null)'), []);
  assert.throws(() => parseCpuList('3-1'), /descending/);
  assert.throws(() => parseCpuList('a'), /not a CPU/);
  assert.equal(formatCpuList([5, 0, 1, 2, 2]), '0-2,5');
  assert.deepEqual(parseCpuMask('00000000,00000003'), [0, 1]);
  assert.deepEqual(parseCpuMask('c'), [2, 3]);
  assert.equal(formatCpuMask([0, 1]), '3');
  assert.equal(formatCpuMask([4, 5, 6, 7]), 'f0');
  assert.throws(() => parseCpuMask('zz'), /hex/);
});
