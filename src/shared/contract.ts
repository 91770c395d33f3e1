/**
 * THE contract between the UI and the Node side. Every request the renderer can make and every event it can
 * receive is declared here, once. The Electron preload, the browser-mode WebSocket client and the in-memory test
 * transport all derive their clients from `contract`; the Node side validates every argument with the schemas
 * below before a service sees it.
 */
import { z } from 'zod';

import type {
  ConnectionState,
  ControllerProfile,
  HostKeyChange,
  HostKeyInfo,
  SshConfigHost,
} from './model/controller';
import { connectSecretsSchema, controllerInputSchema } from './model/controller';
import type {
  LatencyHistoryItem,
  LatencyPreflight,
  LatencyProgressEvent,
  LatencyRunDetail,
  LatencyRunRecord,
  LatencyRunView,
} from './model/latency';
import { latencyRefSchema, latencyStartSchema } from './model/latency';
import type { StoredResult } from './model/results';
import type {
  CheckDoneEvent,
  CheckInfo,
  CheckResultEvent,
  CheckRunComparison,
  CheckRunRecord,
  CheckRunSummary,
  RemediationExportView,
} from './model/checks';
import { bundlePathSchema, bundleProfileSchema, checkRunIdSchema, checkRunRequestSchema } from './model/checks';
import type {
  LogAttachment,
  LogLinesEvent,
  LogStreamInfo,
  SavedLog,
  TerminalAttachment,
  TerminalDataEvent,
  TerminalInfo,
} from './model/logs';
import {
  ackBytesSchema,
  logStreamRequestSchema,
  streamIdSchema,
  terminalInputSchema,
  terminalSizeSchema,
  terminalTextSchema,
} from './model/logs';
import type {
  ArchiveInfo,
  ComposeMapping,
  DeploymentRecord,
  DeployProgress,
  DockerPinResult,
  ProbeResult,
  ServicesStatus,
  UnitPreview,
  UnitState,
  WebapiStatus,
} from './model/deploy';
import {
  composeSourceSchema,
  deployUnitNameSchema,
  operationIdSchema,
  probeRequestSchema,
  serviceActionSchema,
  servicesDeployRequestSchema,
  webapiDeployRequestSchema,
} from './model/deploy';
import type {
  DriftReport,
  HistoryController,
  ReportExport,
  VerifyResult,
  VisitDetail,
  VisitOverview,
  VisitSheet,
} from './model/report';
import { controllerKeySchema, reportExportRequestSchema, reportLanguages, reportPathSchema, visitIdSchema, visitSheetInputSchema } from './model/report';
import type { RunState } from './model/run';
import { runNoteSchema, runProbeSchema, runReportSchema, runStartSchema, runStepIdSchema } from './model/run';

/** A request: its argument tuple schema and (type-only) its result. */
export interface Method<A extends z.ZodTuple, R> {
  readonly args: A;
  /** Phantom: carries the result type only. */
  readonly result?: R;
}

function method<A extends z.ZodTuple>(args: A): { returns<R>(): Method<A, R> } {
  return { returns: <R>(): Method<A, R> => ({ args }) };
}

const id = z.string().min(1).max(64);
const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Not an SSH SHA256 fingerprint');

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' | 'web': which transport serves this UI. */
  mode: 'electron' | 'web';
  versions: Record<string, string>;
  /** Where profiles, known_hosts and results are kept. */
  dataDir: string;
  /** Whether passwords can be kept in an OS keyring on this machine. */
  canStoreSecrets: boolean;
}

export const contract = {
  app: {
    /** Versions, transport and storage facts for the About box and status bar. */
    info: method(z.tuple([])).returns<AppInfo>(),
  },
  controllers: {
    list: method(z.tuple([])).returns<ControllerProfile[]>(),
    /** Create (no id) or update (with id) a controller profile. */
    save: method(z.tuple([controllerInputSchema])).returns<ControllerProfile>(),
    remove: method(z.tuple([id])).returns<void>(),
    /** Hosts from ~/.ssh/config (or the given file) that can be imported as profiles. */
    sshConfigHosts: method(z.tuple([z.string().max(4096).optional()])).returns<SshConfigHost[]>(),
    /** Forget a stored password/passphrase. */
    forgetSecret: method(z.tuple([id])).returns<void>(),
  },
  connection: {
    /**
     * Connect (or return the live connection). Rejects with HOST_KEY_UNKNOWN (detail: HostKeyInfo) before any
     * credential is sent when the key is new, and with HOST_KEY_CHANGED (detail: HostKeyChange) when it differs.
     */
    connect: method(z.tuple([id, connectSecretsSchema])).returns<ConnectionState>(),
    disconnect: method(z.tuple([id])).returns<ConnectionState>(),
    /** Current state of every controller that has one. */
    states: method(z.tuple([])).returns<ConnectionState[]>(),
    /** Trust the key last presented by this controller, only if it still has this fingerprint. */
    trustHostKey: method(z.tuple([id, fingerprint])).returns<HostKeyInfo>(),
    /** "This controller was reimaged": replace the recorded key with the presented one. */
    replaceHostKey: method(z.tuple([id, fingerprint])).returns<HostKeyChange>(),
    /** Run `uname -a` (pinned to housekeeping cores) as a quick liveness probe. */
    probe: method(z.tuple([id])).returns<{ uname: string; ms: number }>(),
  },
  logs: {
    /**
     * Start a log stream (journal of a unit/tag, kernel messages, or a container) and its reader on the
     * controller. Lines arrive as `logs.lines` events; the view acknowledges them with `ack`.
     */
    open: method(z.tuple([id, logStreamRequestSchema])).returns<LogStreamInfo>(),
    /** Open streams, optionally of one controller (a view re-attaches to these). */
    list: method(z.tuple([id.optional()])).returns<LogStreamInfo[]>(),
    /** Every kept line of a stream; the view then applies `logs.lines` events with a higher seq. */
    attach: method(z.tuple([streamIdSchema])).returns<LogAttachment>(),
    /** Stop the reader on the controller (saves the link); resume continues exactly after the last kept line. */
    pause: method(z.tuple([streamIdSchema])).returns<LogStreamInfo>(),
    resume: method(z.tuple([streamIdSchema])).returns<LogStreamInfo>(),
    /** The view has rendered this many `bytes` of `logs.lines` events (flow control). */
    ack: method(z.tuple([streamIdSchema, ackBytesSchema])).returns<void>(),
    /** Write every kept line with full timestamps to <dataDir>/logs/<controller>/…log (atomic); returns the path. */
    save: method(z.tuple([streamIdSchema])).returns<SavedLog>(),
    /** Start/stop appending every new line to a file. */
    record: method(z.tuple([streamIdSchema, z.boolean()])).returns<LogStreamInfo>(),
    close: method(z.tuple([streamIdSchema])).returns<void>(),
    /** Service units on the controller (suggestions for the unit filter). */
    units: method(z.tuple([id])).returns<string[]>(),
  },
  terminal: {
    /** Open an interactive shell (PTY) on the controller; output arrives as `terminal.data` events. */
    open: method(z.tuple([id, terminalSizeSchema])).returns<TerminalInfo>(),
    list: method(z.tuple([id.optional()])).returns<TerminalInfo[]>(),
    /** Recent output to replay into a (re-)attached view. */
    attach: method(z.tuple([streamIdSchema])).returns<TerminalAttachment>(),
    /** Keystrokes/paste; Enter after the shell ended or the link dropped opens a new shell. */
    write: method(z.tuple([streamIdSchema, terminalInputSchema])).returns<void>(),
    resize: method(z.tuple([streamIdSchema, terminalSizeSchema])).returns<void>(),
    /** The view has rendered this many `bytes` of `terminal.data` events (flow control). */
    ack: method(z.tuple([streamIdSchema, ackBytesSchema])).returns<void>(),
    /** Save the view's whole buffer text to <dataDir>/logs/<controller>/…txt (atomic); returns the path. */
    save: method(z.tuple([streamIdSchema, terminalTextSchema])).returns<SavedLog>(),
    /** Start/stop recording the session (asciicast v2, playable with asciinema). */
    record: method(z.tuple([streamIdSchema, z.boolean()])).returns<TerminalInfo>(),
    close: method(z.tuple([streamIdSchema])).returns<void>(),
  },
  deploy: {
    /** The shipped default compose file (seed §6.1 Step 2). */
    defaultCompose: method(z.tuple([])).returns<{ path: string; text: string }>(),
    /** A compose file mapped to Docker create options for this controller (laptop only, no connection). */
    inspectCompose: method(z.tuple([id, composeSourceSchema])).returns<ComposeMapping & { origin: string }>(),
    /** Read and verify a `docker save` archive on the laptop (manifest, tags, config and layer digests). */
    inspectArchive: method(z.tuple([z.string().trim().min(1).max(4096), z.string().max(512).optional()])).returns<ArchiveInfo>(),
    /** Verify, upload and load the image, roll out with health gate and automatic rollback; `deploy.progress` events. */
    deployWebapi: method(z.tuple([id, webapiDeployRequestSchema])).returns<DeploymentRecord>(),
    /** Swap back to the previous (parked) WebAPI container. */
    rollbackWebapi: method(z.tuple([id, composeSourceSchema])).returns<DeploymentRecord>(),
    /** Seed §6.3: stop the container, start the native mxrc-webapi.service. */
    restoreNativeWebapi: method(z.tuple([id, composeSourceSchema])).returns<DeploymentRecord>(),
    webapiStatus: method(z.tuple([id, z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/).optional()])).returns<WebapiStatus>(),
    /** Seed §6.2 acceptance probe: N requests to the health endpoint, p50/p99, pass when p99 < threshold. */
    probeWebapi: method(z.tuple([id, probeRequestSchema, composeSourceSchema])).returns<ProbeResult>(),
    /** Pin docker.service and containerd.service to the housekeeping cores; restart only when `true` (confirmed). */
    pinDocker: method(z.tuple([id, z.boolean()])).returns<DockerPinResult>(),
    /** Rendered units with a diff against what the controller has installed. */
    previewUnits: method(z.tuple([id, z.boolean().default(false)])).returns<UnitPreview[]>(),
    deployServices: method(z.tuple([id, servicesDeployRequestSchema])).returns<DeploymentRecord>(),
    rollbackServices: method(z.tuple([id])).returns<DeploymentRecord>(),
    serviceAction: method(z.tuple([id, deployUnitNameSchema, serviceActionSchema])).returns<UnitState>(),
    servicesStatus: method(z.tuple([id])).returns<ServicesStatus>(),
    /** Deployment history kept on the laptop, newest first. */
    history: method(z.tuple([id])).returns<DeploymentRecord[]>(),
    /** Cancel a running deployment by the operation id the caller chose; false when none runs. */
    cancel: method(z.tuple([operationIdSchema])).returns<boolean>(),
  },
  latency: {
    /** Tools, sudo, systemd, RT service state and the run being watched, before the technician starts a test. */
    preflight: method(z.tuple([id])).returns<LatencyPreflight>(),
    /**
     * Start a detached latency test (requires safeStateConfirmed; stopping an active RT service requires
     * stopRtService). Rejects with RT_SERVICE_ACTIVE, SUDO_REQUIRED or TOOL_MISSING before anything runs.
     * Progress arrives as `latency.progress`, state changes as `latency.run`.
     */
    start: method(z.tuple([latencyStartSchema])).returns<LatencyRunView>(),
    /** The run watched for this controller (running or last ended) with its max-over-time series, or null. */
    status: method(z.tuple([id])).returns<LatencyRunDetail | null>(),
    /** Stop the test on the controller, verify no process is left, collect what was measured. */
    cancel: method(z.tuple([id])).returns<LatencyRunView>(),
    /** Stored latency runs of a controller, oldest first. */
    history: method(z.tuple([id])).returns<LatencyHistoryItem[]>(),
    result: method(z.tuple([latencyRefSchema])).returns<StoredResult<LatencyRunRecord>>(),
    /** Mark (true) or unmark a stored run as the controller's baseline; one baseline per controller. */
    setBaseline: method(z.tuple([latencyRefSchema, z.boolean()])).returns<void>(),
  },
  checks: {
    /** The host checks (id, title, area, why), for lists drawn before any result. */
    catalogue: method(z.tuple([])).returns<CheckInfo[]>(),
    /**
     * Run the checklist (or `only` some checks) over the controller's connection; resolves at once with the run.
     * Results stream as `checks.result` (with n of m), the end as `checks.done`; the run is then stored.
     * Rejects with NOT_CONNECTED, or INVALID_INPUT when checks already run on this controller.
     */
    run: method(z.tuple([id, checkRunRequestSchema])).returns<CheckRunRecord>(),
    /** The run in progress on a controller, with its results so far, or null (a screen re-attaches with this). */
    current: method(z.tuple([id])).returns<CheckRunRecord | null>(),
    /** Stop a run; resolves when it is saved (status cancelled, with the results measured so far). */
    cancel: method(z.tuple([checkRunIdSchema])).returns<boolean>(),
    /** Stored runs of a controller (live and imported bundles), newest first. */
    runs: method(z.tuple([id])).returns<CheckRunSummary[]>(),
    get: method(z.tuple([checkRunIdSchema])).returns<CheckRunRecord>(),
    /** Evaluate a collect.sh bundle on this laptop with the same checks, for a saved controller or none. */
    importBundle: method(z.tuple([id.nullable(), bundlePathSchema, bundleProfileSchema])).returns<CheckRunRecord>(),
    /** Write remediation.sh + files + changes.diff for review under <dataDir>/remediation/…; changes nothing. */
    exportRemediation: method(z.tuple([checkRunIdSchema])).returns<RemediationExportView>(),
    /** "Re-verify": check-by-check changes from one run to another. */
    compare: method(z.tuple([checkRunIdSchema, checkRunIdSchema])).returns<CheckRunComparison>(),
    /** The shipped resources/collect.sh (offline evidence collection). */
    collectScript: method(z.tuple([])).returns<{ path: string; text: string }>(),
  },
  history: {
    /** Controllers with stored results (offline), most recently visited first. */
    controllers: method(z.tuple([])).returns<HistoryController[]>(),
    /** A controller's visits, oldest first, with counts and the latest verdict of each kind. */
    visits: method(z.tuple([controllerKeySchema])).returns<VisitOverview[]>(),
    /** One visit ("latest" allowed): its records, visit sheet and assembled report data. */
    visit: method(z.tuple([controllerKeySchema, visitIdSchema])).returns<VisitDetail>(),
    /** Drift audit: what changed from one visit to another (cmdline, sysctls, verdicts, units, images, latency). */
    drift: method(z.tuple([controllerKeySchema, visitIdSchema, visitIdSchema])).returns<DriftReport>(),
  },
  reports: {
    /** Site, customer, people, deviations and open items of a visit. */
    sheet: method(z.tuple([controllerKeySchema, visitIdSchema])).returns<VisitSheet>(),
    saveSheet: method(z.tuple([controllerKeySchema, visitIdSchema, visitSheetInputSchema])).returns<VisitSheet>(),
    /** The report's HTML (exactly what an HTML export writes), for the screen's preview. */
    preview: method(z.tuple([controllerKeySchema, visitIdSchema, z.enum(reportLanguages)])).returns<{ html: string; sha256: string }>(),
    /** Write a PDF, HTML or JSON report to a laptop file (default under <data dir>/reports/); `reports.exported`. */
    export: method(z.tuple([controllerKeySchema, visitIdSchema, reportExportRequestSchema])).returns<ReportExport>(),
    /** Check a JSON or HTML report file for any change. */
    verify: method(z.tuple([reportPathSchema])).returns<VerifyResult>(),
  },
  run: {
    /** The controller's commissioning run brought up to date with the stored results, or null. */
    get: method(z.tuple([id])).returns<RunState | null>(),
    /** Every run on this laptop (to resume one). */
    list: method(z.tuple([])).returns<RunState[]>(),
    /** Start a run (returns the one in progress unless `restart`). */
    start: method(z.tuple([id, runStartSchema])).returns<RunState>(),
    /** Do a step again; only results from now on count for it. */
    repeat: method(z.tuple([id, runStepIdSchema])).returns<RunState>(),
    /** Continue past a step whose result did not pass; the reason is recorded as a deviation. */
    accept: method(z.tuple([id, runStepIdSchema, runNoteSchema])).returns<RunState>(),
    /** Leave a step out; the reason is recorded as a deviation. */
    skip: method(z.tuple([id, runStepIdSchema, runNoteSchema])).returns<RunState>(),
    /** The WebAPI acceptance probe (seed §6.2: p99 < 10 ms) against the deployed health endpoint; stored. */
    probe: method(z.tuple([id, runProbeSchema])).returns<RunState>(),
    /** Make the visit's report (last step). */
    report: method(z.tuple([id, runReportSchema])).returns<RunState>(),
  },
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;

type ArgsIn<M> = M extends Method<infer A, unknown> ? z.input<A> : never;
type ArgsOut<M> = M extends Method<infer A, unknown> ? z.output<A> : never;
type ResultOf<M> = M extends Method<z.ZodTuple, infer R> ? R : never;

/** What the UI calls: arguments as the caller writes them (defaults optional). */
export type AppApi = {
  [S in ServiceName]: {
    [K in keyof Contract[S]]: (...args: ArgsIn<Contract[S][K]>) => Promise<ResultOf<Contract[S][K]>>;
  };
};

/** What the Node side implements: arguments after validation (defaults applied). */
export type AppServices = {
  [S in ServiceName]: {
    [K in keyof Contract[S]]: (...args: ArgsOut<Contract[S][K]>) => Promise<ResultOf<Contract[S][K]>>;
  };
};

/** Every event pushed from the Node side to the UI. */
export interface AppEvents {
  'connection.state': ConnectionState;
  /** New lines of a log stream, batched. */
  'logs.lines': LogLinesEvent;
  /** A log stream's state changed (live, paused, throttled, reconnecting, ended, failed, closed). */
  'logs.state': LogStreamInfo;
  /** Terminal output, batched. */
  'terminal.data': TerminalDataEvent;
  'terminal.state': TerminalInfo;
  /** A deployment step started, progressed (bytes, rate, ETA, health) or ended. */
  'deploy.progress': DeployProgress;
  /** A latency run started, changed state or link, or was collected. */
  'latency.run': LatencyRunView;
  /** About once a second while a latency run is watched: elapsed/remaining, per-CPU values, new samples. */
  'latency.progress': LatencyProgressEvent;
  /** One host check finished (n of m). */
  'checks.result': CheckResultEvent;
  /** A check run ended (finished, cancelled, failed) and is stored. */
  'checks.done': CheckDoneEvent;
  /** A commissioning run changed (a step completed, was repeated, accepted or skipped). */
  'run.state': RunState;
  /** A report file was written. */
  'reports.exported': ReportExport;
}

export type EventTopic = keyof AppEvents;

export const eventTopics = ['connection.state', 'logs.lines', 'logs.state', 'terminal.data', 'terminal.state', 'deploy.progress', 'latency.run', 'latency.progress', 'checks.result', 'checks.done', 'run.state', 'reports.exported'] as const satisfies readonly EventTopic[];

// Compile-time proof that the runtime list names every event exactly.
type Missing = Exclude<EventTopic, (typeof eventTopics)[number]>;
export const everyTopicListed: [Missing] extends [never] ? true : Missing = true;

export type EventSink = <T extends EventTopic>(topic: T, payload: AppEvents[T]) => void;
