import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseRtlaTimerlatOutput, RtlaParseError, type RtlaErrorCode } from '../../../src/shared/latency/rtla-parser';
import { fixture } from './fixture';

function expectError(run: () => unknown, code: RtlaErrorCode, message?: RegExp): RtlaParseError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RtlaParseError, `expected RtlaParseError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${code} error`);
}

describe('rtla timerlat top', () => {
  test('§10.5 sample (-q): per-CPU IRQ and thread min/avg/max', () => {
    const result = parseRtlaTimerlatOutput(fixture('rtla-timerlat-top-q-checklist-10.5.txt'));
    assert.deepEqual(result, {
      tool: 'rtla-timerlat',
      mode: 'top',
      unit: 'us',
      duration: '0 00:10:00',
      cpus: [
        {
          cpu: 2,
          count: 5999998,
          irq: { count: null, min: 0, avg: 0, max: 4 },
          thread: { count: null, min: 1, avg: 2, max: 11 },
          user: null,
        },
        {
          cpu: 3,
          count: 5999998,
          irq: { count: null, min: 0, avg: 0, max: 3 },
          thread: { count: null, min: 1, avg: 2, max: 9 },
          user: null,
        },
      ],
      stoppedTracing: false,
      analysis: null,
    });
  });

  test('live frames with ESC c: last complete frame, user block, ALL row, auto-analysis', () => {
    const result = parseRtlaTimerlatOutput(fixture('rtla-timerlat-top-user-aa-SYNTHETIC.txt'));
    // Frame 3 is cut mid-row, so frame 2 (0 00:00:02, CPU 2 thread max 44) is the result.
    assert.equal(result.duration, '0 00:00:02');
    assert.deepEqual(
      result.cpus.map((cpu) => [cpu.cpu, cpu.count, cpu.irq?.max, cpu.thread?.max, cpu.user?.max, cpu.user?.avg]),
      [
        [2, 20001, 9, 44, 47, 4],
        [3, 19998, 8, 14, 18, 4],
      ],
    );
    assert.deepEqual(result.all, {
      irq: { count: null, min: 0, avg: 1, max: 9 },
      thread: { count: null, min: 2, avg: 3, max: 44 },
      user: { count: null, min: 3, avg: 4, max: 47 },
    });
    assert.equal(result.stoppedTracing, true);
    assert.equal(result.traceFile, 'timerlat_trace.txt');
    const analysis = result.analysis;
    assert.ok(analysis);
    assert.deepEqual(
      [analysis.cpu, analysis.irqHandlerDelayUs, analysis.irqLatencyUs, analysis.timerlatIrqDurationUs],
      [2, 1.2, 8.95, 3.1],
    );
    assert.deepEqual([analysis.blockingThreadUs, analysis.blockingThread, analysis.threadLatencyUs], [28.4, 'stress-ng-vm:4711', 44]);
    assert.match(analysis.text, /^## CPU 2 hit stop tracing, analyzing it ##\n/);
    assert.match(analysis.text, /-> clear_page_erms/);
    assert.match(analysis.text, /Saving trace to timerlat_trace.txt$/);
  });

  test('a "-" block (no sample of that kind) is null, and ns headers set the unit', () => {
    const text = [
      '                                     Timer Latency',
      '  0 00:00:01   |          IRQ Timer Latency (ns)        |         Thread Timer Latency (ns)',
      'CPU COUNT      |      cur       min       avg       max |      cur       min       avg       max',
      '  2 #0         |        -         -         -         - |     1610      1610      1610      1610',
      '  8 #1         |      540       540       540       540 |        -         -         -         -',
    ].join('\n');
    const result = parseRtlaTimerlatOutput(text);
    assert.equal(result.unit, 'ns');
    assert.deepEqual(result.cpus.map((cpu) => [cpu.cpu, cpu.irq, cpu.thread?.max ?? null]), [
      [2, null, 1610],
      [8, { count: null, min: 540, avg: 540, max: 540 }, null],
    ]);
  });

  test('a single (-q) frame cut mid-row is MALFORMED, never a CPU short', () => {
    const full = fixture('rtla-timerlat-top-q-checklist-10.5.txt');
    const cut = full.slice(0, full.lastIndexOf('  3 #') + 6);
    expectError(() => parseRtlaTimerlatOutput(cut), 'MALFORMED', /line 5: incomplete CPU row/);
    const halfRow = full.slice(0, full.lastIndexOf('|'));
    expectError(() => parseRtlaTimerlatOutput(halfRow), 'MALFORMED', /line 5: expected 2 latency blocks/);
  });

  test('a non-number in a row is MALFORMED', () => {
    const text = fixture('rtla-timerlat-top-q-checklist-10.5.txt').replace('       11', '      1x1');
    expectError(() => parseRtlaTimerlatOutput(text), 'MALFORMED', /line 4: "1x1" is not a latency value/);
  });
});

describe('rtla timerlat hist', () => {
  test('§10.5 sample: summary rows per CPU, histogram per kind', () => {
    const result = parseRtlaTimerlatOutput(fixture('rtla-timerlat-hist-checklist-10.5.txt'));
    assert.equal(result.mode, 'hist');
    assert.equal(result.unit, 'us');
    assert.equal(result.duration, '0 00:10:00');
    assert.equal(result.all, undefined);
    assert.deepEqual(result.cpus, [
      {
        cpu: 2,
        count: 600002,
        irq: { count: 600002, min: 0, avg: 0, max: 16 },
        thread: { count: 600002, min: 1, avg: 5, max: 36 },
        user: null,
        histogram: { irq: { 0: 276489, 1: 318327 }, thread: { 1: 35487 } },
        overflows: { irq: 0, thread: 0 },
      },
      {
        cpu: 3,
        count: 600002,
        irq: { count: 600002, min: 0, avg: 0, max: 15 },
        thread: { count: 600002, min: 1, avg: 4, max: 58 },
        user: null,
        histogram: { irq: { 0: 206089, 1: 388149 }, thread: { 1: 30024 } },
        overflows: { irq: 0, thread: 0 },
      },
    ]);
  });

  test('user columns, "-" for a kind without samples, over:, ALL block', () => {
    const result = parseRtlaTimerlatOutput(fixture('rtla-timerlat-hist-user-all-SYNTHETIC.txt'));
    const [cpu4, cpu5] = result.cpus;
    assert.deepEqual(cpu4?.user, { count: 6000, min: 2, avg: 2, max: 130 });
    assert.deepEqual(cpu4?.overflows, { irq: 0, thread: 0, user: 2 });
    assert.deepEqual(cpu4?.histogram?.user, { 2: 3000, 3: 2500, 5: 400, 9: 90, 12: 8 });
    assert.equal(cpu5?.user, null);
    assert.deepEqual(cpu5?.thread, { count: 6000, min: 1, avg: 1, max: 3 });
    assert.deepEqual(result.all, {
      irq: { count: 12000, min: 0, avg: 0, max: 5 },
      thread: { count: 12000, min: 1, avg: 1, max: 12 },
      user: { count: 6000, min: 2, avg: 2, max: 130 },
    });
  });

  test('-n: nanoseconds', () => {
    const text = fixture('rtla-timerlat-hist-checklist-10.5.txt').replace('microseconds (us)', 'nanoseconds (ns)');
    assert.equal(parseRtlaTimerlatOutput(text).unit, 'ns');
  });

  test('missing summary rows (truncated) are MALFORMED', () => {
    const full = fixture('rtla-timerlat-hist-checklist-10.5.txt');
    expectError(() => parseRtlaTimerlatOutput(full.slice(0, full.indexOf('max:'))), 'MALFORMED', /"max:" row is missing/);
  });

  test('a row with a missing column is MALFORMED with its line', () => {
    const text = fixture('rtla-timerlat-hist-checklist-10.5.txt').replace('1        318327     35487    388149     30024', '1        318327     35487    388149');
    const error = expectError(() => parseRtlaTimerlatOutput(text), 'MALFORMED', /line 6: expected 4 values, found 3/);
    assert.equal(error.line, 6);
  });

  test('an unknown column is MALFORMED', () => {
    const text = fixture('rtla-timerlat-hist-checklist-10.5.txt').replace('Thr-003', 'Foo-003');
    expectError(() => parseRtlaTimerlatOutput(text), 'MALFORMED', /unknown histogram column "Foo-003"/);
  });
});

describe('rtla failures', () => {
  test('help text (6.1 top and hist) is INVALID_OPTION', () => {
    expectError(() => parseRtlaTimerlatOutput(fixture('rtla-6.1-timerlat-top-help.txt')), 'INVALID_OPTION', /usage text/);
    expectError(() => parseRtlaTimerlatOutput(fixture('rtla-6.1-timerlat-hist-help.txt')), 'INVALID_OPTION');
  });

  test('non-root → NEEDS_ROOT', () => {
    expectError(() => parseRtlaTimerlatOutput('rtla needs root permission\n'), 'NEEDS_ROOT');
  });

  test('kernel without the tracer → TRACER_MISSING', () => {
    const error = expectError(
      () => parseRtlaTimerlatOutput('Tracer timerlat not found!\nFailed to enable the timerlat tracer\n'),
      'TRACER_MISSING',
      /Tracer timerlat not found!/,
    );
    assert.equal(error.line, 1);
  });

  test('empty output is NO_DATA, garbage MALFORMED with line and excerpt', () => {
    expectError(() => parseRtlaTimerlatOutput(''), 'NO_DATA');
    expectError(() => parseRtlaTimerlatOutput('\nsome text\n'), 'MALFORMED', /line 2: unexpected output "some text"/);
  });
});
