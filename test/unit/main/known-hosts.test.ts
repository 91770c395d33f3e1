import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { fingerprintOf, hostFieldMatches, judgeHostKey, KnownHostsStore, keyTypeOf, parseKnownHosts } from '../../../src/main/platform/known-hosts';

/** A real key pair from ssh-keygen, so fingerprints are checked against OpenSSH's own output. */
function realKey(dir: string, name: string): { blob: Buffer; line: string; fingerprint: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim();
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { blob: Buffer.from(line.split(' ')[1] ?? '', 'base64'), line, fingerprint };
}

describe('known_hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxrc-kh-'));
  const a = realKey(dir, 'a');
  const b = realKey(dir, 'b');

  test('fingerprints and key types match ssh-keygen', () => {
    assert.equal(fingerprintOf(a.blob), a.fingerprint);
    assert.equal(keyTypeOf(a.blob), 'ssh-ed25519');
  });

  test('host patterns: plain, [host]:port, lists, wildcards, negation', () => {
    assert.ok(hostFieldMatches('ctl7,10.0.0.5', '10.0.0.5', 22));
    assert.ok(!hostFieldMatches('10.0.0.5', '10.0.0.5', 2222));
    assert.ok(hostFieldMatches('[10.0.0.5]:2222', '10.0.0.5', 2222));
    assert.ok(hostFieldMatches('10.0.0.*', '10.0.0.77', 22));
    assert.ok(!hostFieldMatches('10.0.0.*,!10.0.0.77', '10.0.0.77', 22));
    assert.ok(hostFieldMatches('ctl?', 'CTL7', 22));
  });

  test('unknown, match, changed and revoked', () => {
    const text = [`# comment`, `[127.0.0.1]:2200 ${a.line.split(' ').slice(0, 2).join(' ')}`, `@revoked * ${b.line.split(' ').slice(0, 2).join(' ')}`, 'garbage-line'].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    assert.equal(entries.length, 2);
    assert.equal(judgeHostKey(entries, '127.0.0.1', 2201, a.blob).kind, 'unknown');
    assert.equal(judgeHostKey(entries, '127.0.0.1', 2200, a.blob).kind, 'match');
    assert.equal(judgeHostKey(entries, '127.0.0.1', 2200, b.blob).kind, 'revoked');
    const other = realKey(dir, 'c');
    const changed = judgeHostKey(entries, '127.0.0.1', 2200, other.blob);
    assert.equal(changed.kind, 'changed');
  });

  test('hashed entries written by us are found by ssh-keygen -F, and ssh-keygen -H entries by us', async () => {
    const file = join(dir, 'known_hosts');
    const store = new KnownHostsStore(file);
    await store.add('127.0.0.1', 2222, a.blob, { hashed: true });
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519/);
    assert.equal((await store.judge('127.0.0.1', 2222, a.blob)).kind, 'match');

    const plain = join(dir, 'plain_hosts');
    writeFileSync(plain, `ctl9.plant ${b.line.split(' ').slice(0, 2).join(' ')}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', plain], { stdio: 'ignore' });
    assert.match(readFileSync(plain, 'utf8'), /^\|1\|/);
    assert.equal((await new KnownHostsStore(plain).judge('ctl9.plant', 22, b.blob)).kind, 'match');
  });

  test('read-only files are honoured; removeHost only edits the writable file', async () => {
    const mine = join(dir, 'mine');
    const users = join(dir, 'users');
    writeFileSync(users, `[h]:2 ${a.line.split(' ').slice(0, 2).join(' ')}\n`);
    const store = new KnownHostsStore(mine, [users, join(dir, 'missing')]);
    assert.equal((await store.judge('h', 2, a.blob)).kind, 'match');
    assert.equal((await store.judge('h', 2, b.blob)).kind, 'changed');
    await store.add('h', 2, b.blob);
    assert.equal((await store.judge('h', 2, b.blob)).kind, 'match');
    assert.equal(await store.removeHost('h', 2), 1);
    assert.equal((await store.judge('h', 2, b.blob)).kind, 'changed');
    assert.match(readFileSync(users, 'utf8'), /^\[h\]:2 /);
  });
});
