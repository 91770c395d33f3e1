import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { readCheckProfile } from '../../../src/main/cli/commands/check-command';
import { changeKind, compareResults } from '../../../src/main/services/checks/compare-runs';
import { stagedContent, targetOf } from '../../../src/main/services/checks/remediation-preview';
import type { CheckResult } from '../../../src/shared/checks/model';
import { AppError } from '../../../src/shared/errors';
import { onHousekeeping, withSudo } from '../../../src/shared/remote-command';
import { readableCommand } from '../../../src/renderer/src/features/checks/checks-format';

const result = (id: string, verdict: CheckResult['verdict'], summary = 's'): CheckResult => ({ id, slug: id, title: id, group: 'kernel', verdict, summary, evidence: [], remediation: null });

describe('re-verify comparison', () => {
  test('kinds: fixed, improved, regressed, changed, same', () => {
    assert.equal(changeKind('fail', 'pass', false), 'fixed');
    assert.equal(changeKind('warn', 'pass', false), 'fixed');
    assert.equal(changeKind('fail', 'warn', false), 'improved');
    assert.equal(changeKind('warn', 'fail', false), 'regressed');
    assert.equal(changeKind('pass', 'warn', false), 'regressed');
    assert.equal(changeKind('pass', 'error', false), 'regressed');
    // A skip or an error says nothing about the host getting better or worse.
    assert.equal(changeKind('fail', 'skip', false), 'changed');
    assert.equal(changeKind('error', 'fail', false), 'changed');
    assert.equal(changeKind('fail', 'fail', true), 'same');
    assert.equal(changeKind('fail', 'fail', false), 'changed');
  });

  test('every check of either run, in catalogue order, with counts', () => {
    const { changes, counts } = compareResults([result('K03', 'fail'), result('K01', 'fail'), result('M01', 'warn')], [result('K01', 'pass'), result('K03', 'fail'), result('S01', 'warn')]);
    assert.deepEqual(changes.map((c) => [c.id, c.kind]), [['K01', 'fixed'], ['K03', 'same'], ['S01', 'new'], ['M01', 'gone']]);
    assert.equal(counts.fixed, 1);
    assert.equal(counts.new, 1);
    assert.equal(counts.gone, 1);
  });
});

describe('remediation preview', () => {
  test("set-keys keeps the file and replaces only the keys, like the script's stage()", () => {
    const current = '# defaults\n#IRQBALANCE_BANNED_CPULIST=\nIRQBALANCE_BANNED_CPULIST=1\n  IRQBALANCE_ONESHOT=1\n';
    assert.equal(stagedContent(current, { content: 'IRQBALANCE_BANNED_CPULIST=2-3\n', merge: 'set-keys' }), '# defaults\n#IRQBALANCE_BANNED_CPULIST=\n  IRQBALANCE_ONESHOT=1\nIRQBALANCE_BANNED_CPULIST=2-3\n');
    assert.equal(stagedContent(null, { content: 'A=1\n', merge: 'set-keys' }), 'A=1\n');
    assert.equal(stagedContent('old\n', { content: 'new\n', merge: 'replace' }), 'new\n');
    assert.equal(targetOf('files/etc/sysctl.d/60-mxrc-rt.conf'), '/etc/sysctl.d/60-mxrc-rt.conf');
  });
});

describe('evidence shown to a person', () => {
  const env = "export RT_UNIT=mxrc-rt.service IPC_UNIT=mxrc-ipc.service WEBAPI=mxrc-webapi ECAT_IF='' HEALTH_URL=x; PATH=\"$PATH:/usr/sbin:/sbin\"; export PATH\n";
  test('the command without the pinning and environment wrapper', () => {
    assert.equal(readableCommand(onHousekeeping(`${env}cat /proc/cmdline`, '0,1')), 'cat /proc/cmdline');
    assert.equal(readableCommand(onHousekeeping(`${env}grep -E '^(a|b)' /etc/x`, '0')), "grep -E '^(a|b)' /etc/x");
    assert.equal(readableCommand(onHousekeeping(withSudo(`${env}journalctl -k -b | grep 'RT throttling'`), '0,1')), "sudo journalctl -k -b | grep 'RT throttling'");
    assert.equal(readableCommand('cat /proc/swaps'), 'cat /proc/swaps', 'bundle evidence is already plain');
  });
});

describe('check --profile FILE', () => {
  test('validated field by field; the error names the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxrc-profile-'));
    try {
      const file = join(dir, 'p.json');
      writeFileSync(file, JSON.stringify({ rtCores: '4-7', housekeepingCores: '0-3', thresholds: { cstatePassUs: 5 } }));
      const profile = await readCheckProfile(file);
      assert.equal(profile.rtCores, '4-7');
      assert.equal(profile.thresholds.cstatePassUs, 5);
      assert.equal(profile.thresholds.cstateFailUs, 20, 'other thresholds keep their defaults');
      assert.equal((await readCheckProfile(undefined)).rtCores, '2,3');

      writeFileSync(file, JSON.stringify({ rtCores: '2,3', housekeepingCores: '0,1', rtPrio: 120 }));
      await assert.rejects(readCheckProfile(file), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /rtPrio: /.test(e.message));
      writeFileSync(file, JSON.stringify({ rtCores: '0,1', housekeepingCores: '0,1' }));
      await assert.rejects(readCheckProfile(file), (e: unknown) => e instanceof AppError && /rtCores: RT and housekeeping cores must not overlap/.test(e.message));
      await assert.rejects(readCheckProfile(join(dir, 'missing.json')), (e: unknown) => e instanceof AppError && /cannot be read \(ENOENT\)/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
