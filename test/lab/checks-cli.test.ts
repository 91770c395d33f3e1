/**
 * `mxrc-commission check` as scripts and acceptance tests call it, against the lab controllers: the JSON shape,
 * the exit codes (0 no check failed, 1 a check failed, 2 usage or connection error), --only, --profile
 * validation, --name/--visit recording, --bundle with a bundle made by `ssh … sh -s < collect.sh`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { catalogue } from '../../src/shared/checks/catalogue';
import type { CheckResult } from '../../src/shared/checks/model';
import type { CheckRunRecord } from '../../src/shared/model/checks';
import type { StoredResult } from '../../src/shared/model/results';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { runCli } from '../support/run-cli';
import { byId, compareBundleWithLive, notFakeable } from './checks-support';

interface CheckJson {
  controller: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
  checks: Array<Pick<CheckResult, 'id' | 'title' | 'group' | 'verdict' | 'summary' | 'evidence' | 'remediation'> & { skipReason?: CheckResult['skipReason'] }>;
}

const root = join(import.meta.dirname, '..', '..');

describe('mxrc-commission check', { timeout: 600_000 }, () => {
  let lab: Lab;
  let dir: string;
  let profile: string;
  const target = (name: 'tuned' | 'untuned' | 'systemd', user?: string): string => `${user ?? lab.controllers[name].user}@${lab.controllers[name].host}:${lab.controllers[name].port}`;
  const conn = (): string[] => ['--key', lab.users.key.keyFile, '--known-hosts', lab.knownHostsFile];
  const check = (args: string[], timeoutMs = 90_000) => runCli(['--data-dir', join(dir, 'data'), 'check', ...args], {}, { timeoutMs });

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-checks-cli-'));
    profile = join(dir, 'lab-profile.json');
    writeFileSync(profile, JSON.stringify({ rtCores: '1', housekeepingCores: '0' }));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('tuned, full run --json: one object in the documented shape; exit 1 because the host-process checks fail there', async () => {
    const result = await check([target('tuned'), ...conn(), '--profile', profile, '--json']);
    assert.equal(result.code, 1, result.stderr);
    const json = JSON.parse(result.stdout) as CheckJson;
    assert.deepEqual(Object.keys(json), ['controller', 'startedAt', 'finishedAt', 'checks']);
    assert.equal(json.controller.hostname, 'mxrc-tuned');
    assert.equal(json.controller.host, '127.0.0.1');
    assert.ok(Date.parse(json.finishedAt) >= Date.parse(json.startedAt));
    assert.deepEqual(json.checks.map((c) => c.id), catalogue.map((c) => c.id));
    for (const c of json.checks) {
      for (const key of ['id', 'title', 'group', 'verdict', 'summary', 'evidence', 'remediation']) assert.ok(key in c, `${c.id} has ${key}`);
      for (const e of c.evidence) assert.deepEqual(Object.keys(e), ['command', 'stdout', 'stderr', 'exitCode']);
      const exception = notFakeable[c.id];
      if (exception) assert.ok(exception.verdicts.includes(c.verdict), `${c.id}: ${c.verdict}`);
      else assert.equal(c.verdict, 'pass', `${c.id}: ${c.summary}`);
    }
    assert.ok(json.checks.some((c) => c.verdict === 'fail'), 'S06/D02 fail on the fakes (host processes)');
    assert.equal(result.stderr, '', 'nothing on stderr for --json in a pipe');
  });

  test('--only: exit 0 when none of them fails, 1 when one does; aliases work', async () => {
    const fakeable = catalogue.map((c) => c.id).filter((id) => !notFakeable[id]);
    const pass = await check([target('tuned'), ...conn(), '--profile', profile, '--only', fakeable.join(','), '--json']);
    assert.equal(pass.code, 0, pass.stdout.slice(0, 2000));
    assert.equal((JSON.parse(pass.stdout) as CheckJson).checks.length, fakeable.length);

    const fail = await check([target('untuned'), ...conn(), '--profile', profile, '--only', 'K01,I01']);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /✕ K01 +fail +Running kernel is PREEMPT_RT: uname -v '#45-Ubuntu SMP PREEMPT_DYNAMIC/);
    assert.match(fail.stdout, /✕ K06 +fail .*default_smp_affinity=3 \(CPUs 0-1\) includes RT CPU 1/);
    assert.match(fail.stdout, /2 checks: 0 pass, 0 warn, 2 fail/);
  });

  test('usage and connection errors exit 2 with a message that names the problem', async () => {
    const noTarget = await check([]);
    assert.equal(noTarget.code, 2);
    assert.match(noTarget.stderr, /Give the controller as USER@HOST\[:PORT\], or an evidence bundle with --bundle FILE/);

    const both = await check([target('tuned'), '--bundle', join(dir, 'x.tar.gz')]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either USER@HOST\[:PORT\] or --bundle FILE, not both/);

    const unknown = await check([target('tuned'), ...conn(), '--only', 'K03,Q42', '--json']);
    assert.equal(unknown.code, 2);
    assert.match((JSON.parse(unknown.stdout) as { error: { message: string } }).error.message, /unknown check id Q42/);

    const badProfile = join(dir, 'bad-profile.json');
    writeFileSync(badProfile, JSON.stringify({ rtCores: '1', housekeepingCores: 'zero', thresholds: { vmLckRatio: 2 } }));
    const invalid = await check([target('tuned'), ...conn(), '--profile', badProfile]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /housekeepingCores: Use a CPU list such as 2,3 or 2-3/);
    assert.match(invalid.stderr, /thresholds\.vmLckRatio: /);

    writeFileSync(badProfile, '{ "rtCores": ');
    const notJson = await check([target('tuned'), ...conn(), '--profile', badProfile]);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /is not JSON/);

    const badName = await check([target('tuned'), ...conn(), '--name', '../escape']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /--name "\.\.\/escape" cannot be used/);

    const refused = await check([`mxrc@127.0.0.1:1`, ...conn(), '--json']);
    assert.equal(refused.code, 2);
    assert.equal((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'CONNECTION_REFUSED');

    const unknownFlag = await check([target('tuned'), '--frobnicate']);
    assert.equal(unknownFlag.code, 2);
  });

  test('every run is recorded under --name and --visit in the data dir', async () => {
    const result = await check([target('untuned'), ...conn(), '--profile', profile, '--only', 'K03', '--name', 'Cell 7', '--visit', '2026-11-26 acceptance']);
    assert.equal(result.code, 1);
    const folder = join(dir, 'data', 'results', 'Cell 7', '2026-11-26 acceptance');
    const files = readdirSync(folder).filter((f) => /^check-run\..*\.json$/.test(f));
    assert.equal(files.length, 1);
    const stored = JSON.parse(readFileSync(join(folder, files[0] ?? ''), 'utf8')) as StoredResult<CheckRunRecord>;
    assert.equal(stored.kind, 'check-run');
    assert.equal(stored.verdict, 'fail');
    assert.equal(stored.data.runId, stored.id);
    assert.equal(stored.data.checks[0]?.id, 'K03');
    assert.equal(stored.data.profile.rtCores, '1');
    assert.match(result.stdout, new RegExp(`Stored: .*check-run\\.${stored.id}\\.json`));

    // K11 only warns on untuned: a warning is not a failure.
    const byDefault = await check([target('untuned'), ...conn(), '--profile', profile, '--only', 'K11', '--json']);
    assert.equal(byDefault.code, 0);
    assert.equal((JSON.parse(byDefault.stdout) as CheckJson).checks[0]?.verdict, 'warn');
    const controllers = readdirSync(join(dir, 'data', 'results'));
    assert.ok(controllers.includes(`127.0.0.1_${lab.controllers.untuned.port}`), controllers.join(', '));
  });

  test('--bundle: a bundle made with `ssh HOST sh -s < collect.sh` gives the live run\'s verdicts', async () => {
    const ctl = lab.controllers.tuned;
    const bundle = join(dir, 'tuned.tar.gz');
    const data = execFileSync(
      'ssh',
      ['-F', 'none', '-p', String(ctl.port), '-i', ctl.keyFile, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, 'sh -s -- HK_CPUS=0'],
      { input: readFileSync(join(root, 'resources', 'collect.sh')), maxBuffer: 64 * 1024 * 1024, timeout: 90_000, stdio: ['pipe', 'pipe', 'ignore'] },
    );
    writeFileSync(bundle, data);
    const live = await check([target('tuned'), ...conn(), '--profile', profile, '--json']);
    const offline = await check(['--bundle', bundle, '--profile', profile, '--json']);
    assert.equal(offline.code, live.code);
    const fromBundle = JSON.parse(offline.stdout) as CheckJson;
    const fromLive = JSON.parse(live.stdout) as CheckJson;
    assert.equal(fromBundle.controller.hostname, 'mxrc-tuned');
    compareBundleWithLive('tuned (CLI)', fromLive.checks as CheckResult[], fromBundle.checks as CheckResult[]);

    const human = await check(['--bundle', bundle, '--profile', profile]);
    assert.match(human.stdout, /: evidence of mxrc-tuned \(6\.8\.1-1015-realtime\), collected /);
    assert.match(human.stdout, /^KERNEL$/m);
  });

  test('a user without sudo: root-only checks skip with "needs sudo", the run never waits for a password', async () => {
    const started = Date.now();
    const result = await check([target('systemd', lab.users.noSudo.user), ...conn(), '--profile', profile, '--only', 'T04,B01,K03', '--json'], 45_000);
    assert.ok(Date.now() - started < 40_000);
    assert.equal(result.code, 1, 'K03 fails on the lab VM kernel');
    const checks = byId((JSON.parse(result.stdout) as CheckJson).checks as CheckResult[]);
    for (const id of ['T04', 'B01']) {
      assert.equal(checks.get(id)?.verdict, 'skip');
      assert.equal(checks.get(id)?.skipReason, 'needs sudo');
      assert.match(checks.get(id)?.evidence[0]?.stderr ?? '', /sudo: a password is required/);
    }
  });
});
