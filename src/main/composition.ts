import { join } from 'node:path';

import pkg from '../../package.json' with { type: 'json' };
import type { AppInfo, AppServices } from '../shared/contract';
import { EventHub } from './platform/event-hub';
import { KnownHostsStore } from './platform/known-hosts';
import type { SecretStore } from './platform/secret-store';
import { NoSecretStore } from './platform/secret-store';
import { connectSsh } from './platform/ssh-connector';
import { userKnownHostsFile, userSshConfigFile } from './platform/data-dir';
import { ConnectionService } from './services/connection/connection-service';
import { ControllerStore } from './services/controllers/controller-store';
import { LatencyService } from './services/latency/latency-service';
import { ChecksService } from './services/checks/checks-service';
import { ResultsStore } from './services/store/results-store';
import { DeployService } from './services/deploy/deploy-service';
import { DeploymentHistory } from './services/deploy/history-store';
import { readSshConfigHosts } from './services/controllers/ssh-config-import';
import { StreamRegistry } from './services/logs/stream-registry';
import { TerminalService } from './services/terminal/terminal-service';
import { composeReports } from './services/report/compose-reports';
import type { PdfPrinter } from './services/report/pdf-printer';

export interface CompositionOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  secrets?: SecretStore;
  /** Extra version facts (Electron, Chromium) added by the Electron entry. */
  versions?: Record<string, string>;
  /** known_hosts files honoured but never written; default ~/.ssh/known_hosts. */
  readOnlyKnownHosts?: string[];
  sshConfigFile?: string;
  /** How reports become PDFs (Electron: printToPDF); default headless Chromium. */
  pdfPrinter?: PdfPrinter;
}

export interface Composition {
  services: AppServices;
  events: EventHub;
  connections: ConnectionService;
  shutdown(): Promise<void>;
}

/** The one place where the Node-side services are constructed and wired. */
export function compose(options: CompositionOptions): Composition {
  const events = new EventHub();
  const secrets = options.secrets ?? new NoSecretStore();
  const controllers = new ControllerStore(options.dataDir);
  const knownHosts = new KnownHostsStore(join(options.dataDir, 'known_hosts'), options.readOnlyKnownHosts ?? [userKnownHostsFile()]);
  const connections = new ConnectionService({ controllers, knownHosts, secrets, emit: events.emit, connect: connectSsh });
  // Results of every area (check runs, latency runs, …) on the laptop, kept per controller and visit.
  const results = new ResultsStore(join(options.dataDir, 'results'));
  const latency = new LatencyService({ connections, controllers, results, emit: events.emit });
  const checks = new ChecksService({
    hostFor: (id) => connections.hostFor(id),
    controller: (id) => controllers.get(id),
    results,
    emit: events.emit,
    dataDir: options.dataDir,
  });
  const logStreams = new StreamRegistry({
    hostFor: (id) => connections.hostFor(id),
    controller: async (id) => {
      const profile = await controllers.get(id);
      return { housekeepingCores: profile.housekeepingCores, label: `${profile.name} (${profile.user}@${profile.host}:${profile.port})` };
    },
    onDidConnect: (listener) => connections.onDidConnect((id) => listener(id)),
    emit: events.emit,
    dataDir: options.dataDir,
  });
  const terminals = new TerminalService({ hostFor: (id) => connections.hostFor(id), emit: events.emit, dataDir: options.dataDir });
  const deploy = new DeployService({
    hostFor: (id) => connections.hostFor(id),
    profileFor: async (id) => {
      const profile = await controllers.get(id);
      return { rtCores: profile.rtCores, housekeepingCores: profile.housekeepingCores };
    },
    history: new DeploymentHistory(options.dataDir),
    emit: events.emit,
    toolVersion: pkg.version,
    // The acceptance probe measures from the laptop through the SSH connection (seed 6.2), not on the controller.
    tcpDialer: (id) => (host, port) => connections.hostFor(id).openTcp(host, port),
  });
  // Visit history, drift audit, reports and the commissioning run, all read from what the laptop stored.
  const reporting = composeReports({
    dataDir: options.dataDir,
    results,
    deployHistory: new DeploymentHistory(options.dataDir),
    controller: (id) => controllers.get(id),
    listControllers: () => controllers.list(),
    connectionState: (id) => connections.listStates().find((state) => state.controllerId === id),
    hostFor: (id) => connections.hostFor(id),
    probe: (id, request) => deploy.probeWebapi(id, request, {}),
    setBaseline: (ref) => latency.setBaseline({ controller: ref.controller, visit: ref.visit, kind: 'latency-run', id: ref.id }, true),
    events,
    emit: events.emit,
    tool: { name: pkg.name, version: pkg.version },
    ...(options.pdfPrinter ? { printer: options.pdfPrinter } : {}),
  });

  const services: AppServices = {
    app: {
      info: async () => ({
        name: pkg.name,
        version: pkg.version,
        mode: options.mode,
        versions: { node: process.versions.node, ...options.versions },
        dataDir: options.dataDir,
        canStoreSecrets: await secrets.available(),
      }),
    },
    controllers: {
      list: () => controllers.list(),
      save: (input) => controllers.save(input),
      remove: async (id) => {
        await connections.disconnect(id).catch(() => undefined);
        await connections.forgetSecrets(id).catch(() => undefined);
        await controllers.remove(id);
      },
      sshConfigHosts: (file) => readSshConfigHosts(file ?? options.sshConfigFile ?? userSshConfigFile()),
      forgetSecret: (id) => connections.forgetSecrets(id),
    },
    connection: {
      connect: (id, secretsGiven) => connections.connect(id, secretsGiven),
      disconnect: (id) => connections.disconnect(id),
      states: async () => connections.listStates(),
      trustHostKey: (id, fingerprint) => connections.trustHostKey(id, fingerprint),
      replaceHostKey: (id, fingerprint) => connections.replaceHostKey(id, fingerprint),
      probe: (id) => connections.probe(id),
    },
    checks: {
      catalogue: async () => checks.catalogue(),
      run: (id, request) => checks.run(id, request),
      current: (id) => checks.current(id),
      cancel: (runId) => checks.cancel(runId),
      runs: (id) => checks.runs(id),
      get: (runId) => checks.get(runId),
      importBundle: (id, path, profile) => checks.importBundle(id, path, profile),
      exportRemediation: (runId) => checks.exportRemediation(runId),
      compare: (previousRunId, runId) => checks.compare(previousRunId, runId),
      collectScript: () => checks.collectScript(),
    },
    latency: {
      preflight: (id) => latency.preflight(id),
      start: (request) => latency.start(request),
      status: (id) => latency.status(id),
      cancel: (id) => latency.cancel(id),
      history: (id) => latency.history(id),
      result: (ref) => latency.result(ref),
      setBaseline: (ref, on) => latency.setBaseline(ref, on),
    },
    logs: {
      open: (id, request) => logStreams.open(id, request),
      list: async (id) => logStreams.list(id),
      attach: async (streamId) => logStreams.attach(streamId),
      pause: async (streamId) => logStreams.pause(streamId),
      resume: (streamId) => logStreams.resume(streamId),
      ack: async (streamId, bytes) => logStreams.acknowledge(streamId, bytes),
      save: (streamId) => logStreams.save(streamId),
      record: (streamId, on) => logStreams.record(streamId, on),
      close: (streamId) => logStreams.close(streamId),
      units: (id) => logStreams.units(id),
    },
    terminal: {
      open: (id, size) => terminals.open(id, size),
      list: async (id) => terminals.list(id),
      attach: async (sessionId) => terminals.attach(sessionId),
      write: async (sessionId, data) => terminals.write(sessionId, data),
      resize: async (sessionId, size) => terminals.resize(sessionId, size),
      ack: async (sessionId, bytes) => terminals.acknowledge(sessionId, bytes),
      save: (sessionId, text) => terminals.save(sessionId, text),
      record: (sessionId, on) => terminals.record(sessionId, on),
      close: (sessionId) => terminals.close(sessionId),
    },
    deploy: {
      defaultCompose: () => deploy.defaultCompose(),
      inspectCompose: (id, source) => deploy.inspectCompose(id, source),
      inspectArchive: (path, expectImage) => deploy.inspectArchive(path, expectImage),
      deployWebapi: (id, request) => deploy.deployWebapi(id, request),
      rollbackWebapi: (id, source) => deploy.rollbackWebapi(id, source),
      restoreNativeWebapi: (id, source) => deploy.restoreNativeWebapi(id, source),
      webapiStatus: (id, name) => deploy.webapiStatus(id, name),
      probeWebapi: (id, request, source) => deploy.probeWebapi(id, request, source),
      pinDocker: (id, restart) => deploy.pinDocker(id, restart),
      previewUnits: (id, includeWebapiUnit) => deploy.previewUnits(id, includeWebapiUnit),
      deployServices: (id, request) => deploy.deployServices(id, request),
      rollbackServices: (id) => deploy.rollbackServices(id),
      serviceAction: (id, unit, action) => deploy.serviceAction(id, unit, action),
      servicesStatus: (id) => deploy.servicesStatus(id),
      history: (id) => deploy.history(id),
      cancel: (operationId) => deploy.cancel(operationId),
    },
    ...reporting.services,
  };

  const shutdown = async (): Promise<void> => {
    reporting.dispose();
    // Readers first, so none of them mistakes the deliberate disconnect for a lost link.
    await Promise.all([logStreams.dispose(), terminals.dispose(), latency.shutdown(), checks.shutdown()]);
    await connections.disconnectAll();
  };
  return { services, events, connections, shutdown };
}
