/**
 * The diff preview of "Export remediation": what each file the script installs would look like next to what the
 * controller has now. Reading the current files is read-only and runs pinned like every other command.
 */
import type { RemoteHost } from '../../platform/remote-host';
import type { CheckResult, RemediationFile } from '../../../shared/checks/model';
import type { RemediationExport } from '../../../shared/checks/remediation-script';
import { unifiedDiff } from '../../../shared/deploy/unit-template';
import type { RemediationFilePreview } from '../../../shared/model/checks';
import { onHousekeeping, sh } from '../../../shared/remote-command';

/** The file as it exists on the controller: its text, null when absent, undefined when it could not be read. */
export type CurrentFile = string | null | undefined;

/** Same rule as the script's `stage`: set-keys keeps every line except the keys it sets, then appends them. */
export function stagedContent(current: CurrentFile, file: Pick<RemediationFile, 'content' | 'merge'>): string {
  if (file.merge !== 'set-keys' || typeof current !== 'string') return file.content;
  const keys = new Set(file.content.split('\n').map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1]).filter((k): k is string => k !== undefined));
  const kept = current
    .split('\n')
    .filter((line, index, all) => !(index === all.length - 1 && line === ''))
    .filter((line) => {
      const key = /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1];
      return key === undefined || !keys.has(key);
    });
  return `${kept.map((line) => `${line}\n`).join('')}${file.content}`;
}

/** Merge mode of each installed file, from the remedies of the results the export addresses. */
export function mergeModes(results: readonly CheckResult[]): Map<string, 'replace' | 'set-keys'> {
  const modes = new Map<string, 'replace' | 'set-keys'>();
  for (const result of results) {
    if (result.verdict !== 'warn' && result.verdict !== 'fail') continue;
    for (const file of result.remediation?.files ?? []) {
      if (file.merge === 'set-keys' || !modes.has(file.path)) modes.set(file.path, file.merge ?? 'replace');
    }
  }
  return modes;
}

export function targetOf(exportPath: string): string {
  return `/${exportPath.replace(/^files\/+/, '')}`;
}

/** Reads each target with `cat`, pinned to the housekeeping cores; never throws. */
export async function readCurrentFiles(host: RemoteHost, targets: readonly string[], housekeepingCores: string): Promise<Map<string, CurrentFile>> {
  const out = new Map<string, CurrentFile>();
  await Promise.all(
    targets.map(async (target) => {
      try {
        const result = await host.exec(onHousekeeping(sh`cat -- ${target}`, housekeepingCores), { timeoutMs: 15_000 });
        if (result.exitCode === 0) out.set(target, result.stdout);
        else out.set(target, /No such file or directory/.test(result.stderr) ? null : undefined);
      } catch {
        out.set(target, undefined);
      }
    }),
  );
  return out;
}

export function previewFiles(exported: RemediationExport, results: readonly CheckResult[], current: ReadonlyMap<string, CurrentFile>): RemediationFilePreview[] {
  const modes = mergeModes(results);
  return exported.files.map((file) => {
    const target = targetOf(file.path);
    const merge = modes.get(target) ?? 'replace';
    const now = current.get(target);
    const content = stagedContent(now, { content: file.content, merge });
    const base = { target, path: file.path, mode: file.mode, merge, content };
    if (now === undefined) return { ...base, state: 'unknown', diff: '' };
    if (now === null) return { ...base, state: 'new', diff: unifiedDiff(null, content, { from: target, to: target }) };
    const diff = unifiedDiff(now, content, { from: `${target} (on the controller)`, to: `${target} (after remediation.sh)` });
    return { ...base, state: diff === '' ? 'unchanged' : 'changed', diff };
  });
}
