import type { EventSink } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { compareToBaseline } from '../../../shared/latency';
import type { CheckRunRecord } from '../../../shared/model/checks';
import type { DeploymentRecord, ProbeResult } from '../../../shared/model/deploy';
import type { LatencyRunRecord } from '../../../shared/model/latency';
import type { ControllerIdentity, ReportExport, ReportExportRequest } from '../../../shared/model/report';
import type { ResultKind, ResultRef, StoredResult } from '../../../shared/model/results';
import type { RunReportInput, RunStartInput, RunState, RunStep, RunStepFacts, RunStepId, RunStepResult } from '../../../shared/model/run';
import { runNoteSchema, runProbeSchema, runReportSchema, runStartSchema, runStepIds } from '../../../shared/model/run';
import type { VisitSheetStore } from '../report/visit-sheets';
import { KeyedQueue, localDay } from '../report/store-paths';
import type { ResultsStore } from '../store/results-store';
import type { RunStore } from './run-store';

export interface RunServiceDeps {
  store: RunStore;
  results: ResultsStore;
  sheets: VisitSheetStore;
  /** Every deployment of the controller the laptop knows (results store and Deploy history). */
  deployments: (controllerId: string) => Promise<DeploymentRecord[]>;
  controllerName: (controllerId: string) => Promise<string>;
  connected: (controllerId: string) => boolean;
  /** Reads the controller identity over the live connection. */
  readIdentity: (controllerId: string) => Promise<ControllerIdentity>;
  probe: (controllerId: string, request: { count: number; thresholdMs: number; url?: string }) => Promise<ProbeResult>;
  exportReport: (controllerId: string, visit: string, request: ReportExportRequest) => Promise<ReportExport>;
  /** Marks the run's baseline measurement as the controller's latency baseline (the Latency screen compares to it). */
  setBaseline: (ref: ResultRef) => Promise<void>;
  emit: EventSink;
  now?: () => Date;
}

type Evaluation = { outcome: 'none' } | { outcome: 'pass' | 'fail'; result: RunStepResult; facts: RunStepFacts };

const none: Evaluation = { outcome: 'none' };

/** Steps whose result goes stale when another step is repeated. */
const dependents: Partial<Record<RunStepId, RunStepId[]>> = {
  baseline: ['comparison'],
  latencyAfter: ['comparison'],
};

function newStep(id: RunStepId): RunStep {
  return { id, state: 'waiting', since: null, completedAt: null, result: null, facts: null, note: null, attempts: 0 };
}

/**
 * The commissioning run as a small persisted state machine. The work of each step happens on its own screen (or by
 * the CLI); this service only decides, from what the ResultsStore holds, which step is satisfied by which result,
 * and moves on. Every change is written atomically before it is announced (`run.state`), so an app restart resumes
 * exactly here.
 */
export class RunService {
  private readonly queue = new KeyedQueue();
  private readonly now: () => Date;

  constructor(private readonly deps: RunServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The run of a controller, brought up to date with the stored results; null when none was started. */
  get(controllerId: string): Promise<RunState | null> {
    return this.queue.run(controllerId, async () => {
      const state = await this.deps.store.get(controllerId);
      return state ? this.advance(state) : null;
    });
  }

  list(): Promise<RunState[]> {
    return this.deps.store.list();
  }

  start(controllerId: string, raw: RunStartInput = {}): Promise<RunState> {
    const input = runStartSchema.parse(raw);
    return this.queue.run(controllerId, async () => {
      const existing = await this.deps.store.get(controllerId);
      if (existing && existing.status === 'active' && !input.restart) return this.advance(existing);
      if (existing) await this.deps.store.archive(existing);
      const now = this.now();
      const visit = localDay(now);
      const sheetInput = { site: input.site, customer: input.customer, technician: input.technician };
      if (Object.values(sheetInput).some((v) => v !== undefined)) {
        await this.deps.sheets.save(controllerId, visit, Object.fromEntries(Object.entries(sheetInput).filter(([, v]) => v !== undefined)));
      }
      const state: RunState = {
        controllerId,
        controllerName: await this.deps.controllerName(controllerId).catch(() => controllerId),
        visit,
        startedAt: now.toISOString(),
        updatedAt: now.toISOString(),
        status: 'active',
        current: 'connect',
        steps: runStepIds.map(newStep),
        report: null,
      };
      return this.advance(state, true);
    });
  }

  /** Do a step again: only results from now on count for it (and for the steps that depend on it). */
  repeat(controllerId: string, stepId: RunStepId): Promise<RunState> {
    return this.change(controllerId, (state) => {
      for (const id of [stepId, ...(dependents[stepId] ?? []), 'report' as const]) {
        const step = this.step(state, id);
        if (id !== stepId && step.state === 'waiting') continue;
        Object.assign(step, { state: 'waiting', since: null, completedAt: null, result: null, facts: null, note: null });
      }
      const repeated = this.step(state, stepId);
      repeated.attempts += 1;
      repeated.since = this.now().toISOString();
      state.report = null;
    });
  }

  /** Continue although the step's result does not pass; the reason becomes a deviation of the visit. */
  accept(controllerId: string, stepId: RunStepId, note: string): Promise<RunState> {
    const reason = runNoteSchema.parse(note);
    return this.change(controllerId, async (state) => {
      const step = this.step(state, stepId);
      if (step.state !== 'attention') throw new AppError('INVALID_INPUT', 'Only a step whose result did not pass can be accepted.', 'Repeat the step, or skip it with a reason.');
      Object.assign(step, { state: 'done', completedAt: this.now().toISOString(), note: reason });
      await this.deps.sheets.addNote(state.controllerId, state.visit, 'deviations', { text: reason, source: `run:${stepId}` });
    });
  }

  /** Leave a step out (e.g. no native services on this cell); the reason becomes a deviation of the visit. */
  skip(controllerId: string, stepId: RunStepId, note: string): Promise<RunState> {
    const reason = runNoteSchema.parse(note);
    return this.change(controllerId, async (state) => {
      const step = this.step(state, stepId);
      if (step.state === 'done' || step.state === 'skipped') throw new AppError('INVALID_INPUT', 'This step is already complete.', 'Repeat it first if it must be done again.');
      Object.assign(step, { state: 'skipped', completedAt: this.now().toISOString(), note: reason, since: step.since ?? this.now().toISOString() });
      await this.deps.sheets.addNote(state.controllerId, state.visit, 'deviations', { text: reason, source: `run:${stepId}` });
    });
  }

  /** Seed §6.2: the WebAPI acceptance probe against the deployed health endpoint, stored with the visit. */
  probe(controllerId: string, raw: { count?: number; thresholdMs?: number } = {}): Promise<RunState> {
    const request = runProbeSchema.parse(raw);
    return this.change(controllerId, async (state) => {
      const webapi = (await this.deps.deployments(controllerId)).filter((d) => d.kind === 'webapi' && d.result === 'deployed' && d.webapi).sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)).at(-1);
      const url = webapi?.webapi?.healthUrl;
      const result = await this.deps.probe(controllerId, { count: request.count, thresholdMs: request.thresholdMs, ...(url ? { url } : {}) });
      await this.deps.results.save({
        controller: controllerId,
        visit: state.visit,
        kind: 'probe',
        title: `WebAPI probe: p99 ${result.p99Ms.toFixed(2)} ms (${result.pass ? 'pass' : 'fail'}, limit ${result.thresholdMs} ms)`,
        verdict: result.pass ? 'pass' : 'fail',
        data: result,
      });
    });
  }

  /** Makes the visit's report (the run's last step). */
  report(controllerId: string, raw: RunReportInput): Promise<RunState> {
    const request = runReportSchema.parse(raw);
    return this.change(controllerId, async (state) => {
      const made = await this.deps.exportReport(controllerId, state.visit, request);
      state.report = { path: made.path, format: made.format, language: made.language, sha256: made.sha256, at: this.now().toISOString() };
    });
  }

  // ------------------------------------------------------------------------------------------------------

  private step(state: RunState, id: RunStepId): RunStep {
    let step = state.steps.find((s) => s.id === id);
    if (!step) {
      // A run file from an older version without this step: add it in protocol order.
      step = newStep(id);
      state.steps.push(step);
      state.steps.sort((a, b) => runStepIds.indexOf(a.id) - runStepIds.indexOf(b.id));
    }
    return step;
  }

  private change(controllerId: string, mutate: (state: RunState) => void | Promise<void>): Promise<RunState> {
    return this.queue.run(controllerId, async () => {
      const state = await this.deps.store.get(controllerId);
      if (!state) throw new AppError('NOT_FOUND', 'No commissioning run was started for this controller.', 'Start one on the Commissioning run screen.');
      // Act on the run as the stored results make it now (a result may have arrived since it was last looked at).
      await mutate(await this.advance(state));
      return this.advance(state, true);
    });
  }

  /** Walks the steps in order: complete what the stored results satisfy, stop at the first that is still open. */
  private async advance(state: RunState, changed = false): Promise<RunState> {
    const before = JSON.stringify(state);
    for (const id of runStepIds) this.step(state, id);
    let current: RunStepId | null = null;
    // A step's results count from the moment the step before it was satisfied (not from when this code noticed):
    // a WebAPI deployed right after the services, before anyone looked at the run, still counts for its step.
    let floor = state.startedAt;
    for (const step of state.steps) {
      if (step.state === 'done' || step.state === 'skipped') {
        const reached = step.result?.at ?? step.completedAt ?? floor;
        if (reached > floor) floor = reached;
        continue;
      }
      if (current) {
        step.state = 'waiting';
        continue;
      }
      const nowIso = this.now().toISOString();
      step.since ??= floor;
      const evaluation = await this.evaluate(state, step).catch((): Evaluation => none);
      if (evaluation.outcome === 'pass') {
        Object.assign(step, { state: 'done', completedAt: nowIso, result: evaluation.result, facts: evaluation.facts, note: null });
        if (evaluation.result.at > floor) floor = evaluation.result.at;
        if (step.id === 'baseline') await this.deps.setBaseline({ controller: state.controllerId, visit: evaluation.result.visit ?? state.visit, kind: 'latency-run', id: evaluation.result.id }).catch(() => undefined);
        continue;
      }
      current = step.id;
      if (evaluation.outcome === 'fail') Object.assign(step, { state: 'attention', result: evaluation.result, facts: evaluation.facts });
      else step.state = step.state === 'attention' && step.result ? 'attention' : 'current';
    }
    state.current = current;
    state.status = current === null ? 'finished' : 'active';
    if (changed || JSON.stringify(state) !== before) {
      state.updatedAt = this.now().toISOString();
      await this.deps.store.save(state);
      this.deps.emit('run.state', state);
    }
    return state;
  }

  private async latest<T>(controllerId: string, kind: ResultKind, since: string, accept: (record: StoredResult<T>) => boolean): Promise<StoredResult<T> | null> {
    const summaries = (await this.deps.results.list({ controller: controllerId, kind })).filter((s) => s.createdAt >= since).reverse();
    for (const summary of summaries) {
      const record = await this.deps.results.get<T>(summary).catch(() => null);
      if (record && accept(record)) return record;
    }
    return null;
  }

  private async evaluate(state: RunState, step: RunStep): Promise<Evaluation> {
    const since = step.since ?? state.startedAt;
    const id = state.controllerId;
    switch (step.id) {
      case 'connect': {
        if (!this.deps.connected(id)) return none;
        const sheet = await this.deps.sheets.get(id, state.visit);
        const identity = sheet.identity && (sheet.identity.collectedAt ?? '') >= state.startedAt ? sheet.identity : await this.collectIdentity(state);
        return { outcome: 'pass', result: { kind: 'identity', id: identity.machineId ?? identity.hostname ?? id, at: identity.collectedAt ?? since }, facts: { verdict: 'info', values: { hostname: identity.hostname, fingerprint: identity.hostKeyFingerprint, kernel: identity.kernel } } };
      }
      case 'checks': {
        const run = await this.latest<CheckRunRecord>(id, 'check-run', since, (r) => r.data.status === 'finished');
        if (!run) return none;
        const c = run.data.counts;
        const facts: RunStepFacts = { verdict: c.fail > 0 ? 'fail' : c.warn > 0 || c.error > 0 ? 'warn' : 'pass', values: { ...c, total: run.data.checks.length } };
        return { outcome: c.fail > 0 ? 'fail' : 'pass', result: { kind: 'check-run', id: run.id, visit: run.visit, at: run.createdAt }, facts };
      }
      case 'baseline':
      case 'latencyAfter': {
        const run = await this.latest<LatencyRunRecord>(id, 'latency-run', since, (r) => r.data.status === 'finished' && r.data.result !== null);
        if (!run) return none;
        const maxUs = Math.max(0, ...(run.data.result?.cpus ?? []).filter((c) => c.samples > 0).map((c) => (run.data.result?.unit === 'ns' ? c.max / 1000 : c.max)));
        const verdict = run.data.verdict === 'error' ? 'fail' : run.data.verdict;
        return {
          outcome: verdict === 'fail' ? 'fail' : 'pass',
          result: { kind: 'latency-run', id: run.id, visit: run.visit, at: run.createdAt },
          facts: { verdict, values: { maxUs, durationS: run.data.durationS, load: run.data.settings.load } },
        };
      }
      case 'services':
      case 'webapi': {
        const deployment = (await this.deps.deployments(id)).filter((d) => d.kind === step.id && d.startedAt >= since).sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)).at(-1);
        if (!deployment) return none;
        const ok = deployment.result === 'deployed' && deployment.services?.rt?.pass !== false;
        const values: RunStepFacts['values'] =
          step.id === 'webapi'
            ? { result: deployment.result, image: deployment.webapi?.image ?? null, digest: deployment.webapi?.imageDigest ?? null }
            : { result: deployment.result, units: deployment.services?.units.length ?? 0, rt: deployment.services?.rt ? deployment.services.rt.pass : null };
        return { outcome: ok ? 'pass' : 'fail', result: { kind: 'deployment', id: deployment.id, at: deployment.finishedAt }, facts: { verdict: ok ? 'pass' : 'fail', values } };
      }
      case 'comparison': {
        const ref = (stepId: RunStepId) => state.steps.find((s) => s.id === stepId && s.state === 'done' && s.result?.kind === 'latency-run')?.result;
        const baselineRef = ref('baseline');
        const afterRef = ref('latencyAfter');
        if (!baselineRef?.visit || !afterRef?.visit) return none;
        const [baseline, after] = await Promise.all([
          this.deps.results.get<LatencyRunRecord>({ controller: id, visit: baselineRef.visit, kind: 'latency-run', id: baselineRef.id }),
          this.deps.results.get<LatencyRunRecord>({ controller: id, visit: afterRef.visit, kind: 'latency-run', id: afterRef.id }),
        ]);
        if (!baseline.data.result || !after.data.result) return none;
        const limitPct = after.data.settings.maxIncreasePct;
        const result = compareToBaseline(baseline.data.result, after.data.result, { maxIncreasePct: limitPct, spreadTolerancePct: after.data.settings.spreadTolerancePct });
        return {
          outcome: result.verdict,
          result: { kind: 'comparison', id: `${baseline.id}..${after.id}`, at: this.now().toISOString() },
          facts: { verdict: result.verdict, values: { baselineMaxUs: result.baselineMax, maxUs: result.max, increasePct: result.increasePct, limitPct, spreadIncreasePct: result.spreadIncreasePct } },
        };
      }
      case 'probe': {
        const probe = await this.latest<ProbeResult>(id, 'probe', since, () => true);
        if (!probe) return none;
        const p = probe.data;
        return { outcome: p.pass ? 'pass' : 'fail', result: { kind: 'probe', id: probe.id, visit: probe.visit, at: probe.createdAt }, facts: { verdict: p.pass ? 'pass' : 'fail', values: { p50Ms: p.p50Ms, p99Ms: p.p99Ms, thresholdMs: p.thresholdMs, count: p.count, failed: p.failed } } };
      }
      case 'report': {
        const report = state.report;
        if (!report || report.at < since) return none;
        return { outcome: 'pass', result: { kind: 'report', id: report.path, at: report.at }, facts: { verdict: 'info', values: { path: report.path, format: report.format, language: report.language, sha256: report.sha256 } } };
      }
    }
  }

  private async collectIdentity(state: RunState): Promise<ControllerIdentity> {
    const identity = await this.deps.readIdentity(state.controllerId);
    await this.deps.sheets.setIdentity(state.controllerId, state.visit, identity);
    return identity;
  }
}
