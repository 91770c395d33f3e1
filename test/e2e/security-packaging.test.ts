/**
 * `npm run dist:dir`, for real and offline: electron-builder packages the built app (out/) around a stand-in
 * Electron distribution. The stand-in is a small file carrying Electron's fuse wire (the sentinel, version 1 and
 * Electron's default fuse states), which is all @electron/fuses needs to flip the fuses as in a real binary. No
 * Electron download, no toolset download (a `dir` target needs neither). Checked: the fuses of the release and
 * the e2e configuration, what is inside app.asar, and the resources the services read at run time.
 * The `_electron` smoke test (electron-shell.test.ts) needs a real Electron and skips without one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { readResource, resourcesDir } from '../../src/main/services/deploy/resources';
import { runnerScriptPath } from '../../src/main/services/latency/runner-script';

const root = join(import.meta.dirname, '..', '..');
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Fuse order of wire version 1 (@electron/fuses FuseV1Options). */
const fuseNames = ['runAsNode', 'enableCookieEncryption', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments', 'enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'loadBrowserProcessSpecificV8Snapshot', 'grantFileProtocolExtraPrivileges'] as const;
/** Electron's own defaults: everything permissive on, integrity checks off. */
const electronDefaults = '10110001';

function standInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(`#!/bin/sh\necho 'stand-in Electron for the packaging test'\nexit 0\n# `), Buffer.from(sentinel), Buffer.from([1, fuseNames.length]), Buffer.from(electronDefaults), Buffer.from('\n')]);
  writeFileSync(join(dir, 'electron'), wire, { mode: 0o755 });
  writeFileSync(join(dir, 'version'), (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
}

function fusesOf(binary: string): Record<string, boolean> {
  const data = readFileSync(binary);
  const at = data.indexOf(sentinel) + sentinel.length;
  assert.ok(at >= sentinel.length, 'the fuse sentinel is in the packaged binary');
  assert.equal(data[at], 1, 'fuse wire version 1');
  const states: Record<string, boolean> = {};
  fuseNames.forEach((name, i) => (states[name] = data[at + 2 + i] === '1'.charCodeAt(0)));
  return states;
}

/** File names in an asar archive, from its JSON header (pickle: 4 size fields, then the JSON). */
function asarFiles(archive: string): string[] {
  const data = readFileSync(archive);
  const header = JSON.parse(data.subarray(16, 16 + data.readUInt32LE(12)).toString('utf8')) as { files: Record<string, unknown> };
  const out: string[] = [];
  const walk = (node: { files?: Record<string, unknown> }, prefix: string): void => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const entry = child as { files?: Record<string, unknown> };
      if (entry.files) walk(entry, `${prefix}${name}/`);
      else out.push(`${prefix}${name}`);
    }
  };
  walk(header, '');
  return out;
}

function dist(args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/dist.ts'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('offline packaging (npm run dist:dir) with a stand-in Electron', () => {
  const work = mkdtempSync(join(tmpdir(), 'mxrc-dist-'));
  const electronDist = join(work, 'electron');
  const builds: Record<'release' | 'e2e', string> = { release: join(work, 'release'), e2e: join(work, 'e2e') };
  const env = { ...process.env, ELECTRON_DIST: electronDist, CSC_IDENTITY_AUTO_DISCOVERY: 'false' };

  before(() => {
    assert.ok(existsSync(join(root, 'out/main/index.js')), 'the app is built (test/run-all.sh runs electron-vite build before the e2e tier)');
    standInElectron(electronDist);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('without ELECTRON_DIST it stops at once with exit 2 and says what to do', () => {
    const { ELECTRON_DIST: _unset, ...without } = env;
    const result = dist(['--dir', '--skip-build'], without);
    assert.equal(result.status, 2, result.output);
    assert.match(result.output, /ELECTRON_DIST is not set/);
    assert.match(result.output, /npm run dist:dir/);
  });

  test('release build: fuses flipped, app only from app.asar, runtime resources beside it', async () => {
    const result = dist(['--dir', '--skip-build', '--', `-c.directories.output=${builds.release}`], env);
    assert.equal(result.status, 0, result.output);
    assert.doesNotMatch(result.output, /download/i, 'nothing was downloaded');
    const app = join(builds.release, 'linux-unpacked');
    assert.deepEqual(fusesOf(join(app, 'mxrc-commissioner')), {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // Not configured: Electron's defaults stay.
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: true,
    });

    const files = asarFiles(join(app, 'resources', 'app.asar'));
    for (const expected of ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'node_modules/ssh2/package.json', 'node_modules/dockerode/package.json', 'node_modules/zod/package.json']) {
      assert.ok(files.includes(expected), `app.asar holds ${expected}`);
    }
    const stray = files.filter((f) => /^(src|test|scripts|bench|resources|tools)\//.test(f) || f.endsWith('.map') || f.startsWith('node_modules/electron/') || f.startsWith('node_modules/typescript/') || f.startsWith('node_modules/electron-builder/'));
    assert.deepEqual(stray, [], 'no sources, tests, source maps, Electron itself or build tools in the app');

    const resourcesPath = join(app, 'resources');
    for (const file of ['collect.sh', 'latency-runner.sh', 'docker-compose.yml', 'templates/mxrc-rt.service', 'templates/mxrc-nonrt.service', 'templates/mxrc-webapi-docker.service', 'templates/housekeeping-affinity.conf']) {
      assert.equal(readFileSync(join(resourcesPath, 'resources', file), 'utf8'), readFileSync(join(root, 'resources', file), 'utf8'), `resources/${file} shipped unchanged`);
    }
    // The services' own lookup, as in the packaged app (process.resourcesPath is set by Electron).
    const holder = process as { resourcesPath?: string };
    const saved = holder.resourcesPath;
    holder.resourcesPath = resourcesPath;
    try {
      assert.equal(resourcesDir({}), join(resourcesPath, 'resources'));
      assert.equal(runnerScriptPath({}), join(resourcesPath, 'resources', 'latency-runner.sh'));
      assert.match((await readResource('templates/mxrc-rt.service', resourcesDir({}))).text, /\[Service\]/);
    } finally {
      if (saved === undefined) delete holder.resourcesPath;
      else holder.resourcesPath = saved;
    }
  });

  test('e2e build (electron-builder.e2e.yml): the same, with only the inspect fuse left on for Playwright', () => {
    const result = dist(['--dir', '--e2e', '--skip-build', '--', `-c.directories.output=${builds.e2e}`], env);
    assert.equal(result.status, 0, result.output);
    const release = fusesOf(join(builds.release, 'linux-unpacked', 'mxrc-commissioner'));
    const e2e = fusesOf(join(builds.e2e, 'linux-unpacked', 'mxrc-commissioner'));
    assert.deepEqual(e2e, { ...release, enableNodeCliInspectArguments: true });
    assert.ok(existsSync(join(builds.e2e, 'linux-unpacked', 'resources', 'resources', 'latency-runner.sh')), 'the e2e build ships the same resources');
  });
});
