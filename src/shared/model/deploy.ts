import { z } from 'zod';

/**
 * Deployment on a controller (seed §5/§6): the WebAPI as a Docker container with host networking on the
 * housekeeping cores, mxrc-rt and mxrc-nonrt as native systemd services. Everything here crosses the contract, so
 * it is plain data.
 */

// ---------------------------------------------------------------------------------------------------------
// Docker Engine API create options (the subset a compose file maps to)

export interface HealthcheckOptions {
  /** ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]. */
  Test: string[];
  /** Nanoseconds, as the Engine API wants them. */
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

export interface ContainerHostConfig {
  NetworkMode: string;
  RestartPolicy: { Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount?: number };
  CpusetCpus?: string;
  /** Bytes. */
  Memory?: number;
  MemoryReservation?: number;
  Binds: string[];
  LogConfig?: { Type: string; Config: Record<string, string> };
}

/** The body of POST /containers/create plus the `name` query parameter. */
export interface ContainerCreateOptions {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env: string[];
  Labels: Record<string, string>;
  User?: string;
  WorkingDir?: string;
  StopSignal?: string;
  /** Seconds. */
  StopTimeout?: number;
  Healthcheck?: HealthcheckOptions;
  HostConfig: ContainerHostConfig;
}

/** Something the mapping did on purpose that the technician should see before deploying. */
export interface ComposeNote {
  key: string;
  line?: number;
  message: string;
}

export interface ComposeMapping {
  /** The compose service name (the file must hold exactly one). */
  service: string;
  options: ContainerCreateOptions;
  /** Keys read but not turned into create options (e.g. `build`: the image comes from the archive). */
  notes: ComposeNote[];
  /** Changes made for this controller (e.g. cpuset replaced by the profile's housekeeping cores). */
  adaptations: ComposeNote[];
  /** Where the controller-side health probe goes. */
  healthUrl: string;
  /** SHA-256 of the compose text (hex), recorded with every deployment. */
  composeHash: string;
}

// ---------------------------------------------------------------------------------------------------------
// Image archives (docker save, optionally gzip)

export interface ArchiveLayerCheck {
  /** Path inside the archive. */
  path: string;
  size: number;
  /** sha256:… of the layer as stored. */
  digest: string;
  /** sha256:… the image config expects (diff_id, of the uncompressed layer). */
  diffId: string;
}

export interface ArchiveInfo {
  path: string;
  /** Bytes on disk. */
  size: number;
  gzip: boolean;
  format: 'docker' | 'oci';
  repoTags: string[];
  /** sha256:… of the image config: what Docker reports as the image ID after the load. */
  configDigest: string;
  /** Digests that also identify the image (OCI manifest digests, for the containerd image store). */
  alternateIds: string[];
  layers: ArchiveLayerCheck[];
  architecture?: string;
  os?: string;
  /** SHA-256 of the archive file as a whole, recorded in the history. */
  fileSha256: string;
}

// ---------------------------------------------------------------------------------------------------------
// Progress, history, results

export type DeployKind = 'webapi' | 'services' | 'webapi-rollback' | 'services-rollback' | 'webapi-native' | 'docker-pin';

export type DeployStepName =
  | 'prepare'
  | 'verify-archive'
  | 'connect-docker'
  | 'upload'
  | 'load'
  | 'verify-image'
  | 'stop-previous'
  | 'create'
  | 'start'
  | 'health'
  | 'probe'
  | 'rollback'
  | 'cleanup'
  | 'upload-artifacts'
  | 'install-artifacts'
  | 'verify-units'
  | 'install-units'
  | 'start-units'
  | 'verify-scheduling'
  | 'done';

export interface TransferProgress {
  sent: number;
  total: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate; null before a rate is known. */
  etaS: number | null;
}

export interface DeployProgress {
  operationId: string;
  controllerId: string;
  kind: DeployKind;
  step: DeployStepName;
  state: 'running' | 'done' | 'failed' | 'skipped';
  message: string;
  transfer?: TransferProgress;
  /** Docker health status while waiting (starting, healthy, unhealthy). */
  health?: string;
  at: string;
}

export type DeployResult = 'deployed' | 'rolled-back' | 'failed' | 'cancelled' | 'restored';

export interface HealthSample {
  at: string;
  status: string;
  detail?: string;
}

export interface ProbeResult {
  url: string;
  count: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  thresholdMs: number;
  pass: boolean;
  /** Where the timing was taken: through an SSH TCP tunnel from the laptop, or by curl on the controller. */
  via: 'tunnel' | 'controller';
}

export interface UnitState {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  unitFileState: string;
  mainPid: number;
  execMainStatus: number;
  execMainCode: number;
  nRestarts: number;
  result: string;
}

export interface SchedulingCheck {
  name: 'policy' | 'priority' | 'affinity' | 'memlock';
  expected: string;
  observed: string;
  pass: boolean;
}

export interface RtVerification {
  unit: string;
  pid: number;
  checks: SchedulingCheck[];
  pass: boolean;
  /** Raw outputs (chrt, taskset, /proc/PID/status excerpt) for the evidence panel. */
  evidence: string;
}

export interface DeploymentRecord {
  id: string;
  kind: DeployKind;
  controllerId: string;
  startedAt: string;
  finishedAt: string;
  result: DeployResult;
  /** Why it failed or was rolled back, in the technician's words. */
  reason?: string;
  /** Who ran it: OS user and laptop name. */
  by: string;
  toolVersion: string;
  webapi?: {
    containerName: string;
    containerId?: string;
    image: string;
    imageDigest: string;
    archive?: { path: string; size: number; sha256: string };
    composeHash: string;
    cpuset?: string;
    healthUrl: string;
    previousContainer?: { id: string; image: string; name: string };
    health: HealthSample[];
    probe?: ProbeResult;
    /** Upload rate of the archive, bytes per second. */
    uploadRate?: number;
    logsTail?: string;
  };
  services?: {
    units: string[];
    artifacts: { name: string; path: string; sha256: string; size: number }[];
    backupDir?: string;
    states: UnitState[];
    rt?: RtVerification;
    journalTail?: string;
  };
  /** The step that failed, if any. */
  failedStep?: DeployStepName;
}

// ---------------------------------------------------------------------------------------------------------
// Status snapshots

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: string;
  health?: string;
  labels: Record<string, string>;
  cpuset?: string;
  memory?: number;
  networkMode?: string;
  restartPolicy?: string;
  startedAt?: string;
}

export interface WebapiStatus {
  controllerId: string;
  dockerVersion: string;
  apiVersion: string;
  transport: 'streamlocal' | 'dial-stdio';
  current: ContainerSummary | null;
  previous: ContainerSummary | null;
}

export interface UnitPreview {
  unit: string;
  path: string;
  content: string;
  installed: string | null;
  /** Unified diff (installed → new); empty when identical. */
  diff: string;
  changed: boolean;
}

export interface ServicesStatus {
  controllerId: string;
  units: UnitState[];
  rt: RtVerification | null;
}

export interface DockerPinResult {
  units: { unit: string; dropIn: string; installed: boolean; loadState: string; cpuAffinity: string }[];
  restarted: boolean;
  /** What the technician must still do (e.g. restart Docker) for the pin to take effect. */
  pending: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Request schemas (validated by the dispatcher before a service sees them)

const localPath = z.string().trim().min(1, 'Choose a file').max(4096);
const operationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not an operation id');

/** Where the compose file comes from: a laptop file, text typed in the UI, or the shipped default. */
export const composeSourceSchema = z
  .object({
    path: localPath.optional(),
    text: z.string().max(256 * 1024).optional(),
  })
  .default({});
export type ComposeSource = z.input<typeof composeSourceSchema>;

export const webapiDeployRequestSchema = z.object({
  imagePath: localPath,
  compose: composeSourceSchema,
  /** Chosen by the caller so it can cancel before the request returns. */
  operationId: operationId.optional(),
  /** Requests of the acceptance probe after a healthy start (0 = skip). */
  probeCount: z.number().int().min(0).max(10_000).default(200),
  healthTimeoutS: z.number().int().min(5).max(1800).optional(),
});
export type WebapiDeployRequest = z.input<typeof webapiDeployRequestSchema>;

export const servicesDeployRequestSchema = z.object({
  rtBin: localPath,
  nonrtBin: localPath,
  /** Extra laptop files copied to /opt/mxrc/config. */
  configFiles: z.array(localPath).max(32).default([]),
  operationId: operationId.optional(),
  /** Also install the seed's mxrc-webapi-docker.service. */
  includeWebapiUnit: z.boolean().default(false),
  /** How long a unit must stay running before it counts as started. */
  settleS: z.number().min(0.5).max(60).default(3),
});
export type ServicesDeployRequest = z.input<typeof servicesDeployRequestSchema>;

export const probeRequestSchema = z.object({
  count: z.number().int().min(1).max(10_000).default(200),
  url: z.url().max(2048).optional(),
  thresholdMs: z.number().positive().max(10_000).default(10),
});
export type ProbeRequest = z.input<typeof probeRequestSchema>;

export const serviceActionSchema = z.enum(['start', 'stop', 'restart']);
export type ServiceAction = z.infer<typeof serviceActionSchema>;

export const deployUnitNameSchema = z.enum(['mxrc-rt.service', 'mxrc-nonrt.service', 'mxrc-webapi-docker.service']);
export type DeployUnitName = z.infer<typeof deployUnitNameSchema>;

export { operationId as operationIdSchema };

/** Container labels written on every container the tool creates (the history travels with the container). */
export const deployLabels = {
  id: 'org.mxrc.deploy.id',
  imageDigest: 'org.mxrc.deploy.image-digest',
  composeHash: 'org.mxrc.deploy.compose-hash',
  time: 'org.mxrc.deploy.time',
  by: 'org.mxrc.deploy.by',
  tool: 'org.mxrc.deploy.tool',
  restartPolicy: 'org.mxrc.deploy.restart-policy',
} as const;
