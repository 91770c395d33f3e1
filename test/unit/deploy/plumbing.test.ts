import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { readProfileFile } from '../../../src/main/cli/commands/deploy-command';
import { demuxDockerLogs } from '../../../src/main/platform/dockerode-engine';
import { DeploymentHistory } from '../../../src/main/services/deploy/history-store';
import { summarize } from '../../../src/main/services/deploy/http-probe';
import { parseBackupManifest } from '../../../src/main/services/deploy/services-deployer';
import { labelledRestartPolicy, withDeployLabels } from '../../../src/main/services/deploy/webapi-rollout';
import { percentile, progressLine, RateMeter } from '../../../src/shared/deploy/measure';
import type { ContainerCreateOptions, DeploymentRecord } from '../../../src/shared/model/deploy';

describe('measurements', () => {
  test('nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(samples, 50), 50);
    assert.equal(percentile(samples, 99), 99);
    assert.equal(percentile([5], 99), 5);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  test('the acceptance probe passes only when every request answered and p99 < threshold', () => {
    const fast = Array.from({ length: 100 }, (_, i) => ({ ok: true, ms: i < 99 ? 1 : 50, status: 200 }));
    assert.equal(summarize('u', fast, 10, 'controller').pass, true, 'the single slowest of 100 is above p99');
    const slow = Array.from({ length: 100 }, (_, i) => ({ ok: true, ms: i < 98 ? 1 : 50, status: 200 }));
    assert.equal(summarize('u', slow, 10, 'controller').p99Ms, 50);
    assert.equal(summarize('u', slow, 10, 'controller').pass, false);
    const oneFailed = [...fast.slice(1), { ok: false, ms: 0, status: 500 }];
    const r = summarize('u', oneFailed, 10, 'tunnel');
    assert.equal(r.failed, 1);
    assert.equal(r.pass, false);
  });

  test('rate over a sliding window and a readable progress line', () => {
    const meter = new RateMeter(100e6, 3000);
    meter.update(0, 0);
    const p = meter.update(20e6, 1000);
    assert.equal(p.rate, 20e6);
    assert.equal(p.etaS, 4);
    const later = meter.update(30e6, 6000); // a stall: the window forgets the fast start
    assert.ok(later.rate < 5e6, String(later.rate));
    assert.equal(progressLine({ sent: 50 * 2 ** 20, total: 100 * 2 ** 20, rate: 25 * 2 ** 20, etaS: 2 }, 10), '[#####.....]  50 %  50 MiB of 100 MiB  25 MiB/s  ETA 0:02');
  });
});

describe('history and labels', () => {
  test('one atomic JSON file per deployment, newest first, safe directory names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mxrc-history-'));
    try {
      const history = new DeploymentHistory(dir);
      const base: DeploymentRecord = { id: 'a1', kind: 'webapi', controllerId: '10.0.0.5:22', startedAt: '2025-11-24T10:00:00.000Z', finishedAt: '2025-11-24T10:01:00.000Z', result: 'deployed', by: 'tech@laptop', toolVersion: '0.1.0' };
      const file = await history.save(base);
      await history.save({ ...base, id: 'b2', startedAt: '2025-11-24T11:00:00.000Z', result: 'rolled-back' });
      assert.match(file, /deployments\/10\.0\.0\.5_22\/2025-11-24T10-00-00-000Z-webapi-a1\.json$/);
      assert.equal(((await stat(file)).mode & 0o777).toString(8), '644');
      assert.deepEqual((await history.list('10.0.0.5:22')).map((r) => r.id), ['b2', 'a1']);
      assert.deepEqual(await history.list('nobody'), []);
      assert.deepEqual((await readdir(join(dir, 'deployments'))).sort(), ['10.0.0.5_22']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('labels carry digest, compose hash, time, who, and the restart policy to restore', () => {
    const options = { name: 'x', Image: 'i', Env: [], Labels: { keep: '1' }, HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, Binds: [] } } satisfies ContainerCreateOptions;
    const labelled = withDeployLabels(options, { id: 'op', imageDigest: 'sha256:abc', composeHash: 'h', time: 't', by: 'me@pc', tool: 'mxrc-commissioner 0.1.0' });
    assert.equal(labelled.Labels.keep, '1');
    assert.equal(labelled.Labels['org.mxrc.deploy.image-digest'], 'sha256:abc');
    assert.equal(labelled.Labels['org.mxrc.deploy.restart-policy'], 'on-failure:3');
    const inspect = { labels: labelled.Labels } as Parameters<typeof labelledRestartPolicy>[0];
    assert.deepEqual(labelledRestartPolicy(inspect), { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.deepEqual(labelledRestartPolicy({ labels: {} } as unknown as Parameters<typeof labelledRestartPolicy>[0]), { Name: 'unless-stopped' });
  });

  test('backup manifest lines', () => {
    const m = parseBackupManifest('file mxrc-rt present /opt/mxrc/bin/mxrc-rt\nfile mxrc-rt.service absent /etc/systemd/system/mxrc-rt.service\nunit mxrc-rt.service enabled active\nunit mxrc-nonrt.service absent inactive\n');
    assert.deepEqual(m.files, [
      { key: 'mxrc-rt', present: true, path: '/opt/mxrc/bin/mxrc-rt' },
      { key: 'mxrc-rt.service', present: false, path: '/etc/systemd/system/mxrc-rt.service' },
    ]);
    assert.deepEqual(m.units, [
      { unit: 'mxrc-rt.service', enabled: 'enabled', active: 'active' },
      { unit: 'mxrc-nonrt.service', enabled: 'absent', active: 'inactive' },
    ]);
  });
});

describe('CLI --profile and Docker log frames', () => {
  test('--profile reads rtCores/housekeepingCores (defaults otherwise) and refuses bad lists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mxrc-profile-'));
    try {
      assert.deepEqual(await readProfileFile(undefined), { rtCores: '2,3', housekeepingCores: '0,1' });
      await writeFile(join(dir, 'p.json'), JSON.stringify({ name: 'cell 3', rtCores: '1', housekeepingCores: '0', healthUrl: 'http://localhost:18080/api/health/live' }));
      assert.deepEqual(await readProfileFile(join(dir, 'p.json')), { rtCores: '1', housekeepingCores: '0', healthUrl: 'http://localhost:18080/api/health/live' });
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ rtCores: 'two' }));
      await assert.rejects(readProfileFile(join(dir, 'bad.json')), /rtCores not a CPU list/);
      await writeFile(join(dir, 'junk.json'), '{');
      await assert.rejects(readProfileFile(join(dir, 'junk.json')), /cannot be read as JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('multiplexed stdout/stderr frames are joined; a TTY stream passes through', () => {
    const frame = (stream: number, text: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0]), Buffer.from(new Uint32Array([0]).buffer).fill(0), Buffer.from(text)]);
    const f1 = frame(1, 'hello\n');
    f1.writeUInt32BE(6, 4);
    const f2 = frame(2, 'oops\n');
    f2.writeUInt32BE(5, 4);
    assert.equal(demuxDockerLogs(Buffer.concat([f1, f2])), 'hello\noops\n');
    assert.equal(demuxDockerLogs(Buffer.from('plain text log')), 'plain text log');
  });
});
