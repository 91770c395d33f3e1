import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';

import { formatBytes } from '../../../shared/deploy/compose-values';
import { formatRate, RateMeter } from '../../../shared/deploy/measure';
import { AppError } from '../../../shared/errors';
import type { ArchiveInfo, ComposeMapping, ContainerCreateOptions, DeployStepName, HealthcheckOptions, HealthSample, ProbeResult } from '../../../shared/model/deploy';
import { deployLabels } from '../../../shared/model/deploy';
import type { ContainerInspect, DockerEngine } from '../../platform/docker-engine';
import type { Operation } from './operation';

/**
 * The WebAPI rollout (seed §6.1 Step 4, made safe): load the verified archive through the Docker API, keep the
 * previous container (stopped, renamed) until the new one is healthy in Docker's eyes AND answers on its health
 * endpoint, and put the previous one back automatically when it is not.
 */
export interface RolloutDeps {
  docker: DockerEngine;
  op: Operation;
  now: () => Date;
  /** Times `count` GETs of `url` on the controller (through the SSH connection). */
  probe: (url: string, count: number, thresholdMs: number) => Promise<ProbeResult>;
  sleep?: (ms: number) => Promise<void>;
}

export interface RolloutOutcome {
  result: 'deployed' | 'rolled-back' | 'failed';
  reason?: string;
  failedStep?: DeployStepName;
  containerId?: string;
  previous?: { id: string; image: string; name: string };
  health: HealthSample[];
  probe?: ProbeResult;
  logsTail?: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const previousName = (name: string): string => `${name}-previous`;

/** Streams the archive into POST /images/load, counting bytes for the progress bar; skips an already loaded image. */
export async function uploadAndLoad(deps: RolloutDeps, archive: ArchiveInfo, imageRef: string): Promise<{ skipped: boolean; rate?: number }> {
  const { docker, op } = deps;
  const existing = await docker.inspectImage(imageRef);
  if (existing && (existing.id === archive.configDigest || archive.alternateIds.includes(existing.id))) {
    op.skipped('upload', `${imageRef} (${archive.configDigest.slice(7, 19)}) is already loaded on the controller; nothing to upload.`);
    return { skipped: true };
  }
  op.step('upload', `Uploading ${archive.path} (${formatBytes(archive.size)}) into Docker on the controller`);
  const meter = new RateMeter(archive.size);
  const started = Date.now();
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const progress = meter.update(sent, Date.now());
      op.transfer('upload', progress, formatRate(progress.rate));
      done(null, chunk);
    },
    flush(done) {
      // every byte is on its way; Docker now unpacks the layers before it answers
      op.step('load', 'Docker is loading the image');
      done();
    },
  });
  const source = createReadStream(archive.path, { highWaterMark: 1024 * 1024 });
  source.on('error', (error) => counter.destroy(error));
  const body = source.pipe(counter);
  const loaded = await docker.loadImage(body, { signal: op.signal });
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  const rate = archive.size / seconds;
  op.done('upload', `Uploaded ${formatBytes(archive.size)} in ${seconds.toFixed(1)} s (${formatRate(rate)})`);
  op.done('load', `Docker loaded ${[...loaded.loadedRefs, ...loaded.loadedIds].join(', ')}`);
  return { skipped: false, rate };
}

/** The loaded image must be byte-for-byte the one in the archive: its ID is the config digest. */
export async function verifyLoadedImage(docker: DockerEngine, archive: ArchiveInfo, imageRef: string): Promise<string> {
  const image = await docker.inspectImage(imageRef);
  if (!image) throw new AppError('REMOTE_COMMAND', `Docker reports no image ${imageRef} after loading the archive.`, 'The archive may not contain that tag; check the compose file and the archive.');
  const expected = [archive.configDigest, ...archive.alternateIds];
  if (!expected.includes(image.id)) {
    throw new AppError('REMOTE_COMMAND', `Docker's ${imageRef} is ${image.id}, not the image in the archive (${archive.configDigest}).`, 'Another image with the same tag may exist on the controller; deploy again or remove the old tag.', { imageId: image.id, expected });
  }
  return image.id;
}

function healthTimeoutMs(hc: HealthcheckOptions | undefined): number {
  if (!hc || hc.Test[0] === 'NONE') return 20_000;
  const interval = (hc.Interval ?? 30e9) / 1e6;
  const timeout = (hc.Timeout ?? 30e9) / 1e6;
  const retries = hc.Retries ?? 3;
  const start = (hc.StartPeriod ?? 0) / 1e6;
  return start + (interval + timeout) * (retries + 1) + 15_000;
}

function lastHealthOutput(inspect: ContainerInspect): string {
  const log = inspect.state.health?.log ?? [];
  const last = log[log.length - 1];
  return last ? `exit ${last.exitCode}${last.output.trim() ? `: ${last.output.trim().split('\n').slice(-3).join(' | ')}` : ''}` : '';
}

/** Waits for Docker's own verdict (healthcheck) or, without one, for the container to stay up a few seconds. */
export async function waitHealthy(deps: RolloutDeps, id: string, hc: HealthcheckOptions | undefined, samples: HealthSample[], timeoutMs = healthTimeoutMs(hc)): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { docker, op, now } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const deadline = Date.now() + timeoutMs;
  const hasCheck = hc !== undefined && hc.Test[0] !== 'NONE';
  let runningSince: number | null = null;
  let lastStatus = '';
  for (;;) {
    op.throwIfCancelled();
    const inspect = await docker.inspectContainer(id);
    if (!inspect) return { ok: false, reason: 'the new container disappeared' };
    const status = inspect.state.health?.status ?? inspect.state.status;
    if (status !== lastStatus) {
      lastStatus = status;
      const sample: HealthSample = { at: now().toISOString(), status };
      const detail = lastHealthOutput(inspect);
      if (detail) sample.detail = detail;
      samples.push(sample);
      op.health(status, `Container ${status}${detail ? ` (${detail})` : ''}`);
    }
    if (inspect.restartCount > 0) return { ok: false, reason: `the container crashed and was restarted ${inspect.restartCount} time(s) (last exit code ${inspect.state.exitCode})` };
    if (!inspect.state.running && !inspect.state.restarting) {
      return { ok: false, reason: `the container stopped with exit code ${inspect.state.exitCode}${inspect.state.error ? ` (${inspect.state.error})` : ''}` };
    }
    if (hasCheck) {
      if (inspect.state.health?.status === 'healthy') return { ok: true };
      if (inspect.state.health?.status === 'unhealthy') {
        return { ok: false, reason: `Docker's health check failed ${inspect.state.health.failingStreak} time(s) in a row (${lastHealthOutput(inspect) || 'no output'})` };
      }
    } else if (inspect.state.running) {
      runningSince ??= Date.now();
      if (Date.now() - runningSince >= 3000) return { ok: true };
    }
    if (Date.now() > deadline) return { ok: false, reason: `not healthy after ${Math.round(timeoutMs / 1000)} s (last status: ${status})` };
    await sleep(500);
  }
}

/** The controller-side HTTP check after Docker says healthy: retried for a few seconds, must answer 2xx. */
async function probeLive(deps: RolloutDeps, url: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const sleep = deps.sleep ?? defaultSleep;
  const deadline = Date.now() + 10_000;
  let lastError = '';
  for (;;) {
    deps.op.throwIfCancelled();
    try {
      const last = await deps.probe(url, 1, 10_000);
      if (last.ok === 1) return { ok: true };
    } catch (error) {
      lastError = AppError.from(error).message;
      if (AppError.from(error).code === 'TOOL_MISSING') return { ok: false, reason: lastError };
    }
    if (Date.now() > deadline) return { ok: false, reason: `${url} did not answer with 2xx${lastError ? ` (${lastError})` : ''}` };
    await sleep(500);
  }
}

export interface RolloutInput {
  mapping: ComposeMapping;
  /** The create options to use (mapping + labels). */
  options: ContainerCreateOptions;
  imageId: string;
  probeCount: number;
  healthTimeoutMs?: number;
}

/** Stops and renames what runs now, starts the new container, waits for health, rolls back on failure. */
export async function rollout(deps: RolloutDeps, input: RolloutInput): Promise<RolloutOutcome> {
  const { docker, op } = deps;
  const name = input.options.name;
  const prevName = previousName(name);
  const retiredName = `${name}-retired-${op.id}`;
  const outcome: RolloutOutcome = { result: 'failed', health: [] };

  const current = await docker.inspectContainer(name);
  let retired: ContainerInspect | null = null;
  let previousPolicy: { Name: string; MaximumRetryCount?: number } | null = null;
  let previousWasRunning = false;

  // From here on the controller changes: every failure below restores the previous container.
  const restore = async (reason: string, failedStep: DeployStepName, newId?: string): Promise<RolloutOutcome> => {
    op.failed(failedStep, reason);
    op.step('rollback', `Rolling back: ${reason}`);
    outcome.reason = reason;
    outcome.failedStep = failedStep;
    const problems: string[] = [];
    if (newId) {
      outcome.logsTail = await docker.logs(newId, 40).catch(() => undefined);
      await docker.removeContainer(newId).catch((e: unknown) => problems.push(`removing the new container: ${AppError.from(e).message}`));
    }
    if (current) {
      try {
        await docker.renameContainer(current.id, name);
        if (previousPolicy) await docker.setRestartPolicy(current.id, previousPolicy);
        if (previousWasRunning) {
          await docker.startContainer(current.id);
          const back = await waitHealthy({ ...deps, op }, current.id, current.healthcheck, outcome.health, Math.min(healthTimeoutMs(current.healthcheck), 120_000));
          if (!back.ok) problems.push(`the previous container did not come back healthy: ${back.reason}`);
        }
      } catch (error) {
        problems.push(`restoring the previous container: ${AppError.from(error).message}`);
      }
    }
    if (retired) await docker.renameContainer(retired.id, prevName).catch((e: unknown) => problems.push(`renaming ${retiredName} back: ${AppError.from(e).message}`));
    if (problems.length > 0) {
      outcome.result = 'failed';
      outcome.reason = `${reason}; the rollback was incomplete: ${problems.join('; ')}`;
      op.failed('rollback', outcome.reason);
    } else {
      outcome.result = 'rolled-back';
      op.done('rollback', current ? `The previous container ${current.name} runs again.` : 'The new container was removed; nothing ran before.');
    }
    return outcome;
  };

  if (current) {
    outcome.previous = { id: current.id, image: current.image, name: current.name };
    op.step('stop-previous', `Stopping ${name} (${current.image}); it is kept as ${prevName} until the new one is healthy`);
    previousWasRunning = current.state.running || current.state.restarting;
    previousPolicy = { Name: current.hostConfig.restartPolicy.name || 'no', MaximumRetryCount: current.hostConfig.restartPolicy.maximumRetryCount };
    try {
      const older = await docker.inspectContainer(prevName);
      if (older) {
        await docker.renameContainer(older.id, retiredName);
        retired = older;
      }
      // No restart policy on the parked container: a Docker restart must never start it next to the new one.
      await docker.setRestartPolicy(current.id, { Name: 'no' });
      if (previousWasRunning) await docker.stopContainer(current.id, current.stopTimeout ?? 10);
      await docker.renameContainer(current.id, prevName);
    } catch (error) {
      return restore(`stopping the running container failed: ${AppError.from(error).message}`, 'stop-previous');
    }
    op.done('stop-previous', `${current.name} stopped and renamed to ${prevName}`);
  } else {
    op.skipped('stop-previous', `No container named ${name} runs yet`);
  }

  let newId: string | undefined;
  try {
    op.throwIfCancelled();
    op.step('create', `Creating ${name} from ${input.options.Image}`);
    newId = await docker.createContainer(input.options);
    outcome.containerId = newId;
    const created = await docker.inspectContainer(newId);
    if (created && created.imageId !== input.imageId) throw new AppError('REMOTE_COMMAND', `The new container runs image ${created.imageId}, not ${input.imageId}.`);
    op.done('create', `Created ${newId.slice(0, 12)}`);
    op.step('start', `Starting ${name}`);
    await docker.startContainer(newId);
    op.done('start', `${name} started`);
  } catch (error) {
    const e = AppError.from(error);
    if (e.code === 'DISCONNECTED' || e.code === 'NOT_CONNECTED') throw e;
    return restore(e.code === 'CANCELLED' ? 'cancelled by the technician' : e.message, newId ? 'start' : 'create', newId);
  }

  try {
    op.step('health', 'Waiting for Docker to report the container healthy');
    const health = await waitHealthy(deps, newId, input.options.Healthcheck, outcome.health, input.healthTimeoutMs);
    if (!health.ok) return await restore(health.reason, 'health', newId);
    op.done('health', 'Docker reports the container healthy');
    op.step('probe', `Checking ${input.mapping.healthUrl} on the controller`);
    const live = await probeLive(deps, input.mapping.healthUrl);
    if (!live.ok) return await restore(live.reason, 'probe', newId);
    if (input.probeCount > 0) {
      outcome.probe = await deps.probe(input.mapping.healthUrl, input.probeCount, 10);
      const p = outcome.probe;
      op.done('probe', `${p.count} requests: p50 ${p.p50Ms.toFixed(2)} ms, p99 ${p.p99Ms.toFixed(2)} ms — ${p.pass ? 'pass' : 'FAIL'} (p99 < ${p.thresholdMs} ms)`);
    } else {
      op.done('probe', `${input.mapping.healthUrl} answers`);
    }
  } catch (error) {
    const e = AppError.from(error);
    if (e.code === 'DISCONNECTED' || e.code === 'NOT_CONNECTED') throw e;
    return restore(e.code === 'CANCELLED' ? 'cancelled by the technician' : e.message, op.current, newId);
  }

  if (retired) {
    op.step('cleanup', `Removing ${retired.image}, replaced two deployments ago`);
    await docker.removeContainer(retired.id).catch(() => undefined);
  }
  op.done('cleanup', current ? `${prevName} is kept (stopped) for "rollback webapi"` : 'Nothing to clean up');
  outcome.result = 'deployed';
  return outcome;
}

/** Labels written on the new container: the history travels with it. */
export function withDeployLabels(options: ContainerCreateOptions, values: { id: string; imageDigest: string; composeHash: string; time: string; by: string; tool: string }): ContainerCreateOptions {
  return {
    ...options,
    Labels: {
      ...options.Labels,
      [deployLabels.id]: values.id,
      [deployLabels.imageDigest]: values.imageDigest,
      [deployLabels.composeHash]: values.composeHash,
      [deployLabels.time]: values.time,
      [deployLabels.by]: values.by,
      [deployLabels.tool]: values.tool,
      [deployLabels.restartPolicy]: options.HostConfig.RestartPolicy.Name + (options.HostConfig.RestartPolicy.MaximumRetryCount ? `:${options.HostConfig.RestartPolicy.MaximumRetryCount}` : ''),
    },
  };
}

/** The restart policy a parked container had when the tool created it (its label), for putting it back. */
export function labelledRestartPolicy(inspect: ContainerInspect): { Name: string; MaximumRetryCount?: number } {
  const label = inspect.labels[deployLabels.restartPolicy];
  if (!label) return { Name: 'unless-stopped' };
  const [name, count] = label.split(':');
  return count ? { Name: name ?? 'no', MaximumRetryCount: Number(count) } : { Name: name ?? 'no' };
}
