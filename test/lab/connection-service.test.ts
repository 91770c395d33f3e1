import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Composition } from '../../src/main/composition';
import { compose } from '../../src/main/composition';
import type { ConnectionState } from '../../src/shared/model/controller';
import { AppError } from '../../src/shared/errors';
import type { AppClient } from '../../src/shared/rpc';
import { inMemoryClient } from '../support/in-memory-transport';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { waitFor } from '../support/wait-for';

describe('connection service through the contract', () => {
  let lab: Lab;
  let app: Composition;
  let client: AppClient;
  let dataDir: string;
  const states: ConnectionState[] = [];

  before(async () => {
    lab = await ensureLab();
    dataDir = mkdtempSync(join(tmpdir(), 'mxrc-conn-'));
    app = compose({ dataDir, mode: 'web', readOnlyKnownHosts: [] });
    client = inMemoryClient(app.services, app.events);
    client.on('connection.state', (state) => states.push(state));
  });
  after(() => app.shutdown());

  test('add, meet the fingerprint, trust, connect, probe, survive a dropped link, disconnect', async () => {
    const profile = await client.controllers.save({
      name: 'Lab systemd controller',
      host: lab.controllers.systemd.host,
      port: lab.controllers.systemd.port,
      user: lab.controllers.systemd.user,
      auth: { kind: 'key', keyFile: lab.controllers.systemd.keyFile },
      rtCores: lab.controllers.systemd.rtCores,
      housekeepingCores: lab.controllers.systemd.housekeepingCores,
    });
    assert.deepEqual((await client.controllers.list()).map((c) => c.name), ['Lab systemd controller']);

    const unknown = await client.connection.connect(profile.id).then(
      () => assert.fail('an unknown key must not connect'),
      (error: unknown) => error as AppError,
    );
    assert.equal(unknown.code, 'HOST_KEY_UNKNOWN');
    const presented = unknown.detail as { fingerprint: string };
    assert.equal(presented.fingerprint, lab.controllers.systemd.hostKey.fingerprint);
    await assert.rejects(client.connection.trustHostKey(profile.id, 'SHA256:' + 'A'.repeat(43)), (e: unknown) => e instanceof AppError && e.code === 'HOST_KEY_CHANGED');
    await client.connection.trustHostKey(profile.id, presented.fingerprint);
    assert.match(readFileSync(join(dataDir, 'known_hosts'), 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${lab.controllers.systemd.port} ssh-ed25519 `));

    const connected = await client.connection.connect(profile.id);
    assert.equal(connected.status, 'connected');
    assert.equal(connected.hostKeyFingerprint, presented.fingerprint);
    const probe = await client.connection.probe(profile.id);
    assert.match(probe.uname, /^Linux /);
    // The session's own sshd process was pinned to the housekeeping cores at connect (session-setup.ts): every
    // command of this connection inherits it, whatever the controller's default affinity.
    const sessionCpus = await app.connections.hostFor(profile.id).exec('grep Cpus_allowed_list /proc/$PPID/status');
    assert.match(sessionCpus.stdout, new RegExp(`Cpus_allowed_list:\\s+${lab.controllers.systemd.housekeepingCores}\\n`));

    // Drop the link the hard way: end this session's sshd process on the controller.
    const host = app.connections.hostFor(profile.id);
    const sessionPid = (await host.exec('echo $PPID')).stdout.trim();
    states.length = 0;
    await host.exec(`sudo -n kill -9 ${sessionPid}`).catch(() => undefined);
    await waitFor(() => states.some((s) => s.status === 'reconnecting'), 'reconnecting state');
    await waitFor(() => states.at(-1)?.status === 'connected', 'connected again');
    assert.match((await client.connection.probe(profile.id)).uname, /^Linux /);

    const down = await client.connection.disconnect(profile.id);
    assert.equal(down.status, 'disconnected');
    await assert.rejects(client.connection.probe(profile.id), (e: unknown) => e instanceof AppError && e.code === 'NOT_CONNECTED');
  });

  test('a reimaged controller: changed key stops, then is replaced deliberately', async () => {
    const profile = await client.controllers.save({
      name: 'Reimaged',
      host: lab.sshd.host,
      port: lab.sshd.port,
      user: lab.users.key.user,
      auth: { kind: 'key', keyFile: lab.users.key.keyFile },
      rtCores: '1',
      housekeepingCores: '0',
    });
    const old = join(dataDir, 'old-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', old]);
    writeFileSync(join(dataDir, 'known_hosts'), `[${lab.sshd.host}]:${lab.sshd.port} ${readFileSync(`${old}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`, { flag: 'a' });

    const changed = await client.connection.connect(profile.id).then(
      () => assert.fail('a changed key must not connect'),
      (error: unknown) => error as AppError,
    );
    assert.equal(changed.code, 'HOST_KEY_CHANGED');
    assert.equal(states.at(-1)?.status, 'failed');
    await assert.rejects(client.connection.trustHostKey(profile.id, lab.hostKey.fingerprint), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT');
    const replaced = await client.connection.replaceHostKey(profile.id, lab.hostKey.fingerprint);
    assert.equal(replaced.knownFingerprints.length, 1);
    assert.equal((await client.connection.connect(profile.id)).status, 'connected');
    await client.connection.disconnect(profile.id);
  });
});
