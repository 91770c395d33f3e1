import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { allProbes, catalogue, catalogueVersion, selectChecks } from '../../../src/shared/checks/catalogue';
import { checkGroups } from '../../../src/shared/checks/model';
import { cpuCases } from './cpu.cases';
import { dockerCases } from './docker.cases';
import { interruptCases } from './interrupt.cases';
import { kernelCases } from './kernel.cases';
import { memoryCases } from './memory.cases';
import { schedulerCases } from './scheduler.cases';
import { platformCases, timeCases } from './time-platform.cases';

const allCases = [...kernelCases, ...cpuCases, ...schedulerCases, ...interruptCases, ...memoryCases, ...timeCases, ...platformCases, ...dockerCases];
/** INFO-level checks of the reference: they only ever pass, recording values. */
const infoOnly = new Set(['K08', 'K12', 'B02']);

describe('catalogue', () => {
  test('every check of rt-checklist.md except L* is present, ids unique', () => {
    const expected = [
      ...Array.from({ length: 13 }, (_, i) => `K${String(i + 1).padStart(2, '0')}`),
      ...Array.from({ length: 7 }, (_, i) => `C0${i + 1}`),
      ...Array.from({ length: 9 }, (_, i) => `S0${i + 1}`),
      'I02', 'I03', 'I04', 'I05', 'I06',
      'M01', 'M02', 'M03', 'M04', 'M05',
      'T01', 'T03', 'T04',
      'B01', 'B02',
      'D01', 'D02', 'D03', 'D04', 'D05', 'D06', 'D07',
    ];
    assert.deepEqual(catalogue.map((c) => c.id), expected);
    assert.equal(new Set(catalogue.map((c) => c.slug)).size, catalogue.length);
    for (const check of catalogue) {
      assert.ok(checkGroups.includes(check.group), check.id);
      assert.ok(check.why.length > 30, `${check.id} explains why it matters`);
      assert.ok(check.probes.length > 0, `${check.id} has probes`);
    }
  });

  test('aliases resolve: I01 is K06, T02 is K09; unknown ids are refused', () => {
    assert.deepEqual(selectChecks(['I01']).map((c) => c.id), ['K06']);
    assert.deepEqual(selectChecks(['t02', 'C04']).map((c) => c.id), ['K09', 'C04']);
    assert.equal(selectChecks().length, catalogue.length);
    assert.throws(() => selectChecks(['L01']), /unknown check id L01/);
  });

  test('probes are shared by id and their text carries no profile values', () => {
    const probes = allProbes();
    assert.equal(new Set(probes.map((p) => p.id)).size, probes.length);
    assert.equal(probes.filter((p) => p.id === 'proc-cmdline').length, 1);
    for (const probe of probes) {
      assert.doesNotMatch(probe.command, /mxrc-rt\.service|mxrc-ipc|mxrc-webapi|enp\d|taskset|sudo/, probe.id);
      assert.doesNotMatch(probe.command, /cpu\{|cpu2|cpu3|2-3|2,3/, `${probe.id} reads every CPU`);
    }
    assert.ok(probes.filter((p) => p.root).map((p) => p.id).sort().join(',') === 'fair-server,rt-fds,smi-count');
    assert.deepEqual(probes.filter((p) => p.sampling).map((p) => p.id).sort(), ['interrupts-10s', 'rt-process-10s', 'smi-count']);
    assert.match(catalogueVersion(), /^[0-9a-f]{8}$/);
  });

  test('every check has a pass case and, unless INFO-only, a warn or fail case', () => {
    for (const check of catalogue) {
      const verdicts = new Set(allCases.filter((c) => c.id === check.id).map((c) => c.verdict));
      assert.ok(verdicts.has('pass'), `${check.id} has a pass case`);
      if (!infoOnly.has(check.id)) assert.ok(verdicts.has('warn') || verdicts.has('fail'), `${check.id} has a warn or fail case`);
    }
  });
});
