import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { collectRun, recordTitle } from '../../../src/main/services/latency/collect';
import type { RunFiles } from '../../../src/main/services/latency/controller-ops';
import type { RunManifest } from '../../../src/main/services/latency/run-plan';

const own = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const shared = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'cyclictest', name), 'utf8');
const manifest = (): RunManifest => JSON.parse(own('lab-run-run.json')) as RunManifest;

function labFiles(extra: RunFiles = {}): RunFiles {
  return {
    state: 'finished\n',
    'ct.json': own('lab-run-ct.json'),
    'ct.out': own('lab-run-ct.out'),
    'ct.err': own('lab-run-ct.err'),
    'ct.exit': '0\n',
    'runner.log': own('lab-run-runner.log'),
    'rtla.exit': 'missing\n',
    ...extra,
  };
}

describe('collecting a run', () => {
  test('a finished lab run: JSON result, verdict with reasons, full series, raw output kept', () => {
    const { record, attachments } = collectRun({ manifest: manifest(), files: labFiles(), endedAt: '2026-11-26T13:07:05.000Z' });
    assert.equal(record.status, 'finished');
    assert.equal(record.result?.format, 'json');
    assert.equal(record.result?.cpus[0]?.cpu, 1);
    assert.equal(record.result?.cpus[0]?.max, 1201);
    assert.equal(record.verdict, 'fail');
    assert.ok(record.evaluation?.reasons.some((reason) => /idle max limit of 30/.test(reason)));
    assert.equal(record.durationS, 8);
    assert.equal(record.series.length, 9);
    assert.ok((record.series.at(-1)?.max[0] ?? 0) <= (record.result?.cpus[0]?.max ?? 0), 'a snapshot never exceeds the final maximum');
    assert.deepEqual(record.rtla, { command: 'taskset -c 0 rtla timerlat hist -c 1 -p 100 -P f:80 -d 8 -E 400 --dma-latency 0', status: 'skipped', reason: 'rtla is not installed on the controller' });
    assert.equal(record.error, null);
    assert.equal(record.cyclictestExit, 0);
    assert.deepEqual(Object.keys(attachments).sort(), ['cyclictest-stderr.txt', 'cyclictest.json', 'cyclictest.txt', 'runner.log']);
    assert.equal(recordTitle(record), 'Quick (idle) · max 1201 µs · fail');
  });

  test('without the JSON the histogram text gives the same numbers', () => {
    const files = labFiles();
    delete files['ct.json'];
    const { record } = collectRun({ manifest: manifest(), files, endedAt: 'x' });
    assert.equal(record.result?.format, 'histogram');
    assert.equal(record.result?.cpus[0]?.cpu, 1, 'CPU from the -a of the command');
    assert.equal(record.result?.cpus[0]?.samples, 79918);
    assert.equal(record.result?.cpus[0]?.max, 1201);
  });

  test('a cancelled run is judged on the time it ran', () => {
    const m = manifest();
    m.settings.durationS = 3600;
    const { record } = collectRun({ manifest: m, files: labFiles({ state: 'cancelled\n' }), endedAt: 'x' });
    assert.equal(record.status, 'cancelled');
    assert.ok(!record.evaluation?.reasons.some((reason) => /expected cycles/.test(reason)), record.evaluation?.reasons.join('; '));
    assert.equal(record.rtla.status, 'skipped');
  });

  test('no real-time scheduling: SUDO_REQUIRED with cyclictest’s own words', () => {
    const { record } = collectRun({
      manifest: manifest(),
      files: { state: 'failed\n', reason: 'cyclictest-exit: 1\n', 'ct.out': '', 'ct.err': shared('cyclictest-2.4-nonroot-error-rc1.txt'), 'ct.exit': '1\n' },
      endedAt: 'x',
    });
    assert.equal(record.result, null);
    assert.equal(record.verdict, 'error');
    assert.equal(record.error?.code, 'SUDO_REQUIRED');
    assert.match(record.error?.message ?? '', /real-time scheduling/);
  });

  test('a missing tool and an RT service that would not stop are reported as such', () => {
    const missing = collectRun({ manifest: manifest(), files: { state: 'failed\n', reason: 'tool-missing: cyclictest\n' }, endedAt: 'x' }).record;
    assert.equal(missing.error?.code, 'TOOL_MISSING');
    assert.match(missing.error?.hint ?? '', /rt-tests/);
    const stuck = collectRun({ manifest: manifest(), files: { state: 'failed\n', reason: 'rt-unit-still-active: mxrc-rt.service\n' }, endedAt: 'x' }).record;
    assert.match(stuck.error?.message ?? '', /mxrc-rt.service could not be stopped/);
  });

  test('a runner that vanished (state still "running") is a failed run, with whatever it measured', () => {
    const { record } = collectRun({ manifest: manifest(), files: { state: 'running\n', 'ct.err': own('lab-run-ct.err') }, endedAt: 'x', runnerLost: true });
    assert.equal(record.status, 'failed');
    assert.equal(record.verdict, 'error');
    assert.match(record.error?.message ?? '', /without finishing/);
    assert.equal(record.series.length, 9, 'the live series survives');
  });

  test('rtla: parsed when it ran, skipped with the reason when the kernel lacks the tracer', () => {
    const ok = collectRun({ manifest: manifest(), files: labFiles({ 'rtla.exit': '0\n', 'rtla.txt': shared('rtla-timerlat-hist-checklist-10.5.txt') }), endedAt: 'x' }).record;
    assert.equal(ok.rtla.status, 'ok');
    assert.equal(ok.rtla.result?.mode, 'hist');
    const noTracer = collectRun({ manifest: manifest(), files: labFiles({ 'rtla.exit': '1\n', 'rtla.txt': 'Tracer timerlat not found!\nFailed to enable the timerlat tracer\n' }), endedAt: 'x' }).record;
    assert.equal(noTracer.rtla.status, 'skipped');
    assert.match(noTracer.rtla.reason ?? '', /timerlat tracer/);
  });
});
