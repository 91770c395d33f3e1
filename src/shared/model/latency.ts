/**
 * Latency tests (checklist §9): what the UI asks for, what it sees while a test runs, and what is kept on the
 * laptop afterwards. The numbers themselves come from src/shared/latency (parsers, percentiles, verdicts).
 */
import { z } from 'zod';

import { isCpuList, parseCpuList } from '../cpu-list';
import type {
  BaselineComparison,
  CyclictestResult,
  LatencyKind,
  LatencySample,
  LatencyThresholds,
  LatencyVerdict,
  RtlaTimerlatResult,
  Verdict,
} from '../latency';

export const latencyPresets = ['quick', 'acceptance', 'custom'] as const;
export type LatencyPreset = (typeof latencyPresets)[number];

/** quick = 60 s idle smoke test; acceptance = 1 h under load (checklist L02); custom = everything chosen. */
export const latencyPresetDefaults: Readonly<Record<Exclude<LatencyPreset, 'custom'>, { durationS: number; load: boolean }>> = {
  quick: { durationS: 60, load: false },
  acceptance: { durationS: 3600, load: true },
};

/** Where on the controller runs write their files (RUN_DIR = <root>/<run id>, checklist target parameters). */
export const latencyRunsRoot = '/var/lib/mxrc-commissioning/runs';

const cpuList = z.string().trim().refine(isCpuList, 'Use a CPU list such as 2,3 or 2-3');

const limitsSchema = z
  .object({ passUs: z.number().positive().max(1_000_000), warnUs: z.number().positive().max(1_000_000) })
  .refine((limits) => limits.passUs <= limits.warnUs, 'The pass limit must not be above the warn limit');

/** Replaces whole entries of the reference thresholds (checklist §9.2), e.g. from a controller profile. */
export const latencyThresholdOverridesSchema = z.object({
  idleMax: limitsSchema.optional(),
  loadedMax: limitsSchema.optional(),
  avg: limitsSchema.optional(),
  maxOverflows: z.number().int().min(0).optional(),
  minCompletionPct: z.number().min(0).max(100).optional(),
  minDurationForCompletionSec: z.number().int().min(0).optional(),
});
export type LatencyThresholdOverrides = z.output<typeof latencyThresholdOverridesSchema>;

/**
 * The `latency` part of a profile file (`--profile FILE`, next to rtCores/housekeepingCores/rtPrio/cycleUs of the
 * check profile): thresholds and the baseline tolerances.
 */
export const latencyProfileSchema = z.object({
  thresholds: latencyThresholdOverridesSchema.optional(),
  /** The max may rise by strictly less than this over the baseline. Default 5 (the seed's acceptance rule). */
  maxIncreasePct: z.number().positive().max(1000).optional(),
  /** How much the spread (p99.9 − min) may grow over the baseline. Default 20. */
  spreadTolerancePct: z.number().min(0).max(1000).optional(),
  /** `-h` histogram size in µs. Default 400. */
  histogramUs: z.number().int().min(10).max(100_000).optional(),
});
export type LatencyProfile = z.output<typeof latencyProfileSchema>;

const controllerId = z.string().min(1).max(64);
const segment = z.string().min(1).max(120);
export const latencyRefSchema = z.object({
  controller: segment,
  visit: segment,
  kind: z.literal('latency-run'),
  id: z.string().regex(/^[0-9A-Za-z-]{1,64}$/),
});
/** A stored latency run (ResultsStore kind 'latency-run'). */
export type LatencyResultRef = z.output<typeof latencyRefSchema>;

export const latencyStartSchema = z
  .object({
    controllerId,
    preset: z.enum(latencyPresets).default('quick'),
    /** Seconds; overrides the preset's duration. */
    durationS: z.number().int().min(1).max(7 * 86_400).optional(),
    /** `-i`, µs; default the RT cycle. */
    intervalUs: z.number().int().min(10).max(1_000_000).optional(),
    /** `-p`, SCHED_FIFO priority; default 80. */
    priority: z.number().int().min(1).max(99).optional(),
    histogramUs: z.number().int().min(10).max(100_000).optional(),
    /** stress-ng on the housekeeping cores; default by preset (acceptance: on). */
    load: z.boolean().optional(),
    /** Default: the controller profile's cores. */
    rtCores: cpuList.optional(),
    housekeepingCores: cpuList.optional(),
    /** `--default-system` (do not hold /dev/cpu_dma_latency; checklist C07/§9.1). */
    defaultSystem: z.boolean().default(false),
    /** Also run rtla timerlat afterwards when the controller has it (detected, never assumed). */
    rtla: z.boolean().default(true),
    cycleUs: z.number().int().min(10).max(1_000_000).optional(),
    thresholds: latencyThresholdOverridesSchema.optional(),
    maxIncreasePct: z.number().positive().max(1000).optional(),
    spreadTolerancePct: z.number().min(0).max(1000).optional(),
    /** The technician confirmed that the robot is in a safe state (drives disabled). Required. */
    safeStateConfirmed: z.literal(true, 'Confirm that the robot is in a safe state before a latency test'),
    /** Allowed to stop the RT service for the test; it is started again afterwards. */
    stopRtService: z.boolean().default(false),
    /** 'marked' = the controller's marked baseline (if any); 'none'; or a stored run. */
    baseline: z.union([z.literal('marked'), z.literal('none'), latencyRefSchema]).default('marked'),
    /** Mark this run as the controller's baseline once it has finished. */
    markAsBaseline: z.boolean().default(false),
    /** How the run is detached on the controller; auto = systemd-run when systemd runs, else setsid. */
    launcher: z.enum(['auto', 'systemd-run', 'setsid']).default('auto'),
    note: z.string().max(500).optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.rtCores || !value.housekeepingCores) return;
    if (!isCpuList(value.rtCores) || !isCpuList(value.housekeepingCores)) return;
    const hk = new Set(parseCpuList(value.housekeepingCores));
    if (parseCpuList(value.rtCores).some((cpu) => hk.has(cpu))) {
      ctx.addIssue({ code: 'custom', path: ['rtCores'], message: 'RT and housekeeping cores must not overlap' });
    }
  });
export type LatencyStartInput = z.input<typeof latencyStartSchema>;
export type LatencyStartRequest = z.output<typeof latencyStartSchema>;

/** Everything a run was started with, resolved (profile defaults applied). */
export interface LatencySettings {
  preset: LatencyPreset;
  kind: LatencyKind;
  durationS: number;
  intervalUs: number;
  priority: number;
  histogramUs: number;
  load: boolean;
  rtCores: string;
  housekeepingCores: string;
  defaultSystem: boolean;
  rtla: boolean;
  cycleUs: number;
  thresholds: LatencyThresholds;
  maxIncreasePct: number;
  spreadTolerancePct: number;
  rtUnit: string;
  stopRtService: boolean;
  note?: string;
}

export type LatencyLauncher = 'systemd-run' | 'setsid';

export interface LatencyPreflight {
  controllerId: string;
  tools: { cyclictest: boolean; stressNg: boolean; rtla: boolean; systemdRun: boolean; setsid: boolean; taskset: boolean };
  /** systemd is PID 1 (/run/systemd/system exists): runs become transient units. */
  systemd: boolean;
  /** The SSH user is root, or may use sudo without a password. */
  root: boolean;
  /** Why not, in sudo's words. */
  sudoMessage?: string;
  onlineCpus: string;
  rtCores: string;
  housekeepingCores: string;
  rtUnit: { name: string; state: string; active: boolean } | null;
  /** A cyclictest not started by this tool is running (its numbers and ours would both be invalid). */
  foreignCyclictest: boolean;
  /** The run this app is watching on the controller, if any. */
  activeRun: LatencyRunView | null;
}

export type LatencyRunStatus = 'starting' | 'running' | 'rtla' | 'collecting' | 'finished' | 'cancelled' | 'failed';

/** Current values per measured thread (the maximum only ever grows). */
export interface LatencyCpuLive {
  thread: number;
  cpu: number | null;
  cycles: number;
  min: number;
  act: number;
  avg: number;
  max: number;
}

export interface LatencyRunError {
  code: string;
  message: string;
  hint?: string;
}

export interface LatencyRunView {
  controllerId: string;
  runId: string;
  unit: string;
  runDir: string;
  launcher: LatencyLauncher;
  status: LatencyRunStatus;
  /** 'attached' while progress is read; 'lost' while the link is down (the test goes on on the controller). */
  link: 'attached' | 'lost';
  startedAt: string;
  settings: LatencySettings;
  /** Measured seconds (from cyclictest's own cycle count), plus rtla's run time once it runs. */
  elapsedS: number;
  totalS: number;
  remainingS: number;
  cpus: LatencyCpuLive[];
  /** Set once the run is collected and stored on this laptop. */
  result?: LatencyResultRef;
  verdict?: Verdict | 'error';
  error?: LatencyRunError;
}

/** The view plus the max-over-time series so far (thinned for display). */
export interface LatencyRunDetail extends LatencyRunView {
  series: LatencySample[];
}

/** Pushed about once a second while a run is watched. */
export interface LatencyProgressEvent {
  controllerId: string;
  runId: string;
  status: LatencyRunStatus;
  link: 'attached' | 'lost';
  elapsedS: number;
  totalS: number;
  remainingS: number;
  cpus: LatencyCpuLive[];
  /** Samples new since the previous event. */
  samples: LatencySample[];
}

export interface LatencyRtla {
  status: 'ok' | 'skipped' | 'failed';
  /** Why skipped or failed, in the technician's terms. */
  reason?: string;
  command?: string;
  result?: RtlaTimerlatResult;
}

export interface LatencyRtService {
  unit: string;
  /** State before the test (systemctl is-active). */
  stateBefore: string;
  stoppedForTest: boolean;
  /** State after the test, as read when the run was collected. */
  stateAfter?: string;
}

/** What is stored on the laptop for one run (ResultsStore kind 'latency-run'). */
export interface LatencyRunRecord {
  runId: string;
  controllerId: string;
  controllerName?: string;
  host?: string;
  origin: 'app' | 'cli' | 'import';
  launcher: LatencyLauncher | null;
  unit: string | null;
  runDir: string | null;
  startedAt: string;
  endedAt: string;
  status: 'finished' | 'cancelled' | 'failed';
  settings: LatencySettings;
  /** The command lines as run (cyclictest, the load, rtla). */
  commands: { cyclictest: string; load: string | null; rtla: string | null };
  /** Measured seconds (cycles × interval of the most advanced thread). */
  durationS: number | null;
  result: CyclictestResult | null;
  evaluation: LatencyVerdict | null;
  verdict: Verdict | 'error';
  error: LatencyRunError | null;
  /** Max-over-time series (about one sample per second). */
  series: LatencySample[];
  rtla: LatencyRtla;
  rtService: LatencyRtService | null;
  /** Against the controller's baseline run (app) or a baseline file (CLI --baseline FILE). */
  comparison: { baseline: LatencyResultRef | null; baselineFile?: string; baselineStartedAt: string | null; result: BaselineComparison } | null;
  isBaseline: boolean;
  cyclictestExit: number | null;
  loadExit: number | null;
}

/** One line of the history list. */
export interface LatencyHistoryItem {
  ref: LatencyResultRef;
  createdAt: string;
  title: string;
  preset: LatencyPreset;
  status: LatencyRunRecord['status'];
  verdict: Verdict | 'error';
  maxUs: number | null;
  durationS: number | null;
  isBaseline: boolean;
}
