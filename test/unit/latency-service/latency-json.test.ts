import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { compareToBaseline, parseCyclictestOutput, readLatencyFile, toLatencyJson } from '../../../src/shared/latency';

const shared = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'cyclictest', name), 'utf8');
const own = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('latency --json document', () => {
  test('exactly the fields of the CLI contract, values in µs', () => {
    const result = parseCyclictestOutput(own('lab-run-ct.json'));
    const json = toLatencyJson({ result, verdict: 'fail', startedAt: '2026-11-26T13:06:55.000Z', durationS: 8, comparison: null });
    assert.deepEqual(Object.keys(json), ['tool', 'command', 'startedAt', 'durationS', 'cpus', 'verdict', 'comparison']);
    assert.deepEqual(Object.keys(json.cpus[0] ?? {}), ['cpu', 'samples', 'min', 'avg', 'max', 'p99', 'p999', 'p9999', 'overflows', 'histogram']);
    const cpu = json.cpus[0];
    assert.ok(cpu);
    assert.equal(cpu.cpu, 1);
    assert.equal(cpu.samples, 79918);
    assert.equal(cpu.max, 1201);
    assert.equal(cpu.overflows, 2);
    const inHistogram = Object.values(cpu.histogram).reduce((a, b) => a + b, 0);
    assert.equal(inHistogram + cpu.overflows, cpu.samples);
    assert.ok(cpu.min <= (cpu.p99 ?? 0) && (cpu.p99 ?? 0) <= (cpu.p999 ?? 0) && (cpu.p999 ?? 0) <= (cpu.p9999 ?? 0) && (cpu.p9999 ?? 0) <= cpu.max);
    assert.equal(json.comparison, null);
  });

  test('the comparison block is the four fields, nothing more', () => {
    const result = parseCyclictestOutput(own('lab-run-ct.json'));
    const comparison = compareToBaseline(result, result);
    const json = toLatencyJson({ result, verdict: 'pass', comparison });
    assert.deepEqual(json.comparison, { baselineMax: 1201, max: 1201, increasePct: 0, verdict: 'pass' });
  });

  test('a run without histogram prints an empty histogram object', () => {
    const result = parseCyclictestOutput(shared('cyclictest-2.4-quiet-summary-2threads.txt'));
    const json = toLatencyJson({ result, verdict: 'fail' });
    assert.deepEqual(json.cpus.map((cpu) => cpu.histogram), [{}, {}]);
    assert.equal(json.startedAt, null);
  });
});

describe('reading a latency file (import and --baseline)', () => {
  test('a previous --json output comes back with the same numbers and percentiles', () => {
    const original = parseCyclictestOutput(own('lab-run-ct.json'));
    const text = JSON.stringify(toLatencyJson({ result: original, verdict: 'fail', startedAt: '2026-11-26T13:06:55.000Z', durationS: 8 }), null, 2);
    const file = readLatencyFile(text);
    assert.equal(file.source, 'tool-json');
    assert.equal(file.durationS, 8);
    const [a, b] = [original.cpus[0], file.result.cpus[0]];
    assert.ok(a && b);
    for (const key of ['cpu', 'samples', 'min', 'max', 'p99', 'p999', 'p9999', 'overflows'] as const) assert.equal(b[key], a[key], key);
    assert.deepEqual(b.histogram, a.histogram);
    assert.equal(compareToBaseline(file.result, original).verdict, 'pass');
  });

  test('raw cyclictest JSON: start time and duration from the file', () => {
    const file = readLatencyFile(own('lab-run-ct.json'));
    assert.equal(file.source, 'cyclictest');
    assert.equal(file.startedAt, '2026-11-26T13:06:55.000Z');
    assert.equal(file.durationS, 8);
  });

  test('raw summary lines: duration from cycles × interval', () => {
    const file = readLatencyFile(shared('cyclictest-2.4-quiet-summary-2threads.txt'));
    assert.equal(file.durationS, 0.1);
  });

  test('every cyclictest format of the fixtures is accepted; the broken ones are refused with their reason', () => {
    for (const name of [
      'cyclictest-2.4-acceptance-style-hist50-stdout-with-stderr-warn.txt',
      'cyclictest-2.4-acceptance-style-hist50.json',
      'cyclictest-2.4-json-no-hist.json',
      'cyclictest-2.4-json-with-hist.json',
      'cyclictest-2.4-json-zero-cycles-INVALID-nan.json',
      'cyclictest-2.4-live-nonquiet-ansi-escapes.txt',
      'cyclictest-2.4-quiet-hist100-2threads.txt',
      'cyclictest-2.4-quiet-hist5-overflow-others.txt',
      'cyclictest-2.4-quiet-histofall50-2threads.txt',
      'cyclictest-2.4-quiet-summary-zero-cycles-thread.txt',
      'cyclictest-2.7-SYNTHETIC-quiet-hist400-no-total.txt',
    ]) {
      assert.ok(readLatencyFile(shared(name)).result.cpus.length > 0, name);
    }
    assert.throws(() => readLatencyFile(shared('cyclictest-2.4-nonroot-error-rc1.txt')), /real-time scheduling/);
    assert.throws(() => readLatencyFile(shared('cyclictest-2.4-invalid-option-n-rc0.txt')), /usage text/);
  });

  test('a damaged tool JSON is refused, not half-read', () => {
    const result = parseCyclictestOutput(own('lab-run-ct.json'));
    const json = toLatencyJson({ result, verdict: 'fail' }) as unknown as { cpus: Array<Record<string, unknown>> };
    const first = json.cpus[0];
    assert.ok(first);
    first.samples = -1;
    assert.throws(() => readLatencyFile(JSON.stringify(json)));
  });
});
