import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  buildCyclictestArgv,
  CyclictestCommandError,
  expectedCycles,
} from '../../../src/shared/latency/cyclictest-command';
import { cpuForThread, readCommandFacts } from '../../../src/shared/latency/cyclictest-cmdline';

const profile = { rtCores: '2,3', housekeepingCores: '0,1' };

describe('buildCyclictestArgv', () => {
  test('acceptance preset = the L02 acceptance command line of the checklist', () => {
    const argv = buildCyclictestArgv({ ...profile, preset: 'acceptance', jsonPath: '/var/lib/mxrc-commissioning/runs/r1/ct-load.json' });
    assert.deepEqual(argv, [
      'cyclictest', '-m', '-p80', '-a', '2,3', '-t', '2', '--mainaffinity=0,1', '-i', '100', '-d', '0', '-h', '400',
      '-D', '1h', '-q', '--json=/var/lib/mxrc-commissioning/runs/r1/ct-load.json',
    ]);
  });

  test('10 min idle baseline (L01 short form) via a duration string', () => {
    const argv = buildCyclictestArgv({ ...profile, duration: '10m', jsonPath: '/run/ct-idle.json' });
    assert.equal(argv.join(' '), 'cyclictest -m -p80 -a 2,3 -t 2 --mainaffinity=0,1 -i 100 -d 0 -h 400 -D 10m -q --json=/run/ct-idle.json');
  });

  test('quick preset runs 60 s; --default-system appended when PM QoS is not held', () => {
    const argv = buildCyclictestArgv({ ...profile, preset: 'quick', defaultSystem: true });
    assert.deepEqual(argv.slice(-4), ['-D', '1m', '-q', '--default-system']);
    assert.ok(!argv.some((arg) => arg.startsWith('--json')));
  });

  test('profile cores drive -a, -t and --mainaffinity (ranges expanded)', () => {
    const argv = buildCyclictestArgv({ rtCores: '4-7', housekeepingCores: '0-3', preset: 'quick' });
    assert.deepEqual(argv.slice(3, 8), ['-a', '4,5,6,7', '-t', '4', '--mainaffinity=0,1,2,3']);
  });

  test('custom interval, priority, histogram size and numeric duration', () => {
    const argv = buildCyclictestArgv({ ...profile, duration: 90, intervalUs: 200, priority: 90, histogramUs: 1000, quiet: false, program: '/usr/bin/cyclictest' });
    assert.equal(argv.join(' '), '/usr/bin/cyclictest -m -p90 -a 2,3 -t 2 --mainaffinity=0,1 -i 200 -d 0 -h 1000 -D 90');
  });

  test('the duration overrides the preset', () => {
    assert.ok(buildCyclictestArgv({ ...profile, preset: 'acceptance', duration: '24h' }).includes('1d'));
  });

  test('histogram may be switched off only without --json (rt-tests 2.5 JSON segfault)', () => {
    assert.ok(!buildCyclictestArgv({ ...profile, preset: 'quick', histogramUs: null }).includes('-h'));
    assert.throws(() => buildCyclictestArgv({ ...profile, preset: 'quick', histogramUs: null, jsonPath: '/run/a.json' }), /needs a histogram/);
  });

  test('invalid inputs are rejected with the field named', () => {
    assert.throws(() => buildCyclictestArgv({ ...profile }), { name: 'CyclictestCommandError', message: 'choose a preset or a duration' });
    assert.throws(() => buildCyclictestArgv({ rtCores: '', housekeepingCores: '0', preset: 'quick' }), /RT cores is empty/);
    assert.throws(() => buildCyclictestArgv({ rtCores: '3-2', housekeepingCores: '0', preset: 'quick' }), /RT cores "3-2"/);
    assert.throws(() => buildCyclictestArgv({ ...profile, preset: 'quick', priority: 100 }), /priority must be a whole number from 1 to 99/);
    assert.throws(() => buildCyclictestArgv({ ...profile, preset: 'quick', intervalUs: 0 }), /interval/);
    assert.throws(() => buildCyclictestArgv({ ...profile, duration: 0 }), /duration \(s\)/);
    assert.throws(() => buildCyclictestArgv({ ...profile, duration: '1.5h' }), /whole numbers/);
    assert.throws(() => buildCyclictestArgv({ ...profile, preset: 'quick', jsonPath: 'ct.json' }), /must be absolute/);
    assert.throws(() => buildCyclictestArgv({ ...profile, preset: 'quick', jsonPath: '/run/a b.json' }), CyclictestCommandError);
    assert.throws(() => buildCyclictestArgv({ ...profile, preset: 'quick', jsonPath: '/run/a"b.json' }), /quotes/);
  });

  test('expectedCycles = duration / interval (1 h at 100 µs = 36 000 000)', () => {
    assert.equal(expectedCycles(3600, 100), 36_000_000);
    assert.equal(expectedCycles(2, 100), 20_000);
  });
});

describe('readCommandFacts', () => {
  test('the built argv reads back: CPUs, histogram size', () => {
    const facts = readCommandFacts(buildCyclictestArgv({ rtCores: '3-5,0', housekeepingCores: '1', preset: 'quick' }));
    assert.deepEqual(facts, { affinity: [0, 3, 4, 5], histogramSize: 400, nanoseconds: false });
    // cyclictest help: "-a 3-5,0 -t 5 will run the first and fifth threads on CPU (0), thread #2 on CPU 3 ..."
    assert.deepEqual([0, 1, 2, 3, 4].map((thread) => cpuForThread(facts, thread)), [0, 3, 4, 5, 0]);
  });

  test('long options, attached values and clustered flags', () => {
    assert.deepEqual(readCommandFacts('cyclictest --affinity=0,1 --histogram=50 --mainaffinity=0 --quiet'), {
      affinity: [0, 1], histogramSize: 50, nanoseconds: false,
    });
    assert.deepEqual(readCommandFacts('cyclictest -mNq -a2 -H50 -p 80'), { affinity: [2], histogramSize: 50, nanoseconds: true });
  });

  test('option values are not read as options; -a without a list or -S leaves the CPU unknown', () => {
    assert.deepEqual(readCommandFacts('cyclictest -i 100 -p 80 -a -t 2 -q').affinity, 'all');
    assert.equal(cpuForThread(readCommandFacts('cyclictest -S -p 80'), 0), null);
    assert.equal(readCommandFacts('cyclictest --mainaffinity 2,3 -q').affinity, null);
    assert.equal(cpuForThread(readCommandFacts('cyclictest -q'), 0), null);
  });
});
