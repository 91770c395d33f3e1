import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';

import type { EventSink } from '../../../shared/contract';
import { mapCompose } from '../../../shared/deploy/compose';
import { RateMeter } from '../../../shared/deploy/measure';
import { AppError, isAppError } from '../../../shared/errors';
import type {
  ArchiveInfo,
  ComposeMapping,
  ComposeSource,
  DeployKind,
  DeploymentRecord,
  DeployUnitName,
  DockerPinResult,
  ProbeResult,
  ServiceAction,
  ServicesStatus,
  UnitPreview,
  UnitState,
  WebapiStatus,
} from '../../../shared/model/deploy';
import type { ProbeRequest, ServicesDeployRequest, WebapiDeployRequest } from '../../../shared/model/deploy';
import { probeRequestSchema, servicesDeployRequestSchema, webapiDeployRequestSchema } from '../../../shared/model/deploy';
import { sh } from '../../../shared/remote-command';
import type { ContainerInspect, DockerEngine } from '../../platform/docker-engine';
import type { DockerConnectOptions } from '../../platform/dockerode-engine';
import { connectDocker } from '../../platform/dockerode-engine';
import type { RemoteHost } from '../../platform/remote-host';
import { readImageArchive } from './archive-reader';
import type { DeploymentHistory } from './history-store';
import { controllerProbe, tunnelProbe } from './http-probe';
import type { TcpDialer } from './http-probe';
import { Operation } from './operation';
import type { RemoteRunner } from './remote';
import { remoteRunner } from './remote';
import { readResource } from './resources';
import * as native from './services-deployer';
import { pinDocker, restoreNative, swapToPrevious } from './webapi-extra';
import type { RolloutDeps } from './webapi-rollout';
import { previousName, rollout, uploadAndLoad, verifyLoadedImage, withDeployLabels } from './webapi-rollout';

/** What deployment needs to know about a controller (from its profile, or the CLI's --profile file). */
export interface DeployProfile {
  rtCores: string;
  housekeepingCores: string;
  /** Overrides the health URL derived from the compose file. */
  healthUrl?: string;
  dockerSocket?: string;
  dockerTransport?: DockerConnectOptions['transport'];
  installDir?: string;
}

export interface DeployServiceDeps {
  hostFor: (controllerId: string) => RemoteHost;
  profileFor: (controllerId: string) => Promise<DeployProfile>;
  history: DeploymentHistory;
  emit: EventSink;
  toolVersion: string;
  now?: () => Date;
  /** "user@laptop" recorded with every deployment. */
  who?: string;
  docker?: (host: RemoteHost, options: DockerConnectOptions) => Promise<DockerEngine>;
  /** An SSH TCP channel to the controller's loopback, when the connection offers one. */
  tcpDialer?: (controllerId: string) => TcpDialer | null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function defaultWho(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // some sandboxes have no passwd entry
  }
  return `${user}@${hostname()}`;
}

function summary(c: ContainerInspect): WebapiStatus['current'] {
  const s: NonNullable<WebapiStatus['current']> = {
    id: c.id,
    name: c.name,
    image: c.image,
    imageId: c.imageId,
    state: c.state.status,
    labels: c.labels,
    cpuset: c.hostConfig.cpusetCpus,
    memory: c.hostConfig.memory,
    networkMode: c.hostConfig.networkMode,
    restartPolicy: c.hostConfig.restartPolicy.name,
    startedAt: c.state.startedAt,
  };
  if (c.state.health) s.health = c.state.health.status;
  return s;
}

/**
 * Deployment on one controller at a time: the WebAPI container (compose → create options, verified archive,
 * health-gated rollout with automatic rollback) and the native RT services (units, artifacts, scheduling check).
 */
export class DeployService {
  private readonly running = new Map<string, Operation>();
  private readonly now: () => Date;
  private readonly who: string;

  constructor(private readonly deps: DeployServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.who = deps.who ?? defaultWho();
  }

  // ------------------------------------------------------------------------------------------------------
  // plumbing

  private begin(kind: DeployKind, controllerId: string, operationId?: string): Operation {
    for (const op of this.running.values()) {
      if (op.controllerId === controllerId) throw new AppError('INVALID_INPUT', 'Another deployment is running on this controller.', 'Wait for it to finish or cancel it.');
    }
    const id = operationId ?? Operation.newId();
    if (this.running.has(id)) throw new AppError('INVALID_INPUT', `Operation ${id} is already running.`);
    const op = new Operation(id, kind, controllerId, this.deps.emit, this.now);
    this.running.set(id, op);
    return op;
  }

  private end(op: Operation): void {
    this.running.delete(op.id);
  }

  cancel(operationId: string): Promise<boolean> {
    const op = this.running.get(operationId);
    op?.cancel();
    return Promise.resolve(op !== undefined);
  }

  private baseRecord(op: Operation, startedAt: string): DeploymentRecord {
    return { id: op.id, kind: op.kind, controllerId: op.controllerId, startedAt, finishedAt: startedAt, result: 'failed', by: this.who, toolVersion: this.deps.toolVersion };
  }

  private async finish(record: DeploymentRecord): Promise<DeploymentRecord> {
    record.finishedAt = this.now().toISOString();
    await this.deps.history.save(record);
    return record;
  }

  /**
   * The lifecycle every deployment shares: one operation per controller at a time, a history record whatever the
   * outcome (with the failing step), and the Docker connection, if the body opened one, closed at the end.
   */
  private async recorded(
    kind: DeployKind,
    controllerId: string,
    operationId: string | undefined,
    body: (ctx: { op: Operation; record: DeploymentRecord; openDocker: (profile: DeployProfile) => Promise<DockerEngine> }) => Promise<void>,
    cancelledMessage = 'Cancelled.',
  ): Promise<DeploymentRecord> {
    const op = this.begin(kind, controllerId, operationId);
    const record = this.baseRecord(op, this.now().toISOString());
    let docker: DockerEngine | null = null;
    try {
      await body({ op, record, openDocker: async (profile) => (docker = await this.docker(controllerId, profile)) });
      return await this.finish(record);
    } catch (error) {
      const e = op.signal.aborted && !isAppError(error, 'CANCELLED') ? new AppError('CANCELLED', cancelledMessage) : AppError.from(error);
      record.result = e.code === 'CANCELLED' ? 'cancelled' : 'failed';
      record.reason = e.message;
      record.failedStep = op.current;
      op.failed(op.current, e.message);
      await this.finish(record).catch(() => undefined);
      throw e;
    } finally {
      (docker as DockerEngine | null)?.close();
      this.end(op);
    }
  }

  private rolloutDeps(controllerId: string, profile: DeployProfile, op: Operation, docker: DockerEngine): { runner: RemoteRunner; deps: RolloutDeps } {
    const runner = this.runner(controllerId, profile);
    return { runner, deps: { docker, op, now: this.now, probe: this.prober(controllerId, runner, op.signal) } };
  }

  private async docker(controllerId: string, profile: DeployProfile): Promise<DockerEngine> {
    const host = this.deps.hostFor(controllerId);
    const options: DockerConnectOptions = {};
    if (profile.dockerSocket) options.socketPath = profile.dockerSocket;
    if (profile.dockerTransport) options.transport = profile.dockerTransport;
    return (this.deps.docker ?? connectDocker)(host, options);
  }

  private runner(controllerId: string, profile: DeployProfile): RemoteRunner {
    return remoteRunner(this.deps.hostFor(controllerId), profile.housekeepingCores);
  }

  private prober(controllerId: string, runner: RemoteRunner, signal?: AbortSignal): RolloutDeps['probe'] {
    const dial = this.deps.tcpDialer?.(controllerId) ?? null;
    return (url, count, thresholdMs) => (dial ? tunnelProbe(dial, url, count, thresholdMs) : controllerProbe(runner, url, count, thresholdMs, signal));
  }

  // ------------------------------------------------------------------------------------------------------
  // compose and archive (laptop only)

  async defaultCompose(): Promise<{ path: string; text: string }> {
    return readResource('docker-compose.yml');
  }

  private async composeText(source: ComposeSource): Promise<{ text: string; origin: string }> {
    if (source?.text !== undefined) return { text: source.text, origin: 'text' };
    if (source?.path) {
      try {
        return { text: await readFile(source.path, 'utf8'), origin: source.path };
      } catch (error) {
        throw new AppError('INVALID_INPUT', `The compose file ${source.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Choose an existing docker-compose.yml.');
      }
    }
    const shipped = await this.defaultCompose();
    return { text: shipped.text, origin: shipped.path };
  }

  async inspectCompose(controllerId: string, source: ComposeSource): Promise<ComposeMapping & { origin: string }> {
    const profile = await this.deps.profileFor(controllerId);
    const { text, origin } = await this.composeText(source);
    const ctx: Parameters<typeof mapCompose>[1] = { housekeepingCores: profile.housekeepingCores, composeHash: sha256(text) };
    if (profile.healthUrl) ctx.healthUrl = profile.healthUrl;
    return { ...mapCompose(text, ctx), origin };
  }

  inspectArchive(path: string, expectImage?: string): Promise<ArchiveInfo> {
    return readImageArchive(path, expectImage);
  }

  // ------------------------------------------------------------------------------------------------------
  // WebAPI

  async deployWebapi(controllerId: string, rawRequest: WebapiDeployRequest): Promise<DeploymentRecord> {
    const request = webapiDeployRequestSchema.parse(rawRequest);
    return this.recorded('webapi', controllerId, request.operationId, async ({ op, record, openDocker }) => {
      op.step('prepare', 'Reading the compose file');
      const mapping = await this.inspectCompose(controllerId, request.compose);
      const profile = await this.deps.profileFor(controllerId);
      op.done('prepare', `${mapping.options.name} from ${mapping.options.Image}; ${mapping.adaptations.map((a) => a.message).join('; ') || 'no changes for this controller'}`);
      record.webapi = { containerName: mapping.options.name, image: mapping.options.Image, imageDigest: '', composeHash: mapping.composeHash, healthUrl: mapping.healthUrl, health: [] };
      if (mapping.options.HostConfig.CpusetCpus) record.webapi.cpuset = mapping.options.HostConfig.CpusetCpus;

      op.step('verify-archive', `Checking ${request.imagePath}`);
      let meter: RateMeter | null = null;
      const archive = await readImageArchive(request.imagePath, mapping.options.Image, {
        signal: op.signal,
        onProgress: (read, total) => {
          meter ??= new RateMeter(total);
          op.transfer('verify-archive', meter.update(read, Date.now()), 'reading the archive');
        },
      });
      record.webapi.imageDigest = archive.configDigest;
      record.webapi.archive = { path: archive.path, size: archive.size, sha256: archive.fileSha256 };
      op.done('verify-archive', `${archive.repoTags.join(', ')} — config ${archive.configDigest.slice(0, 19)}…, ${archive.layers.length} layer(s) verified`);

      op.step('connect-docker', 'Reaching Docker through the SSH connection');
      const docker = await openDocker(profile);
      const version = await docker.version();
      op.done('connect-docker', `Docker ${version.version} (API ${version.apiVersion}) via ${docker.transport}`);
      const { deps } = this.rolloutDeps(controllerId, profile, op, docker);

      const upload = await uploadAndLoad(deps, archive, mapping.options.Image);
      if (upload.rate) record.webapi.uploadRate = Math.round(upload.rate);
      op.step('verify-image', 'Comparing the loaded image with the archive');
      const imageId = await verifyLoadedImage(docker, archive, mapping.options.Image);
      op.done('verify-image', `${mapping.options.Image} = ${imageId.slice(0, 19)}… (the archive's config digest)`);
      op.throwIfCancelled();

      const options = withDeployLabels(mapping.options, { id: op.id, imageDigest: imageId, composeHash: mapping.composeHash, time: record.startedAt, by: this.who, tool: `mxrc-commissioner ${this.deps.toolVersion}` });
      const rolloutInput: Parameters<typeof rollout>[1] = { mapping, options, imageId, probeCount: request.probeCount };
      if (request.healthTimeoutS) rolloutInput.healthTimeoutMs = request.healthTimeoutS * 1000;
      const outcome = await rollout(deps, rolloutInput);
      record.result = outcome.result;
      record.webapi.health = outcome.health;
      if (outcome.containerId) record.webapi.containerId = outcome.containerId;
      if (outcome.previous) record.webapi.previousContainer = outcome.previous;
      if (outcome.probe) record.webapi.probe = outcome.probe;
      if (outcome.logsTail) record.webapi.logsTail = outcome.logsTail;
      if (outcome.reason) record.reason = outcome.reason;
      if (outcome.failedStep) record.failedStep = outcome.failedStep;
      op.done('done', outcome.result === 'deployed' ? `${mapping.options.name} runs ${mapping.options.Image}` : `Not deployed: ${outcome.reason ?? ''}`);
    }, 'The deployment was cancelled; nothing on the controller was changed.');
  }

  async webapiStatus(controllerId: string, containerName = 'mxrc-webapi'): Promise<WebapiStatus> {
    const profile = await this.deps.profileFor(controllerId);
    const docker = await this.docker(controllerId, profile);
    try {
      const version = await docker.version();
      const current = await docker.inspectContainer(containerName);
      const previous = await docker.inspectContainer(previousName(containerName));
      return { controllerId, dockerVersion: version.version, apiVersion: version.apiVersion, transport: docker.transport, current: current ? summary(current) : null, previous: previous ? summary(previous) : null };
    } finally {
      docker.close();
    }
  }

  private async containerNameFor(controllerId: string, compose: ComposeSource): Promise<{ name: string; healthUrl: string }> {
    const mapping = await this.inspectCompose(controllerId, compose);
    return { name: mapping.options.name, healthUrl: mapping.healthUrl };
  }

  rollbackWebapi(controllerId: string, compose: ComposeSource = {}, operationId?: string): Promise<DeploymentRecord> {
    return this.recorded('webapi-rollback', controllerId, operationId, async ({ op, record, openDocker }) => {
      const profile = await this.deps.profileFor(controllerId);
      const { name, healthUrl } = await this.containerNameFor(controllerId, compose);
      const { deps } = this.rolloutDeps(controllerId, profile, op, await openDocker(profile));
      const outcome = await swapToPrevious(deps, name, healthUrl);
      record.result = outcome.result;
      if (outcome.reason) record.reason = outcome.reason;
      record.webapi = {
        containerName: name,
        image: outcome.restored?.image ?? '',
        imageDigest: outcome.restored?.imageId ?? '',
        composeHash: '',
        healthUrl,
        health: outcome.health,
      };
      if (outcome.restored) record.webapi.containerId = outcome.restored.id;
      if (outcome.replaced) record.webapi.previousContainer = { ...outcome.replaced, name };
    });
  }

  restoreNativeWebapi(controllerId: string, compose: ComposeSource = {}): Promise<DeploymentRecord> {
    return this.recorded('webapi-native', controllerId, undefined, async ({ op, record, openDocker }) => {
      const profile = await this.deps.profileFor(controllerId);
      const { name, healthUrl } = await this.containerNameFor(controllerId, compose);
      const { runner, deps } = this.rolloutDeps(controllerId, profile, op, await openDocker(profile));
      const outcome = await restoreNative(deps, runner, name, healthUrl);
      record.result = outcome.result;
      if (outcome.reason) record.reason = outcome.reason;
    });
  }

  async probeWebapi(controllerId: string, rawRequest: ProbeRequest = {}, compose: ComposeSource = {}): Promise<ProbeResult> {
    const request = probeRequestSchema.parse(rawRequest);
    const profile = await this.deps.profileFor(controllerId);
    const url = request.url ?? (await this.containerNameFor(controllerId, compose)).healthUrl;
    return this.prober(controllerId, this.runner(controllerId, profile))(url, request.count, request.thresholdMs);
  }

  async pinDocker(controllerId: string, restart: boolean): Promise<DockerPinResult> {
    const op = this.begin('docker-pin', controllerId);
    try {
      const profile = await this.deps.profileFor(controllerId);
      return await pinDocker(this.runner(controllerId, profile), profile.housekeepingCores, restart, op);
    } finally {
      this.end(op);
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // native services

  async previewUnits(controllerId: string, includeWebapiUnit = false): Promise<UnitPreview[]> {
    const profile = await this.deps.profileFor(controllerId);
    const units = await native.renderUnits(profile, includeWebapiUnit);
    return native.previewUnits(this.runner(controllerId, profile), units);
  }

  deployServices(controllerId: string, rawRequest: ServicesDeployRequest): Promise<DeploymentRecord> {
    const request = servicesDeployRequestSchema.parse(rawRequest);
    return this.recorded('services', controllerId, request.operationId, async ({ op, record }) => {
      const profile = await this.deps.profileFor(controllerId);
      const outcome = await native.deployServices(this.runner(controllerId, profile), profile, request, op);
      record.result = outcome.result;
      if (outcome.reason) record.reason = outcome.reason;
      if (outcome.failedStep) record.failedStep = outcome.failedStep;
      record.services = { units: outcome.units, artifacts: outcome.artifacts, backupDir: outcome.backupDir, states: outcome.states };
      if (outcome.rt) record.services.rt = outcome.rt;
      if (outcome.journalTail) record.services.journalTail = outcome.journalTail;
      op.done('done', outcome.result === 'deployed' ? 'mxrc-nonrt and mxrc-rt run as required' : `Not deployed: ${outcome.reason ?? ''}`);
    });
  }

  rollbackServices(controllerId: string): Promise<DeploymentRecord> {
    return this.recorded('services-rollback', controllerId, undefined, async ({ op, record }) => {
      const profile = await this.deps.profileFor(controllerId);
      const outcome = await native.rollbackServices(this.runner(controllerId, profile), profile, op);
      record.result = outcome.problems.length === 0 ? 'restored' : 'failed';
      if (outcome.problems.length > 0) record.reason = outcome.problems.join('; ');
      record.services = { units: outcome.states.map((s) => s.unit), artifacts: [], backupDir: outcome.backupDir, states: outcome.states };
    });
  }

  async serviceAction(controllerId: string, unit: DeployUnitName, action: ServiceAction): Promise<UnitState> {
    const profile = await this.deps.profileFor(controllerId);
    const runner = this.runner(controllerId, profile);
    await runner.run(sh`systemctl ${action} ${unit}`, { sudo: true, what: `systemctl ${action} ${unit}`, timeoutMs: 60_000 });
    const [state] = await native.unitStates(runner, [unit]);
    if (!state) throw new AppError('INTERNAL', `no state for ${unit}`);
    return state;
  }

  async servicesStatus(controllerId: string): Promise<ServicesStatus> {
    const profile = await this.deps.profileFor(controllerId);
    const runner = this.runner(controllerId, profile);
    const units = await native.unitStates(runner, [native.nonrtUnit, native.rtUnit, native.webapiUnit]);
    const rtState = units.find((u) => u.unit === native.rtUnit);
    const rt = rtState?.activeState === 'active' ? await native.verifyRt(runner, profile) : null;
    return { controllerId, units, rt };
  }

  history(controllerId: string): Promise<DeploymentRecord[]> {
    return this.deps.history.list(controllerId);
  }
}

