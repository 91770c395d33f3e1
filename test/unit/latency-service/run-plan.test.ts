import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { AppError } from '../../../src/shared/errors';
import { latencyStartSchema } from '../../../src/shared/model/latency';
import { newRunId, planRun, resolveSettings, runConf, type LatencyDefaults, type LatencyRunOptions } from '../../../src/main/services/latency/run-plan';

const defaults: LatencyDefaults = { rtCores: '2-3', housekeepingCores: '0,1', rtUnit: 'mxrc-rt.service' };
const options = (extra: Partial<LatencyRunOptions> = {}): LatencyRunOptions => ({
  preset: 'quick',
  defaultSystem: false,
  rtla: true,
  stopRtService: false,
  ...extra,
});

describe('latency settings from the request and the profile', () => {
  test('quick: 60 s idle at the RT cycle, priority 80, histogram 400, idle thresholds', () => {
    const settings = resolveSettings(options(), defaults);
    assert.equal(settings.durationS, 60);
    assert.equal(settings.load, false);
    assert.equal(settings.kind, 'idle');
    assert.equal(settings.intervalUs, 100);
    assert.equal(settings.priority, 80);
    assert.equal(settings.histogramUs, 400);
    assert.equal(settings.rtCores, '2-3');
    assert.deepEqual(settings.thresholds.idleMax, { passUs: 20, warnUs: 30 });
    assert.equal(settings.maxIncreasePct, 5);
    assert.equal(settings.spreadTolerancePct, 20);
  });

  test('acceptance: 1 h under load; a duration overrides the preset', () => {
    const settings = resolveSettings(options({ preset: 'acceptance' }), defaults);
    assert.deepEqual([settings.durationS, settings.load, settings.kind], [3600, true, 'loaded']);
    assert.equal(resolveSettings(options({ preset: 'acceptance', durationS: 600 }), defaults).durationS, 600);
  });

  test('custom needs a duration; interval defaults to the profile cycle; thresholds scale and can be overridden', () => {
    assert.throws(() => resolveSettings(options({ preset: 'custom' }), defaults), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT');
    const settings = resolveSettings(options({ preset: 'custom', durationS: 30 }), {
      ...defaults,
      cycleUs: 250,
      rtPrio: 90,
      latency: { thresholds: { avg: { passUs: 8, warnUs: 12 } }, maxIncreasePct: 3 },
    });
    assert.equal(settings.intervalUs, 250);
    assert.equal(settings.priority, 90);
    assert.deepEqual(settings.thresholds.loadedMax, { passUs: 75, warnUs: 125 });
    assert.deepEqual(settings.thresholds.avg, { passUs: 8, warnUs: 12 });
    assert.equal(settings.maxIncreasePct, 3);
    const overridden = resolveSettings(options({ preset: 'custom', durationS: 30, thresholds: { avg: { passUs: 6, warnUs: 9 } } }), { ...defaults, latency: { thresholds: { avg: { passUs: 8, warnUs: 12 } } } });
    assert.deepEqual(overridden.thresholds.avg, { passUs: 6, warnUs: 9 }, 'the request wins over the profile');
  });

  test('overlapping cores are refused', () => {
    assert.throws(() => resolveSettings(options({ rtCores: '1', housekeepingCores: '0-1' }), defaults), /overlap/);
  });

  test('the request schema demands the safe-state confirmation', () => {
    assert.equal(latencyStartSchema.safeParse({ controllerId: 'c1' }).success, false);
    assert.equal(latencyStartSchema.safeParse({ controllerId: 'c1', safeStateConfirmed: false }).success, false);
    const parsed = latencyStartSchema.parse({ controllerId: 'c1', safeStateConfirmed: true });
    assert.deepEqual([parsed.preset, parsed.stopRtService, parsed.baseline, parsed.launcher], ['quick', false, 'marked', 'auto']);
  });
});

describe('the run plan', () => {
  test('the checklist L02 acceptance command line, derived from the profile', () => {
    const plan = planRun('20261126-120000-abcdef', resolveSettings(options({ preset: 'acceptance' }), defaults));
    assert.equal(plan.runDir, '/var/lib/mxrc-commissioning/runs/20261126-120000-abcdef');
    assert.equal(plan.unit, 'mxrc-latency-20261126-120000-abcdef.service');
    assert.equal(
      plan.cyclictestArgv.join(' '),
      'cyclictest -m -p80 -a 2,3 -t 2 --mainaffinity=0,1 -i 100 -d 0 -h 400 -D 1h -q --json=/var/lib/mxrc-commissioning/runs/20261126-120000-abcdef/ct.json',
    );
    assert.ok(plan.loadArgv);
    assert.deepEqual(plan.loadArgv.slice(0, 5), ['taskset', '-c', '0-1', 'stress-ng', '--cpu']);
    assert.ok(plan.loadArgv.includes('--taskset'));
    assert.equal(plan.loadArgv[plan.loadArgv.indexOf('--timeout') + 1], `${3600 + 600 + 60}s`);
    assert.equal(plan.rtlaSeconds, 600);
    assert.equal(plan.rtlaArgv?.join(' '), 'taskset -c 0-1 rtla timerlat hist -c 2-3 -p 100 -P f:80 -d 10m -E 400 --dma-latency 0');
  });

  test('quick without rtla has neither load nor rtla; --default-system reaches both tools', () => {
    const plan = planRun('r1', resolveSettings(options({ rtla: false, defaultSystem: true }), defaults));
    assert.equal(plan.loadArgv, null);
    assert.equal(plan.rtlaArgv, null);
    assert.ok(plan.cyclictestArgv.includes('--default-system'));
    const withRtla = planRun('r2', resolveSettings(options({ defaultSystem: true }), defaults));
    assert.ok(!withRtla.rtlaArgv?.includes('--dma-latency'));
  });

  test('run ids sort by time and are unique', () => {
    const at = new Date('2026-11-26T13:05:01.123Z');
    const a = newRunId(at);
    assert.match(a, /^20261126-130501-[0-9a-f]{6}$/);
    assert.notEqual(a, newRunId(at));
  });

  test('run.conf defines exactly the planned argv when sourced by sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxrc-conf-'));
    try {
      const plan = planRun('r3', resolveSettings(options({ preset: 'acceptance', note: "it's a 'test'" }), { ...defaults, rtUnit: 'mxrc rt;rm -rf.service' }));
      writeFileSync(join(dir, 'run.conf'), runConf(plan, 'mxrc rt;rm -rf.service'));
      const echo = join(dir, 'bin');
      execFileSync('mkdir', ['-p', echo]);
      for (const tool of ['cyclictest', 'taskset']) {
        writeFileSync(join(echo, tool), `#!/bin/sh\nfor a in ${tool} "$@"; do printf '%s\\n' "$a"; done\n`);
        chmodSync(join(echo, tool), 0o755);
      }
      const run = (fn: string): string[] =>
        execFileSync('sh', ['-c', `. ./run.conf && ${fn}`], { cwd: dir, env: { PATH: `${echo}:/usr/bin:/bin` } }).toString().trim().split('\n');
      assert.deepEqual(run('run_cyclictest'), plan.cyclictestArgv);
      assert.deepEqual(run('run_load'), plan.loadArgv);
      assert.deepEqual(run('run_rtla -H 0-1'), [...(plan.rtlaArgv ?? []), '-H', '0-1']);
      const vars = execFileSync('sh', ['-c', '. ./run.conf && printf "%s|%s|%s|%s|%s" "$THREADS" "$DURATION_S" "$LOAD" "$RTLA" "$RT_UNIT"'], { cwd: dir }).toString();
      assert.equal(vars, '2|3600|1|1|mxrc rt;rm -rf.service');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
