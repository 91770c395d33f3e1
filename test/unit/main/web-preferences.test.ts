import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { secureWebPreferences } from '../../../src/main/electron/web-preferences';

const root = join(import.meta.dirname, '..', '..', '..');

test('the app window is isolated, sandboxed and without Node', () => {
  assert.equal(secureWebPreferences.contextIsolation, true);
  assert.equal(secureWebPreferences.sandbox, true);
  assert.equal(secureWebPreferences.nodeIntegration, false);
  assert.equal(secureWebPreferences.webviewTag, false);
  assert.equal(secureWebPreferences.webSecurity, true);
  const window = readFileSync(join(root, 'src/main/electron/window.ts'), 'utf8');
  assert.match(window, /webPreferences: \{ \.\.\.secureWebPreferences, preload:/, 'window.ts uses these preferences and overrides none of them');
  assert.match(window, /setWindowOpenHandler\([^)]*\)[\s\S]*action: 'deny'/);
  assert.match(window, /setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/);
});

test('the page ships a strict CSP', () => {
  const html = readFileSync(join(root, 'src/renderer/index.html'), 'utf8');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
});
