import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');

// window.ts imports Electron at run time, which cannot load under plain Node; its settings are checked as source.
test('the app window is isolated, sandboxed, without Node, and refuses new windows and permissions', () => {
  const window = readFileSync(join(root, 'src/main/electron/window.ts'), 'utf8');
  const prefs = /webPreferences: \{([\s\S]*?)\n {4}\},/.exec(window)?.[1] ?? '';
  for (const line of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'nodeIntegrationInWorker: false', 'nodeIntegrationInSubFrames: false', 'webSecurity: true', 'allowRunningInsecureContent: false', 'webviewTag: false', "disableBlinkFeatures: 'Auxclick'"]) {
    assert.ok(prefs.includes(`${line},`), `webPreferences has ${line}`);
  }
  assert.doesNotMatch(prefs, /\.\.\./, 'no spread that could override a setting');
  assert.match(window, /setWindowOpenHandler\([^)]*\)[\s\S]*action: 'deny'/);
  assert.match(window, /setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/);
  assert.match(window, /will-navigate[\s\S]*preventDefault/);
});

test('the page ships a strict CSP', () => {
  const html = readFileSync(join(root, 'src/renderer/index.html'), 'utf8');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
});
