import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type Docker from 'dockerode';

import type { Composition } from '../../src/main/composition';
import { compose } from '../../src/main/composition';
import { connectDocker } from '../../src/main/platform/dockerode-engine';
import { connectSsh } from '../../src/main/platform/ssh-connector';
import { KnownHostsStore } from '../../src/main/platform/known-hosts';
import { controllerProbe } from '../../src/main/services/deploy/http-probe';
import { remoteRunner } from '../../src/main/services/deploy/remote';
import { AppError } from '../../src/shared/errors';
import type { DeploymentRecord, DeployProgress } from '../../src/shared/model/deploy';
import type { ControllerProfile } from '../../src/shared/model/controller';
import type { AppClient } from '../../src/shared/rpc';
import type { BuiltArchive } from '../fixtures/deploy/image-archive';
import { buildImageArchive, corruptLayerByte } from '../fixtures/deploy/image-archive';
import { cleanupDocker, connectSystemdController, cuttableProxy, freePort, httpdCmd, labDocker, uniqueSuffix, webapiCompose } from '../fixtures/deploy/lab-deploy';
import { inMemoryClient } from '../support/in-memory-transport';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { waitFor } from '../support/wait-for';

/**
 * The WebAPI deployment against the lab's systemd controller container: the container the product creates is a
 * sibling on the lab dockerd (host network), reached only through the SSH connection to the controller.
 */
describe('deploy webapi on the systemd controller', () => {
  let lab: Lab;
  let app: Composition;
  let client: AppClient;
  let dataDir: string;
  let profile: ControllerProfile;
  let docker: Docker;
  let port: number;
  const suffix = uniqueSuffix();
  const name = `mxrc-webapi-t${suffix}`;
  const tags = { good: `mxrc/webapi-test:${suffix}-good`, good2: `mxrc/webapi-test:${suffix}-good2`, bad: `mxrc/webapi-test:${suffix}-bad`, big: `mxrc/webapi-test:${suffix}-big` };
  const archives: Partial<Record<keyof typeof tags, BuiltArchive>> = {};
  const events: DeployProgress[] = [];
  let composePath: string;

  const archive = (key: keyof typeof tags): BuiltArchive => {
    const a = archives[key];
    if (!a) throw new Error(`no archive ${key}`);
    return a;
  };
  const composeFor = async (tag: string): Promise<string> => {
    const path = join(dataDir, `compose-${tag.replace(/[^a-z0-9]/g, '_')}.yml`);
    await writeFile(path, webapiCompose({ image: tag, containerName: name, port, runDir: lab.docker.mxrcRunDir }));
    return path;
  };

  before(async () => {
    lab = await ensureLab();
    docker = labDocker(lab);
    dataDir = await mkdtemp(join(tmpdir(), 'mxrc-deploy-webapi-'));
    port = await freePort();
    app = compose({ dataDir, mode: 'web', readOnlyKnownHosts: [] });
    client = inMemoryClient(app.services, app.events);
    client.on('deploy.progress', (e) => events.push(e));
    profile = await connectSystemdController(app, client, lab, dataDir);
    archives.good = await buildImageArchive({ tag: tags.good, cmd: httpdCmd(port), healthBody: 'ok\n' });
    archives.good2 = await buildImageArchive({ tag: tags.good2, cmd: httpdCmd(port), healthBody: 'ok v2\n', files: { 'VERSION': '2\n' } });
    // no /www/api/health/live: httpd answers 404, the health check fails
    archives.bad = await buildImageArchive({ tag: tags.bad, cmd: httpdCmd(port), healthBody: null });
    composePath = await composeFor(tags.good);
  });

  after(async () => {
    await app?.shutdown();
    if (docker) await cleanupDocker(docker, name, Object.values(tags));
    for (const a of Object.values(archives)) await a?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('deploys a verified archive: the inspected container matches the spec, health passes, history is recorded', async () => {
    events.length = 0;
    const record = await client.deploy.deployWebapi(profile.id, { imagePath: archive('good').path, compose: { path: composePath }, operationId: `op${suffix}a`, probeCount: 50 });
    assert.equal(record.result, 'deployed', record.reason);
    assert.equal(record.webapi?.imageDigest, archive('good').imageId);
    assert.equal(record.webapi?.cpuset, '0', 'cpuset "0,1" adapted to the housekeeping cores');

    const info = await docker.getContainer(name).inspect();
    assert.equal(info.Image, archive('good').imageId);
    assert.equal(info.Config.Image, tags.good);
    assert.equal(info.HostConfig.NetworkMode, 'host');
    assert.equal(info.HostConfig.CpusetCpus, '0');
    assert.equal(info.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(info.HostConfig.MemoryReservation, 32 * 1024 * 1024);
    assert.deepEqual(info.HostConfig.Binds, [`${lab.docker.mxrcRunDir}:/var/run/mxrc:ro`]);
    assert.deepEqual(info.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'json-file', Config: { tag: 'mxrc-webapi' } });
    assert.ok(info.Config.Env.includes(`PORT=${port}`));
    assert.deepEqual(info.Config.Healthcheck, { Test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}/api/health/live`], Interval: 1e9, Timeout: 2e9, Retries: 2, StartPeriod: 1e9 });
    assert.equal(info.Mounts[0]?.RW, false);
    assert.equal(info.State.Health?.Status, 'healthy');
    const labels = info.Config.Labels;
    assert.equal(labels['org.mxrc.deploy.id'], `op${suffix}a`);
    assert.equal(labels['org.mxrc.deploy.image-digest'], archive('good').imageId);
    assert.equal(labels['org.mxrc.deploy.compose-hash'], record.webapi?.composeHash);
    assert.match(labels['org.mxrc.deploy.by'] ?? '', /.+@.+/);

    // the acceptance probe ran (seed §6.2)
    assert.equal(record.webapi?.probe?.count, 50);
    assert.equal(record.webapi?.probe?.ok, 50);
    assert.ok((record.webapi?.probe?.p99Ms ?? 0) > 0);

    // progress: verify, upload with bytes/rate, load, health
    const steps = new Set(events.map((e) => e.step));
    for (const step of ['verify-archive', 'connect-docker', 'upload', 'load', 'verify-image', 'create', 'start', 'health', 'probe']) assert.ok(steps.has(step as DeployProgress['step']), step);
    const last = events.filter((e) => e.step === 'upload' && e.transfer).at(-1);
    assert.equal(last?.transfer?.sent, archive('good').size);
    assert.ok(events.some((e) => e.health === 'healthy'));

    // history on the laptop, one atomic JSON file per deployment
    const dir = join(dataDir, 'deployments', profile.id);
    const files = await readdir(dir);
    assert.equal(files.length, 1);
    const saved = JSON.parse(await readFile(join(dir, files[0] ?? ''), 'utf8')) as DeploymentRecord;
    assert.deepEqual(saved, record);
    assert.deepEqual((await client.deploy.history(profile.id)).map((r) => r.id), [record.id]);
  });

  test('a deliberately unhealthy image rolls back to the previous container and says why', async (t) => {
    const before = await docker.getContainer(name).inspect();
    const record = await client.deploy.deployWebapi(profile.id, { imagePath: archive('bad').path, compose: { path: await composeFor(tags.bad) }, probeCount: 0 });
    t.diagnostic(`rolled back: ${record.reason ?? ''}`);
    assert.equal(record.result, 'rolled-back');
    assert.equal(record.failedStep, 'health');
    assert.match(record.reason ?? '', /health check failed/);
    assert.equal(record.webapi?.previousContainer?.id, before.Id);
    const now = await docker.getContainer(name).inspect();
    assert.equal(now.Id, before.Id, 'the previous container is back under its name');
    assert.equal(now.State.Running, true);
    await waitFor(async () => (await docker.getContainer(name).inspect()).State.Health?.Status === 'healthy', 'previous container healthy again', 60_000, 250);
    assert.deepEqual(now.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 }, 'its restart policy is restored');
    const all = await docker.listContainers({ all: true, filters: { name: [name] } });
    assert.deepEqual(all.map((c) => c.Names[0]), [`/${name}`], 'the failed container is gone, nothing renamed is left');
  });

  test('a corrupt archive is rejected before upload and changes nothing', async () => {
    const corrupt = join(archive('good2').dir, 'corrupt.tar');
    await copyFile(archive('good2').path, corrupt);
    await corruptLayerByte(corrupt);
    const before = await docker.getContainer(name).inspect();
    events.length = 0;
    await assert.rejects(
      client.deploy.deployWebapi(profile.id, { imagePath: corrupt, compose: { path: await composeFor(tags.good2) } }),
      (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /does not match the digest/.test(e.message),
    );
    assert.ok(!events.some((e) => e.step === 'upload'), 'nothing was uploaded');
    assert.ok(!events.some((e) => e.step === 'connect-docker'), 'Docker was not even contacted');
    await assert.rejects(docker.getImage(tags.good2).inspect(), /no such image/i);
    assert.equal((await docker.getContainer(name).inspect()).Id, before.Id);
  });

  test('a second version deploys; "rollback webapi" swaps back to the first and keeps the second as previous', async () => {
    const first = await docker.getContainer(name).inspect();
    const record = await client.deploy.deployWebapi(profile.id, { imagePath: archive('good2').path, compose: { path: await composeFor(tags.good2) }, probeCount: 0 });
    assert.equal(record.result, 'deployed', record.reason);
    const second = await docker.getContainer(name).inspect();
    assert.notEqual(second.Id, first.Id);
    const parked = await docker.getContainer(`${name}-previous`).inspect();
    assert.equal(parked.Id, first.Id);
    assert.equal(parked.State.Running, false, 'the previous container is kept stopped');
    assert.deepEqual(parked.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 }, 'and cannot come back on its own');

    const status = await client.deploy.webapiStatus(profile.id, name);
    assert.equal(status.current?.id, second.Id);
    assert.equal(status.previous?.id, first.Id);
    assert.equal(status.transport, 'streamlocal');

    const rollback = await client.deploy.rollbackWebapi(profile.id, { path: await composeFor(tags.good2) });
    assert.equal(rollback.result, 'restored', rollback.reason);
    const after = await docker.getContainer(name).inspect();
    assert.equal(after.Id, first.Id);
    assert.equal(after.State.Health?.Status, 'healthy');
    assert.deepEqual(after.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });
    assert.equal((await docker.getContainer(`${name}-previous`).inspect()).Id, second.Id);
  });

  test('acceptance probe: N requests, p50/p99, pass when p99 < 10 ms — through the SSH tunnel, and on the controller', async (t) => {
    // The app measures from the laptop through the shared SSH connection (seed 6.2: "through the tunnel").
    const result = await client.deploy.probeWebapi(profile.id, { count: 200 }, { path: composePath });
    t.diagnostic(`tunnel: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, pass ${result.pass}`);
    assert.equal(result.via, 'tunnel');
    assert.equal(result.count, 200);
    assert.equal(result.ok, 200);
    assert.ok(result.p50Ms > 0 && result.p50Ms <= result.p99Ms && result.p99Ms <= result.maxMs);
    assert.equal(result.pass, result.p99Ms < 10);
    assert.equal(result.url, `http://localhost:${port}/api/health/live`);
    // Without the connection's interactive mode (TCP_NODELAY on the server side) the busybox httpd's two-part
    // replies stall ~40 ms on delayed ACKs; the median must stay far below that.
    assert.ok(result.p50Ms < 20, `tunnel median ${result.p50Ms} ms`);

    // The same endpoint measured on the controller itself (curl over exec), for comparison.
    const onController = await controllerProbe(remoteRunner(app.connections.hostFor(profile.id), '0'), result.url, 100, 10);
    t.diagnostic(`controller: p50 ${onController.p50Ms} ms, p99 ${onController.p99Ms} ms, pass ${onController.pass}`);
    assert.equal(onController.ok, 100);
    assert.equal(onController.via, 'controller');
  });

  test("the seed's rollback to native: the container stops, mxrc-webapi.service starts and answers", async () => {
    // A native WebAPI stand-in on the controller: python's http.server on the same port, as a systemd unit.
    const host = app.connections.hostFor(profile.id);
    const unit = [
      '[Unit]',
      'Description=MXRC WebAPI (native stand-in for the lab)',
      '[Service]',
      `ExecStart=/usr/bin/python3 -m http.server ${port} --bind 127.0.0.1 --directory /srv/mxrc-native-www`,
      '',
    ].join('\n');
    const setup = await host.exec(
      `sudo -n mkdir -p /srv/mxrc-native-www/api/health && echo native | sudo -n tee /srv/mxrc-native-www/api/health/live >/dev/null && printf '%s' '${unit}' | sudo -n tee /etc/systemd/system/mxrc-webapi.service >/dev/null && sudo -n systemctl daemon-reload`,
      { timeoutMs: 30_000 },
    );
    assert.equal(setup.exitCode, 0, setup.stderr);
    try {
      const running = await docker.getContainer(name).inspect();
      const record = await client.deploy.restoreNativeWebapi(profile.id, { path: composePath });
      assert.equal(record.result, 'restored', record.reason);
      const stopped = await docker.getContainer(name).inspect();
      assert.equal(stopped.Id, running.Id, 'the container is kept');
      assert.equal(stopped.State.Running, false);
      assert.deepEqual(stopped.HostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 }, 'and cannot come back at boot');
      assert.equal((await host.exec('systemctl is-active mxrc-webapi.service')).stdout.trim(), 'active');
      assert.equal((await host.exec(`curl -s http://127.0.0.1:${port}/api/health/live`)).stdout.trim(), 'native');
    } finally {
      // back to the container for the tests after this one
      await host.exec('sudo -n systemctl stop mxrc-webapi.service; sudo -n rm -f /etc/systemd/system/mxrc-webapi.service; sudo -n rm -rf /srv/mxrc-native-www; sudo -n systemctl daemon-reload', { timeoutMs: 30_000 });
      const c = docker.getContainer(name);
      await c.update({ RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } });
      await c.start().catch(() => undefined);
      await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 'container healthy again', 60_000, 250);
    }
  });

  test('no native WebAPI installed: the native rollback refuses before stopping anything', async () => {
    const before = await docker.getContainer(name).inspect();
    await assert.rejects(client.deploy.restoreNativeWebapi(profile.id, { path: composePath }), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND' && /no native mxrc-webapi\.service/.test(e.message));
    const after = await docker.getContainer(name).inspect();
    assert.equal(after.Id, before.Id);
    assert.equal(after.State.Running, true);
  });

  test('a connection cut during upload leaves the previous container running', async (t) => {
    archives.big = await buildImageArchive({ tag: tags.big, cmd: httpdCmd(port), healthBody: 'ok\n', padBytes: 64 * 1024 * 1024 });
    const running = await docker.getContainer(name).inspect();
    const proxy = await cuttableProxy(lab.controllers.systemd.port);
    const viaProxy = await connectSystemdController(app, client, lab, dataDir, { port: proxy.port, name: 'via proxy' });
    // keep the original known_hosts line for the direct profile, too
    let cutAt = 0;
    const off = client.on('deploy.progress', (e) => {
      if (e.controllerId === viaProxy.id && e.step === 'upload' && (e.transfer?.sent ?? 0) > 8 * 1024 * 1024 && cutAt === 0) {
        cutAt = e.transfer?.sent ?? 0;
        proxy.cut();
      }
    });
    try {
      await assert.rejects(
        client.deploy.deployWebapi(viaProxy.id, { imagePath: archive('big').path, compose: { path: await composeFor(tags.big) } }),
        (e: unknown) => e instanceof AppError && ['DISCONNECTED', 'NOT_CONNECTED', 'REMOTE_COMMAND'].includes(e.code),
      );
      assert.ok(cutAt > 0, 'the link was cut during the upload');
      t.diagnostic(`cut after ${(cutAt / 1e6).toFixed(1)} MB: ${(await client.deploy.history(viaProxy.id))[0]?.reason ?? ''}`);
      const still = await docker.getContainer(name).inspect();
      assert.equal(still.Id, running.Id);
      assert.equal(still.State.Running, true);
      await assert.rejects(docker.getImage(tags.big).inspect(), /no such image/i);
      const history = await client.deploy.history(viaProxy.id);
      assert.equal(history[0]?.result, 'failed');
    } finally {
      off();
      await client.connection.disconnect(viaProxy.id).catch(() => undefined);
      await proxy.close();
    }
  });

  test('Cancel during the upload stops it; the running container is untouched', async () => {
    const running = await docker.getContainer(name).inspect();
    const operationId = `cancel${suffix}`;
    let cancelled = false;
    const off = client.on('deploy.progress', (e) => {
      if (e.operationId === operationId && e.step === 'upload' && (e.transfer?.sent ?? 0) > 4 * 1024 * 1024 && !cancelled) {
        cancelled = true;
        void client.deploy.cancel(operationId);
      }
    });
    try {
      await assert.rejects(
        client.deploy.deployWebapi(profile.id, { imagePath: archive('big').path, compose: { path: await composeFor(tags.big) }, operationId }),
        (e: unknown) => e instanceof AppError && e.code === 'CANCELLED',
      );
    } finally {
      off();
    }
    assert.ok(cancelled);
    assert.equal(await client.deploy.cancel(operationId), false, 'nothing runs any more');
    const still = await docker.getContainer(name).inspect();
    assert.equal(still.Id, running.Id);
    assert.equal(still.State.Running, true);
    assert.equal((await client.deploy.history(profile.id))[0]?.result, 'cancelled');
  });

  test('the dial-stdio fallback reaches Docker when stream-local forwarding fails', async () => {
    // The lab's own sshd has no /var/run/docker.sock but a docker CLI with DOCKER_HOST set for SSH sessions.
    const connection = await connectSsh({
      controllerId: 'fallback',
      target: { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.key.user, auth: { kind: 'key', keyFile: lab.users.key.keyFile } },
      knownHosts: new KnownHostsStore(join(dataDir, 'fallback_known_hosts'), [lab.knownHostsFile]),
    });
    try {
      const engine = await connectDocker(connection.host);
      assert.equal(engine.transport, 'dial-stdio');
      assert.match((await engine.version()).apiVersion, /^1\.\d+$/);
      const image = await engine.inspectImage(lab.docker.images.busybox);
      assert.ok(image?.id.startsWith('sha256:'));
      engine.close();
      await assert.rejects(connectDocker(connection.host, { transport: 'streamlocal' }), (e: unknown) => e instanceof AppError && /stream-local forwarding/.test(e.message));
    } finally {
      await connection.host.close();
    }
  });
});
