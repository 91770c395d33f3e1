import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Composition } from '../../src/main/composition';
import { compose } from '../../src/main/composition';
import { AppError } from '../../src/shared/errors';
import type { ControllerProfile } from '../../src/shared/model/controller';
import type { DeployProgress } from '../../src/shared/model/deploy';
import type { AppClient } from '../../src/shared/rpc';
import { connectSystemdController } from '../fixtures/deploy/lab-deploy';
import { inMemoryClient } from '../support/in-memory-transport';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';

/**
 * Native services on the lab's systemd controller container: real systemd, real units, real SCHED_FIFO (the
 * container has an RT budget). The "RT binary" is a script that execs cyclictest with mlockall; the "non-RT
 * binary" a long sleep — both are real processes whose scheduling the product verifies.
 */
describe('deploy services on the systemd controller', () => {
  let lab: Lab;
  let app: Composition;
  let client: AppClient;
  let dataDir: string;
  let profile: ControllerProfile;
  const events: DeployProgress[] = [];
  const bins: Record<string, string> = {};

  const host = () => app.connections.hostFor(profile.id);
  const sh = async (command: string): Promise<string> => (await host().exec(command, { timeoutMs: 30_000 })).stdout.trim();

  before(async () => {
    lab = await ensureLab();
    dataDir = await mkdtemp(join(tmpdir(), 'mxrc-deploy-services-'));
    app = compose({ dataDir, mode: 'web', readOnlyKnownHosts: [] });
    client = inMemoryClient(app.services, app.events);
    client.on('deploy.progress', (e) => events.push(e));
    profile = await connectSystemdController(app, client, lab, dataDir);
    const write = async (name: string, text: string): Promise<void> => {
      bins[name] = join(dataDir, name);
      await writeFile(bins[name], text);
      await chmod(bins[name], 0o755);
    };
    await write('rt-v1', '#!/bin/sh\n# mxrc-rt stand-in v1: a FIFO thread with all memory locked\nexec /usr/bin/cyclictest -m -q -p80 -t1 -i1000\n');
    await write('rt-v2', '#!/bin/sh\n# mxrc-rt stand-in v2\nexec /usr/bin/cyclictest -m -q -p80 -t1 -i2000\n');
    await write('nonrt', '#!/bin/sh\n# mxrc-nonrt stand-in\nexec sleep infinity\n');
    await write('garbage', '\x7fELF\x02\x01\x01 this is not a program\n');
    // start from a controller without mxrc units (an earlier run may have left some)
    await sh('sudo -n systemctl disable --now mxrc-rt.service mxrc-nonrt.service 2>/dev/null; sudo -n rm -rf /etc/systemd/system/mxrc-rt.service /etc/systemd/system/mxrc-nonrt.service /opt/mxrc; sudo -n systemctl daemon-reload; sudo -n systemctl reset-failed 2>/dev/null; true');
  });

  after(async () => {
    if (app) {
      await sh('sudo -n systemctl disable --now mxrc-rt.service mxrc-nonrt.service 2>/dev/null; sudo -n rm -rf /etc/systemd/system/mxrc-rt.service /etc/systemd/system/mxrc-nonrt.service /opt/mxrc; sudo -n systemctl daemon-reload; true').catch(() => undefined);
      await app.shutdown();
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('preview: units rendered from the profile, diff against nothing installed', async () => {
    const previews = await client.deploy.previewUnits(profile.id);
    assert.deepEqual(previews.map((p) => p.unit), ['mxrc-nonrt.service', 'mxrc-rt.service']);
    const rt = previews[1];
    assert.equal(rt?.installed, null);
    assert.equal(rt?.changed, true);
    assert.match(rt?.content ?? '', /^CPUAffinity=1$/m);
    assert.match(rt?.content ?? '', /^CPUSchedulingPolicy=fifo$/m);
    assert.match(rt?.content ?? '', /^CPUSchedulingPriority=80$/m);
    assert.match(rt?.content ?? '', /^LimitMEMLOCK=infinity$/m);
    assert.match(rt?.content ?? '', /^LimitRTPRIO=99$/m);
    assert.match(rt?.content ?? '', /^Restart=on-failure$/m);
    assert.match(previews[0]?.content ?? '', /^CPUAffinity=0$/m);
    assert.match(previews[0]?.content ?? '', /^RuntimeDirectory=mxrc$/m);
    assert.match(rt?.diff ?? '', /^--- \/dev\/null\n\+\+\+ \/etc\/systemd\/system\/mxrc-rt\.service \(new\)\n@@ -0,0 \+1,\d+ @@\n\+# Installed by/);
  });

  test('install, start, and verify the running RT process: FIFO 80, RT cores, memory locked', async (t) => {
    events.length = 0;
    const record = await client.deploy.deployServices(profile.id, { rtBin: bins['rt-v1'] ?? '', nonrtBin: bins.nonrt ?? '', settleS: 1.5 });
    assert.equal(record.result, 'deployed', record.reason);
    const rt = record.services?.rt;
    assert.ok(rt?.pass, JSON.stringify(rt?.checks));
    t.diagnostic(rt.checks.map((c) => `${c.name}: ${c.observed}`).join('; '));
    assert.deepEqual(
      rt.checks.map((c) => [c.name, c.observed.split(',')[0]]),
      [
        ['policy', 'SCHED_FIFO'],
        ['priority', '80'],
        ['affinity', '1'],
        ['memlock', rt.checks[3]?.observed.split(',')[0]],
      ],
    );
    assert.match(rt.evidence, /FF\s+80/);
    assert.equal(await sh('systemctl is-active mxrc-rt.service mxrc-nonrt.service | tr "\\n" " "'), 'active active');
    assert.equal(await sh('systemctl is-enabled mxrc-rt.service'), 'enabled');
    assert.equal(await sh('test -d /run/mxrc && echo yes'), 'yes', 'RuntimeDirectory created /var/run/mxrc');
    assert.equal(await sh('sha256sum /opt/mxrc/bin/mxrc-rt | cut -c1-64'), record.services?.artifacts.find((a) => a.name === 'mxrc-rt')?.sha256);
    for (const step of ['upload-artifacts', 'install-artifacts', 'verify-units', 'install-units', 'start-units', 'verify-scheduling']) {
      assert.ok(events.some((e) => e.step === step && e.state === 'done'), step);
    }
    const status = await client.deploy.servicesStatus(profile.id);
    assert.equal(status.units.find((u) => u.unit === 'mxrc-rt.service')?.activeState, 'active');
    assert.equal(status.rt?.pass, true);
    // a second preview shows no difference any more
    assert.ok((await client.deploy.previewUnits(profile.id)).every((p) => !p.changed));
  });

  test('a bad ExecStart (not a program) rolls back to v1 with the systemd status in the error', async (t) => {
    const before = await sh('systemctl show -p MainPID --value mxrc-rt.service');
    const record = await client.deploy.deployServices(profile.id, { rtBin: bins.garbage ?? '', nonrtBin: bins.nonrt ?? '', settleS: 1 });
    t.diagnostic(`rolled back: ${record.reason ?? ''}`);
    assert.equal(record.result, 'rolled-back');
    assert.equal(record.failedStep, 'start-units');
    assert.match(record.reason ?? '', /mxrc-rt\.service: .*status=203\/EXEC/);
    assert.match(record.services?.journalTail ?? '', /EXEC|Exec format error/);
    assert.equal(await sh('head -c 9 /opt/mxrc/bin/mxrc-rt'), '#!/bin/sh', 'the previous binary is back');
    assert.equal(await sh('systemctl is-active mxrc-rt.service'), 'active');
    assert.notEqual(await sh('systemctl show -p MainPID --value mxrc-rt.service'), before, 'and was started again');
    assert.equal((await client.deploy.servicesStatus(profile.id)).rt?.pass, true);
  });

  test('an impossible CPUAffinity rolls back with status=215/CPUAFFINITY', async (t) => {
    const impossible = await client.controllers.save({ id: profile.id, name: profile.name, host: profile.host, port: profile.port, user: profile.user, auth: profile.auth, rtCores: '7', housekeepingCores: '0' });
    try {
      const record = await client.deploy.deployServices(profile.id, { rtBin: bins['rt-v2'] ?? '', nonrtBin: bins.nonrt ?? '', settleS: 1 });
      t.diagnostic(`rolled back: ${record.reason ?? ''}`);
      assert.equal(record.result, 'rolled-back');
      assert.match(record.reason ?? '', /status=215\/CPUAFFINITY/);
      assert.match(record.reason ?? '', /cores this machine does not have/);
      assert.match(await sh('cat /etc/systemd/system/mxrc-rt.service'), /^CPUAffinity=1$/m, 'the previous unit is back');
      assert.match(await sh('cat /opt/mxrc/bin/mxrc-rt'), /-i1000/, 'and the previous binary');
      assert.equal(await sh('systemctl is-active mxrc-rt.service'), 'active');
    } finally {
      await client.controllers.save({ id: impossible.id, name: impossible.name, host: impossible.host, port: impossible.port, user: impossible.user, auth: impossible.auth, rtCores: '1', housekeepingCores: '0' });
    }
  });

  test('v2 deploys; "rollback services" puts v1 back; service actions work', async () => {
    const record = await client.deploy.deployServices(profile.id, { rtBin: bins['rt-v2'] ?? '', nonrtBin: bins.nonrt ?? '', settleS: 1 });
    assert.equal(record.result, 'deployed', record.reason);
    assert.match(await sh('cat /opt/mxrc/bin/mxrc-rt'), /-i2000/);
    const rollback = await client.deploy.rollbackServices(profile.id);
    assert.equal(rollback.result, 'restored', rollback.reason);
    assert.match(await sh('cat /opt/mxrc/bin/mxrc-rt'), /-i1000/);
    assert.equal(await sh('systemctl is-active mxrc-rt.service'), 'active');
    await assert.rejects(client.deploy.rollbackServices(profile.id), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');

    assert.equal((await client.deploy.serviceAction(profile.id, 'mxrc-rt.service', 'stop')).activeState, 'inactive');
    assert.equal((await client.deploy.servicesStatus(profile.id)).rt, null);
    const started = await client.deploy.serviceAction(profile.id, 'mxrc-rt.service', 'start');
    assert.equal(started.activeState, 'active');
  });

  test('Docker pinning: drop-ins for docker.service and containerd.service; no restart unless asked', async () => {
    const result = await client.deploy.pinDocker(profile.id, false);
    assert.deepEqual(result.units.map((u) => u.dropIn), ['/etc/systemd/system/containerd.service.d/10-mxrc-housekeeping.conf', '/etc/systemd/system/docker.service.d/10-mxrc-housekeeping.conf']);
    assert.equal(result.restarted, false);
    for (const u of result.units) assert.match(await sh(`cat ${u.dropIn}`), /^\[Service\]\nCPUAffinity=0$/m);
    // the lab's Docker is not a systemd unit inside the controller container: the tool says the pin has no effect
    assert.ok(result.units.every((u) => u.loadState === 'not-found'));
    assert.match(result.pending ?? '', /not managed by systemd/);
    // asking for a restart never restarts a Docker that systemd does not manage
    assert.equal((await client.deploy.pinDocker(profile.id, true)).restarted, false);
    await sh('sudo -n rm -rf /etc/systemd/system/docker.service.d /etc/systemd/system/containerd.service.d; sudo -n systemctl daemon-reload');
  });

  test('a user without sudo gets a clear SUDO_REQUIRED before anything changes', async () => {
    const noSudo = await connectSystemdController(app, client, lab, dataDir, { user: lab.users.noSudo.user, name: 'no sudo' });
    try {
      await assert.rejects(
        client.deploy.deployServices(noSudo.id, { rtBin: bins['rt-v2'] ?? '', nonrtBin: bins.nonrt ?? '' }),
        (e: unknown) => e instanceof AppError && e.code === 'SUDO_REQUIRED' && /without a password/.test(e.message),
      );
      assert.match(await sh('cat /opt/mxrc/bin/mxrc-rt'), /-i1000/);
    } finally {
      await client.connection.disconnect(noSudo.id);
    }
  });
});
