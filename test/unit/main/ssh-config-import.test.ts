import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sshConfigHostsFromText } from '../../../src/main/services/controllers/ssh-config-import';

test('~/.ssh/config hosts resolve like ssh -G: first match wins, wildcards fill in, patterns are not hosts', () => {
  const text = [
    'Host robot-7 robot-7b',
    '  HostName 10.10.0.7',
    '  User mxrc',
    '  Port 2222',
    '  IdentityFile ~/.ssh/robot_ed25519',
    '  ProxyJump gateway',
    '',
    'Host gateway',
    '  HostName 10.10.0.1',
    '',
    'Host *.plant !bad.plant',
    '  User tech',
    '',
    'Host *',
    '  User fallback',
    '  ServerAliveInterval 10',
  ].join('\n');
  assert.deepEqual(sshConfigHostsFromText(text), [
    { alias: 'robot-7', host: '10.10.0.7', port: 2222, user: 'mxrc', identityFile: '~/.ssh/robot_ed25519', proxyJump: 'gateway' },
    { alias: 'robot-7b', host: '10.10.0.7', port: 2222, user: 'mxrc', identityFile: '~/.ssh/robot_ed25519', proxyJump: 'gateway' },
    { alias: 'gateway', host: '10.10.0.1', port: 22, user: 'fallback', identityFile: null, proxyJump: null },
  ]);
  assert.deepEqual(sshConfigHostsFromText(''), []);
});
