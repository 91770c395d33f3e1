import { parseCpuList } from '../../../shared/cpu-list';
import { AppError } from '../../../shared/errors';
import { parseRunnerStatus, terminalRunnerStates } from '../../../shared/latency';
import type { LatencyLauncher, LatencySettings, LatencyStartRequest } from '../../../shared/model/latency';
import { isActiveState, sudoRequired, type LatencyControllerOps, type PreflightFacts } from './controller-ops';
import { readRunnerScript } from './runner-script';
import { commandsOf, newRunId, planRun, runConf, runDirFor, type RunManifest } from './run-plan';

/** Which launcher to use, or why the test cannot run on this controller (before anything is changed there). */
export function checkPreflight(
  facts: PreflightFacts,
  settings: LatencySettings,
  request: Pick<LatencyStartRequest, 'stopRtService' | 'launcher'>,
): LatencyLauncher {
  if (!facts.tools.cyclictest) {
    throw new AppError('TOOL_MISSING', 'cyclictest is not installed on the controller.', 'Install rt-tests on the controller: sudo apt install rt-tests');
  }
  if (settings.load && !facts.tools.stressNg) {
    throw new AppError('TOOL_MISSING', 'stress-ng (the load for this test) is not installed on the controller.', 'Install it (sudo apt install stress-ng) or run the test without load.');
  }
  if (!facts.sudo) throw sudoRequired(facts.sudoMessage);
  if (facts.onlineCpus) {
    const online = new Set(parseCpuList(facts.onlineCpus));
    const missing = [...parseCpuList(settings.rtCores), ...parseCpuList(settings.housekeepingCores)].filter((cpu) => !online.has(cpu));
    if (missing.length > 0) {
      throw new AppError(
        'INVALID_INPUT',
        `CPU ${missing.join(', ')} of the profile is not online on this controller (online: ${facts.onlineCpus}).`,
        'Correct the RT and housekeeping cores in the controller profile.',
      );
    }
  }
  if (isActiveState(facts.rtUnitState) && !request.stopRtService) {
    throw new AppError(
      'RT_SERVICE_ACTIVE',
      `${settings.rtUnit} is running. cyclictest at the same priority on the same cores would disturb the robot and make both results invalid.`,
      `Confirm that the tool may stop ${settings.rtUnit} for the test (it is started again afterwards), or stop it yourself.`,
      { unit: settings.rtUnit, state: facts.rtUnitState },
    );
  }
  const systemdRun = facts.systemd && facts.tools.systemdRun;
  if (request.launcher === 'systemd-run' && !systemdRun) throw new AppError('TOOL_MISSING', 'systemd-run is not available on this controller.');
  if (request.launcher === 'setsid' && !facts.tools.setsid) throw new AppError('TOOL_MISSING', 'setsid is not available on this controller.');
  if (request.launcher !== 'auto') return request.launcher;
  if (systemdRun) return 'systemd-run';
  if (facts.tools.setsid) return 'setsid';
  throw new AppError('TOOL_MISSING', 'Neither systemd-run nor setsid is available to run the test detached on the controller.');
}

/** Another run of this tool still going on the controller (from the app or the CLI): one test at a time. */
export async function refuseIfRunning(ops: LatencyControllerOps): Promise<void> {
  for (const runId of (await ops.listRuns()).slice(-5)) {
    const runDir = runDirFor(runId);
    const state = parseRunnerStatus((await ops.readRunFile(runDir, 'status')) ?? '').state;
    if (state !== null && !terminalRunnerStates.has(state) && (await ops.runnerAlive(runDir))) {
      throw new AppError('INVALID_INPUT', `Another latency test (${runId}) is still running on this controller.`, 'Wait for it to finish or cancel it first.');
    }
  }
}

export interface LaunchInput {
  ops: LatencyControllerOps;
  controllerId: string;
  origin: 'app' | 'cli';
  settings: LatencySettings;
  facts: PreflightFacts;
  launcher: LatencyLauncher;
  baseline: LatencyStartRequest['baseline'];
  markAsBaseline: boolean;
  now: Date;
}

/**
 * Writes the runner, its configuration and the manifest into a new RUN_DIR and starts it detached. The RT service
 * is stopped by the runner itself, only when it was active and the technician agreed (checkPreflight), and the
 * runner starts it again in every way it can end.
 */
export async function launchRun(input: LaunchInput): Promise<RunManifest> {
  const { ops, settings, facts } = input;
  await refuseIfRunning(ops);
  const runId = newRunId(input.now);
  const plan = planRun(runId, settings);
  const rtActive = isActiveState(facts.rtUnitState);
  const manifest: RunManifest = {
    runId,
    controllerId: input.controllerId,
    origin: input.origin,
    startedAt: input.now.toISOString(),
    launcher: input.launcher,
    unit: plan.unit,
    runDir: plan.runDir,
    settings,
    commands: commandsOf(plan),
    rtlaSeconds: plan.rtlaSeconds,
    rtService: facts.rtUnitState === null ? null : { unit: settings.rtUnit, stateBefore: facts.rtUnitState, stoppedForTest: rtActive },
    baseline: input.baseline,
    markAsBaseline: input.markAsBaseline,
  };
  await ops.prepareRunDir(plan.runDir, { runner: await readRunnerScript(), conf: runConf(plan, rtActive ? settings.rtUnit : null), manifest });
  await ops.launch(input.launcher, plan.runDir, plan.unit, `mxrc-commissioner latency test ${runId}`);
  return manifest;
}

async function waitUntilEmpty(check: () => Promise<string[]>, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await check();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Stops a run on the controller and proves that none of its processes is left (SIGKILL as the last resort). */
export async function stopRun(ops: LatencyControllerOps, manifest: Pick<RunManifest, 'launcher' | 'runDir' | 'unit'>): Promise<void> {
  const { launcher, runDir, unit } = manifest;
  await ops.stop(launcher, runDir, unit);
  let left = await waitUntilEmpty(() => ops.leftovers(launcher, runDir, unit), 20_000);
  if (left.length > 0) {
    await ops.kill(launcher, runDir, unit);
    left = await waitUntilEmpty(() => ops.leftovers(launcher, runDir, unit), 10_000);
  }
  if (left.length > 0) {
    throw new AppError(
      'REMOTE_COMMAND',
      `The test was stopped, but ${left.length} of its processes are still running on the controller.`,
      'Copy the details and end them on the controller (sudo kill).',
      { processes: left },
    );
  }
}
