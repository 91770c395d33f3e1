import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { KnownHostsStore } from '../../src/main/platform/known-hosts';
import type { SshConnectRequest } from '../../src/main/platform/ssh-connector';
import { connectSsh } from '../../src/main/platform/ssh-connector';
import { AppError } from '../../src/shared/errors';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';

function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('SSH connections against the lab sshd', () => {
  let lab: Lab;
  let dir: string;
  let knownHosts: string;

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-ssh-'));
    knownHosts = join(dir, 'known_hosts');
    copyFileSync(lab.knownHostsFile, knownHosts);
  });

  const request = (over: Partial<SshConnectRequest> = {}): SshConnectRequest => ({
    controllerId: 'lab',
    target: { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.key.user, auth: { kind: 'key', keyFile: lab.users.key.keyFile } },
    knownHosts: new KnownHostsStore(knownHosts),
    agentSocket: '',
    ...over,
  });

  test('key login: one connection serves exec with exit codes and stderr', async () => {
    const { host, hostKey, serverIdent } = await connectSsh(request());
    try {
      assert.equal(hostKey.fingerprint, lab.hostKey.fingerprint);
      assert.match(serverIdent, /OpenSSH/);
      const ok = await host.exec('uname -a');
      assert.equal(ok.exitCode, 0);
      assert.match(ok.stdout, /Linux/);
      const failed = await host.exec('echo oops >&2; exit 3');
      assert.deepEqual([failed.exitCode, failed.stderr], [3, 'oops\n']);
      const many = await Promise.all(Array.from({ length: 16 }, (_, i) => host.exec(`echo ${i}`)));
      assert.deepEqual(many.map((r) => r.stdout.trim()), Array.from({ length: 16 }, (_, i) => String(i)));
      await assert.rejects(host.exec('sleep 30', { timeoutMs: 300 }), hasCode('TIMEOUT'));
    } finally {
      await host.close();
    }
  });

  test('password login', async () => {
    const target = { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.password.user, auth: { kind: 'password' as const } };
    await assert.rejects(connectSsh(request({ target })), hasCode('SECRET_REQUIRED'));
    await assert.rejects(connectSsh(request({ target, secrets: { password: 'wrong' } })), hasCode('AUTH_FAILED'));
    const { host } = await connectSsh(request({ target, secrets: { password: lab.users.password.password } }));
    assert.equal((await host.exec('id -un')).stdout.trim(), lab.users.password.user);
    await host.close();
  });

  test('ssh-agent login', async () => {
    const target = { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.key.user, auth: { kind: 'agent' as const } };
    await assert.rejects(connectSsh(request({ target })), hasCode('AUTH_FAILED'));
    const { host } = await connectSsh(request({ target, agentSocket: lab.agent.socket }));
    assert.equal((await host.exec('id -un')).stdout.trim(), lab.users.key.user);
    await host.close();
  });

  test('passphrase-protected key', async () => {
    const target = { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.encryptedKey.user, auth: { kind: 'key' as const, keyFile: lab.users.encryptedKey.keyFile } };
    await assert.rejects(connectSsh(request({ target })), hasCode('SECRET_REQUIRED'));
    await assert.rejects(connectSsh(request({ target, secrets: { passphrase: 'not-it' } })), hasCode('KEY_FILE'));
    const { host } = await connectSsh(request({ target, secrets: { passphrase: lab.users.encryptedKey.passphrase } }));
    assert.equal((await host.exec('true')).exitCode, 0);
    await host.close();
  });

  test('a key the controller does not accept', async () => {
    const keyFile = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const target = { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.key.user, auth: { kind: 'key' as const, keyFile } };
    await assert.rejects(connectSsh(request({ target })), hasCode('AUTH_FAILED'));
  });

  test('unknown host key: refused before any credential is sent, with the SHA256 fingerprint', async () => {
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const logBefore = readFileSync(join(lab.labDir, 'ssh', 'sshd.log'), 'utf8').length;
    const target = { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.password.user, auth: { kind: 'password' as const } };
    await assert.rejects(connectSsh(request({ target, secrets: { password: lab.users.password.password }, knownHosts: new KnownHostsStore(empty) })), (error: unknown) => {
      hasCode('HOST_KEY_UNKNOWN')(error);
      assert.equal((error as AppError).detail && (error as { detail: { fingerprint: string } }).detail.fingerprint, lab.hostKey.fingerprint);
      return true;
    });
    // sshd logs every authentication attempt at LogLevel VERBOSE; none may have happened.
    const logAfter = readFileSync(join(lab.labDir, 'ssh', 'sshd.log'), 'utf8').slice(logBefore);
    assert.doesNotMatch(logAfter, /password|publickey|Accepted|Failed/i, logAfter);
    assert.equal(readFileSync(empty, 'utf8'), '', 'nothing was trusted');

    const accepted = await connectSsh(request({ knownHosts: new KnownHostsStore(empty), acceptNewHostKey: true }));
    await accepted.host.close();
    assert.equal((await new KnownHostsStore(empty).judge(lab.sshd.host, lab.sshd.port, Buffer.from(lab.hostKey.publicKey.split(' ')[1] ?? '', 'base64'))).kind, 'match');
  });

  test('changed host key: a hard stop, even with --accept-new-host-key', async () => {
    const other = join(dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const forged = join(dir, 'forged_known_hosts');
    writeFileSync(forged, `[${lab.sshd.host}]:${lab.sshd.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    await assert.rejects(connectSsh(request({ knownHosts: new KnownHostsStore(forged), acceptNewHostKey: true })), (error: unknown) => {
      hasCode('HOST_KEY_CHANGED')(error);
      const detail = (error as AppError).detail as { fingerprint: string; knownFingerprints: string[] };
      assert.equal(detail.fingerprint, lab.hostKey.fingerprint);
      assert.equal(detail.knownFingerprints.length, 1);
      assert.notEqual(detail.knownFingerprints[0], lab.hostKey.fingerprint);
      return true;
    });
  });

  test('jump host: the fake controller reached through the lab sshd', async () => {
    const ctl = lab.controllers.tuned;
    const { host } = await connectSsh(
      request({
        jump: { host: lab.sshd.host, port: lab.sshd.port, user: lab.users.key.user, auth: { kind: 'key', keyFile: lab.users.key.keyFile } },
        target: { host: ctl.host, port: ctl.port, user: ctl.user, auth: { kind: 'key', keyFile: ctl.keyFile } },
      }),
    );
    assert.match((await host.exec('uname -a')).stdout, /PREEMPT_RT/);
    await host.close();
  });

  test('refused, and a server that never speaks SSH', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(connectSsh(request({ target: { ...request().target, port: closedPort } })), hasCode('CONNECTION_REFUSED'));

    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await assert.rejects(connectSsh(request({ target: { ...request().target, port }, readyTimeoutMs: 800 })), hasCode('TIMEOUT'));
    } finally {
      silent.close();
    }
  });

  after(() => undefined);
});
