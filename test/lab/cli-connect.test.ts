import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { runCli } from '../support/run-cli';

describe('mxrc-commission connect', () => {
  let lab: Lab;
  let dir: string;
  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-cli-'));
  });
  const target = (): string => `${lab.users.key.user}@${lab.sshd.host}:${lab.sshd.port}`;

  test('unknown key: exit non-zero with HOST_KEY_UNKNOWN; --accept-new-host-key records it; then it connects', async () => {
    const file = join(dir, 'kh-new');
    const refused = await runCli(['connect', target(), '--key', lab.users.key.keyFile, '--known-hosts', file, '--json']);
    assert.equal(refused.code, 2);
    const error = JSON.parse(refused.stdout) as { ok: boolean; error: { code: string; detail: { fingerprint: string } } };
    assert.equal(error.error.code, 'HOST_KEY_UNKNOWN');
    assert.equal(error.error.detail.fingerprint, lab.hostKey.fingerprint);

    const accepted = await runCli(['connect', target(), '--key', lab.users.key.keyFile, '--known-hosts', file, '--accept-new-host-key', '--json']);
    assert.equal(accepted.code, 0, accepted.stderr);
    const out = JSON.parse(accepted.stdout) as { ok: boolean; uname: string; hostKey: { fingerprint: string; newlyTrusted: boolean } };
    assert.equal(out.ok, true);
    assert.match(out.uname, /^Linux /);
    assert.deepEqual([out.hostKey.fingerprint, out.hostKey.newlyTrusted], [lab.hostKey.fingerprint, true]);
    // The recorded line is OpenSSH's own format: ssh itself now trusts the host through this file.
    const viaOpenSsh = execFileSync('ssh', ['-p', String(lab.sshd.port), '-i', lab.users.key.keyFile, '-o', `UserKnownHostsFile=${file}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', `${lab.users.key.user}@${lab.sshd.host}`, 'echo ok'], { encoding: 'utf8' });
    assert.equal(viaOpenSsh.trim(), 'ok');

    const plain = await runCli(['connect', target(), '--key', lab.users.key.keyFile, '--known-hosts', file]);
    assert.equal(plain.code, 0);
    assert.match(plain.stdout, /^Linux /);
  });

  test('changed key: always HOST_KEY_CHANGED', async () => {
    const other = join(dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const file = join(dir, 'kh-changed');
    writeFileSync(file, `[${lab.sshd.host}]:${lab.sshd.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const result = await runCli(['connect', target(), '--key', lab.users.key.keyFile, '--known-hosts', file, '--accept-new-host-key', '--json']);
    assert.equal(result.code, 2);
    assert.equal((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'HOST_KEY_CHANGED');
    const human = await runCli(['connect', target(), '--key', lab.users.key.keyFile, '--known-hosts', file]);
    assert.equal(human.code, 2);
    assert.match(human.stderr, /HOST_KEY_CHANGED/);
  });

  test('rejected login: AUTH_FAILED', async () => {
    const stranger = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const result = await runCli(['connect', target(), '--key', stranger, '--known-hosts', lab.knownHostsFile, '--json']);
    assert.equal(result.code, 2);
    assert.equal((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'AUTH_FAILED');
  });

  test('password and usage errors', async () => {
    const pw = await runCli(['connect', `${lab.users.password.user}@${lab.sshd.host}:${lab.sshd.port}`, '--known-hosts', lab.knownHostsFile, '--json'], { MXRC_SSH_PASSWORD: lab.users.password.password, HOME: dir });
    assert.equal(pw.code, 0, pw.stdout + pw.stderr);
    const usage = await runCli(['connect', 'not a target', '--json']);
    assert.equal(usage.code, 2);
    assert.equal((JSON.parse(usage.stdout) as { error: { code: string } }).error.code, 'INVALID_INPUT');
    assert.equal((await runCli(['connect'])).code, 2);
  });
});
