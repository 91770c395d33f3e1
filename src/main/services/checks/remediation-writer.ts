/** Writes an "Export remediation" directory: remediation.sh plus files/<target path> for review. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';

import { AppError } from '../../../shared/errors';
import type { RemediationExport } from '../../../shared/checks/remediation-script';
import { SCRIPT_NAME } from '../../../shared/checks/remediation-script';

/** Returns the paths written. Nothing here touches the controller. */
export async function writeRemediationExport(directory: string, exported: RemediationExport): Promise<string[]> {
  const root = resolve(directory);
  const written: string[] = [];
  const put = async (path: string, content: string, mode: number): Promise<void> => {
    const target = resolve(root, path);
    if (relative(root, target).startsWith('..')) throw new AppError('INVALID_INPUT', `Refusing to write outside the export directory: ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    await chmod(target, mode);
    written.push(target);
  };
  await put(SCRIPT_NAME, exported.script, 0o755);
  for (const file of exported.files) await put(file.path, file.content, Number.parseInt(file.mode, 8));
  return written;
}
