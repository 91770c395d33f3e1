import { AppError } from '../../../shared/errors';
import type { DockerPinResult, HealthSample } from '../../../shared/model/deploy';
import { sh } from '../../../shared/remote-command';
import { renderTemplate, systemdCpuList } from '../../../shared/deploy/unit-template';
import type { Operation } from './operation';
import type { RemoteRunner } from './remote';
import { readResource } from './resources';
import { unitStates, waitUnitRunning } from './services-deployer';
import type { RolloutDeps } from './webapi-rollout';
import { labelledRestartPolicy, previousName, waitHealthy } from './webapi-rollout';

/**
 * The other WebAPI actions: swap back to the previous container ("rollback webapi"), the seed's rollback to the
 * native WebAPI (§6.3), and pinning dockerd/containerd to the housekeeping cores (§10.3 risk mitigation).
 */

export interface SwapOutcome {
  result: 'restored' | 'failed';
  reason?: string;
  restored?: { id: string; image: string; imageId: string };
  replaced?: { id: string; image: string };
  health: HealthSample[];
}

async function probeOk(deps: RolloutDeps, url: string): Promise<string | null> {
  const deadline = Date.now() + 10_000;
  let last: string;
  for (;;) {
    try {
      const result = await deps.probe(url, 1, 10_000);
      if (result.ok === 1) return null;
      last = 'no 2xx answer';
    } catch (error) {
      last = AppError.from(error).message;
    }
    if (Date.now() > deadline) return `${url}: ${last}`;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** "rollback webapi": the parked previous container becomes current again; the current one is parked instead. */
export async function swapToPrevious(deps: RolloutDeps, name: string, healthUrl: string): Promise<SwapOutcome> {
  const { docker, op } = deps;
  const prevName = previousName(name);
  const parked = `${name}-rollback-${op.id}`;
  op.step('prepare', `Looking for ${prevName}`);
  const previous = await docker.inspectContainer(prevName);
  if (!previous) throw new AppError('NOT_FOUND', `There is no previous WebAPI container (${prevName}) on this controller.`, 'A rollback needs an earlier deployment made with this tool.');
  const current = await docker.inspectContainer(name);
  op.done('prepare', `${prevName} runs ${previous.image}`);
  const outcome: SwapOutcome = { result: 'failed', health: [] };

  if (current) {
    outcome.replaced = { id: current.id, image: current.image };
    op.step('stop-previous', `Stopping ${name} (${current.image})`);
    await docker.setRestartPolicy(current.id, { Name: 'no' });
    await docker.stopContainer(current.id, current.stopTimeout ?? 10);
    await docker.renameContainer(current.id, parked);
    op.done('stop-previous', `${name} stopped`);
  }
  op.step('start', `Starting ${previous.image} again`);
  let reason: string | null;
  try {
    await docker.renameContainer(previous.id, name);
    await docker.setRestartPolicy(previous.id, labelledRestartPolicy(previous));
    await docker.startContainer(previous.id);
    op.done('start', `${name} started`);
    op.step('health', 'Waiting for the previous container to be healthy');
    const health = await waitHealthy(deps, previous.id, previous.healthcheck, outcome.health);
    reason = health.ok ? await probeOk(deps, healthUrl) : health.reason;
  } catch (error) {
    reason = AppError.from(error).message;
  }
  if (reason === null) {
    if (current) await docker.renameContainer(current.id, prevName);
    op.done('health', 'The previous container is healthy');
    outcome.result = 'restored';
    outcome.restored = { id: previous.id, image: previous.image, imageId: previous.imageId };
    return outcome;
  }
  // The previous one does not work either: put things back as they were.
  op.failed('health', reason);
  op.step('rollback', 'Putting the current container back');
  outcome.reason = `the previous container did not become healthy (${reason}); the current one runs again`;
  await docker.stopContainer(previous.id, previous.stopTimeout ?? 10).catch(() => undefined);
  await docker.setRestartPolicy(previous.id, { Name: 'no' }).catch(() => undefined);
  await docker.renameContainer(previous.id, prevName).catch(() => undefined);
  if (current) {
    await docker.renameContainer(current.id, name);
    await docker.setRestartPolicy(current.id, { Name: current.hostConfig.restartPolicy.name || 'unless-stopped' });
    if (current.state.running) await docker.startContainer(current.id);
  }
  op.done('rollback', 'The current container runs again');
  return outcome;
}

/** Seed §6.3: stop the container, start the native mxrc-webapi.service, check the health endpoint. */
export async function restoreNative(deps: RolloutDeps, runner: RemoteRunner, name: string, healthUrl: string, nativeUnit = 'mxrc-webapi.service'): Promise<{ result: 'restored' | 'failed'; reason?: string }> {
  const { docker, op } = deps;
  op.step('prepare', `Checking that ${nativeUnit} is installed`);
  await runner.requireSudo();
  const [native] = await unitStates(runner, [nativeUnit]);
  if (native?.loadState !== 'loaded') {
    throw new AppError('NOT_FOUND', `There is no native ${nativeUnit} on the controller to go back to (load state ${native?.loadState ?? 'unknown'}).`, 'Nothing was changed. Install the native WebAPI first, or roll back to the previous container instead.');
  }
  const container = await docker.inspectContainer(name);
  op.done('prepare', `${nativeUnit} is installed`);
  op.step('stop-previous', `Stopping the ${name} container`);
  if (container) {
    await docker.setRestartPolicy(container.id, { Name: 'no' });
    await docker.stopContainer(container.id, container.stopTimeout ?? 10);
  }
  await runner.run(sh`systemctl disable --now mxrc-webapi-docker.service 2>/dev/null || true`, { sudo: true, allowFail: true });
  op.done('stop-previous', container ? `${name} stopped (kept, restart policy off)` : 'No container was running');
  op.step('start', `Starting ${nativeUnit}`);
  await runner.run(sh`systemctl start ${nativeUnit}`, { sudo: true, what: `Starting ${nativeUnit}` });
  const started = await waitUnitRunning(runner, nativeUnit, 2, op);
  const reason = started.ok ? await probeOk(deps, healthUrl) : `${nativeUnit} did not start`;
  if (reason === null) {
    op.done('start', `${nativeUnit} runs and ${healthUrl} answers`);
    return { result: 'restored' };
  }
  op.failed('start', reason);
  op.step('rollback', `Starting the ${name} container again`);
  await runner.run(sh`systemctl stop ${nativeUnit}`, { sudo: true, allowFail: true });
  if (container) {
    await docker.setRestartPolicy(container.id, { Name: container.hostConfig.restartPolicy.name || 'unless-stopped' });
    await docker.startContainer(container.id);
  }
  op.done('rollback', 'The container runs again');
  return { result: 'failed', reason };
}

const pinnedUnits = ['containerd.service', 'docker.service'] as const;
export const dropInName = '10-mxrc-housekeeping.conf';

/** Drop-ins that keep dockerd and containerd on the housekeeping cores; a restart only when asked for. */
export async function pinDocker(runner: RemoteRunner, housekeepingCores: string, restart: boolean, op: Operation): Promise<DockerPinResult> {
  op.step('prepare', 'Rendering the drop-ins');
  await runner.requireSudo();
  const template = await readResource('templates/housekeeping-affinity.conf');
  const cores = systemdCpuList(housekeepingCores);
  const lines = ['set -e'];
  const result: DockerPinResult = { units: [], restarted: false, pending: null };
  for (const unit of pinnedUnits) {
    const content = renderTemplate(template.text, { unit, housekeepingCores: cores, profileNote: `housekeeping cores ${cores}` });
    const dir = `/etc/systemd/system/${unit}.d`;
    const path = `${dir}/${dropInName}`;
    lines.push(sh`mkdir -p ${dir}`, sh`printf '%s' ${content} > ${`${path}.mxrc-new`}`, sh`chmod 0644 ${`${path}.mxrc-new`}`, sh`mv -f ${`${path}.mxrc-new`} ${path}`);
    result.units.push({ unit, dropIn: path, installed: false, loadState: '', cpuAffinity: '' });
  }
  lines.push('systemctl daemon-reload');
  op.done('prepare', `CPUAffinity=${cores}`);
  op.step('install-units', 'Installing the drop-ins');
  await runner.run(lines.join('\n'), { sudo: true, what: 'Installing the Docker drop-ins' });
  const show = await runner.run(sh`systemctl show ${[...pinnedUnits]} -p Id,LoadState,CPUAffinity`, { timeoutMs: 15_000 });
  const blocks = show.stdout.split(/\n\s*\n/);
  for (const entry of result.units) {
    const block = blocks.find((b) => b.includes(`Id=${entry.unit}`)) ?? '';
    entry.installed = true;
    entry.loadState = /^LoadState=(.*)$/m.exec(block)?.[1] ?? 'unknown';
    entry.cpuAffinity = /^CPUAffinity=(.*)$/m.exec(block)?.[1] ?? '';
  }
  op.done('install-units', 'Drop-ins installed');
  const managed = result.units.filter((u) => u.loadState === 'loaded');
  if (managed.length === 0) {
    result.pending = 'Docker is not managed by systemd on this controller: the drop-ins are in place but have no effect.';
  } else if (restart) {
    op.step('start-units', `Restarting ${managed.map((u) => u.unit).join(' and ')} (containers with a restart policy come back)`);
    await runner.run(sh`systemctl restart ${managed.map((u) => u.unit)}`, { sudo: true, what: 'Restarting Docker', timeoutMs: 180_000 });
    result.restarted = true;
    op.done('start-units', 'Docker restarted on the housekeeping cores');
  } else {
    result.pending = 'Docker keeps its current cores until docker.service and containerd.service restart (restart them from here after confirming, or reboot the controller).';
  }
  return result;
}

