import type { AppServices, EventSink } from '../../../shared/contract';
import type { DeploymentRecord, ProbeResult } from '../../../shared/model/deploy';
import type { ConnectionState, ControllerProfile } from '../../../shared/model/controller';
import type { ResultRef } from '../../../shared/model/results';
import type { EventHub } from '../../platform/event-hub';
import type { RemoteHost } from '../../platform/remote-host';
import { RunService } from '../run/run-service';
import { RunStore } from '../run/run-store';
import type { ResultsStore } from '../store/results-store';
import { readIdentity } from './identity-probe';
import type { PdfPrinter } from './pdf-printer';
import { ChromiumPdfPrinter } from './pdf-printer';
import { ReportService } from './report-service';
import type { DeploymentHistoryReader } from './visit-records';
import { deploymentControllers, VisitRecordsReader } from './visit-records';
import { VisitSheetStore } from './visit-sheets';

export interface ReportsDeps {
  dataDir: string;
  results: ResultsStore;
  deployHistory: DeploymentHistoryReader;
  controller: (id: string) => Promise<ControllerProfile>;
  listControllers: () => Promise<ControllerProfile[]>;
  connectionState: (id: string) => ConnectionState | undefined;
  hostFor: (id: string) => RemoteHost;
  probe: (id: string, request: { count: number; thresholdMs: number; url?: string }) => Promise<ProbeResult>;
  setBaseline: (ref: ResultRef) => Promise<void>;
  events: EventHub;
  emit: EventSink;
  tool: { name: string; version: string };
  /** The Electron entry plugs in webContents.printToPDF here; otherwise headless Chromium. */
  printer?: PdfPrinter;
}

/** Deployments of a controller from the results store and the Deploy history folder, without duplicates. */
async function allDeployments(results: ResultsStore, history: DeploymentHistoryReader, controllerId: string): Promise<DeploymentRecord[]> {
  const stored: DeploymentRecord[] = [];
  for (const summary of await results.list({ controller: controllerId, kind: 'deployment' })) {
    const record = await results.get<DeploymentRecord>(summary).catch(() => null);
    if (record) stored.push(record.data);
  }
  const ids = new Set(stored.map((d) => d.id));
  return [...stored, ...(await history.list(controllerId, 10_000).catch(() => [])).filter((d) => !ids.has(d.id))];
}

/**
 * Wires history, reports and the commissioning run (one place, so composition.ts only adds the blocks). The run
 * re-evaluates itself when results arrive — a check run or latency run stored, a deployment done, a connection
 * made — so its state is current even while its screen is closed.
 */
export function composeReports(deps: ReportsDeps): { services: Pick<AppServices, 'history' | 'reports' | 'run'>; reports: ReportService; runs: RunService; dispose: () => void } {
  const profileName = async (key: string): Promise<string | null> => (await deps.listControllers().catch(() => [])).find((c) => c.id === key)?.name ?? null;
  const records = new VisitRecordsReader(deps.results, deps.deployHistory, profileName, () => deploymentControllers(deps.dataDir));
  const sheets = new VisitSheetStore(deps.dataDir);
  const runStore = new RunStore(deps.dataDir);
  const reports = new ReportService({
    dataDir: deps.dataDir,
    records,
    sheets,
    printer: deps.printer ?? new ChromiumPdfPrinter(),
    profile: async (key) => {
      const profile = (await deps.listControllers().catch(() => [])).find((c) => c.id === key);
      return profile ? { name: profile.name, address: `${profile.user}@${profile.host}:${profile.port}` } : null;
    },
    rolesFor: (controller, visit) => runStore.rolesFor(controller, visit),
    tool: deps.tool,
  });
  const runs = new RunService({
    store: runStore,
    results: deps.results,
    sheets,
    deployments: (id) => allDeployments(deps.results, deps.deployHistory, id),
    controllerName: async (id) => (await deps.controller(id)).name,
    connected: (id) => deps.connectionState(id)?.status === 'connected',
    readIdentity: async (id) => {
      const profile = await deps.controller(id);
      return readIdentity(deps.hostFor(id), profile.housekeepingCores, deps.connectionState(id)?.hostKeyFingerprint ?? null, new Date());
    },
    probe: deps.probe,
    exportReport: async (id, visit, request) => {
      const made = await reports.export(id, visit, request);
      deps.emit('reports.exported', made);
      return made;
    },
    setBaseline: deps.setBaseline,
    emit: deps.emit,
  });

  const refresh = (controllerId: string): void => {
    void runs.get(controllerId).catch(() => undefined);
  };
  const unsubscribe = deps.events.subscribe((topic, payload) => {
    if (topic === 'checks.done') refresh((payload as { controllerId: string }).controllerId);
    else if (topic === 'latency.run') {
      const view = payload as { controllerId: string; result?: unknown };
      if (view.result) refresh(view.controllerId);
    } else if (topic === 'deploy.progress') {
      const progress = payload as { controllerId: string; step: string; state: string };
      if (progress.step === 'done' || progress.state === 'failed') refresh(progress.controllerId);
    } else if (topic === 'connection.state') {
      const state = payload as ConnectionState;
      if (state.status === 'connected') refresh(state.controllerId);
    }
  });

  const services: Pick<AppServices, 'history' | 'reports' | 'run'> = {
    history: {
      controllers: () => reports.controllers(),
      visits: async (controller) => reports.visits((await reports.resolveController(controller)).key),
      visit: (controller, visit) => reports.detail(controller, visit),
      drift: async (controller, before, after) => reports.drift((await reports.resolveController(controller)).key, before, after),
    },
    reports: {
      sheet: (controller, visit) => reports.sheet(controller, visit),
      saveSheet: (controller, visit, input) => reports.saveSheet(controller, visit, input),
      preview: (controller, visit, language) => reports.preview(controller, visit, language),
      export: async (controller, visit, request) => {
        const made = await reports.export((await reports.resolveController(controller)).key, visit, request);
        deps.emit('reports.exported', made);
        return made;
      },
      verify: (path) => reports.verify(path),
    },
    run: {
      get: (id) => runs.get(id),
      list: () => runs.list(),
      start: (id, input) => runs.start(id, input),
      repeat: (id, step) => runs.repeat(id, step),
      accept: (id, step, note) => runs.accept(id, step, note),
      skip: (id, step, note) => runs.skip(id, step, note),
      probe: (id, request) => runs.probe(id, request),
      report: (id, request) => runs.report(id, request),
    },
  };
  return { services, reports, runs, dispose: unsubscribe };
}
