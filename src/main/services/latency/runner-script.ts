import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { AppError } from '../../../shared/errors';

const fileName = 'latency-runner.sh';

/**
 * resources/latency-runner.sh: MXRC_RESOURCES_DIR, the packaged app's resources folder (electron-builder
 * extraResources), or the nearest `resources/` above this module (source checkout under tsx, out/main when built).
 */
export function runnerScriptPath(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.MXRC_RESOURCES_DIR) candidates.push(join(env.MXRC_RESOURCES_DIR, fileName));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) candidates.push(join(packaged, 'resources', fileName));
  let dir = import.meta.dirname;
  for (let i = 0; i < 8; i++) {
    candidates.push(join(dir, 'resources', fileName));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new AppError('INTERNAL', `The application file resources/${fileName} was not found.`, 'Reinstall the application.');
  return found;
}

let cached: Promise<string> | null = null;

/** The runner's text, read once per process. */
export function readRunnerScript(): Promise<string> {
  cached ??= readFile(runnerScriptPath(), 'utf8').catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}
