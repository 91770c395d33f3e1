import type { EventSink } from '../../../shared/contract';
import { parseCpuList } from '../../../shared/cpu-list';
import { AppError, errorCodes, type ErrorCode } from '../../../shared/errors';
import { parseRunnerStatus, terminalRunnerStates, thinSeries, type LatencySample, type RunnerState } from '../../../shared/latency';
import type { SummaryLine } from '../../../shared/latency/cyclictest-summary';
import type { ControllerProfile } from '../../../shared/model/controller';
import type {
  LatencyCpuLive,
  LatencyHistoryItem,
  LatencyPreflight,
  LatencyResultRef,
  LatencyRunDetail,
  LatencyRunError,
  LatencyRunStatus,
  LatencyRunView,
  LatencyStartRequest,
} from '../../../shared/model/latency';
import type { ResultRef } from '../../../shared/model/results';
import type { RemoteHost } from '../../platform/remote-host';
import type { ResultsStore } from '../store/results-store';
import { collectRun } from './collect';
import { LatencyControllerOps, isActiveState, isLinkError } from './controller-ops';
import { checkPreflight, launchRun, stopRun } from './launch';
import { LatencyRecords, type StoredLatencyRun } from './latency-records';
import { resolveSettings, type LatencyDefaults, type RunManifest } from './run-plan';
import { watchRun } from './run-monitor';

export interface LatencyServiceDeps {
  connections: {
    hostFor(controllerId: string): RemoteHost;
    onDidConnect(listener: (controllerId: string, host: RemoteHost) => void): () => void;
  };
  controllers: { get(controllerId: string): Promise<ControllerProfile> };
  results: ResultsStore;
  emit: EventSink;
  now?: () => Date;
  /** Status reads while a run is watched; default 500 ms. */
  pollMs?: number;
  livenessMs?: number;
}

interface ActiveRun {
  manifest: RunManifest;
  view: LatencyRunView;
  series: LatencySample[];
  abort: AbortController;
  /** Settles once the run is collected and stored (or could not be). */
  done: Promise<void>;
  rtlaAvailable: boolean;
  rtlaSeenAt: number | null;
  wakeups: Set<() => void>;
}

/** How long start() waits for the runner to report that cyclictest runs (it may first stop the RT service). */
const startWaitMs = 30_000;
/** Runs older than this found on the controller are not collected automatically. */
const discoverMaxAgeMs = 7 * 86_400_000;

const statusOf: Readonly<Record<RunnerState, LatencyRunStatus>> = {
  starting: 'starting',
  running: 'running',
  rtla: 'rtla',
  finished: 'collecting',
  failed: 'collecting',
  cancelled: 'collecting',
};

/**
 * Latency tests on controllers: starts a detached run (systemd-run or setsid) after the safety interlock, follows
 * it with a status file read over SFTP, re-attaches after a dropped link or an app restart, collects and stores
 * the raw output and the parsed result on the laptop as soon as the run ends, and cancels it on request.
 */
export class LatencyService {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly records: LatencyRecords;
  private readonly now: () => Date;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly deps: LatencyServiceDeps) {
    this.records = new LatencyRecords(deps.results);
    this.now = deps.now ?? (() => new Date());
    this.unsubscribe = deps.connections.onDidConnect((controllerId, host) => this.onConnected(controllerId, host));
  }

  // ---------------------------------------------------------------------------------------------------- requests

  async preflight(controllerId: string): Promise<LatencyPreflight> {
    const profile = await this.deps.controllers.get(controllerId);
    const ops = new LatencyControllerOps(this.deps.connections.hostFor(controllerId), profile.housekeepingCores);
    const facts = await ops.preflight(profile.rtUnit);
    const run = this.runs.get(controllerId);
    const preflight: LatencyPreflight = {
      controllerId,
      tools: facts.tools,
      systemd: facts.systemd,
      root: facts.sudo,
      onlineCpus: facts.onlineCpus,
      rtCores: profile.rtCores,
      housekeepingCores: profile.housekeepingCores,
      rtUnit: facts.rtUnitState === null ? null : { name: profile.rtUnit, state: facts.rtUnitState, active: isActiveState(facts.rtUnitState) },
      foreignCyclictest: facts.foreignCyclictest && !(run && isLive(run.view.status)),
      activeRun: run ? { ...run.view } : null,
    };
    if (!facts.sudo && facts.sudoMessage) preflight.sudoMessage = facts.sudoMessage;
    return preflight;
  }

  async start(request: LatencyStartRequest): Promise<LatencyRunView> {
    const { controllerId } = request;
    const existing = this.runs.get(controllerId);
    if (existing && isLive(existing.view.status)) {
      throw new AppError('INVALID_INPUT', 'A latency test is already running on this controller.', 'Watch it or cancel it on the Latency screen.');
    }
    const profile = await this.deps.controllers.get(controllerId);
    const host = this.deps.connections.hostFor(controllerId);
    const defaults: LatencyDefaults = { rtCores: profile.rtCores, housekeepingCores: profile.housekeepingCores, rtUnit: profile.rtUnit };
    const settings = resolveSettings(request, defaults);
    const ops = new LatencyControllerOps(host, settings.housekeepingCores);
    const facts = await ops.preflight(settings.rtUnit);
    const launcher = checkPreflight(facts, settings, request);
    const manifest = await launchRun({
      ops,
      controllerId,
      origin: 'app',
      settings,
      facts,
      launcher,
      baseline: request.baseline,
      markAsBaseline: request.markAsBaseline,
      now: this.now(),
    });
    const run = this.track(manifest, facts.tools.rtla, profile);
    await this.waitForStart(run);
    if (run.view.status === 'failed' && run.view.error) {
      throw new AppError(asErrorCode(run.view.error.code), run.view.error.message, run.view.error.hint, { runId: manifest.runId, result: run.view.result });
    }
    return { ...run.view };
  }

  async status(controllerId: string): Promise<LatencyRunDetail | null> {
    const run = this.runs.get(controllerId);
    if (!run) return null;
    return { ...run.view, series: thinSeries(run.series, 3000) };
  }

  async cancel(controllerId: string): Promise<LatencyRunView> {
    const run = this.runs.get(controllerId);
    if (!run || !isLive(run.view.status)) {
      throw new AppError('NOT_FOUND', 'No latency test is running on this controller.');
    }
    const { manifest } = run;
    const ops = this.opsFor(run);
    if (!ops) throw new AppError('NOT_CONNECTED', 'The controller is not connected, so the test cannot be stopped now.', 'Wait for the connection to come back (the test keeps running on the controller), then cancel again.');
    await stopRun(ops, manifest);
    this.wake(run);
    await Promise.race([run.done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    return { ...run.view };
  }

  async history(controllerId: string): Promise<LatencyHistoryItem[]> {
    return this.records.history(controllerId);
  }

  async result(ref: ResultRef): Promise<StoredLatencyRun> {
    return this.records.get(ref);
  }

  async setBaseline(ref: ResultRef, on: boolean): Promise<void> {
    try {
      await this.records.setBaseline(ref, on);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
    }
  }

  /** Stops watching (the runs themselves go on on their controllers). */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const run of this.runs.values()) run.abort.abort();
    await Promise.all([...this.runs.values()].map((run) => run.done.catch(() => undefined)));
  }

  // ----------------------------------------------------------------------------------------------------- watching

  private opsFor(run: ActiveRun): LatencyControllerOps | null {
    try {
      return new LatencyControllerOps(this.deps.connections.hostFor(run.manifest.controllerId), run.manifest.settings.housekeepingCores);
    } catch {
      return null;
    }
  }

  private wake(run: ActiveRun): void {
    for (const wakeup of run.wakeups) wakeup();
    run.wakeups.clear();
  }

  private emitView(run: ActiveRun): void {
    this.deps.emit('latency.run', { ...run.view });
  }

  private track(manifest: RunManifest, rtlaAvailable: boolean, profile: ControllerProfile): ActiveRun {
    const settings = manifest.settings;
    const totalS = settings.durationS + (settings.rtla && rtlaAvailable ? manifest.rtlaSeconds : 0);
    const view: LatencyRunView = {
      controllerId: manifest.controllerId,
      runId: manifest.runId,
      unit: manifest.unit,
      runDir: manifest.runDir,
      launcher: manifest.launcher,
      status: 'starting',
      link: 'attached',
      startedAt: manifest.startedAt,
      settings,
      elapsedS: 0,
      totalS,
      remainingS: totalS,
      cpus: [],
    };
    const run: ActiveRun = {
      manifest,
      view,
      series: [],
      abort: new AbortController(),
      done: Promise.resolve(),
      rtlaAvailable,
      rtlaSeenAt: null,
      wakeups: new Set(),
    };
    this.runs.get(manifest.controllerId)?.abort.abort();
    this.runs.set(manifest.controllerId, run);
    run.done = this.follow(run, profile).catch((error: unknown) => {
      run.view = { ...run.view, status: 'failed', error: toRunError(error) };
      this.emitView(run);
    });
    this.emitView(run);
    return run;
  }

  private async follow(run: ActiveRun, profile: ControllerProfile): Promise<void> {
    const { manifest } = run;
    const end = await watchRun(
      { runDir: manifest.runDir, intervalUs: manifest.settings.intervalUs },
      {
        ops: () => this.opsFor(run),
        signal: run.abort.signal,
        series: run.series,
        ...(this.deps.pollMs !== undefined ? { pollMs: this.deps.pollMs } : {}),
        ...(this.deps.livenessMs !== undefined ? { livenessMs: this.deps.livenessMs } : {}),
        linkRestored: () => new Promise<void>((resolve) => run.wakeups.add(resolve)),
        onUpdate: (update) => {
          const before = run.view;
          const status = update.state ? statusOf[update.state] : before.status;
          if (update.state === 'rtla' && run.rtlaSeenAt === null) run.rtlaSeenAt = Date.now();
          const cpus = update.threads ? liveCpus(update.threads, manifest.settings.rtCores, before.cpus) : before.cpus;
          const elapsedS = this.elapsed(run, status);
          run.view = { ...before, status, link: update.link, cpus, elapsedS, remainingS: Math.max(0, Math.round((before.totalS - elapsedS) * 10) / 10) };
          if (update.added.length > 0 || update.threads) {
            this.deps.emit('latency.progress', {
              controllerId: manifest.controllerId,
              runId: manifest.runId,
              status,
              link: update.link,
              elapsedS: run.view.elapsedS,
              totalS: run.view.totalS,
              remainingS: run.view.remainingS,
              cpus,
              samples: update.added,
            });
          }
          if (status !== before.status || update.link !== before.link) this.emitView(run);
        },
      },
    );
    if (end.kind === 'aborted') return;
    await this.collect(run, profile, end.kind === 'lost');
  }

  private elapsed(run: ActiveRun, status: LatencyRunStatus): number {
    const ct = run.series.at(-1)?.t ?? 0;
    if (status === 'rtla' && run.rtlaSeenAt !== null) {
      const rtla = Math.min(run.manifest.rtlaSeconds, (Date.now() - run.rtlaSeenAt) / 1000);
      return Math.round((run.manifest.settings.durationS + rtla) * 10) / 10;
    }
    if (status === 'collecting') return run.view.totalS;
    return ct;
  }

  /** Reads every run file (waiting for the link if needed), stores raw output and results, compares, reports. */
  private async collect(run: ActiveRun, profile: ControllerProfile, runnerLost: boolean): Promise<void> {
    const { manifest } = run;
    run.view = { ...run.view, status: 'collecting' };
    this.emitView(run);
    for (;;) {
      if (run.abort.signal.aborted) return;
      const ops = this.opsFor(run);
      if (ops) {
        try {
          const files = await ops.readAllRunFiles(manifest.runDir);
          const rtUnitStateAfter = manifest.rtService?.stoppedForTest && manifest.launcher === 'systemd-run' ? await settleUnitState(ops, manifest.rtService.unit) : null;
          const { record, attachments } = collectRun({
            manifest,
            files,
            endedAt: this.now().toISOString(),
            runnerLost,
            rtUnitStateAfter,
            controllerName: profile.name,
            host: `${profile.user}@${profile.host}:${profile.port}`,
          });
          record.comparison = await this.comparisonFor(manifest, record);
          record.isBaseline = false;
          let stored = await this.records.save(manifest.controllerId, record, attachments);
          if (manifest.markAsBaseline && record.result) {
            await this.records.setBaseline(stored, true);
            stored = await this.records.get(stored);
          }
          const ref: LatencyResultRef = { controller: stored.controller, visit: stored.visit, kind: 'latency-run', id: stored.id };
          const status: LatencyRunStatus = record.status === 'finished' ? 'finished' : record.status === 'cancelled' ? 'cancelled' : 'failed';
          run.view = {
            ...run.view,
            status,
            link: 'attached',
            result: ref,
            verdict: record.verdict,
            ...(record.error ? { error: record.error } : {}),
            elapsedS: record.durationS ?? run.view.elapsedS,
            remainingS: 0,
            cpus: record.result ? finalCpus(record.result.cpus, run.view.cpus) : run.view.cpus,
          };
          if (record.series.length > run.series.length) run.series.splice(0, run.series.length, ...record.series);
          this.emitView(run);
          return;
        } catch (error) {
          if (!isLinkError(error)) throw error;
        }
      }
      run.view = { ...run.view, link: 'lost' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.deps.pollMs ?? 1000);
        run.wakeups.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async comparisonFor(manifest: RunManifest, record: ReturnType<typeof collectRun>['record']): Promise<typeof record.comparison> {
    if (!record.result || manifest.baseline === 'none') return null;
    const baseline = manifest.baseline === 'marked' ? await this.records.markedBaseline(manifest.controllerId) : await this.records.get(manifest.baseline).catch(() => null);
    if (!baseline || baseline.data.runId === record.runId) return null;
    return LatencyRecords.compare(record, baseline);
  }

  private async waitForStart(run: ActiveRun): Promise<void> {
    const deadline = Date.now() + startWaitMs;
    while (Date.now() < deadline && run.view.status === 'starting') {
      await Promise.race([run.done, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    // A run that failed at once (no RT scheduling, bad option) is collected before start() answers.
    if (run.view.status === 'collecting') await Promise.race([run.done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  }

  // ----------------------------------------------------------------------------------------------- re-attaching

  private onConnected(controllerId: string, host: RemoteHost): void {
    if (this.closed) return;
    const run = this.runs.get(controllerId);
    if (run && (isLive(run.view.status) || run.view.status === 'collecting')) {
      // The connection layer pinned the new session to the housekeeping cores (session-setup.ts).
      this.wake(run);
      return;
    }
    void this.discover(controllerId, host).catch(() => undefined);
  }

  /** After an app restart: finds this app's runs on the controller, attaches to a running one, collects ended ones. */
  private async discover(controllerId: string, host: RemoteHost): Promise<void> {
    const profile = await this.deps.controllers.get(controllerId);
    const ops = new LatencyControllerOps(host, profile.housekeepingCores);
    const runIds = (await ops.listRuns()).slice(-5);
    for (const runId of runIds) {
      if (this.closed) return;
      const current = this.runs.get(controllerId);
      if (current && isLive(current.view.status)) return;
      const manifest = await ops.readManifest(runId);
      if (!manifest || manifest.controllerId !== controllerId || manifest.origin !== 'app') continue;
      if (this.now().getTime() - Date.parse(manifest.startedAt) > discoverMaxAgeMs) continue;
      const state = parseRunnerStatus((await ops.readRunFile(manifest.runDir, 'status')) ?? '').state;
      const ended = state !== null && terminalRunnerStates.has(state);
      if (ended && (await this.records.findRun(controllerId, runId))) continue;
      const run = this.track(manifest, (await ops.preflight(null)).tools.rtla, profile);
      if (!ended) {
        // Only one run at a time: the newest still running is the one to follow.
        run.view = { ...run.view, status: state === 'rtla' ? 'rtla' : 'running' };
        this.emitView(run);
        return;
      }
      await run.done;
    }
  }
}

function isLive(status: LatencyRunStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'rtla' || status === 'collecting';
}

function liveCpus(threads: readonly SummaryLine[], rtCores: string, previous: readonly LatencyCpuLive[]): LatencyCpuLive[] {
  const cpus = parseCpuList(rtCores);
  return threads.map((line) => {
    const before = previous.find((cpu) => cpu.thread === line.thread);
    const measured = line.cycles > 0;
    return {
      thread: line.thread,
      cpu: cpus.length > 0 ? (cpus[line.thread % cpus.length] ?? null) : null,
      cycles: line.cycles,
      min: measured ? line.min : 0,
      act: measured ? line.act : 0,
      avg: measured ? line.avg : 0,
      // A maximum shown to a technician never goes down (ux.md, machinekit #72).
      max: Math.max(measured ? line.max : 0, before?.max ?? 0),
    };
  });
}

function finalCpus(result: ReadonlyArray<{ thread: number; cpu: number | null; samples: number; min: number; avg: number; max: number }>, previous: readonly LatencyCpuLive[]): LatencyCpuLive[] {
  return result.map((cpu) => {
    const before = previous.find((live) => live.thread === cpu.thread);
    return { thread: cpu.thread, cpu: cpu.cpu, cycles: cpu.samples, min: cpu.min, act: before?.act ?? 0, avg: cpu.avg, max: Math.max(cpu.max, before?.max ?? 0) };
  });
}

/** The RT unit is started with --no-block; give it a few seconds to leave "activating". */
async function settleUnitState(ops: LatencyControllerOps, unit: string): Promise<string> {
  let state = await ops.unitState(unit);
  for (let i = 0; i < 10 && state === 'activating'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    state = await ops.unitState(unit);
  }
  return state;
}

function toRunError(error: unknown): LatencyRunError {
  const appError = AppError.from(error);
  return { code: appError.code, message: appError.message, ...(appError.hint ? { hint: appError.hint } : {}) };
}

function asErrorCode(code: string): ErrorCode {
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'REMOTE_COMMAND';
}
