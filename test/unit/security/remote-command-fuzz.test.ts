/**
 * Remote command safety, end to end: hostile strings go into every field that reaches a command on the
 * controller, through the real services and builders (a recording RemoteHost captures the command strings), and
 * each recorded string is then run by a real `sh -c` in a sandbox of recording stubs. The value must arrive at
 * its program as exactly one argument, unchanged, and nothing else may run (no stray call, no canary file).
 * Fields that validation refuses instead are covered in input-validation.test.ts.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { CheckRunner } from '../../../src/main/services/checks/check-runner';
import { readCurrentFiles } from '../../../src/main/services/checks/remediation-preview';
import { remoteRunner } from '../../../src/main/services/deploy/remote';
import { journalTail, restoreFromBackup, unitStates } from '../../../src/main/services/deploy/services-deployer';
import { LatencyControllerOps } from '../../../src/main/services/latency/controller-ops';
import { planRun, resolveSettings, runConf } from '../../../src/main/services/latency/run-plan';
import { runnerScriptPath } from '../../../src/main/services/latency/runner-script';
import { startJournalReader } from '../../../src/main/services/logs/journal-reader';
import { allProbes } from '../../../src/shared/checks/catalogue';
import type { CheckProfile } from '../../../src/shared/checks/model';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import { envPrefix } from '../../../src/shared/checks/probe-env';
import { journalQueryFor } from '../../../src/shared/logs/journal-command';
import type { JournalSource } from '../../../src/shared/model/logs';
import { onHousekeeping, withSudo } from '../../../src/shared/remote-command';
import type { RecordedCommand } from '../../support/recording-host';
import { RecordingHost } from '../../support/recording-host';
import { fuzzSeed, hostileValues } from './hostile-values';
import type { ArgExpectation } from './literal-arguments';
import { expectLiteral, inParallel } from './literal-arguments';
import { ShellSandbox } from './shell-sandbox';

const values = hostileValues(16);
const hk = '0';
const parallel = 4;

let sandbox: ShellSandbox | null = null;
let skipReason = '';

before(() => {
  console.log(`# remote-command fuzz: ${values.length} hostile values (seed ${fuzzSeed}; replay with MXRC_FUZZ_SEED=${fuzzSeed})`);
  const created = ShellSandbox.create();
  if (typeof created === 'string') {
    skipReason = created;
    console.log(`# SKIP remote-command fuzz: ${skipReason}`);
  } else sandbox = created;
});
after(() => sandbox?.dispose());

/** The sandbox, or a skip with the reason printed. */
function box(t: { skip(reason: string): void }): ShellSandbox | null {
  if (!sandbox) t.skip(skipReason);
  return sandbox;
}

/** Recorded commands as one script, one complete command line each (how they were sent, one after another). */
function batch(commands: readonly RecordedCommand[], expected: number): string {
  assert.equal(commands.length, expected, `expected ${expected} commands, got ${commands.length}`);
  return commands.map((c) => c.command).join('\n');
}

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `expected exactly one ${what}, got ${items.length}`);
  return items[0] as T;
}

// ---------------------------------------------------------------------------------------------------------

describe('logs: journalctl readers', () => {
  test('unit (-u), identifier (-t), grep, since and until: every hostile value is one literal journalctl argument (through sudo and the core pinning)', async (t) => {
    const shell = box(t);
    if (!shell) return;
    await inParallel(values, parallel, async (value, i) => {
      // Each reader carries five different values, rotated so every value passes through every field.
      const [unit, identifier, grep, since, until] = [0, 1, 2, 3, 4].map((k) => values[(i + k) % values.length] ?? '') as [string, string, string, string, string];
      const source: JournalSource = { kind: 'journal', boot: 'current', unit, identifier, grep, since, until };
      const host = new RecordingHost();
      const reader = await startJournalReader(host, hk, journalQueryFor(source, { follow: true, backlog: 100 }), { line: () => undefined, note: () => undefined });
      await reader.ended;
      const spawned = only(host.commands.filter((c) => c.kind === 'spawn'), 'spawned reader');
      assert.match(spawned.command, /^taskset -c 0 nice -n 10 sh -c 'sudo -n sh -c /, 'pinned, then sudo');
      // The reader stops journalctl when its stdin closes: keep it open until the script ends by itself.
      await expectLiteral(shell, spawned.command, value, [
        { program: 'journalctl', value: unit, after: '-u' },
        { program: 'journalctl', value: identifier, after: '-t' },
        { program: 'journalctl', value: grep, arg: (v) => `--grep=${v}` },
        { program: 'journalctl', value: since, arg: (v) => `--since=${v}` },
        { program: 'journalctl', value: until, arg: (v) => `--until=${v}` },
      ], { holdStdin: true });
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('deploy: native services commands', () => {
  test('journal tail and unit state of any unit name', async (t) => {
    const shell = box(t);
    if (!shell) return;
    await inParallel(values, parallel, async (value) => {
      const host = new RecordingHost({ respond: () => ({ stdout: '' }) });
      const runner = remoteRunner(host, hk);
      await journalTail(runner, value);
      await unitStates(runner, [value, 'mxrc-rt.service']);
      // Several recorded commands run as one script: each is one complete command line, as sent.
      await expectLiteral(shell, batch(host.commands, 2), value, [{ program: 'journalctl', after: '-u' }, { program: 'systemctl', after: 'show' }]);
    });
  });

  test('rollback from a backup manifest the controller wrote (unit names, keys and paths)', async (t) => {
    const shell = box(t);
    if (!shell) return;
    const backupDir = '/opt/mxrc/.rollback/0a1b2c3d';
    await inParallel(values, parallel, async (value) => {
      const host = new RecordingHost();
      const problems = await restoreFromBackup(remoteRunner(host, hk), backupDir, {
        files: [
          { key: value, path: `/work/${value}`, present: true },
          { key: 'absent', path: value, present: false },
        ],
        units: [{ unit: value, enabled: 'enabled', active: 'inactive' }],
      });
      assert.deepEqual(problems, []);
      const restore = only(host.commands, 'restore script');
      await expectLiteral(shell, restore.command, value, [
        { program: 'systemctl', after: 'stop' },
        { program: 'cp', arg: (v) => `${backupDir}/${v}` },
        { program: 'rm', after: '-f' },
        { program: 'systemctl', after: 'enable' },
        { program: 'systemctl', after: 'reset-failed' },
      ]);
    });
  });

  test('remediation preview reads any target path with cat --', async (t) => {
    const shell = box(t);
    if (!shell) return;
    await inParallel(values, parallel, async (value) => {
      const host = new RecordingHost();
      await readCurrentFiles(host, [value], hk);
      await expectLiteral(shell, only(host.commands, 'cat').command, value, [{ program: 'cat', after: '--' }]);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('latency: controller operations', () => {
  const runDir = '/var/lib/mxrc-commissioning/runs/20261126-130501-a1b2c3';
  const preflightAnswer = (command: string): { stdout: string } | undefined => (command.includes('uid=$(id -u)') ? { stdout: 'uid=1000\nsudo=1\n' } : undefined);

  test('RT unit in the preflight, the unit state, stop and kill', async (t) => {
    const shell = box(t);
    if (!shell) return;
    await inParallel(values, parallel, async (value) => {
      const host = new RecordingHost({ respond: preflightAnswer });
      const ops = new LatencyControllerOps(host, hk);
      await ops.preflight(value);
      await ops.unitState(value);
      await ops.stop('systemd-run', runDir, value);
      await ops.kill('systemd-run', runDir, value);
      await expectLiteral(shell, batch(host.commands, 4), value, [
        { program: 'systemctl', after: 'is-active' },
        { program: 'systemctl', after: 'stop' },
        { program: 'systemctl', after: '--signal=SIGKILL' },
      ]);
    });
  });

  test('systemd-run description, leftovers by run directory and unit, files written as root', async (t) => {
    const shell = box(t);
    if (!shell) return;
    await inParallel(values, parallel, async (value, index) => {
      const host = new RecordingHost({ respond: preflightAnswer });
      const ops = new LatencyControllerOps(host, hk);
      await ops.launch('systemd-run', runDir, 'mxrc-latency-x.service', value);
      await ops.leftovers('systemd-run', value, value);
      // A path under the sandbox's writable /work; "/" would make most values a path into missing directories.
      const path = `/work/f${index}-${value.replaceAll('/', '\u2215')}`;
      const content = `#!/bin/sh\necho ${JSON.stringify(value)}\n`;
      await ops.writeRootFile(path, content);
      const [launch, leftovers, write] = host.commands as [RecordedCommand, RecordedCommand, RecordedCommand];
      // systemctl answers "active", so the leftovers check also takes its "unit … active" branch.
      await expectLiteral(shell, `${launch.command}\n${leftovers.command}`, value, [
        { program: 'systemd-run', arg: (v) => `--description=${v}` },
        { program: 'pgrep', after: '--' },
        { program: 'systemctl', after: 'is-active' },
      ], { outputs: { systemctl: 'active\n' } });
      const run = await expectLiteral(shell, write.command, path, [{ program: 'chmod', after: '644' }], { stdin: write.stdin ?? '' });
      assert.equal(run.calls.find((c) => c.program === 'cat')?.stdin?.toString('utf8'), content, 'the content goes through stdin, untouched');
      assert.ok(existsSync(shell.hostPath(path)), `the shell wrote to the literal path ${JSON.stringify(path)}`);
    });
  });

  test('run.conf: the RT unit reaches systemctl inside the real latency-runner.sh as one argument; cyclictest gets the planned argv', async (t) => {
    const shell = box(t);
    if (!shell) return;
    const runner = readFileSync(runnerScriptPath(), 'utf8');
    const settings = resolveSettings({ preset: 'quick', defaultSystem: false, rtla: true, stopRtService: true }, { rtCores: '2-3', housekeepingCores: '0,1', rtUnit: 'placeholder' });
    const plan = planRun('20261126-130501-a1b2c3', settings);
    await inParallel(values, parallel, async (value, index) => {
      const dir = `/work/run-${index}`;
      mkdirSync(shell.hostPath(dir), { recursive: true });
      chmodSync(shell.hostPath(dir), 0o777);
      writeFileSync(shell.hostPath(`${dir}/run.conf`), runConf(plan, value));
      copyFileSync(runnerScriptPath(), shell.hostPath(`${dir}/runner.sh`));
      assert.ok(runner.includes('. ./run.conf'), 'the runner sources run.conf');
      // systemctl answers "inactive" (3): the RT unit counts as stopped, the run goes on to cyclictest and rtla.
      // An empty RT_UNIT means "nothing to stop": then systemctl must not run at all.
      const wanted: ArgExpectation[] = value === '' ? [] : [
        { program: 'systemctl', after: 'stop' },
        { program: 'systemctl', after: '--quiet' },
        { program: 'systemctl', after: '--no-block' },
      ];
      const run = await expectLiteral(shell, `sh ${dir}/runner.sh ${dir}`, value, wanted, { exitCodes: { systemctl: 3 } });
      if (value === '') assert.deepEqual(run.calls.filter((c) => c.program === 'systemctl'), []);
      const cyclictest = run.calls.find((c) => c.program === 'cyclictest');
      assert.deepEqual(cyclictest?.args, plan.cyclictestArgv.slice(1), 'cyclictest runs with exactly the planned argv');
      assert.ok(run.calls.some((c) => c.program === 'rtla' && c.args.at(-1) === settings.housekeepingCores && c.args.at(-2) === '-H'), 'rtla ran with the housekeeping cores');
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('checks: profile values in live probes', () => {
  const referencing = allProbes().filter((p) => /\$\{?(RT_UNIT|IPC_UNIT|WEBAPI|ECAT_IF|HEALTH_URL)\b/.test(p.command));
  type Vars = Record<'rt' | 'ipc' | 'webapi' | 'iface' | 'url', string>;
  const expectations: Record<string, (v: Vars) => ArgExpectation[]> = {
    // systemctl show -p … docker.service … "$RT_UNIT" "$IPC_UNIT"
    units: (v) => [{ program: 'systemctl', value: v.rt }, { program: 'systemctl', value: v.ipc }],
    'rt-process': (v) => [{ program: 'systemctl', value: v.rt, after: '--value' }],
    'rt-process-10s': (v) => [{ program: 'systemctl', value: v.rt, after: '--value' }],
    'rt-fds': (v) => [{ program: 'systemctl', value: v.rt, after: '--value' }],
    'ipc-process': (v) => [{ program: 'systemctl', value: v.ipc, after: '--value' }],
    'docker-inspect': (v) => [{ program: 'docker', value: v.webapi, after: 'inspect' }],
    'mxrc-dir-container': (v) => [{ program: 'docker', value: v.webapi, after: 'exec' }],
    health: (v) => [{ program: 'curl', value: v.url }],
    // No interface configured (empty) is "ECAT_IF is not set", without ethtool.
    nic: (v) => (v.iface === '' ? [] : [{ program: 'ethtool', value: v.iface, after: '-i' }, { program: 'ethtool', value: v.iface, after: '-c' }]),
  };

  test('every probe that uses RT_UNIT, IPC_UNIT, WEBAPI, ECAT_IF or HEALTH_URL gets the value as one argument', async (t) => {
    const shell = box(t);
    if (!shell) return;
    assert.deepEqual(referencing.map((p) => p.id).sort(), Object.keys(expectations).sort(), 'a new probe uses a profile value: add its expectation here');
    await inParallel(values, parallel, async (value, i) => {
      const at = (k: number): string => values[(i + k) % values.length] ?? '';
      const v: Vars = { rt: value, ipc: at(1), webapi: at(2), iface: at(3), url: at(4) };
      // The schema refuses most of these values (input-validation.test.ts); the probes must be safe without it.
      const profile = { ...checkProfileSchema.parse({ housekeepingCores: hk, rtCores: '1' }), rtUnit: v.rt, ipcUnit: v.ipc, webapiContainer: v.webapi, ecatIf: v.iface, healthUrl: v.url } as CheckProfile;
      const host = new RecordingHost({ respond: (command) => (command === onHousekeeping('id -u', hk) ? { stdout: '1000\n' } : undefined) });
      await new CheckRunner({ host, profile }).run();
      const commands: string[] = [];
      const wanted: ArgExpectation[] = [];
      for (const probe of referencing) {
        const body = envPrefix(profile) + probe.command;
        const candidates = [onHousekeeping(body, hk), onHousekeeping(withSudo(body), hk)];
        commands.push(only(host.commands.filter((c) => candidates.includes(c.command)), `command of probe ${probe.id}`).command);
        wanted.push(...(expectations[probe.id]?.(v) ?? []));
      }
      await expectLiteral(shell, commands.join('\n'), value, wanted);
    });
  });
});
