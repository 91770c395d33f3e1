/**
 * The Checks screen's service: runs the checklist over the controller's one SSH connection (results stream as
 * `checks.result` events, the end as `checks.done`), keeps every run in the ResultsStore (kind 'check-run'),
 * evaluates imported evidence bundles with the same checks, exports remediation for review and compares runs
 * for "re-verify". Nothing here changes a controller.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { RemoteHost } from '../../platform/remote-host';
import { catalogue, selectChecks } from '../../../shared/checks/catalogue';
import type { CheckProfile, CheckResult } from '../../../shared/checks/model';
import { checkProfileFromController, checkProfileSchema } from '../../../shared/checks/model';
import { buildRemediationExport } from '../../../shared/checks/remediation-script';
import type { EventSink } from '../../../shared/contract';
import { formatCpuList, isCpuList, parseCpuList } from '../../../shared/cpu-list';
import { AppError, isAppError } from '../../../shared/errors';
import type {
  CheckInfo,
  CheckRunComparison,
  CheckRunRecord,
  CheckRunRequest,
  CheckRunSummary,
  RemediationExportView,
} from '../../../shared/model/checks';
import { countVerdicts, runVerdict } from '../../../shared/model/checks';
import type { ResultRef, StoredResult } from '../../../shared/model/results';
import { readResource } from '../deploy/resources';
import type { ResultsStore } from '../store/results-store';
import type { EvidenceBundle } from './bundle-reader';
import { evaluateBundle, readBundle } from './bundle-reader';
import { CheckRunner } from './check-runner';
import { compareRuns } from './compare-runs';
import { previewFiles, readCurrentFiles, targetOf } from './remediation-preview';
import { writeRemediationExport } from './remediation-writer';

/** The parts of a controller profile the checks need. */
export interface CheckedController {
  id: string;
  name: string;
  rtCores: string;
  housekeepingCores: string;
  rtUnit: string;
}

export interface ChecksServiceDeps {
  hostFor: (controllerId: string) => RemoteHost;
  controller: (controllerId: string) => Promise<CheckedController>;
  results: ResultsStore;
  emit: EventSink;
  dataDir: string;
  clock?: () => Date;
}

interface ActiveRun {
  record: CheckRunRecord;
  ref: ResultRef;
  abort: AbortController;
  done: Promise<void>;
}

const KIND = 'check-run' as const;

export function checkInfos(): CheckInfo[] {
  return catalogue.map((c) => ({ id: c.id, slug: c.slug, title: c.title, group: c.group, aliases: c.aliases ?? [], why: c.why }));
}

/** The check profile of a saved controller; a profile the checks cannot use is the technician's to fix. */
export function profileOf(controller: CheckedController): CheckProfile {
  try {
    return checkProfileFromController(controller);
  } catch (error) {
    const issue = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues?.[0];
    throw new AppError(
      'INVALID_INPUT',
      `The profile of ${controller.name} cannot be used for the checks: ${issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : String(error)}.`,
      'Edit the controller on the Controllers screen (RT cores, housekeeping cores including CPU 0, RT unit name).',
    );
  }
}

/** Checks by id, as AppErrors a technician can act on. */
export function selectOrExplain(ids: readonly string[] | undefined): ReturnType<typeof selectChecks> {
  try {
    return selectChecks(ids);
  } catch (error) {
    throw new AppError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
  }
}

function title(record: Pick<CheckRunRecord, 'checks' | 'counts' | 'status' | 'source'>): string {
  const c = record.counts;
  const parts = [`${record.checks.length} checks`, c.fail ? `${c.fail} fail` : '', c.warn ? `${c.warn} warn` : '', c.error ? `${c.error} error` : ''].filter(Boolean);
  const state = record.status === 'finished' ? '' : ` (${record.status})`;
  return `${record.source === 'bundle' ? 'Bundle: ' : ''}${parts.join(', ')}${state}`;
}

export function summaryOf(record: CheckRunRecord): CheckRunSummary {
  return {
    runId: record.runId,
    controller: record.controller,
    controllerName: record.controllerName,
    visit: record.visit,
    source: record.source,
    status: record.status,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    counts: record.counts,
    total: record.checks.length,
    partial: record.only.length > 0 && record.carried.length === 0,
  };
}

/**
 * When no controller profile goes with a bundle: housekeeping = the HK_CPUS collect.sh pinned itself to, RT =
 * the other online CPUs (the standard MXRC split); the reference defaults when that does not give a usable pair.
 */
export function profileFromBundle(bundle: EvidenceBundle): { profile: CheckProfile; note: string } {
  const hk = bundle.meta.get('hk_cpus') ?? '';
  const onlineLine = bundle.outputs.get('cpu-online')?.stdout.split('\n')[0]?.trim() ?? '';
  if (isCpuList(hk) && isCpuList(onlineLine)) {
    const hkSet = new Set(parseCpuList(hk));
    const rt = parseCpuList(onlineLine).filter((cpu) => !hkSet.has(cpu));
    const parsed = checkProfileSchema.safeParse({ housekeepingCores: hk, rtCores: formatCpuList(rt) });
    if (rt.length > 0 && parsed.success) {
      return { profile: parsed.data, note: `no controller profile: housekeeping CPUs ${parsed.data.housekeepingCores} from the bundle (HK_CPUS), RT CPUs ${parsed.data.rtCores} (the other online CPUs)` };
    }
  }
  const fallback = checkProfileSchema.parse({});
  return { profile: fallback, note: `no controller profile: the reference cores are assumed (RT ${fallback.rtCores}, housekeeping ${fallback.housekeepingCores})` };
}

export class ChecksService {
  private readonly active = new Map<string, ActiveRun>();
  private readonly refs = new Map<string, ResultRef>();
  private readonly clock: () => Date;

  constructor(private readonly deps: ChecksServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  catalogue(): CheckInfo[] {
    return checkInfos();
  }

  /** Starts the checklist; resolves at once with the run (results so far: the carried ones, if any). */
  async run(controllerId: string, request: CheckRunRequest = {}): Promise<CheckRunRecord> {
    const running = this.active.get(controllerId);
    if (running) {
      throw new AppError('INVALID_INPUT', 'Checks are already running on this controller.', 'Wait for them to finish, or cancel them first.', { runId: running.record.runId });
    }
    const controller = await this.deps.controller(controllerId);
    const profile = profileOf(controller);
    const checks = selectOrExplain(request.only);
    const host = this.deps.hostFor(controllerId);
    const base = request.baseRunId && request.only?.length ? await this.get(request.baseRunId) : null;
    if (base && (base.controller !== controllerId || base.status === 'running')) {
      throw new AppError('INVALID_INPUT', `Run ${base.runId} is not a finished run of this controller.`, 'Re-run the check from a finished run of this controller, or run all checks.');
    }
    const measured = new Set(checks.map((c) => c.id));
    const carriedResults = base ? base.checks.filter((r) => !measured.has(r.id)) : [];

    const record: CheckRunRecord = {
      runId: '',
      controller: controllerId,
      controllerName: controller.name,
      visit: '',
      source: 'live',
      status: 'running',
      startedAt: this.clock().toISOString(),
      finishedAt: null,
      profile,
      only: checks.length === catalogue.length ? [] : checks.map((c) => c.id),
      planned: catalogue.filter((c) => measured.has(c.id) || carriedResults.some((r) => r.id === c.id)).map((c) => c.id),
      checks: carriedResults,
      carried: carriedResults.map((r) => r.id),
      ...(base ? { baseRunId: base.runId } : {}),
      facts: base?.facts ?? {},
      counts: countVerdicts(carriedResults),
      warnings: [],
    };
    // Saved at the start so the run has its id for the events; replaced when it ends.
    const stored = await this.deps.results.save({ controller: controllerId, kind: KIND, title: title(record), data: record });
    record.runId = stored.id;
    record.visit = stored.visit;
    const ref: ResultRef = { controller: stored.controller, visit: stored.visit, kind: KIND, id: stored.id };
    this.refs.set(stored.id, ref);

    const abort = new AbortController();
    const entry: ActiveRun = { record, ref, abort, done: Promise.resolve() };
    this.active.set(controllerId, entry);
    entry.done = this.execute(entry, host, profile, checks.map((c) => c.id)).finally(() => this.active.delete(controllerId));
    return structuredClone(record);
  }

  private async execute(entry: ActiveRun, host: RemoteHost, profile: CheckProfile, ids: string[]): Promise<void> {
    const { record } = entry;
    const controllerId = record.controller;
    const total = ids.length;
    let done = 0;
    const measured: CheckResult[] = [];
    try {
      const run = await new CheckRunner({ host, profile, clock: this.clock }).run({
        only: ids,
        signal: entry.abort.signal,
        onResult: (result) => {
          done++;
          measured.push(result);
          record.checks = [...record.checks, result];
          record.counts = countVerdicts(record.checks);
          this.deps.emit('checks.result', { runId: record.runId, controllerId, result, done, total });
        },
      });
      record.facts = { ...record.facts, ...run.controller };
      record.checks = inCatalogueOrder([...run.checks, ...record.checks.filter((r) => record.carried.includes(r.id))]);
      if (!host.connected) {
        record.status = 'failed';
        record.error = { code: 'DISCONNECTED', message: 'The connection dropped during the checks: results measured after that are errors.', hint: 'Reconnect and run the checks again.' };
      } else {
        record.status = 'finished';
      }
    } catch (error) {
      const appError = AppError.from(error);
      record.status = isAppError(appError, 'CANCELLED') ? 'cancelled' : 'failed';
      record.checks = inCatalogueOrder(record.checks);
      if (record.status === 'failed') record.error = { code: appError.code, message: appError.message, ...(appError.hint ? { hint: appError.hint } : {}) };
    }
    record.finishedAt = this.clock().toISOString();
    record.counts = countVerdicts(record.checks);
    try {
      await this.deps.results.update(entry.ref, { title: title(record), verdict: record.status === 'failed' ? 'error' : runVerdict(record.counts), data: record });
    } catch (error) {
      const appError = AppError.from(error);
      record.status = 'failed';
      record.error = { code: appError.code, message: `The results could not be saved: ${appError.message}` };
    }
    this.deps.emit('checks.done', {
      runId: record.runId,
      controllerId,
      status: record.status,
      counts: record.counts,
      ...(record.error ? { error: record.error } : {}),
    });
  }

  /** The run in progress on a controller, with the results so far, or null. */
  async current(controllerId: string): Promise<CheckRunRecord | null> {
    const entry = this.active.get(controllerId);
    return entry ? structuredClone(entry.record) : null;
  }

  async cancel(runId: string): Promise<boolean> {
    for (const entry of this.active.values()) {
      if (entry.record.runId !== runId) continue;
      entry.abort.abort();
      await entry.done;
      return true;
    }
    return false;
  }

  /** Runs of a controller (live and imported), newest first. */
  async runs(controllerId: string): Promise<CheckRunSummary[]> {
    const summaries = await this.deps.results.list({ controller: controllerId, kind: KIND });
    const out: CheckRunSummary[] = [];
    for (const summary of summaries.reverse()) {
      this.refs.set(summary.id, summary);
      const record = await this.recordOf(summary).catch(() => null);
      if (record) out.push(summaryOf(record));
    }
    return out;
  }

  async get(runId: string): Promise<CheckRunRecord> {
    for (const entry of this.active.values()) if (entry.record.runId === runId) return structuredClone(entry.record);
    let ref = this.refs.get(runId);
    if (!ref) {
      ref = (await this.deps.results.list({ kind: KIND })).find((s) => s.id === runId);
      if (!ref) throw new AppError('NOT_FOUND', `There is no stored check run ${runId}.`, 'Pick a run from the history list.');
      this.refs.set(runId, ref);
    }
    return this.recordOf(ref);
  }

  private async recordOf(ref: ResultRef): Promise<CheckRunRecord> {
    const stored: StoredResult<CheckRunRecord> = await this.deps.results.get<CheckRunRecord>(ref);
    const record = { ...stored.data, runId: stored.id, visit: stored.visit };
    if (record.status === 'running' && ![...this.active.values()].some((e) => e.record.runId === stored.id)) {
      // Saved at the start of a run the app did not live to finish.
      record.status = 'failed';
      record.error ??= { code: 'CANCELLED', message: 'The run was interrupted (the app closed while it ran).' };
    }
    return record;
  }

  /**
   * Evaluates a collect.sh bundle with the same checks as a live run and keeps it (with the bundle attached).
   * With a controller, its profile decides cores and thresholds; without, the bundle's HK_CPUS and online CPUs do.
   */
  async importBundle(controllerId: string | null, path: string, profileOverride?: CheckProfile): Promise<CheckRunRecord> {
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (error) {
      throw new AppError('NOT_FOUND', `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Check the path of the evidence bundle on this laptop.');
    }
    const bundle = await readBundle(data);
    const controller = controllerId ? await this.deps.controller(controllerId) : null;
    const notes: string[] = [];
    let profile: CheckProfile;
    if (profileOverride) profile = profileOverride;
    else if (controller) profile = profileOf(controller);
    else {
      const derived = profileFromBundle(bundle);
      profile = derived.profile;
      notes.push(derived.note);
    }
    const evaluated = evaluateBundle(bundle, profile);
    const hostname = evaluated.controller.hostname ?? bundle.meta.get('hostname') ?? '';
    const key = controllerId ?? bundleKey(hostname);
    const now = this.clock().toISOString();
    const record: CheckRunRecord = {
      runId: '',
      controller: key,
      controllerName: controller?.name ?? (hostname || 'imported bundle'),
      visit: '',
      source: 'bundle',
      status: 'finished',
      startedAt: evaluated.startedAt || now,
      finishedAt: evaluated.finishedAt || now,
      profile,
      only: [],
      planned: evaluated.checks.map((c) => c.id),
      checks: evaluated.checks,
      carried: [],
      facts: evaluated.controller,
      counts: countVerdicts(evaluated.checks),
      warnings: [...notes, ...evaluated.warnings],
      bundleFile: path,
    };
    const stored = await this.deps.results.save({ controller: key, kind: KIND, title: title(record), verdict: runVerdict(record.counts), data: record, attachments: { 'evidence.tar.gz': data } });
    this.refs.set(stored.id, { controller: stored.controller, visit: stored.visit, kind: KIND, id: stored.id });
    return { ...record, runId: stored.id, visit: stored.visit };
  }

  /**
   * Writes remediation.sh, the files it installs and changes.diff under <dataDir>/remediation/<controller>/<run>/
   * and returns them with a diff against the controller's current files when it is connected. Applying is the
   * technician's step on the controller (`sudo sh remediation.sh` shows the diff again and asks).
   */
  async exportRemediation(runId: string): Promise<RemediationExportView> {
    const record = await this.get(runId);
    if (record.status === 'running') throw new AppError('INVALID_INPUT', 'The checks are still running.', 'Export the remediation when the run has finished.');
    const exported = buildRemediationExport(record.checks, { ...(record.facts.hostname ? { hostname: record.facts.hostname } : {}), generatedAt: this.clock().toISOString() });
    const targets = exported.files.map((f) => targetOf(f.path));
    let current = new Map<string, string | null | undefined>();
    let currentFilesNote: string | undefined;
    const host = this.liveHost(record);
    if (host && targets.length > 0) current = await readCurrentFiles(host, targets, record.profile.housekeepingCores);
    else if (targets.length > 0) currentFilesNote = record.source === 'bundle' ? 'The run came from an evidence bundle: the diff against the controller\'s files is shown when remediation.sh runs there.' : 'The controller is not connected: the diff against its current files is shown when remediation.sh runs there.';
    if (host && [...current.values()].some((v) => v === undefined)) currentFilesNote = 'Some current files could not be read; remediation.sh shows their diff on the controller.';
    const files = previewFiles(exported, record.checks, current);
    const diff = files.map((f) => (f.state === 'unknown' ? `# ${f.target}: current content unknown\n` : f.diff || `# ${f.target}: unchanged\n`)).join('');
    const manual = record.checks
      .filter((r) => (r.verdict === 'warn' || r.verdict === 'fail') && r.remediation?.manual === true)
      .map((r) => ({ id: r.id, summary: r.remediation?.summary ?? '', steps: r.remediation?.steps ?? [] }));

    const folder = join(this.deps.dataDir, 'remediation', safeName(record.controller), runId);
    // A folder of its own per run: an earlier export of the same run is replaced, never mixed with this one.
    await rm(folder, { recursive: true, force: true });
    await writeRemediationExport(folder, exported);
    await writeFile(join(folder, 'changes.diff'), diff);
    return {
      runId,
      folder,
      script: exported.script,
      files,
      diff,
      ...(currentFilesNote ? { currentFilesNote } : {}),
      addressed: exported.addressed,
      manual,
      reboot: exported.reboot,
      applied: false,
    };
  }

  private liveHost(record: CheckRunRecord): RemoteHost | null {
    if (record.source !== 'live') return null;
    try {
      return this.deps.hostFor(record.controller);
    } catch {
      return null;
    }
  }

  async compare(previousRunId: string, runId: string): Promise<CheckRunComparison> {
    const [previous, current] = await Promise.all([this.get(previousRunId), this.get(runId)]);
    return compareRuns({ summary: summaryOf(previous), checks: previous.checks }, { summary: summaryOf(current), checks: current.checks });
  }

  /** resources/collect.sh, for the technician to copy to a controller the app cannot reach. */
  async collectScript(): Promise<{ path: string; text: string }> {
    return readResource('collect.sh');
  }

  /** Cancels running checks and waits until they are saved. */
  async shutdown(): Promise<void> {
    const entries = [...this.active.values()];
    for (const entry of entries) entry.abort.abort();
    await Promise.all(entries.map((e) => e.done));
  }
}

function inCatalogueOrder(results: readonly CheckResult[]): CheckResult[] {
  const order = new Map(catalogue.map((c, i) => [c.id, i] as const));
  const byId = new Map(results.map((r) => [r.id, r] as const));
  return [...byId.values()].sort((a, b) => (order.get(a.id) ?? 999) - (order.get(b.id) ?? 999));
}

function bundleKey(hostname: string): string {
  const cleaned = hostname.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 100);
  return cleaned ? `bundle ${cleaned}` : 'bundle';
}

/** A folder name that is valid on every laptop OS. */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._@ -]/g, '_').slice(0, 120) || 'controller';
}
