/**
 * Offline evidence: resources/collect.sh is uploaded over SFTP to a lab controller and run there (`sh collect.sh`
 * as the user on the fake `tuned`, `sudo -n sh collect.sh` on the systemd controller), the bundle is downloaded
 * and imported, and its verdicts and summaries are compared with a live run on the same controller and profile.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { catalogue } from '../../src/shared/checks/catalogue';
import { AppError } from '../../src/shared/errors';
import { onHousekeeping } from '../../src/shared/remote-command';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import type { ChecksApp } from './checks-support';
import { byId, compareBundleWithLive as compare, openChecksApp } from './checks-support';

const collectScript = join(import.meta.dirname, '..', '..', 'resources', 'collect.sh');

async function collectOn(a: ChecksApp, controllerId: string, sudo: boolean, localPath: string): Promise<{ stderr: string }> {
  const host = a.app.connections.hostFor(controllerId);
  const dir = `/tmp/mxrc-collect-${process.pid}-${Date.now().toString(36)}`;
  const sftp = await host.sftp();
  await sftp.mkdirp(dir);
  try {
    await sftp.upload(collectScript, `${dir}/collect.sh`);
    const command = `cd ${dir} && ${sudo ? 'sudo -n ' : ''}sh collect.sh HK_CPUS=0 > evidence.tar.gz`;
    const result = await host.exec(onHousekeeping(command, '0'), { timeoutMs: 90_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    writeFileSync(localPath, await sftp.readFile(`${dir}/evidence.tar.gz`));
    return { stderr: result.stderr };
  } finally {
    await host.exec(`${sudo ? 'sudo -n ' : ''}rm -rf ${dir}`);
  }
}

describe('collect.sh bundle vs live run on the same lab controller', { timeout: 600_000 }, () => {
  let lab: Lab;
  let a: ChecksApp;

  before(async () => {
    lab = await ensureLab();
    a = openChecksApp(lab, 'mxrc-checks-bundle-');
  });
  after(async () => {
    await a?.close();
  });

  test('tuned fake, collect.sh as the user (no sudo there): same verdicts and summaries', async (t) => {
    const id = await a.add('tuned');
    const path = join(a.dataDir, 'tuned-evidence.tar.gz');
    const { stderr } = await collectOn(a, id, false, path);
    assert.match(stderr, /not root: root-only probes are skipped/);
    const live = await a.runAndWait(id);
    const liveRun = await a.client.checks.get(live.runId);
    const imported = await a.client.checks.importBundle(id, path, undefined);
    assert.equal(imported.source, 'bundle');
    assert.deepEqual(imported.warnings, []);
    assert.equal(imported.facts.hostname, 'mxrc-tuned');
    assert.equal(imported.facts.uid, liveRun.facts.uid);
    assert.equal(imported.checks.length, catalogue.length);
    t.diagnostic(`evidence moved between the runs: ${compare('tuned', liveRun.checks, imported.checks).join('; ') || 'none'}`);
    // Root-only probes: skipped by collect.sh without root, refused by sudo live: "needs sudo" both ways.
    assert.equal(byId(imported.checks).get('B01')?.skipReason, 'needs sudo');

    // Kept with the controller's history, with the bundle attached.
    const runs = await a.client.checks.runs(id);
    assert.equal(runs[0]?.runId, imported.runId);
    assert.equal(runs[0]?.source, 'bundle');
    const stored = readFileSync(join(a.dataDir, 'results', id, imported.visit, `check-run.${imported.runId}.evidence.tar.gz`));
    assert.deepEqual(stored, readFileSync(path));
  });

  test('systemd controller, sudo -n sh collect.sh: same verdicts and summaries as the live run with sudo', async (t) => {
    const id = await a.add('systemd');
    const path = join(a.dataDir, 'systemd-evidence.tar.gz');
    const { stderr } = await collectOn(a, id, true, path);
    assert.doesNotMatch(stderr, /not root/);
    const live = await a.runAndWait(id);
    const liveRun = await a.client.checks.get(live.runId);
    const imported = await a.client.checks.importBundle(id, path, undefined);
    assert.equal(imported.facts.uid, 0, 'collected as root');
    t.diagnostic(`evidence moved between the runs: ${compare('systemd', liveRun.checks, imported.checks).join('; ') || 'none'}`);
    // With root both ways, the journal and the root-only probes decide rather than skip.
    assert.notEqual(byId(imported.checks).get('T04')?.skipReason, 'needs sudo');
  });

  test('a bundle without a controller profile: cores from HK_CPUS and the online CPUs; a corrupt file is refused', async () => {
    const path = join(a.dataDir, 'tuned-evidence.tar.gz');
    const imported = await a.client.checks.importBundle(null, path, undefined);
    assert.equal(imported.controller, 'bundle mxrc-tuned');
    assert.equal(imported.profile.housekeepingCores, '0');
    assert.equal(imported.profile.rtCores, '1');
    assert.match(imported.warnings[0] ?? '', /no controller profile: housekeeping CPUs 0 from the bundle \(HK_CPUS\), RT CPUs 1/);
    assert.equal(byId(imported.checks).get('K03')?.verdict, 'pass');

    const broken = join(a.dataDir, 'broken.tar.gz');
    writeFileSync(broken, readFileSync(path).subarray(0, 200));
    await assert.rejects(a.client.checks.importBundle(null, broken, undefined), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /not a readable evidence bundle/.test(e.message));
    await assert.rejects(a.client.checks.importBundle(null, join(a.dataDir, 'missing.tar.gz'), undefined), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');
  });
});
