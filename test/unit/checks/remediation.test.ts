import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';

import { catalogue } from '../../../src/shared/checks/catalogue';
import { buildRemediationExport, SCRIPT_NAME } from '../../../src/shared/checks/remediation-script';
import { combine, GRUB_DROPIN, mergeContent, SYSCTL_FILE, SYSTEM_CONF_DROPIN, TMPFILES_FILE } from '../../../src/shared/checks/remedies';
import { edit, evaluate, tuned, tunedProfile, untuned, withProbes } from './helpers';

const untunedResults = () => catalogue.map((c) => evaluate(c.id, untuned(), tunedProfile));

describe('remedies', () => {
  test('command-line remedies of several checks merge into one GRUB drop-in', () => {
    const results = ['K03', 'K04', 'K05', 'K06', 'K11'].map((id) => evaluate(id, untuned(), tunedProfile));
    const merged = combine('x', ...results.map((r) => r.remediation));
    const grub = merged.files.find((f) => f.path === GRUB_DROPIN);
    assert.match(grub?.content ?? '', /^GRUB_CMDLINE_LINUX="\$GRUB_CMDLINE_LINUX isolcpus=managed_irq,domain,2-3 nohz_full=2-3 rcu_nocbs=2-3 irqaffinity=0-1 skew_tick=1"$/m);
    assert.equal(merged.reboot, true);
    assert.deepEqual(merged.steps.filter((s) => s === 'update-grub'), ['update-grub']);
  });

  test('remedies follow the profile (RT 4-7, housekeeping 0-3)', () => {
    const profile = { rtCores: '4-7', housekeepingCores: '0-3', ecatIf: 'enp3s0' };
    const k03 = evaluate('K03', untuned(), profile).remediation;
    assert.match(k03?.files[0]?.content ?? '', /isolcpus=managed_irq,domain,4-7/);
    assert.match(evaluate('K06', untuned(), profile).remediation?.files[0]?.content ?? '', /irqaffinity=0-3/);
    const s08 = evaluate('S08', edit(untuned(), 'workqueue', (w) => w.replace(/cpumask:f/g, 'cpumask:ff')), { ...profile, rtCores: '4-7' }).remediation;
    assert.match(s08?.files[0]?.content ?? '', /^w \/sys\/devices\/virtual\/workqueue\/cpumask - - - - f$/m);
    assert.match(evaluate('S09', withProbes(untuned(), { 'pid1-affinity': 'Cpus_allowed_list:\t0-7\n' }), profile).remediation?.files[0]?.content ?? '', /^\[Manager\]\nCPUAffinity=0 1 2 3$/m);
    assert.match(evaluate('I04', untuned(), profile).remediation?.files[0]?.content ?? '', /^IRQBALANCE_BANNED_CPULIST=4-7$/m);
  });

  test('deep idle states are disabled exactly where they are enabled', () => {
    const c06 = evaluate('C06', untuned(), tunedProfile).remediation;
    const lines = (c06?.files.find((f) => f.path === TMPFILES_FILE)?.content ?? '').split('\n').filter((l) => l.startsWith('w '));
    assert.deepEqual(lines, ['cpu2', 'cpu3'].flatMap((cpu) => ['state3', 'state4', 'state5'].map((s) => `w /sys/devices/system/cpu/${cpu}/cpuidle/${s}/disable - - - - 1`)));
  });

  test('the RT unit drop-in carries the profile values', () => {
    const noFifo = edit(tuned(), 'rt-process', (text) => text.replace(/ FF {6}80 /g, ' TS       - '));
    const s04 = evaluate('S04', noFifo, { ...tunedProfile, rtPrio: 85, rtUnit: 'robot-rt' });
    assert.equal(s04.verdict, 'fail');
    const dropIn = s04.remediation?.files[0];
    assert.equal(dropIn?.path, '/etc/systemd/system/robot-rt.service.d/60-mxrc.conf');
    assert.match(dropIn?.content ?? '', /^\[Service\]\nCPUAffinity=2 3\nCPUSchedulingPolicy=fifo\nCPUSchedulingPriority=85\nLimitMEMLOCK=infinity\nLimitRTPRIO=95$/m);
    assert.ok(s04.remediation?.steps.some((step) => /safe state/.test(step)));
  });

  test('merging settings: later values win, sections stay separate', () => {
    assert.equal(mergeContent('a = 1\nb = 2\n', 'b = 3\nc = 4\n'), 'a = 1\nb = 3\nc = 4\n');
    assert.equal(mergeContent('[Service]\nCPUAffinity=0 1\n', '[Service]\nLimitRTPRIO=90\n'), '[Service]\nCPUAffinity=0 1\nLimitRTPRIO=90\n');
    assert.equal(mergeContent('w /a - - - - 1\n', 'w /a - - - - 2\nw /b - - - - 3\n'), 'w /a - - - - 2\nw /b - - - - 3\n');
  });
});

describe('remediation export', () => {
  const exported = buildRemediationExport(untunedResults(), { hostname: 'mxrc-fresh', generatedAt: '2026-11-26T12:00:00Z' });

  test('one script plus the files it installs, only for warn/fail results', () => {
    const paths = exported.files.map((f) => f.path);
    for (const target of [GRUB_DROPIN, SYSCTL_FILE, TMPFILES_FILE, SYSTEM_CONF_DROPIN, '/etc/default/irqbalance', '/etc/systemd/system/docker.service.d/60-mxrc.conf']) {
      assert.ok(paths.includes(`files${target}`), target);
    }
    assert.ok(exported.addressed.every((a) => a.verdict === 'warn' || a.verdict === 'fail'));
    assert.ok(exported.addressed.some((a) => a.id === 'K03'));
    assert.equal(exported.reboot, true);
    const sysctl = exported.files.find((f) => f.path === `files${SYSCTL_FILE}`)?.content ?? '';
    assert.match(sysctl, /^kernel\.sched_rt_runtime_us = -1$/m);
    assert.match(sysctl, /^kernel\.timer_migration = 0$/m);
    assert.match(sysctl, /^kernel\.nmi_watchdog = 0$/m);
  });

  test('the script is reviewable POSIX sh: set -eu, backups, diff, confirmation, reboot question', () => {
    const script = exported.script;
    assert.equal(spawnSync('sh', ['-n'], { input: script }).status, 0);
    assert.match(script, /^set -eu$/m);
    assert.match(script, /mxrc-bak\.\$stamp/);
    assert.match(script, /diff -u/);
    assert.match(script, /Apply these changes\? \[y\/N\]/);
    assert.match(script, /Reboot now\? \[y\/N\]/);
    assert.match(script, /^# {3}K03 fail/m);
    // Kernel packages, BIOS and profile changes are listed for a person, never run.
    assert.doesNotMatch(script, /^pro attach$/m);
    assert.match(script, /^# {5}pro attach$/m);
    assert.match(script, /^# C02: Disable SMT in the BIOS/m);
  });

  function writeExport(): string {
    const dir = mkdtempSync(join(tmpdir(), 'mxrc-remediation-'));
    writeFileSync(join(dir, SCRIPT_NAME), exported.script);
    for (const file of exported.files) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
      chmodSync(join(dir, file.path), Number.parseInt(file.mode, 8));
    }
    return dir;
  }

  test('--dry-run shows every change and touches nothing', () => {
    const dir = writeExport();
    try {
      const run = spawnSync('sh', [join(dir, SCRIPT_NAME), '--dry-run'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /new file: \/etc\/sysctl\.d\/60-mxrc-rt\.conf\n(\+ .*\n)*\+ kernel\.sched_rt_runtime_us = -1\n/);
      assert.match(run.stdout, /== Commands that will run after the files are installed\n[\s\S]*update-grub/);
      assert.match(run.stdout, /Dry run: nothing changed\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('answering no changes nothing', { skip: process.getuid?.() !== 0 ? 'needs root to get past the root check' : false }, () => {
    const dir = writeExport();
    try {
      const run = spawnSync('sh', [join(dir, SCRIPT_NAME)], { encoding: 'utf8', input: 'n\n' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Nothing changed\./);
      assert.doesNotMatch(run.stdout, /installed:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('nothing to do: a tuned host exports an empty script', () => {
    const empty = buildRemediationExport([], { generatedAt: 'now' });
    assert.equal(empty.files.length, 0);
    assert.match(empty.script, /\(nothing to change\)/);
    assert.equal(spawnSync('sh', ['-n'], { input: empty.script }).status, 0);
  });
});

describe('remediation writer', () => {
  test('writes the script and the files for review, nowhere else', async () => {
    const { writeRemediationExport } = await import('../../../src/main/services/checks/remediation-writer');
    const { readFileSync, statSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'mxrc-export-'));
    try {
      const exported = buildRemediationExport(untunedResults(), { generatedAt: 'now' });
      const written = await writeRemediationExport(dir, exported);
      assert.equal(written.length, exported.files.length + 1);
      assert.equal(readFileSync(join(dir, SCRIPT_NAME), 'utf8'), exported.script);
      assert.ok((statSync(join(dir, SCRIPT_NAME)).mode & 0o100) !== 0);
      assert.match(readFileSync(join(dir, 'files/etc/sysctl.d/60-mxrc-rt.conf'), 'utf8'), /kernel\.sched_rt_runtime_us = -1/);
      await assert.rejects(writeRemediationExport(dir, { ...exported, files: [{ path: '../escape', content: 'x', mode: '0644' }] }), /outside the export directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
