/**
 * The packaging rules, checked on the configuration itself (electron-builder.yml, electron-builder.e2e.yml,
 * scripts/dist.ts): hardened fuses, no native rebuild, the icon set, and every file the services read at run
 * time shipped where a packaged app looks for it. test/e2e/security-packaging.test.ts builds the app offline.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';

import { parse } from 'yaml';

import { readResource, resourcesDir } from '../../../src/main/services/deploy/resources';
import { runnerScriptPath } from '../../../src/main/services/latency/runner-script';
import { builderArgs, checkElectronDist, DistUsageError, parseArgs } from '../../../scripts/dist';

const root = join(import.meta.dirname, '..', '..', '..');

interface ExtraResource {
  from: string;
  to: string;
  filter: string[];
}

interface BuilderConfig {
  extends?: string;
  appId?: string;
  productName?: string;
  directories?: { output?: string; buildResources?: string };
  files?: string[];
  extraResources?: ExtraResource[];
  npmRebuild?: boolean;
  asar?: boolean;
  linux?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
  electronFuses?: Record<string, boolean>;
}

const load = (file: string): BuilderConfig => parse(readFileSync(join(root, file), 'utf8')) as BuilderConfig;
const config = load('electron-builder.yml');
const e2e = load('electron-builder.e2e.yml');

/** electron-builder's filter globs as used here (`name`, `dir/**`, `*.ext`); node's matchesGlob is experimental on 20. */
function matchesGlob(path: string, glob: string): boolean {
  const pattern = glob
    .split(/(\*\*|\*|\?)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(path);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path);
  assert.equal(data.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${path} is not a PNG`);
  assert.equal(data.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** Every file under resources/ that the services read at run time, from their source (not a hand-kept list). */
function runtimeResources(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of walk(join(root, 'src', 'main'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/readResource\(\s*['`]([^'`]+)['`]/g)) {
      const name = match[1] ?? '';
      if (!name.includes('${')) {
        found.add(name);
        continue;
      }
      // A template such as `templates/${unit}`: every file in that folder may be read.
      const folder = name.slice(0, name.indexOf('${'));
      for (const entry of readdirSync(join(root, 'resources', folder))) found.add(`${folder}${entry}`);
    }
    const runner = /const fileName = '([^']+)'/.exec(text);
    if (runner?.[1] && file.endsWith('runner-script.ts')) found.add(runner[1]);
  }
  return [...found].sort();
}

const shipped = (resource: string): boolean => (config.extraResources ?? []).some((r) => r.from === 'resources' && r.filter.some((glob) => matchesGlob(resource, glob)));

describe('electron-builder.yml', () => {
  test('identity, targets and the icon set (a 512×512 PNG drawn from resources/build/icon.svg)', () => {
    assert.match(config.appId ?? '', /^[a-z]+(\.[a-z0-9-]+){2,}$/, 'reverse-DNS app id');
    assert.equal(config.productName, 'MXRC Commissioner');
    assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
    assert.deepEqual(config.win?.target, ['nsis']);
    assert.deepEqual(config.mac?.target, ['dmg']);
    assert.equal(config.directories?.buildResources, 'resources/build');
    assert.ok(existsSync(join(root, 'resources/build/icon.svg')), 'the icon source');
    for (const icon of [config.win?.icon, config.mac?.icon]) {
      assert.equal(icon, 'resources/build/icon.png');
      assert.deepEqual(pngSize(join(root, icon)), { width: 512, height: 512 });
    }
    assert.equal(config.linux?.icon, 'resources/build/icons');
    for (const size of [16, 32, 48, 64, 128, 256, 512]) assert.deepEqual(pngSize(join(root, `resources/build/icons/${size}x${size}.png`)), { width: size, height: size });
  });

  test('app files: the build output and package.json, no sources, tests or source maps; in an asar; no native rebuild', () => {
    assert.deepEqual(config.files, ['out/**', 'package.json', '!**/*.map']);
    assert.equal(config.asar, true);
    assert.equal(config.npmRebuild, false, 'a rebuild downloads Electron headers and fails offline');
  });

  test('fuses: no run-as-node, no NODE_OPTIONS, no --inspect, asar integrity, app only from the asar', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  test('the e2e configuration differs only in the inspect fuse (Playwright _electron) and its output folder', () => {
    assert.equal(e2e.extends, './electron-builder.yml');
    assert.deepEqual(e2e.electronFuses, { ...config.electronFuses, enableNodeCliInspectArguments: true });
    assert.match(e2e.directories?.output ?? '', /^dist\/e2e$/, 'inside the ignored dist/ folder, apart from release builds');
    assert.deepEqual(Object.keys(e2e).sort(), ['directories', 'electronFuses', 'extends']);
  });

  test('every resource the services read at run time is shipped in extraResources', () => {
    const needed = runtimeResources();
    for (const expected of ['collect.sh', 'latency-runner.sh', 'docker-compose.yml', 'templates/mxrc-rt.service', 'templates/housekeeping-affinity.conf']) assert.ok(needed.includes(expected), `scan found ${expected}`);
    for (const resource of needed) {
      assert.ok(existsSync(join(root, 'resources', resource)), `resources/${resource} exists`);
      assert.ok(shipped(resource), `resources/${resource} is read at run time but not in extraResources`);
    }
    assert.equal(shipped('build/icon.png'), false, 'build inputs are not shipped as resources');
  });
});

describe('a packaged app finds its resources', () => {
  const packaged = mkdtempSync(join(tmpdir(), 'mxrc-packaged-'));
  after(() => rmSync(packaged, { recursive: true, force: true }));

  test('under process.resourcesPath/resources, as extraResources puts them', async () => {
    // Lay out <app>/resources/resources/… exactly as the extraResources rule copies it.
    const resourcesPath = join(packaged, 'resources');
    const rule = config.extraResources?.[0];
    assert.ok(rule);
    const source = join(root, rule.from);
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(source, join(dir, e.name))]));
    for (const file of walk(source).filter((f) => rule.filter.some((glob) => matchesGlob(f, glob)))) {
      mkdirSync(join(resourcesPath, rule.to, file, '..'), { recursive: true });
      cpSync(join(source, file), join(resourcesPath, rule.to, file));
    }
    const holder = process as { resourcesPath?: string };
    const before = holder.resourcesPath;
    holder.resourcesPath = resourcesPath;
    try {
      assert.equal(resourcesDir({}), join(resourcesPath, 'resources'));
      assert.equal(runnerScriptPath({}), join(resourcesPath, 'resources', 'latency-runner.sh'));
      for (const resource of runtimeResources()) {
        const read = await readResource(resource, resourcesDir({}));
        assert.equal(read.path, join(resourcesPath, 'resources', resource));
        assert.ok(read.text.length > 0, resource);
      }
    } finally {
      if (before === undefined) delete holder.resourcesPath;
      else holder.resourcesPath = before;
    }
  });
});

describe('scripts/dist.ts', () => {
  test('dist:dir refuses to run without ELECTRON_DIST and says what to do', () => {
    assert.throws(() => checkElectronDist(undefined), (e: unknown) => e instanceof DistUsageError && /ELECTRON_DIST is not set/.test(e.message) && /npm run dist:dir/.test(e.message) && /npm run dist\b/.test(e.message));
    assert.throws(() => checkElectronDist(join(root, 'no-such-dir')), /is not a directory/);
    assert.throws(() => checkElectronDist(root, 'linux'), /holds no electron/);
  });

  test('arguments: --dir uses electronDist, --e2e the e2e configuration, the rest goes to electron-builder', () => {
    assert.deepEqual(builderArgs(parseArgs([]), null), []);
    assert.deepEqual(builderArgs(parseArgs(['--dir']), '/opt/electron'), ['--dir', '-c.electronDist=/opt/electron']);
    assert.deepEqual(builderArgs(parseArgs(['--dir', '--e2e', '--', '-c.directories.output=/tmp/x']), '/e'), ['--config', 'electron-builder.e2e.yml', '--dir', '-c.electronDist=/e', '-c.directories.output=/tmp/x']);
    assert.throws(() => parseArgs(['--e2e']), /with --dir/);
    assert.throws(() => parseArgs(['--publish']), /unknown option/);
  });
});
