import { randomBytes } from 'node:crypto';

import { formatCpuList, parseCpuList } from '../../../shared/cpu-list';
import { AppError } from '../../../shared/errors';
import {
  buildCyclictestArgv,
  CyclictestCommandError,
  DurationError,
  formatCyclictestDuration,
  latencyThresholdsForCycle,
  type LatencyThresholds,
} from '../../../shared/latency';
import type {
  LatencyLauncher,
  LatencyProfile,
  LatencyRtService,
  LatencySettings,
  LatencyStartRequest,
  LatencyThresholdOverrides,
} from '../../../shared/model/latency';
import { latencyPresetDefaults, latencyRunsRoot } from '../../../shared/model/latency';
import { quote } from '../../../shared/remote-command';

/** Controller values a run falls back to: the controller profile (app) or the `--profile FILE` (CLI). */
export interface LatencyDefaults {
  rtCores: string;
  housekeepingCores: string;
  rtUnit: string;
  rtPrio?: number;
  cycleUs?: number;
  latency?: LatencyProfile;
}

/** The request fields that shape a run (the start request minus who/which controller). */
export type LatencyRunOptions = Pick<
  LatencyStartRequest,
  | 'preset'
  | 'durationS'
  | 'intervalUs'
  | 'priority'
  | 'histogramUs'
  | 'load'
  | 'rtCores'
  | 'housekeepingCores'
  | 'defaultSystem'
  | 'rtla'
  | 'cycleUs'
  | 'thresholds'
  | 'maxIncreasePct'
  | 'spreadTolerancePct'
  | 'stopRtService'
  | 'note'
>;

/** rtla runs after cyclictest, never beside it (both would compete on the RT cores): at most the L03 10 min. */
export const rtlaMaxSeconds = 600;

function withoutUndefined(overrides: LatencyThresholdOverrides | undefined): Partial<Omit<LatencyThresholds, 'cycleUs'>> {
  const out: Partial<Omit<LatencyThresholds, 'cycleUs'>> = {};
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export function resolveSettings(options: LatencyRunOptions, defaults: LatencyDefaults): LatencySettings {
  const preset = options.preset;
  const presetDefaults = preset === 'custom' ? undefined : latencyPresetDefaults[preset];
  const durationS = options.durationS ?? presetDefaults?.durationS;
  if (durationS === undefined) {
    throw new AppError('INVALID_INPUT', 'A custom latency test needs a duration.', 'Enter a duration such as 60s, 10m or 1h.');
  }
  const load = options.load ?? presetDefaults?.load ?? false;
  const cycleUs = options.cycleUs ?? defaults.cycleUs ?? 100;
  const rtCores = formatCpuList(parseCpuList(options.rtCores ?? defaults.rtCores));
  const housekeepingCores = formatCpuList(parseCpuList(options.housekeepingCores ?? defaults.housekeepingCores));
  const hk = new Set(parseCpuList(housekeepingCores));
  if (parseCpuList(rtCores).some((cpu) => hk.has(cpu))) {
    throw new AppError('INVALID_INPUT', `RT cores ${rtCores} and housekeeping cores ${housekeepingCores} overlap.`, 'Correct the cores in the controller profile.');
  }
  let thresholds: LatencyThresholds;
  try {
    thresholds = latencyThresholdsForCycle(cycleUs, { ...withoutUndefined(defaults.latency?.thresholds), ...withoutUndefined(options.thresholds) });
  } catch (error) {
    throw new AppError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
  }
  const settings: LatencySettings = {
    preset,
    kind: load ? 'loaded' : 'idle',
    durationS,
    intervalUs: options.intervalUs ?? cycleUs,
    priority: options.priority ?? defaults.rtPrio ?? 80,
    histogramUs: options.histogramUs ?? defaults.latency?.histogramUs ?? 400,
    load,
    rtCores,
    housekeepingCores,
    defaultSystem: options.defaultSystem,
    rtla: options.rtla,
    cycleUs,
    thresholds,
    maxIncreasePct: options.maxIncreasePct ?? defaults.latency?.maxIncreasePct ?? 5,
    spreadTolerancePct: options.spreadTolerancePct ?? defaults.latency?.spreadTolerancePct ?? 20,
    rtUnit: defaults.rtUnit,
    stopRtService: options.stopRtService,
  };
  if (options.note !== undefined && options.note.trim() !== '') settings.note = options.note.trim();
  return settings;
}

/** `20261126-130501-a1b2c3`: sortable by time, unique, safe as a directory, a unit and a result id. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function runDirFor(runId: string): string {
  if (!/^[0-9A-Za-z-]{1,64}$/.test(runId)) throw new AppError('INVALID_INPUT', `"${runId}" is not a run id.`);
  return `${latencyRunsRoot}/${runId}`;
}

export function unitFor(runId: string): string {
  return `mxrc-latency-${runId}.service`;
}

export interface RunPlan {
  runId: string;
  runDir: string;
  unit: string;
  settings: LatencySettings;
  cyclictestArgv: string[];
  loadArgv: string[] | null;
  rtlaArgv: string[] | null;
  /** rtla's share of the run (0 when rtla is off); only spent when the controller has rtla. */
  rtlaSeconds: number;
}

/** Checklist L02 load, adapted to the profile: every stressor pinned to the housekeeping cores. */
function loadArgv(settings: LatencySettings, runDir: string, totalSeconds: number): string[] {
  const hk = parseCpuList(settings.housekeepingCores);
  return [
    'taskset', '-c', settings.housekeepingCores,
    'stress-ng', '--cpu', String(hk.length), '--vm', '1', '--vm-bytes', '256M', '--io', '1',
    '--hdd', '1', '--hdd-bytes', '256M', '--sock', '1', '--taskset', settings.housekeepingCores,
    // Temporary files in RUN_DIR, and RUN_DIR on the command line: the process is recognisable as ours.
    '--temp-path', runDir, '--timeout', `${totalSeconds + 60}s`, '--metrics-brief',
  ];
}

/** Checklist L03 (`-H` is added on the controller only when its rtla knows it). */
function rtlaArgv(settings: LatencySettings, seconds: number): string[] {
  const argv = [
    'taskset', '-c', settings.housekeepingCores,
    'rtla', 'timerlat', 'hist', '-c', settings.rtCores, '-p', String(settings.intervalUs),
    '-P', `f:${settings.priority}`, '-d', formatCyclictestDuration(seconds), '-E', String(settings.histogramUs),
  ];
  // Same PM-QoS rule as cyclictest (§9.1): hold /dev/cpu_dma_latency only when cyclictest does.
  if (!settings.defaultSystem) argv.push('--dma-latency', '0');
  return argv;
}

export function planRun(runId: string, settings: LatencySettings): RunPlan {
  const runDir = runDirFor(runId);
  let cyclictestArgv: string[];
  try {
    cyclictestArgv = buildCyclictestArgv({
      rtCores: settings.rtCores,
      housekeepingCores: settings.housekeepingCores,
      duration: settings.durationS,
      intervalUs: settings.intervalUs,
      priority: settings.priority,
      histogramUs: settings.histogramUs,
      jsonPath: `${runDir}/ct.json`,
      quiet: true,
      defaultSystem: settings.defaultSystem,
    });
  } catch (error) {
    if (error instanceof CyclictestCommandError || error instanceof DurationError) throw new AppError('INVALID_INPUT', error.message);
    throw error;
  }
  const rtlaSeconds = settings.rtla ? Math.min(settings.durationS, rtlaMaxSeconds) : 0;
  return {
    runId,
    runDir,
    unit: unitFor(runId),
    settings,
    cyclictestArgv,
    loadArgv: settings.load ? loadArgv(settings, runDir, settings.durationS + rtlaSeconds) : null,
    rtlaArgv: settings.rtla ? rtlaArgv(settings, rtlaSeconds) : null,
    rtlaSeconds,
  };
}

const words = (argv: readonly string[]): string => argv.map((word) => quote(word)).join(' ');

/** run.conf: sourced by the runner. Fixed template; every value is one quoted word. */
export function runConf(plan: RunPlan, rtUnitToStop: string | null): string {
  const lines = [
    `# mxrc-commissioner latency run ${plan.runId}; written by the app, every value is one quoted shell word.`,
    `THREADS=${parseCpuList(plan.settings.rtCores).length}`,
    `DURATION_S=${plan.settings.durationS}`,
    'STATUS_EVERY=1',
    `LOAD=${plan.loadArgv ? 1 : 0}`,
    `RTLA=${plan.rtlaArgv ? 1 : 0}`,
    `HK_CORES=${quote(plan.settings.housekeepingCores)}`,
    `RT_UNIT=${quote(rtUnitToStop ?? '')}`,
    `run_cyclictest() { exec ${words(plan.cyclictestArgv)}; }`,
    `run_load() { exec ${plan.loadArgv ? words(plan.loadArgv) : 'true'}; }`,
    `run_rtla() { exec ${plan.rtlaArgv ? words(plan.rtlaArgv) : 'true'} "$@"; }`,
    '',
  ];
  return lines.join('\n');
}

/** run.json: what a later session (another app start, after a reconnect) needs to finish the run. */
export interface RunManifest {
  runId: string;
  controllerId: string;
  origin: 'app' | 'cli';
  startedAt: string;
  launcher: LatencyLauncher;
  unit: string;
  runDir: string;
  settings: LatencySettings;
  commands: { cyclictest: string; load: string | null; rtla: string | null };
  rtlaSeconds: number;
  rtService: LatencyRtService | null;
  baseline: LatencyStartRequest['baseline'];
  markAsBaseline: boolean;
}

export function commandsOf(plan: RunPlan): RunManifest['commands'] {
  return {
    cyclictest: plan.cyclictestArgv.join(' '),
    load: plan.loadArgv ? plan.loadArgv.join(' ') : null,
    rtla: plan.rtlaArgv ? plan.rtlaArgv.join(' ') : null,
  };
}
