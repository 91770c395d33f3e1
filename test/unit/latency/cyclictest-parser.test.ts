import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CyclictestParseError,
  parseCyclictestOutput,
  type CyclictestErrorCode,
} from '../../../src/shared/latency/cyclictest-parser';
import { fixture } from './fixture';

function expectError(run: () => unknown, code: CyclictestErrorCode, message?: RegExp): CyclictestParseError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CyclictestParseError, `expected CyclictestParseError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${code} error`);
}

describe('cyclictest -q summary lines', () => {
  test('two threads: exact values, CPUs from the -a list of the command', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-summary-2threads.txt'), {
      command: ['cyclictest', '-m', '-p80', '-a', '0,1', '-t', '2', '-i', '100', '-l', '1000', '-q'],
    });
    assert.equal(result.format, 'summary');
    assert.equal(result.threads, 2);
    assert.equal(result.unit, 'us');
    assert.equal(result.command, 'cyclictest -m -p80 -a 0,1 -t 2 -i 100 -l 1000 -q');
    assert.deepEqual(result.cpus, [
      {
        thread: 0, cpu: 0, samples: 1000, min: 2, avg: 4, max: 78, overflows: 0, histogram: null,
        intervalUs: 100, p99: null, p999: null, p9999: null,
      },
      {
        thread: 1, cpu: 1, samples: 185, min: 4, avg: 12, max: 55, overflows: 0, histogram: null,
        intervalUs: 600, p99: null, p999: null, p9999: null,
      },
    ]);
  });

  test('without a command the CPU is unknown (null), not guessed', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-summary-2threads.txt'));
    assert.deepEqual(result.cpus.map((cpu) => cpu.cpu), [null, null]);
    assert.equal(result.command, undefined);
  });

  test('zero-cycle thread: Min:1000000 sentinel and wide I: field become samples 0 with 0 placeholders', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-summary-zero-cycles-thread.txt'));
    const [first, second] = result.cpus;
    assert.deepEqual([first?.samples, first?.min, first?.avg, first?.max], [9955, 3, 4, 493]);
    assert.deepEqual([second?.samples, second?.min, second?.avg, second?.max, second?.intervalUs], [0, 0, 0, 0, 5000100]);
  });

  test('a truncated T: line is MALFORMED with its line number', () => {
    const text = '# /dev/cpu_dma_latency set to 0us\nT: 0 ( 4407) P:80 I:100 C:   1000 Min:      2 Act:    4 Avg:\n';
    const error = expectError(() => parseCyclictestOutput(text), 'MALFORMED', /line 2: unreadable summary line/);
    assert.equal(error.line, 2);
  });

  test('a missing thread (T: 0 and T: 2 only) is MALFORMED', () => {
    const text =
      'T: 0 ( 1) P:80 I:100 C:   10 Min:      2 Act:    4 Avg:    4 Max:      7\n' +
      'T: 2 ( 3) P:80 I:100 C:   10 Min:      2 Act:    4 Avg:    4 Max:      7\n';
    expectError(() => parseCyclictestOutput(text), 'MALFORMED', /threads 0, 2/);
  });

  test('SIGUSR1 snapshots before the final lines: the last line of each thread wins', () => {
    const text =
      '#---------------------------\n' +
      'T: 0 ( 1) P:80 I:100 C:     10 Min:      2 Act:    4 Avg:    4 Max:      7\n' +
      '#---------------------------\n' +
      'T: 0 ( 1) P:80 I:100 C:    500 Min:      2 Act:    4 Avg:    3 Max:     19\n';
    const result = parseCyclictestOutput(text);
    assert.deepEqual([result.cpus[0]?.samples, result.cpus[0]?.max], [500, 19]);
  });

  test('CRLF line ends (output captured through a pty) parse the same', () => {
    const lf = fixture('cyclictest-2.4-quiet-summary-2threads.txt');
    assert.deepEqual(parseCyclictestOutput(lf.replace(/\n/g, '\r\n')), parseCyclictestOutput(lf));
    const hist = fixture('cyclictest-2.4-quiet-hist100-2threads.txt');
    assert.deepEqual(parseCyclictestOutput(hist.replace(/\n/g, '\r\n')), parseCyclictestOutput(hist));
  });

  test('-N (from the command) marks the values as nanoseconds', () => {
    const text = 'T: 0 ( 1) P:80 I:100 C:     10 Min:   2100 Act:    4000 Avg:    3900 Max:   19000\n';
    assert.equal(parseCyclictestOutput(text, { command: 'cyclictest -N -q' }).unit, 'ns');
  });
});

describe('cyclictest histogram text', () => {
  test('-q -h 100: no T: lines, Total + overflow → samples, exact percentiles, overflow cycle list checked', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-hist100-2threads.txt'), {
      command: 'cyclictest -m -p80 -a 0,1 -t 2 -i 100 -l 2000 -h 100 -q',
    });
    assert.equal(result.format, 'histogram');
    const [t0, t1] = result.cpus;
    assert.ok(t0 && t1);
    assert.deepEqual(
      [t0.thread, t0.cpu, t0.samples, t0.min, t0.avg, t0.max, t0.overflows, t0.bucketCount],
      [0, 0, 2000, 3, 5, 229, 1, 100],
    );
    assert.deepEqual([t0.p99, t0.p999, t0.p9999], [12, 28, 229]);
    assert.deepEqual(t0.overflowedPercentiles, ['p9999']);
    assert.equal(t0.histogram?.['5'], 1286);
    assert.equal(t0.histogram?.['55'], 1);
    assert.equal(t0.histogram?.['0'], undefined, 'empty buckets are not stored');
    assert.equal(Object.keys(t0.histogram ?? {}).length, 17);
    assert.deepEqual(
      [t1.cpu, t1.samples, t1.min, t1.avg, t1.max, t1.overflows, t1.p99, t1.p999, t1.p9999],
      [1, 2000, 3, 4, 41, 0, 7, 20, 41],
    );
    assert.deepEqual(t1.overflowedPercentiles, []);
  });

  test('-H 50: the all-threads column is checked and dropped, Min/Avg have no extra column', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-histofall50-2threads.txt'));
    assert.equal(result.threads, 2);
    const [t0, t1] = result.cpus;
    assert.deepEqual([t0?.samples, t0?.min, t0?.avg, t0?.max, t0?.overflows], [1000, 3, 5, 48, 0]);
    assert.deepEqual([t1?.samples, t1?.min, t1?.avg, t1?.max, t1?.overflows], [1000, 3, 4, 46, 0]);
    assert.deepEqual([t0?.p99, t0?.p999, t0?.p9999], [19, 24, 48]);
    assert.deepEqual([t1?.p99, t1?.p999, t1?.p9999], [9, 29, 46]);
    assert.equal(t0?.histogram?.['4'], 546);
    assert.equal(t1?.histogram?.['4'], 698);
    assert.equal(t0?.bucketCount, 50);
  });

  test('a wrong all-threads sum is MALFORMED (the column is verified, not ignored)', () => {
    const text = fixture('cyclictest-2.4-quiet-histofall50-2threads.txt').replace('000004 000546\t000698\t001244', '000004 000546\t000698\t001245');
    expectError(() => parseCyclictestOutput(text), 'MALFORMED', /line 7: all-threads column 1245/);
  });

  test('-h 5 with "# 00831 others": overflows beyond the cycle list; every percentile overflowed → max', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-quiet-hist5-overflow-others.txt'));
    const [t0, t1] = result.cpus;
    assert.deepEqual([t0?.samples, t0?.overflows, t0?.max, t0?.bucketCount], [3000, 836, 22, 5]);
    assert.deepEqual([t1?.samples, t1?.overflows, t1?.max], [3000, 124, 26]);
    assert.deepEqual([t0?.p99, t0?.p999, t0?.p9999], [22, 22, 22]);
    assert.deepEqual(t1?.overflowedPercentiles, ['p99', 'p999', 'p9999']);
  });

  test('stderr WARN line first, values wider than the field (01675), long-option command', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-acceptance-style-hist50-stdout-with-stderr-warn.txt'), {
      command:
        'cyclictest --mlockall --priority=80 --policy=fifo --affinity=0,1 --threads=2 --mainaffinity=0 --interval=100 --distance=0 --histogram=50 --duration=2 --quiet --json=c2.json',
    });
    const [t0, t1] = result.cpus;
    assert.deepEqual([t0?.cpu, t0?.samples, t0?.max, t0?.overflows, t0?.avg], [0, 19957, 1675, 15, 4]);
    assert.deepEqual([t1?.cpu, t1?.samples, t1?.max, t1?.overflows], [1, 19986, 478, 14]);
    assert.deepEqual([t0?.p99, t0?.p999, t0?.p9999], [11, 39, 1675]);
    assert.deepEqual([t1?.p99, t1?.p999, t1?.p9999], [9, 38, 478]);
  });

  test('rt-tests ≥ 2.7: no # Total, empty rows omitted, trailing space after "# Thread N:"', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.7-SYNTHETIC-quiet-hist400-no-total.txt'), {
      command: ['cyclictest', '-m', '-p80', '-a', '2,3', '-t', '2', '-h', '400', '-q'],
    });
    const [t0, t1] = result.cpus;
    assert.deepEqual([t0?.cpu, t0?.samples, t0?.overflows, t0?.max, t0?.bucketCount], [2, 9850, 1, 412, 400]);
    assert.deepEqual([t0?.p99, t0?.p999, t0?.p9999], [5, 7, 412]);
    assert.deepEqual([t1?.cpu, t1?.samples, t1?.overflows, t1?.p99, t1?.p999, t1?.p9999], [3, 9892, 0, 5, 5, 31]);
  });

  test('without # Total and without a command the histogram size stays unknown', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.7-SYNTHETIC-quiet-hist400-no-total.txt'));
    assert.equal(result.cpus[0]?.bucketCount, undefined);
  });

  test('histogram cut after a row (trailer missing) is MALFORMED, not a smaller histogram', () => {
    const full = fixture('cyclictest-2.4-quiet-hist100-2threads.txt');
    const truncated = full.slice(0, full.indexOf('000050 '));
    expectError(() => parseCyclictestOutput(truncated), 'MALFORMED', /"# Min Latencies:" line is missing/);
  });

  test('histogram cut in the middle of a row is MALFORMED with the row line', () => {
    const full = fixture('cyclictest-2.4-quiet-hist100-2threads.txt');
    const truncated = full.slice(0, full.indexOf('000050 ') + 10);
    const error = expectError(() => parseCyclictestOutput(truncated), 'MALFORMED', /different number of columns/);
    assert.equal(error.line, 53);
  });

  test('rows that do not add up to # Total (a lost row) are MALFORMED', () => {
    const text = fixture('cyclictest-2.4-quiet-hist100-2threads.txt').replace('000005 001286\t000468\n', '');
    expectError(() => parseCyclictestOutput(text), 'MALFORMED', /thread 0 add up to 713, not 1999/);
  });

  test('overflow cycle list ending early is MALFORMED', () => {
    const full = fixture('cyclictest-2.4-quiet-hist5-overflow-others.txt');
    const truncated = full.slice(0, full.indexOf('# Thread 1:'));
    expectError(() => parseCyclictestOutput(truncated), 'MALFORMED', /"# Thread 1:" overflow line is missing/);
  });

  test('an overflow cycle list that disagrees with the overflow count is MALFORMED', () => {
    const text = fixture('cyclictest-2.4-quiet-hist5-overflow-others.txt').replace('# 00831 others', '# 00830 others');
    const error = expectError(() => parseCyclictestOutput(text), 'MALFORMED', /thread 0 lists 835 overflows but counts 836/);
    assert.equal(error.line, 14);
  });

  test('garbage inside the rows is reported with line number and excerpt', () => {
    const text = fixture('cyclictest-2.4-quiet-hist5-overflow-others.txt').replace('000003 000109\t002287', 'Segmentation fault');
    const error = expectError(() => parseCyclictestOutput(text), 'MALFORMED', /line 6: .*"Segmentation fault"/);
    assert.equal(error.line, 6);
  });
});

describe('cyclictest live screen', () => {
  test('ANSI cursor moves stripped; the last frame (not the placeholder frame) is the result', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-live-nonquiet-ansi-escapes.txt'));
    assert.equal(result.format, 'live');
    assert.deepEqual(
      result.cpus.map((cpu) => [cpu.thread, cpu.samples, cpu.min, cpu.avg, cpu.max, cpu.intervalUs]),
      [
        [0, 19990, 3, 5, 279, 100],
        [1, 3331, 4, 10, 357, 600],
      ],
    );
  });

  test('a capture cut mid-line falls back to the last complete frame', () => {
    const full = fixture('cyclictest-2.4-live-nonquiet-ansi-escapes.txt');
    const cut = full.slice(0, full.lastIndexOf('Max:'));
    const result = parseCyclictestOutput(cut);
    assert.deepEqual(
      result.cpus.map((cpu) => [cpu.samples, cpu.max]),
      [
        [19890, 279],
        [3315, 357],
      ],
    );
  });

  test('only the placeholder frame: samples 0 everywhere, min sentinel not reported', () => {
    const full = fixture('cyclictest-2.4-live-nonquiet-ansi-escapes.txt');
    const firstFrame = full.slice(0, full.indexOf('\u001b[4A'));
    const result = parseCyclictestOutput(firstFrame);
    assert.deepEqual(result.cpus.map((cpu) => [cpu.samples, cpu.min, cpu.max]), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('cyclictest --json', () => {
  test('with -h 100: trailing-colon keys, version, command, cpu field, percentiles', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-json-with-hist.json'));
    assert.equal(result.format, 'json');
    assert.equal(result.version, '2.40');
    assert.equal(result.command, 'cyclictest -m -p80 -a 0,1 -t 2 -i 100 -l 2000 -h 100 --json=c.json -q');
    assert.equal(result.returnCode, 0);
    const [t0, t1] = result.cpus;
    assert.deepEqual(
      [t0?.cpu, t0?.samples, t0?.min, t0?.avg, t0?.max, t0?.overflows, t0?.bucketCount],
      [0, 2000, 3, 3.84, 29, 0, 100],
    );
    assert.deepEqual([t0?.p99, t0?.p999, t0?.p9999], [7, 17, 29]);
    assert.deepEqual([t1?.cpu, t1?.avg, t1?.max, t1?.p99, t1?.p999, t1?.p9999], [1, 3.82, 37, 9, 33, 37]);
    assert.deepEqual(t0?.histogram, { 3: 752, 4: 1037, 5: 115, 6: 46, 7: 31, 8: 10, 9: 3, 10: 3, 17: 1, 20: 1, 29: 1 });
  });

  test('acceptance run: overflows = cycles − Σhistogram (19957 − 19942 = 15)', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-acceptance-style-hist50.json'));
    const [t0, t1] = result.cpus;
    assert.deepEqual([t0?.samples, t0?.overflows, t0?.max, t0?.avg, t0?.bucketCount], [19957, 15, 1675, 4.46, 50]);
    assert.deepEqual([t1?.samples, t1?.overflows, t1?.max, t1?.avg], [19986, 14, 478, 4.5]);
    assert.deepEqual([t0?.p99, t0?.p999, t0?.p9999], [11, 39, 1675]);
    assert.deepEqual(t0?.overflowedPercentiles, ['p9999']);
  });

  test('JSON and histogram text of the same run agree on every number but avg precision', () => {
    const json = parseCyclictestOutput(fixture('cyclictest-2.4-acceptance-style-hist50.json'));
    const text = parseCyclictestOutput(fixture('cyclictest-2.4-acceptance-style-hist50-stdout-with-stderr-warn.txt'), {
      command: json.command ?? '',
    });
    const strip = (result: typeof json) => result.cpus.map((cpu) => ({ ...cpu, avg: 0 }));
    assert.deepEqual(strip(text), strip(json));
  });

  test('without -h: empty histogram object → histogram null, no percentiles', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-json-no-hist.json'));
    assert.deepEqual(
      result.cpus.map((cpu) => [cpu.samples, cpu.min, cpu.avg, cpu.max, cpu.histogram, cpu.p99]),
      [
        [500, 3, 4.13, 37, null, null],
        [101, 5, 14, 52, null, null],
      ],
    );
  });

  test('zero-cycle thread with "avg": -nan is sanitized, not rejected', () => {
    const result = parseCyclictestOutput(fixture('cyclictest-2.4-json-zero-cycles-INVALID-nan.json'));
    assert.deepEqual(result.cpus.map((cpu) => [cpu.samples, cpu.min, cpu.avg, cpu.max]), [
      [9955, 3, 4.64, 493],
      [0, 0, 0, 0],
    ]);
  });

  test('-h given but every sample overflowed: {} is an empty histogram, not "no histogram"', () => {
    const text = fixture('cyclictest-2.4-json-no-hist.json').replace('-l 500 --json', '-l 500 -h 2 --json');
    const [t0] = parseCyclictestOutput(text).cpus;
    assert.deepEqual([t0?.histogram, t0?.overflows, t0?.p99, t0?.bucketCount], [{}, 500, 37, 2]);
  });

  test('cmdline with an unescaped quote and backslash is repaired', () => {
    const text = fixture('cyclictest-2.4-json-with-hist.json').replace('--json=c.json', '--json=/tmp/a"b\\c.json');
    assert.equal(parseCyclictestOutput(text).command, 'cyclictest -m -p80 -a 0,1 -t 2 -i 100 -l 2000 -h 100 --json=/tmp/a"b\\c.json -q');
  });

  test('cpu -1 (no affinity) is null', () => {
    const text = fixture('cyclictest-2.4-json-with-hist.json').replace('"cpu": 0,', '"cpu": -1,');
    assert.equal(parseCyclictestOutput(text).cpus[0]?.cpu, null);
  });

  test('resolution_in_ns 1 → unit ns', () => {
    const text = fixture('cyclictest-2.4-json-with-hist.json').replace('"resolution_in_ns": 0', '"resolution_in_ns": 1');
    assert.equal(parseCyclictestOutput(text).unit, 'ns');
  });

  test('truncated JSON is MALFORMED with a line number', () => {
    const full = fixture('cyclictest-2.4-json-with-hist.json');
    const error = expectError(() => parseCyclictestOutput(full.slice(0, full.indexOf('"cycles": 2000'))), 'MALFORMED', /not readable/);
    assert.ok(error.line !== undefined && error.line > 30, `line ${String(error.line)}`);
  });

  test('histogram larger than cycles is MALFORMED', () => {
    const text = fixture('cyclictest-2.4-json-with-hist.json').replace('"cycles": 2000', '"cycles": 1999');
    expectError(() => parseCyclictestOutput(text), 'MALFORMED', /holds 2000 samples but cycles is 1999/);
  });

  test('num_threads disagreeing with the thread list is MALFORMED', () => {
    const text = fixture('cyclictest-2.4-json-with-hist.json').replace('"num_threads": 2', '"num_threads": 3');
    expectError(() => parseCyclictestOutput(text), 'MALFORMED', /num_threads 3/);
  });

  test('a JSON document of the wrong shape is MALFORMED and names the field', () => {
    expectError(() => parseCyclictestOutput('{"num_threads": 1, "thread": {"0": {"cycles": "many"}}}'), 'MALFORMED', /thread\.0\.cycles/);
  });
});

describe('cyclictest failures', () => {
  test('non-root: NEEDS_ROOT with the cyclictest message', () => {
    const error = expectError(
      () => parseCyclictestOutput(fixture('cyclictest-2.4-nonroot-error-rc1.txt')),
      'NEEDS_ROOT',
      /Unable to change scheduling policy!/,
    );
    assert.equal(error.line, 1);
  });

  test('invalid option -n: help text with exit code 0 is INVALID_OPTION, quoting the option error', () => {
    expectError(
      () => parseCyclictestOutput(fixture('cyclictest-2.4-invalid-option-n-rc0.txt')),
      'INVALID_OPTION',
      /invalid option -- 'n'/,
    );
  });

  test('plain --help output is INVALID_OPTION too (no data)', () => {
    expectError(() => parseCyclictestOutput(fixture('cyclictest-2.4-help.txt')), 'INVALID_OPTION', /usage text/);
  });

  test('empty string and whitespace are NO_DATA', () => {
    expectError(() => parseCyclictestOutput(''), 'NO_DATA', /printed nothing/);
    expectError(() => parseCyclictestOutput('\n  \n'), 'NO_DATA');
  });

  test('only the cpu_dma_latency comment is NO_DATA', () => {
    expectError(() => parseCyclictestOutput('# /dev/cpu_dma_latency set to 0us\n'), 'NO_DATA', /only comments/);
  });

  test('a fatal message without data is NO_DATA quoting it', () => {
    expectError(() => parseCyclictestOutput('mlockall: Cannot allocate memory\n'), 'NO_DATA', /line 1: mlockall: Cannot allocate memory/);
  });

  test('garbage is MALFORMED with line number and excerpt', () => {
    const error = expectError(
      () => parseCyclictestOutput('# /dev/cpu_dma_latency set to 0us\nhello world\n'),
      'MALFORMED',
      /line 2: unexpected output "hello world"/,
    );
    assert.equal(error.line, 2);
  });

  test('garbage next to valid summary lines is MALFORMED, not ignored', () => {
    const text = `${fixture('cyclictest-2.4-quiet-summary-2threads.txt')}Thread 0 using cpu 0.\n`;
    expectError(() => parseCyclictestOutput(text), 'MALFORMED', /line 4: unexpected output "Thread 0 using cpu 0."/);
  });

  test('binary garbage is excerpted printably', () => {
    const error = expectError(() => parseCyclictestOutput('\u0001\u0002binary'), 'MALFORMED');
    assert.match(error.message, /\\x01\\x02binary/);
  });
});
