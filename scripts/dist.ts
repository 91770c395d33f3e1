/**
 * Packaging entry point (`npm run dist`, `npm run dist:dir`).
 *
 *   node --import tsx scripts/dist.ts            installers of this OS (electron-builder.yml: AppImage + deb,
 *                                                NSIS, dmg). Needs the internet: electron-builder downloads
 *                                                Electron and its toolsets (AppImage, fpm, NSIS, 7zip).
 *   node --import tsx scripts/dist.ts --dir      the unpacked app, OFFLINE, from the Electron you unpacked into
 *                                                ELECTRON_DIST (electron-builder `electronDist`); fuses are flipped
 *                                                in that copy. Fails at once when ELECTRON_DIST is missing.
 *   options: --e2e          use electron-builder.e2e.yml (inspect fuse on, for the Playwright _electron test)
 *            --skip-build   package the existing out/ instead of running `electron-vite build` first
 *            -- ARGS        passed to electron-builder (e.g. -c.directories.output=/tmp/x)
 * Exit codes: 0 built, 1 the build failed, 2 usage or missing ELECTRON_DIST.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');

export class DistUsageError extends Error {}

/** The Electron executable in an unpacked distribution, per platform. */
export function electronExecutableName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'electron.exe';
  if (platform === 'darwin') return 'Electron.app';
  return 'electron';
}

/** The Electron version this app is built against (its devDependency). */
export function electronVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Checks ELECTRON_DIST for `--dir`; returns the absolute path or throws a DistUsageError that says what to do. */
export function checkElectronDist(value: string | undefined, platform: NodeJS.Platform = process.platform): string {
  const version = electronVersion();
  const where = `electron-v${version}-${platform === 'win32' ? 'win32' : platform}-${process.arch}.zip`;
  if (!value) {
    throw new DistUsageError(
      [
        'ELECTRON_DIST is not set.',
        `npm run dist:dir packages offline and never downloads Electron: unpack Electron ${version} for this platform (${where}`,
        'from the Electron releases, or copy node_modules/electron/dist from a machine where Electron installed) and run',
        `  ELECTRON_DIST=/path/to/electron-v${version} npm run dist:dir`,
        'For installers (AppImage, deb, NSIS, dmg) on a machine with internet access, use npm run dist.',
      ].join('\n'),
    );
  }
  const dist = resolve(value);
  const executable = electronExecutableName(platform);
  if (!existsSync(dist) || !statSync(dist).isDirectory()) throw new DistUsageError(`ELECTRON_DIST=${value} is not a directory. Point it at the unpacked Electron ${version} (the folder that holds ${executable}).`);
  if (!existsSync(join(dist, executable))) throw new DistUsageError(`ELECTRON_DIST=${value} holds no ${executable}. Point it at the unpacked Electron ${version} (${where}), not at its parent folder.`);
  const versionFile = join(dist, 'version');
  if (existsSync(versionFile)) {
    const found = readFileSync(versionFile, 'utf8').trim().replace(/^v/, '');
    if (found !== version) throw new DistUsageError(`ELECTRON_DIST=${value} is Electron ${found}, but this app is built for Electron ${version}: the native ABI and the fuse layout must match.`);
  }
  return dist;
}

export interface DistOptions {
  dir: boolean;
  e2e: boolean;
  skipBuild: boolean;
  extra: string[];
}

export function parseArgs(argv: readonly string[]): DistOptions {
  const options: DistOptions = { dir: false, e2e: false, skipBuild: false, extra: [] };
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? argv : argv.slice(0, dashes);
  if (dashes !== -1) options.extra = argv.slice(dashes + 1);
  for (const arg of own) {
    if (arg === '--dir') options.dir = true;
    else if (arg === '--e2e') options.e2e = true;
    else if (arg === '--skip-build') options.skipBuild = true;
    else throw new DistUsageError(`unknown option ${arg} (use --dir, --e2e, --skip-build, and -- before electron-builder arguments)`);
  }
  if (options.e2e && !options.dir) throw new DistUsageError('--e2e builds only the unpacked test app: use it with --dir');
  return options;
}

/** The electron-builder arguments for these options (exported for the tests). */
export function builderArgs(options: DistOptions, electronDist: string | null): string[] {
  const args: string[] = [];
  if (options.e2e) args.push('--config', 'electron-builder.e2e.yml');
  if (options.dir) args.push('--dir', `-c.electronDist=${electronDist ?? ''}`);
  return [...args, ...options.extra];
}

function run(command: string, args: readonly string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`dist: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

function main(argv: readonly string[]): number {
  let options: DistOptions;
  let electronDist: string | null = null;
  try {
    options = parseArgs(argv);
    if (options.dir) electronDist = checkElectronDist(process.env.ELECTRON_DIST);
  } catch (error) {
    if (error instanceof DistUsageError) {
      console.error(`dist: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (!options.dir) console.log('dist: building installers for this OS; electron-builder downloads Electron and its toolsets (needs internet).');
  if (!options.skipBuild) {
    const built = run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
    if (built !== 0) return 1;
  }
  const status = run(process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js'), ...builderArgs(options, electronDist)]);
  return status === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('scripts/dist.ts')) process.exit(main(process.argv.slice(2)));
