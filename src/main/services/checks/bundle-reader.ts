/**
 * Reads an evidence bundle made by resources/collect.sh (tar.gz: meta + probes/<id>.{cmd,out,err,rc,skipped})
 * into the same probe outputs a live run produces, then evaluates them with the same checks.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

import * as tar from 'tar-stream';

import { AppError } from '../../../shared/errors';
import { selectChecks } from '../../../shared/checks/catalogue';
import { BUNDLE_FORMAT } from '../../../shared/checks/collect-script';
import { classifyOutput, controllerFacts, evaluateCheck } from '../../../shared/checks/evaluate';
import type { CheckProfile, CheckResult, CheckRun, ProbeOutput } from '../../../shared/checks/model';
import { checkProfileSchema, resolveProfile } from '../../../shared/checks/model';
import { keyValues } from '../../../shared/checks/parse';
import { allProbes } from '../../../shared/checks/catalogue';

const MAX_COMPRESSED = 32 * 1024 * 1024;
const MAX_EXPANDED = 256 * 1024 * 1024;
const MAX_ENTRY = 64 * 1024 * 1024;

export interface EvidenceBundle {
  meta: Map<string, string>;
  outputs: Map<string, ProbeOutput>;
  /** Things the reader noticed that do not stop evaluation (unknown probes, other catalogue version). */
  warnings: string[];
}

function corrupt(reason: string): AppError {
  return new AppError('INVALID_INPUT', `This is not a readable evidence bundle: ${reason}.`, 'Collect it again with: sudo sh collect.sh > evidence.tar.gz');
}

/** Regular files of a tar archive by normalised name ("meta", "probes/uname.out"). */
async function untar(data: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
      const type = entry.header.type ?? 'file';
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry) {
        size += (chunk as Buffer).length;
        if (size > MAX_ENTRY) throw corrupt(`${name} is larger than ${MAX_ENTRY} bytes`);
        chunks.push(chunk as Buffer);
      }
      if (type === 'directory' || name === '' || name === '.') continue;
      if (type !== 'file' && type !== 'contiguous-file') throw corrupt(`${name} is a ${type}, not a file`);
      if (name.split('/').includes('..') || name.startsWith('/')) throw corrupt(`unsafe path ${name}`);
      files.set(name, Buffer.concat(chunks));
    }
  })();
  extract.end(data);
  try {
    await done;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw corrupt(error instanceof Error ? error.message : String(error));
  }
  return files;
}

export async function readBundle(compressed: Buffer): Promise<EvidenceBundle> {
  if (compressed.length > MAX_COMPRESSED) throw corrupt(`larger than ${MAX_COMPRESSED} bytes`);
  if (compressed.length < 2 || compressed[0] !== 0x1f || compressed[1] !== 0x8b) throw corrupt('not gzip data');
  let raw: Buffer;
  try {
    raw = gunzipSync(compressed, { maxOutputLength: MAX_EXPANDED });
  } catch (error) {
    throw corrupt(`gzip: ${error instanceof Error ? error.message : String(error)}`);
  }
  const files = await untar(raw);
  const metaFile = files.get('meta');
  if (!metaFile) throw corrupt('no meta file (not made by collect.sh)');
  const meta = keyValues(metaFile.toString('utf8'));
  if (meta.get('format') !== BUNDLE_FORMAT) throw corrupt(`format "${meta.get('format') ?? '?'}", expected ${BUNDLE_FORMAT}`);

  const known = new Map(allProbes().map((p) => [p.id, p] as const));
  const asRoot = meta.get('uid') === '0';
  const outputs = new Map<string, ProbeOutput>();
  const warnings: string[] = [];
  const ids = new Set([...files.keys()].map((name) => /^probes\/([^/]+)\.(cmd|out|err|rc|skipped)$/.exec(name)?.[1]).filter((id): id is string => id !== undefined));
  for (const id of ids) {
    const probe = known.get(id);
    const text = (ext: string): string | undefined => files.get(`probes/${id}.${ext}`)?.toString('utf8');
    if (!probe) {
      warnings.push(`probe ${id} is not in this version's catalogue`);
      continue;
    }
    const command = (text('cmd') ?? probe.command).replace(/\n$/, '');
    if (command !== probe.command) warnings.push(`probe ${id} was collected with a different command`);
    const skipped = text('skipped');
    if (skipped !== undefined) {
      outputs.set(id, { command, stdout: '', stderr: skipped.trim(), exitCode: null, status: 'needs-sudo', message: skipped.trim() });
      continue;
    }
    const rcText = text('rc');
    if (rcText === undefined) {
      outputs.set(id, { command, stdout: text('out') ?? '', stderr: text('err') ?? '', exitCode: null, status: 'failed', message: 'did not finish (no exit code in the bundle)' });
      continue;
    }
    const exitCode = Number(rcText.trim());
    const output = { command, stdout: text('out') ?? '', stderr: text('err') ?? '', exitCode: Number.isInteger(exitCode) ? exitCode : null };
    if (exitCode === 124 && meta.get('timeout') === 'timeout') {
      outputs.set(id, { ...output, status: 'timeout', message: `timed out in collect.sh` });
      continue;
    }
    outputs.set(id, classifyOutput(probe, output, asRoot));
  }
  if (outputs.size === 0) throw corrupt('no probe outputs');
  return { meta, outputs, warnings };
}

export async function readBundleFile(path: string): Promise<EvidenceBundle> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new AppError('NOT_FOUND', `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readBundle(data);
}

/**
 * The bundle's evidence judged against a profile. Unit, container and interface names are taken from the bundle
 * (the evidence was collected for them); cores and thresholds from the profile.
 */
export function evaluateBundle(
  bundle: EvidenceBundle,
  profile: CheckProfile,
  options: { only?: string[]; onResult?: (result: CheckResult) => void } = {},
): CheckRun & { warnings: string[] } {
  const warnings = [...bundle.warnings];
  const names: Array<['rtUnit' | 'ipcUnit' | 'webapiContainer' | 'ecatIf' | 'healthUrl', string]> = [
    ['rtUnit', 'rt_unit'],
    ['ipcUnit', 'ipc_unit'],
    ['webapiContainer', 'webapi'],
    ['ecatIf', 'ecat_if'],
    ['healthUrl', 'health_url'],
  ];
  const override: Record<string, unknown> = { ...profile };
  for (const [key, metaKey] of names) {
    const value = bundle.meta.get(metaKey);
    if (value === undefined) continue;
    const wanted = value === '' ? undefined : value;
    if (wanted !== profile[key]) warnings.push(`${key}: the bundle was collected for "${value}", the profile says "${profile[key] ?? ''}"; using the bundle's`);
    override[key] = wanted;
  }
  const effective = resolveProfile(checkProfileSchema.parse(override));
  const checks = selectChecks(options.only);
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = evaluateCheck(check, bundle.outputs, effective);
    results.push(result);
    options.onResult?.(result);
  }
  const uid = Number(bundle.meta.get('uid'));
  return {
    startedAt: bundle.meta.get('started') ?? '',
    finishedAt: bundle.meta.get('finished') ?? '',
    source: 'bundle',
    controller: { ...controllerFacts(bundle.outputs), ...(Number.isInteger(uid) ? { uid } : {}) },
    checks: results,
    warnings,
  };
}
