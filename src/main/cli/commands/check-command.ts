import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Command } from 'commander';

import { checkResultJson } from '../../../shared/checks/evaluate';
import type { CheckProfile, CheckResult, CheckRun } from '../../../shared/checks/model';
import { checkGroups, checkProfileSchema } from '../../../shared/checks/model';
import { AppError } from '../../../shared/errors';
import type { CheckRunRecord } from '../../../shared/model/checks';
import { countVerdicts, runVerdict } from '../../../shared/model/checks';
import { defaultDataDir } from '../../platform/data-dir';
import { connectSsh } from '../../platform/ssh-connector';
import { evaluateBundle, readBundle } from '../../services/checks/bundle-reader';
import { CheckRunner } from '../../services/checks/check-runner';
import { selectOrExplain } from '../../services/checks/checks-service';
import { ResultsStore } from '../../services/store/results-store';
import { exitCodes, printJson } from '../output';
import type { ConnectionFlags } from '../target';
import { cliConnectRequest, parseTarget } from '../target';
import { connectionOptions } from './connect-command';

/**
 * `mxrc-commission check USER@HOST[:PORT] [--key FILE] [--known-hosts FILE] [--accept-new-host-key]
 *  [--profile FILE] [--only ID,ID] [--json]` runs the host checks over one SSH connection;
 * `mxrc-commission check --bundle FILE [--profile FILE] [--json]` evaluates a collect.sh bundle offline.
 * Every run is recorded in <data dir>/results under --name (default HOST:PORT) and --visit.
 * Exit codes: 0 no check failed, 1 a check failed, 2 usage or connection error.
 */
type Run = (action: () => Promise<number>, json: boolean) => Promise<void>;

interface CheckFlags extends ConnectionFlags {
  profile?: string;
  only?: string;
  json?: boolean;
  bundle?: string;
  name?: string;
  visit?: string;
}

const symbols: Record<CheckResult['verdict'], string> = { pass: '✓', warn: '!', fail: '✕', skip: '–', error: '?' };

/** `--profile FILE`: the check profile JSON (rtCores, housekeepingCores, thresholds…), validated field by field. */
export async function readCheckProfile(path: string | undefined): Promise<CheckProfile> {
  if (!path) return checkProfileSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new AppError('INVALID_INPUT', `The profile ${path} cannot be read (${code}).`);
    throw new AppError('INVALID_INPUT', `The profile ${path} is not JSON (${(error as Error).message}).`, 'Give a JSON file such as {"rtCores": "2,3", "housekeepingCores": "0,1"}.');
  }
  const parsed = checkProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    throw new AppError('INVALID_INPUT', `The profile ${path} is not valid: ${problems.join('; ')}.`, 'Fields: rtCores, housekeepingCores (CPU lists such as "2,3" and "0,1"), rtUnit, ipcUnit, webapiContainer, rtPrio, cycleUs, ecatIf, healthUrl, irqAllowList, thresholds {…}.', { issues: parsed.error.issues });
  }
  return parsed.data;
}

function parseOnly(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw new AppError('INVALID_INPUT', '--only needs check ids such as K03,I02.');
  selectOrExplain(ids);
  return ids;
}

/** Live progress on stderr for a person at a terminal; pipes and --json get none. */
function progress(json: boolean): { result(done: number, total: number, result: CheckResult): void; end(): void } {
  const tty = process.stderr.isTTY && !json;
  let drawn = false;
  return {
    result(done, total, result) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[2K${done}/${total} ${symbols[result.verdict]} ${result.id} ${result.title}`);
      drawn = true;
    },
    end() {
      if (drawn) process.stderr.write('\r\x1b[2K');
    },
  };
}

function printHuman(run: CheckRun, header: string, warnings: string[], storedAt: string | null): void {
  const out: string[] = [header, ''];
  for (const group of checkGroups) {
    const results = run.checks.filter((c) => c.group === group);
    if (results.length === 0) continue;
    out.push(group.toUpperCase());
    for (const r of results) out.push(`  ${symbols[r.verdict]} ${r.id.padEnd(4)} ${r.verdict.padEnd(5)} ${r.title}: ${r.summary}`);
  }
  const counts = countVerdicts(run.checks);
  out.push('', `${run.checks.length} checks: ${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail, ${counts.skip} skip, ${counts.error} error`);
  for (const warning of warnings) out.push(`note: ${warning}`);
  if (storedAt) out.push(`Stored: ${storedAt}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function printResult(run: CheckRun, controller: Record<string, unknown>, json: boolean, header: string, warnings: string[], storedAt: string | null): number {
  if (json) {
    printJson({ controller, startedAt: run.startedAt, finishedAt: run.finishedAt, checks: run.checks.map(checkResultJson) });
  } else {
    printHuman(run, header, warnings, storedAt);
  }
  return run.checks.some((c) => c.verdict === 'fail') ? exitCodes.failed : exitCodes.ok;
}

/** Records the run like the app does, so the CLI's runs show up in the app's history and reports. */
async function store(dataDir: string, input: { name: string; visit?: string; run: CheckRun; profile: CheckProfile; only: string[]; warnings: string[]; bundle?: { path: string; data: Buffer } }): Promise<string> {
  const results = new ResultsStore(join(dataDir, 'results'));
  const counts = countVerdicts(input.run.checks);
  const record: CheckRunRecord = {
    runId: '',
    controller: input.name,
    controllerName: input.name,
    visit: input.visit ?? '',
    source: input.run.source,
    status: 'finished',
    startedAt: input.run.startedAt,
    finishedAt: input.run.finishedAt,
    profile: input.profile,
    only: input.only,
    planned: input.run.checks.map((c) => c.id),
    checks: input.run.checks,
    carried: [],
    facts: input.run.controller,
    counts,
    warnings: input.warnings,
    ...(input.bundle ? { bundleFile: input.bundle.path } : {}),
  };
  const parts = [`${input.run.checks.length} checks`, counts.fail ? `${counts.fail} fail` : '', counts.warn ? `${counts.warn} warn` : ''].filter(Boolean).join(', ');
  const stored = await results.save({
    controller: input.name,
    ...(input.visit ? { visit: input.visit } : {}),
    kind: 'check-run',
    title: `${input.run.source === 'bundle' ? 'Bundle: ' : ''}${parts}`,
    verdict: runVerdict(counts),
    data: record,
    ...(input.bundle ? { attachments: { 'evidence.tar.gz': input.bundle.data } } : {}),
  });
  // Keep the stored record self-describing (its run id and visit are only known once saved).
  await results.update({ controller: stored.controller, visit: stored.visit, kind: 'check-run', id: stored.id }, { data: { ...record, runId: stored.id, visit: stored.visit } });
  return join(results.root, stored.controller.replace(/:/g, '_'), stored.visit, `check-run.${stored.id}.json`);
}

async function runLive(target: string, flags: CheckFlags, dataDir: string): Promise<number> {
  const json = flags.json === true;
  const profile = await readCheckProfile(flags.profile);
  const only = parseOnly(flags.only);
  const endpoint = parseTarget(target);
  const name = flags.name ?? `${endpoint.host}:${endpoint.port}`;
  const request = cliConnectRequest(target, { ...flags, dataDir, ...(flags.profile ? { housekeepingCores: profile.housekeepingCores } : {}) });
  let accepted = false;
  request.onHostKey = (_key, verdict) => {
    if (verdict === 'accepted') accepted = true;
  };
  const connection = await connectSsh(request);
  if (accepted && !json) process.stderr.write(`Trusted new host key ${connection.hostKey.fingerprint} (${connection.hostKey.keyType}).\n`);
  const report = progress(json);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  try {
    let done = 0;
    const total = only ? selectOrExplain(only).length : undefined;
    const run = await new CheckRunner({ host: connection.host, profile }).run({
      ...(only ? { only } : {}),
      signal: abort.signal,
      onResult: (result) => report.result(++done, total ?? 0, result),
    });
    report.end();
    if (!connection.host.connected) throw new AppError('DISCONNECTED', 'The connection dropped during the checks.', 'Reconnect and run them again.');
    const storedAt = await store(dataDir, { name, ...(flags.visit ? { visit: flags.visit } : {}), run, profile, only: only ?? [], warnings: [] });
    const controller = { name, user: endpoint.user, host: endpoint.host, port: endpoint.port, ...run.controller };
    return printResult(run, controller, json, `${name} (${endpoint.user}@${endpoint.host}:${endpoint.port}, ${run.controller.hostname ?? '?'}, ${run.controller.kernelRelease ?? '?'})`, [], storedAt);
  } finally {
    process.off('SIGINT', onSigint);
    report.end();
    await connection.host.close();
  }
}

async function runBundle(path: string, flags: CheckFlags, dataDir: string): Promise<number> {
  const json = flags.json === true;
  const profile = await readCheckProfile(flags.profile);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new AppError('INVALID_INPUT', `Cannot read the bundle ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  const only = parseOnly(flags.only);
  const bundle = await readBundle(data);
  const run = evaluateBundle(bundle, profile, only ? { only } : {});
  const name = flags.name ?? (run.controller.hostname ? `bundle ${run.controller.hostname.replace(/[^A-Za-z0-9._-]/g, '')}` : 'bundle');
  const storedAt = await store(dataDir, { name, ...(flags.visit ? { visit: flags.visit } : {}), run, profile, only: only ?? [], warnings: run.warnings, bundle: { path, data } });
  if (json) for (const warning of run.warnings) process.stderr.write(`note: ${warning}\n`);
  const controller = { name, bundle: path, ...run.controller };
  return printResult(run, controller, json, `${path}: evidence of ${run.controller.hostname ?? '?'} (${run.controller.kernelRelease ?? '?'}), collected ${run.startedAt}`, run.warnings, storedAt);
}

export function registerCheck(program: Command, run: Run): void {
  connectionOptions(
    program
      .command('check')
      .argument('[target]', 'USER@HOST[:PORT]')
      .usage('USER@HOST[:PORT] [--key FILE] [--known-hosts FILE] [--accept-new-host-key] [--profile FILE] [--only ID,ID] [--json]\n       mxrc-commission check --bundle FILE [--profile FILE] [--json]')
      .description('run the real-time host checks over SSH, or evaluate an evidence bundle made by collect.sh'),
  )
    .option('--bundle <file>', 'evaluate an evidence bundle (sudo sh collect.sh > evidence.tar.gz) instead of connecting')
    .option('--profile <file>', 'controller profile JSON: rtCores, housekeepingCores (e.g. "2,3", "0,1") and threshold overrides')
    .option('--only <ids>', 'run only these checks, e.g. K03,I02')
    .option('--name <name>', 'controller name the run is recorded under (default HOST:PORT)')
    .option('--visit <id>', 'visit the run is recorded under (default: today)')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExit codes: 0 no check failed, 1 a check failed, 2 usage or connection error.')
    .action(async (target: string | undefined, flags: CheckFlags) => {
      const globals = program.opts<{ dataDir?: string }>();
      const dataDir = globals.dataDir ?? defaultDataDir();
      await run(async () => {
        if (target && flags.bundle) throw new AppError('INVALID_INPUT', 'Give either USER@HOST[:PORT] or --bundle FILE, not both.');
        for (const [flag, value] of [['--name', flags.name], ['--visit', flags.visit]] as const) {
          // The ResultsStore's rule for folder names, checked before a 10 s run rather than after it.
          if (value !== undefined && !/^[A-Za-z0-9._:@\-[\] ]{1,120}$/.test(value.trim())) {
            throw new AppError('INVALID_INPUT', `${flag} "${value}" cannot be used as a folder name.`, 'Use letters, digits, spaces, dots, dashes and colons.');
          }
        }
        if (flags.bundle) return runBundle(flags.bundle, flags, dataDir);
        if (!target) throw new AppError('INVALID_INPUT', 'Give the controller as USER@HOST[:PORT], or an evidence bundle with --bundle FILE.', 'Example: mxrc-commission check mxrc@192.168.10.5 --profile cell3.json');
        return runLive(target, flags, dataDir);
      }, flags.json === true);
    });
}
