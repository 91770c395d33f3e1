import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { _electron as electron } from 'playwright-core';

import { contract } from '../../src/shared/contract';

const root = join(import.meta.dirname, '..', '..');

/** The Electron binary cannot be downloaded everywhere; find one without triggering electron's lazy download. */
function electronBinary(): string | null {
  // ELECTRON_DIST is what `npm run dist:dir` packages from: the same unpacked Electron runs this test.
  for (const dist of [process.env.ELECTRON_OVERRIDE_DIST_PATH, process.env.ELECTRON_DIST]) {
    if (!dist) continue;
    const candidate = join(dist, process.platform === 'win32' ? 'electron.exe' : 'electron');
    if (existsSync(candidate)) return candidate;
  }
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (existsSync(pathFile)) {
    const candidate = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

test('Electron shell: hardened window and the preload contract', async (t) => {
  const executablePath = electronBinary();
  if (!executablePath) {
    const reason = 'no Electron binary on this machine (npm cannot download it here; set ELECTRON_OVERRIDE_DIST_PATH or ELECTRON_DIST to an unpacked Electron to run this test)';
    console.log(`# SKIP electron-shell: ${reason}`);
    t.skip(reason);
    return;
  }
  const app = await electron.launch({
    executablePath,
    args: [join(root, 'out', 'main', 'index.js')],
    env: { ...process.env, MXRC_DATA_DIR: mkdtempSync(join(tmpdir(), 'mxrc-electron-')) },
  });
  try {
    const window = await app.firstWindow();
    const page = await window.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      ipcRenderer: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
      api: Object.keys((globalThis as unknown as { mxrc: Record<string, unknown> }).mxrc).sort(),
    }));
    assert.deepEqual(page, { require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', api: [...Object.keys(contract), 'on'].sort() });
    const info = await window.evaluate(() => (globalThis as unknown as { mxrc: { app: { info(): Promise<{ mode: string }> } } }).mxrc.app.info());
    assert.equal(info.mode, 'electron');
    const opened = await window.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.invalid') === null);
    assert.equal(opened, true);
    const navigated = await window.evaluate(() => {
      const where = (globalThis as unknown as { location: { href: string; protocol: string } }).location;
      where.href = 'https://example.invalid/';
      return where.protocol;
    });
    assert.notEqual(navigated, 'https:');
  } finally {
    await app.close();
  }
});
