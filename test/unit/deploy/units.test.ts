import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { renderUnits } from '../../../src/main/services/deploy/services-deployer';
import { verifyRtProcess, describeRtFailure, rtMarkers } from '../../../src/shared/deploy/rt-verify';
import { describeExit, describeUnitFailure, parseSystemctlShow, unitVerdict } from '../../../src/shared/deploy/systemd-state';
import { renderTemplate, unifiedDiff } from '../../../src/shared/deploy/unit-template';
import type { UnitState } from '../../../src/shared/model/deploy';

const fixtures = join(import.meta.dirname, '../../fixtures/deploy/units');

describe('unit templates', () => {
  test('mxrc-rt, mxrc-nonrt and the seed webapi unit are filled from the profile', async () => {
    const units = await renderUnits({ rtCores: '2-3', housekeepingCores: '0,1' }, true);
    assert.deepEqual(units.map((u) => u.unit), ['mxrc-nonrt.service', 'mxrc-rt.service', 'mxrc-webapi-docker.service']);
    const rt = units[1]?.content ?? '';
    for (const line of ['ExecStart=/opt/mxrc/bin/mxrc-rt', 'CPUAffinity=2-3', 'CPUSchedulingPolicy=fifo', 'CPUSchedulingPriority=80', 'LimitMEMLOCK=infinity', 'LimitRTPRIO=99', 'Restart=on-failure']) {
      assert.match(rt, new RegExp(`^${line}$`, 'm'), line);
    }
    const nonrt = units[0]?.content ?? '';
    for (const line of ['CPUAffinity=0-1', 'RuntimeDirectory=mxrc', 'ExecStart=/opt/mxrc/bin/mxrc-nonrt']) assert.match(nonrt, new RegExp(`^${line}$`, 'm'), line);
    const webapi = units[2]?.content ?? '';
    assert.match(webapi, /^After=docker\.service mxrc-rt\.service mxrc-nonrt\.service$/m);
    assert.match(webapi, /^Requires=docker\.service mxrc-rt\.service$/m);
    assert.match(webapi, /^ExecStart=\/usr\/bin\/docker start mxrc-webapi$/m);
    for (const u of units) assert.doesNotMatch(u.content, /\{\{/);
  });

  test('the rendered units pass systemd-analyze verify the way a controller checks them', async (t) => {
    let analyze: string;
    try {
      analyze = execFileSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).trim();
    } catch {
      t.skip('systemd-analyze is not installed on this machine');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'mxrc-units-'));
    try {
      const units = await renderUnits({ rtCores: '1', housekeepingCores: '0', installDir: '/usr' }, false);
      // the binaries do not exist here: point ExecStart at one that does, everything else as rendered
      for (const u of units) writeFileSync(join(dir, u.unit), u.content.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/sleep infinity'));
      const out = execFileSync(analyze, ['verify', ...units.map((u) => u.unit)], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(out.trim(), '');
      // and the fixture with parse errors is refused by the same call (stderr, exit 0 — the tool treats output as failure)
      writeFileSync(join(dir, 'bad.service'), readFileSync(join(fixtures, 'mxrc-warn-parse-errors.service')));
      const bad = execFileSync('sh', ['-c', `${analyze} verify bad.service 2>&1; true`], { cwd: dir, encoding: 'utf8' });
      assert.match(bad, /Failed to parse CPU affinity|Unknown key 'Bogus'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('template values never break a unit line; every placeholder needs a value', () => {
    assert.equal(renderTemplate('A={{a}} B={{ b }}', { a: 1, b: 'x' }), 'A=1 B=x');
    assert.throws(() => renderTemplate('A={{a}}', {}), /needs values for: a/);
    assert.throws(() => renderTemplate('A={{a}}', { a: 'x\nExecStartPre=/bin/rm -rf /' }), /line break/);
  });

  test('unified diff against the installed unit', () => {
    const installed = readFileSync(join(fixtures, 'mxrc-rt-cpus-0-1.service'), 'utf8');
    const next = readFileSync(join(fixtures, 'mxrc-rt-isolated-2-3.service'), 'utf8');
    const diff = unifiedDiff(installed, next, { from: 'a', to: 'b' });
    assert.match(diff, /^--- a\n\+\+\+ b\n@@ -/);
    assert.match(diff, /^-ExecStart=\/usr\/bin\/cyclictest -m -p80 -t1 -a1 -i1000 -q$/m);
    assert.match(diff, /^\+ExecStart=\/usr\/bin\/cyclictest -m -p80 -t1 -a2 -i1000 -q$/m);
    assert.match(diff, /^-CPUAffinity=0,1$/m);
    assert.match(diff, /^\+CPUAffinity=2,3$/m);
    assert.equal(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).length, 4);
    assert.equal(unifiedDiff(installed, installed, { from: 'a', to: 'b' }), '');
    const fresh = unifiedDiff(null, 'x\ny\n', { from: 'a', to: 'b' });
    assert.equal(fresh, '--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  });
});

describe('systemd state', () => {
  const show = [
    'Id=mxrc-rt.service',
    'LoadState=loaded',
    'ActiveState=activating',
    'SubState=auto-restart',
    'UnitFileState=enabled',
    'MainPID=0',
    'ExecMainStatus=214',
    'ExecMainCode=1',
    'NRestarts=2',
    'Result=exit-code',
    '',
    'Id=mxrc-nonrt.service',
    'LoadState=loaded',
    'ActiveState=active',
    'SubState=running',
    'MainPID=4242',
    'ExecMainStatus=0',
    'ExecMainCode=0',
    'NRestarts=0',
    'Result=success',
  ].join('\n');

  test('systemctl show blocks → states, verdicts and the systemctl-status wording', () => {
    const [rt, nonrt] = parseSystemctlShow(show) as [UnitState, UnitState];
    assert.equal(rt.unit, 'mxrc-rt.service');
    assert.equal(unitVerdict(rt), 'failed');
    assert.equal(describeExit(rt), 'status=214/SETSCHEDULER');
    assert.match(describeUnitFailure(rt), /^mxrc-rt\.service: activating \(auto-restart\), status=214\/SETSCHEDULER — the kernel refused real-time scheduling.*, 2 restarts, result exit-code$/);
    assert.equal(nonrt.mainPid, 4242);
    assert.equal(unitVerdict(nonrt), 'running');
    assert.equal(describeExit({ execMainCode: 2, execMainStatus: 9 }), 'signal=9');
    assert.equal(describeExit({ execMainCode: 1, execMainStatus: 215 }), 'status=215/CPUAFFINITY');
    assert.equal(unitVerdict({ ...nonrt, loadState: 'not-found' }), 'failed');
    assert.equal(unitVerdict({ ...nonrt, activeState: 'activating', subState: 'start' }), 'pending');
  });
});

describe('RT process verification', () => {
  const output = (chrt: string, taskset: string, status: string) => [rtMarkers.chrt, chrt, rtMarkers.taskset, taskset, rtMarkers.status, status, rtMarkers.threads, '  4143 FF  80   1 cyclictest'].join('\n');
  const good = output(
    "pid 4143's current scheduling policy: SCHED_FIFO\npid 4143's current scheduling priority: 80",
    "pid 4143's current affinity list: 2,3",
    'Name:\tcyclictest\nVmLck:\t    2636 kB\nVmRSS:\t    2644 kB\nThreads:\t2\nCpus_allowed_list:\t2-3',
  );

  test('FIFO 80 on the RT cores with memory locked passes', () => {
    const result = verifyRtProcess('mxrc-rt.service', 4143, good, { rtCores: '2-3', priority: 80 });
    assert.equal(result.pass, true, describeRtFailure(result));
    assert.deepEqual(result.checks.map((c) => c.observed), ['SCHED_FIFO', '80', '2-3', 'VmLck 2636 kB, VmRSS 2644 kB']);
  });

  test('each deviation is named', () => {
    const other = output("pid 1's current scheduling policy: SCHED_OTHER\npid 1's current scheduling priority: 0", "pid 1's current affinity list: 0-3", 'VmLck:\t0 kB\nVmRSS:\t5000 kB');
    const result = verifyRtProcess('mxrc-rt.service', 1, other, { rtCores: '2,3', priority: 80 });
    assert.equal(result.pass, false);
    assert.equal(describeRtFailure(result), 'policy: expected SCHED_FIFO, found SCHED_OTHER; priority: expected 80, found 0; affinity: expected 2-3, found 0-3; memlock: expected VmLck ≥ 90 % of VmRSS, found VmLck 0 kB, VmRSS 5000 kB');
    const missing = verifyRtProcess('mxrc-rt.service', 1, 'chrt: failed', { rtCores: '2', priority: 80 });
    assert.ok(missing.checks.every((c) => !c.pass && c.observed === 'unknown'));
  });
});
