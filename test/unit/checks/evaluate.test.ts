import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { catalogue } from '../../../src/shared/checks/catalogue';
import type { CheckDefinition } from '../../../src/shared/checks/definition';
import { checkResultJson, classifyOutput, controllerFacts, evaluateCheck } from '../../../src/shared/checks/evaluate';
import { checkProfileFromController, checkProfileSchema, resolveProfile } from '../../../src/shared/checks/model';
import * as P from '../../../src/shared/checks/probes';
import { evaluate, readFixture, tuned, tunedProfile, untuned, withProbes } from './helpers';

const raw = { command: 'x', stdout: '', stderr: '', exitCode: 0 };

describe('evaluation framework', () => {
  test('a sudo refusal on a required probe skips with "needs sudo" and a way forward', () => {
    const result = evaluate('B01', untuned(), tunedProfile);
    assert.equal(result.verdict, 'skip');
    assert.equal(result.skipReason, 'needs sudo');
    assert.match(result.summary, /^needs sudo: smi-count/);
    assert.ok(result.remediation?.steps.some((s) => s.includes('collect.sh')));
    assert.equal(result.evidence[0]?.stderr, 'sudo: a password is required\n');
  });

  test('a refused optional probe does not skip the check', () => {
    const result = evaluate('C07', untuned(), tunedProfile);
    assert.equal(result.verdict, 'warn');
    assert.match(result.summary, /descriptor check needs sudo/);
  });

  test('missing evidence, timeouts and evaluator crashes are errors, not verdicts', () => {
    const noCmdline = new Map(tuned());
    noCmdline.delete('proc-cmdline');
    assert.match(evaluate('K03', noCmdline).summary, /no evidence from proc-cmdline/);
    const timedOut = withProbes(tuned(), { swap: { status: 'timeout', exitCode: null, message: 'The command did not finish within 15 s.' } });
    const result = evaluate('M01', timedOut);
    assert.equal(result.verdict, 'error');
    assert.match(result.summary, /timed out: The command did not finish within 15 s/);
    const broken: CheckDefinition = { id: 'X01', slug: 'x', title: 'x', group: 'kernel', probes: [P.swap], why: 'test', evaluate: () => { throw new Error('boom'); } };
    const crash = evaluateCheck(broken, tuned(), resolveProfile(checkProfileSchema.parse({})));
    assert.equal(crash.verdict, 'error');
    assert.match(crash.summary, /could not interpret the output: boom/);
  });

  test('evidence is kept verbatim, once per probe', () => {
    const result = evaluate('K03', tuned(), tunedProfile);
    assert.deepEqual(result.evidence.map((e) => e.stdout), [tuned().get('proc-cmdline')?.stdout, '2-3\n', '0-3\n0-3\n']);
  });

  test('classifying outputs: sudo refusal, root-only without root, denied user output', () => {
    assert.equal(classifyOutput(P.uname, { ...raw, stderr: 'sudo: a password is required\n', exitCode: 1 }, true).status, 'needs-sudo');
    assert.equal(classifyOutput(P.smiCount, raw, false).status, 'needs-sudo');
    assert.equal(classifyOutput(P.smiCount, raw, true).status, 'ok');
    const denied = { ...raw, stderr: 'Hint: You are currently not seeing messages from other users and the system.\n' };
    assert.equal(classifyOutput(P.kernelLog, denied, false).status, 'needs-sudo');
    assert.equal(classifyOutput(P.kernelLog, denied, true).status, 'ok');
  });

  test('the CLI --json shape', () => {
    const json = checkResultJson(evaluate('K03', tuned(), tunedProfile));
    assert.deepEqual(Object.keys(json), ['id', 'title', 'group', 'verdict', 'summary', 'evidence', 'remediation']);
    assert.deepEqual(Object.keys((json.evidence as object[])[0] ?? {}), ['command', 'stdout', 'stderr', 'exitCode']);
    const warn = checkResultJson(evaluate('K11', untuned(), tunedProfile));
    assert.ok('why' in warn && warn.remediation);
  });

  test('every check decides on both fixture hosts without an error', () => {
    for (const evidence of [tuned(), untuned()]) {
      for (const check of catalogue) {
        const result = evaluate(check.id, evidence, tunedProfile);
        assert.notEqual(result.verdict, 'error', `${check.id}: ${result.summary}`);
      }
    }
  });

  test('real sysfs strings of the Debian VM (sysfs-values fixture) are read the same way', () => {
    const values = new Map(
      readFixture('sysfs-values-debian12-vm.txt')
        .split('|\n')
        .filter((l) => l.includes(': '))
        .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)] as const),
    );
    const get = (path: string): string => values.get(path) ?? '';
    const evidence = withProbes(tuned(), {
      thp: ['/sys/kernel/mm/transparent_hugepage/enabled', '/sys/kernel/mm/transparent_hugepage/defrag'].map((p) => `${p}:${get(p)}\n`).join('') + '/sys/kernel/mm/ksm/run:0\n',
      'cpu-nohz_full': { stdout: '', stderr: `${get('/sys/devices/system/cpu/nohz_full')}\n`, exitCode: 1 },
      'cpu-isolated': `${get('/sys/devices/system/cpu/isolated')}\n`,
      'irq-default': `${get('/proc/irq/default_smp_affinity')}\n`,
      clocksource: `${get('/sys/devices/system/clocksource/clocksource0/current_clocksource')}\n${get('/sys/devices/system/clocksource/clocksource0/available_clocksource')}\n`,
    });
    assert.match(evaluate('M02', evidence, tunedProfile).summary, /THP madvise \(defrag madvise\)/);
    assert.match(evaluate('K04', evidence, tunedProfile).summary, /sysfs nohz_full is missing/);
    assert.match(evaluate('K03', evidence, tunedProfile).summary, /isolated=none/);
    assert.match(evaluate('K06', evidence, tunedProfile).summary, /default_smp_affinity=3 \(CPUs 0-1\)/);
    assert.match(evaluate('T01', evidence, tunedProfile).summary, /current_clocksource=tsc \(available: tsc kvm-clock\)/);
  });

  test('controller facts from the fact probes', () => {
    assert.deepEqual(controllerFacts(tuned()), {
      kernelRelease: '6.8.1-1015-realtime',
      kernelVersion: '#16-Ubuntu SMP PREEMPT_RT Mon Jan 20 10:24:42 UTC 2025',
      hostname: 'mxrc-cell7',
    });
  });
});

describe('check profile', () => {
  test('defaults follow the reference', () => {
    const profile = checkProfileSchema.parse({});
    assert.equal(profile.rtCores, '2,3');
    assert.equal(profile.housekeepingCores, '0,1');
    assert.equal(profile.rtPrio, 80);
    assert.equal(profile.cycleUs, 100);
    assert.equal(profile.thresholds.cstatePassUs, 2);
    assert.equal(profile.ecatIf, undefined);
    const resolved = resolveProfile(profile);
    assert.deepEqual([resolved.rtList, resolved.hkList, resolved.hkMask, resolved.rtSpaced], ['2-3', '0-1', '3', '2 3']);
  });

  test('the CLI profile file: cores and threshold overrides, the rest defaulted', () => {
    const profile = checkProfileSchema.parse({ rtCores: '4-7', housekeepingCores: '0-3', thresholds: { cstatePassUs: 5 }, ecatIf: '' });
    assert.equal(profile.thresholds.cstatePassUs, 5);
    assert.equal(profile.thresholds.cstateFailUs, 20);
    assert.equal(profile.ecatIf, undefined);
    assert.equal(resolveProfile(profile).hkMask, 'f');
  });

  test('overlapping cores, housekeeping without CPU 0 and unsafe names are refused', () => {
    assert.throws(() => checkProfileSchema.parse({ rtCores: '1-2', housekeepingCores: '0,1' }), /must not overlap/);
    assert.throws(() => checkProfileSchema.parse({ rtCores: '0', housekeepingCores: '1' }), /must include CPU 0/);
    assert.throws(() => checkProfileSchema.parse({ rtUnit: 'x; rm -rf /' }), /systemd unit name/);
    assert.throws(() => checkProfileSchema.parse({ ecatIf: 'eth0 x' }), /interface name/);
  });

  test('a stored controller profile maps onto the check profile', () => {
    const profile = checkProfileFromController({ rtCores: '1', housekeepingCores: '0', rtUnit: 'cyclictest' });
    assert.equal(profile.rtUnit, 'cyclictest');
    assert.equal(profile.ipcUnit, 'mxrc-ipc.service');
  });
});
