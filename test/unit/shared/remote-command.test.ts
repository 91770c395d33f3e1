import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';

import { isSudoRefusal, onHousekeeping, quote, sh, withSudo } from '../../../src/shared/remote-command';

const hostile = ["it's", '$(touch /tmp/pwned)', '`id`', 'a;b', 'line\nbreak', '"dq"', '\\', '', ' lead', '*', '--help', '-e', "'", '$HOME', 'ünïcode ✓', '\t', '!event'];

/** Runs a command through a real POSIX shell and returns the argv it saw. */
function argvSeenBy(command: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${command}; for a in "$@"; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('remote command templates', () => {
  test('every hostile value arrives as one literal argument', () => {
    for (const value of hostile) assert.deepEqual(argvSeenBy(quote(value)), [value], JSON.stringify(value));
    assert.deepEqual(argvSeenBy(sh`${hostile}`), hostile);
    assert.deepEqual(argvSeenBy(sh`journalctl -u ${'x; reboot'} -n ${50}`), ['journalctl', '-u', 'x; reboot', '-n', '50']);
  });

  test('wrappers nest quoting correctly through real shells', () => {
    const inner = sh`printf '%s|' ${"a'b"} ${'$(id)'}`;
    const out = execFileSync('sh', ['-c', onHousekeeping(inner, '0')], { encoding: 'utf8' });
    assert.equal(out, "a'b|$(id)|");
    assert.throws(() => onHousekeeping('true', '0; reboot'), /invalid housekeeping/);
    assert.match(withSudo('cat /proc/1/status'), /^sudo -n sh -c 'cat \/proc\/1\/status'$/);
  });

  test('sudo refusals are recognised', () => {
    assert.ok(isSudoRefusal('sudo: a password is required\n'));
    assert.ok(isSudoRefusal('mxrc is not in the sudoers file.  This incident will be reported.\n'.replace(/^/, 'sudo: ')));
    assert.ok(!isSudoRefusal('cat: /proc/x: No such file or directory'));
  });
});
