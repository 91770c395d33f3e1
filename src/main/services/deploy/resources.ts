import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { AppError } from '../../../shared/errors';

/**
 * Where the shipped files (resources/docker-compose.yml, resources/templates/*) are: MXRC_RESOURCES_DIR, the
 * packaged app's resources folder (electron-builder extraResources), or the nearest `resources/` above this
 * module (source checkout under tsx, or out/main after `electron-vite build`).
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MXRC_RESOURCES_DIR) return env.MXRC_RESOURCES_DIR;
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'resources', 'templates'))) return join(packaged, 'resources');
  let dir = import.meta.dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'resources', 'templates'))) return join(dir, 'resources');
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new AppError('INTERNAL', 'The application files (resources/templates) were not found.', 'Reinstall the application.');
}

export async function readResource(relative: string, dir = resourcesDir()): Promise<{ path: string; text: string }> {
  const path = join(dir, relative);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    throw new AppError('INTERNAL', `The application file ${relative} is missing (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Reinstall the application.');
  }
}
