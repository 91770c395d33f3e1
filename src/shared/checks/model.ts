/**
 * Data model of the host checks (rt-checklist.md §2–§8). Pure: shared by the live runner, the bundle reader, the
 * CLI and the UI, so nothing here may import node:*, the DOM or electron.
 */
import { z } from 'zod';

import { formatCpuList, formatCpuMask, isCpuList, parseCpuList } from '../cpu-list';

export type Verdict = 'pass' | 'warn' | 'fail' | 'skip' | 'error';
export type SkipReason = 'not applicable' | 'needs sudo' | 'tool missing';
export const checkGroups = ['kernel', 'cpu', 'scheduler', 'interrupts', 'memory', 'time', 'platform', 'docker'] as const;
export type CheckGroup = (typeof checkGroups)[number];

/** One command and what it printed, kept verbatim for the report and the "copy details" button. */
export interface Evidence {
  command: string;
  stdout: string;
  stderr: string;
  /** null when the command never finished (timeout, lost connection). */
  exitCode: number | null;
}

export interface RemediationFile {
  /** Absolute path on the controller. */
  path: string;
  /** 'replace': content is the whole file. 'set-keys': content is KEY=value lines merged into the existing file. */
  content: string;
  mode?: string;
  merge?: 'replace' | 'set-keys';
}

export interface Remediation {
  summary: string;
  /** Exact shell lines, to be run as root after the files are installed. */
  steps: string[];
  files: RemediationFile[];
  /** The change only takes effect after a reboot (kernel command line, PID 1 affinity). */
  reboot?: boolean;
  /**
   * The steps are for a person (diagnostics, kernel packages, BIOS, profile changes): an exported script lists
   * them but does not run them.
   */
  manual?: boolean;
}

export interface CheckResult {
  id: string;
  slug: string;
  title: string;
  group: CheckGroup;
  verdict: Verdict;
  /** One line naming the observed values. */
  summary: string;
  evidence: Evidence[];
  /** Why a non-pass matters for the 100 µs loop. */
  why?: string;
  remediation: Remediation | null;
  skipReason?: SkipReason;
}

/**
 * A read-only command. Its text is fixed: profile values reach it only through the environment variables
 * $RT_UNIT, $IPC_UNIT, $WEBAPI, $ECAT_IF and $HEALTH_URL, so collect.sh runs exactly the same text offline.
 */
export interface Probe {
  id: string;
  command: string;
  /** Needs root: live runs use `sudo -n`; collect.sh skips it unless run as root. */
  root: boolean;
  /** Tried as the SSH user first; output matching this means "not allowed" and the probe is retried with sudo. */
  rootIfDenied?: RegExp;
  timeoutMs?: number;
  /** Takes ~10 s (samples twice); scheduled first so the run is not longer than necessary. */
  sampling?: boolean;
}

export type ProbeStatus = 'ok' | 'needs-sudo' | 'timeout' | 'failed';

/** The outcome of one probe, live or from a bundle. */
export interface ProbeOutput extends Evidence {
  status: ProbeStatus;
  /** Why the probe did not run normally (sudo refusal, timeout, transport error). */
  message?: string;
}

export const defaultThresholds = {
  /** C06: enabled idle states on RT CPUs up to this exit latency pass. */
  cstatePassUs: 2,
  /** C06: above this an enabled idle state fails. */
  cstateFailUs: 20,
  /** C07: per-CPU resume-latency limit that counts as protection. */
  pmQosMaxUs: 10,
  /** I03: local-timer interrupts per second above the RT loop's own wake-ups. */
  locExcessPerSec: 100,
  /** I03: RES/CAL/TLB IPIs per second on an RT CPU. */
  ipiPerSec: 10,
  /** I03: NMI/PMI per second on an RT CPU. */
  nmiPerSec: 0.2,
  /** S05: involuntary context switches per second of an RT thread. */
  nonvoluntaryPerSec: 1,
  /** M04: VmLck / VmRSS. */
  vmLckRatio: 0.9,
  /** I06: fixed interrupt moderation at or above this fails. */
  coalesceFailUs: 20,
  /** T03: NTP offset limit. */
  ntpOffsetMs: 1,
  /** D04: health endpoint answer time. */
  healthMaxMs: 1000,
  /** D03: WebAPI container memory limit. */
  webapiMemoryBytes: 536870912,
  /** D01: oldest Docker Engine with cgroup v2 support. */
  minDockerVersion: '20.10',
};
export type Thresholds = typeof defaultThresholds;

const cpuList = z.string().trim().refine(isCpuList, 'Use a CPU list such as 2,3 or 2-3');
const unitName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  // No leading "-": probes pass units to systemctl, which would read "-H…" as an option.
  .regex(/^[A-Za-z0-9@._:\\][A-Za-z0-9@._:\\-]*$/, 'Not a systemd unit name');
const optionalName = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  // No leading "-": ethtool would read it as an option.
  z.string().trim().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$/, 'Not a network interface name').optional(),
);

export const thresholdsSchema = z.object({
  cstatePassUs: z.number().nonnegative().default(defaultThresholds.cstatePassUs),
  cstateFailUs: z.number().nonnegative().default(defaultThresholds.cstateFailUs),
  pmQosMaxUs: z.number().nonnegative().default(defaultThresholds.pmQosMaxUs),
  locExcessPerSec: z.number().nonnegative().default(defaultThresholds.locExcessPerSec),
  ipiPerSec: z.number().nonnegative().default(defaultThresholds.ipiPerSec),
  nmiPerSec: z.number().nonnegative().default(defaultThresholds.nmiPerSec),
  nonvoluntaryPerSec: z.number().nonnegative().default(defaultThresholds.nonvoluntaryPerSec),
  vmLckRatio: z.number().min(0).max(1).default(defaultThresholds.vmLckRatio),
  coalesceFailUs: z.number().nonnegative().default(defaultThresholds.coalesceFailUs),
  ntpOffsetMs: z.number().nonnegative().default(defaultThresholds.ntpOffsetMs),
  healthMaxMs: z.number().positive().default(defaultThresholds.healthMaxMs),
  webapiMemoryBytes: z.number().int().positive().default(defaultThresholds.webapiMemoryBytes),
  minDockerVersion: z
    .string()
    .regex(/^\d+(\.\d+)*$/)
    .default(defaultThresholds.minDockerVersion),
});

/** The controller values the checks compare against; the CLI's `--profile FILE` is this JSON. */
export const checkProfileSchema = z
  .object({
    rtCores: cpuList.default('2,3'),
    housekeepingCores: cpuList.default('0,1'),
    rtUnit: unitName.default('mxrc-rt.service'),
    ipcUnit: unitName.default('mxrc-ipc.service'),
    webapiContainer: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'Not a container name')
      .default('mxrc-webapi'),
    rtPrio: z.number().int().min(1).max(99).default(80),
    cycleUs: z.number().int().min(10).max(1_000_000).default(100),
    ecatIf: optionalName,
    healthUrl: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^\s'"]+$/, 'Not an http(s) URL')
      .default('http://localhost:8080/api/health/live'),
    /** IRQ names (substrings) deliberately placed on RT cores (I02/I03). */
    irqAllowList: z.array(z.string().min(1).max(64)).default([]),
    thresholds: thresholdsSchema.prefault({}),
  })
  .superRefine((value, ctx) => {
    if (!isCpuList(value.rtCores) || !isCpuList(value.housekeepingCores)) return;
    const rt = parseCpuList(value.rtCores);
    const hk = parseCpuList(value.housekeepingCores);
    if (rt.some((cpu) => hk.includes(cpu))) {
      ctx.addIssue({ code: 'custom', path: ['rtCores'], message: 'RT and housekeeping cores must not overlap' });
    }
    if (!hk.includes(0)) {
      ctx.addIssue({ code: 'custom', path: ['housekeepingCores'], message: 'Housekeeping cores must include CPU 0' });
    }
  });

export type CheckProfile = z.output<typeof checkProfileSchema>;
export type CheckProfileInput = z.input<typeof checkProfileSchema>;

/** The profile plus the derived core sets and their spellings, computed once per run. */
export interface ResolvedProfile extends CheckProfile {
  rt: number[];
  hk: number[];
  /** "2-3" */
  rtList: string;
  /** "0-1" */
  hkList: string;
  /** "2 3": systemd CPUAffinity= spelling. */
  rtSpaced: string;
  hkSpaced: string;
  /** "3": hex mask of the housekeeping cores. */
  hkMask: string;
}

export function resolveProfile(profile: CheckProfile): ResolvedProfile {
  const rt = parseCpuList(profile.rtCores);
  const hk = parseCpuList(profile.housekeepingCores);
  return {
    ...profile,
    rt,
    hk,
    rtList: formatCpuList(rt),
    hkList: formatCpuList(hk),
    rtSpaced: rt.join(' '),
    hkSpaced: hk.join(' '),
    hkMask: formatCpuMask(hk),
  };
}

/** The check profile of a stored controller (its RT unit and cores), everything else at the reference defaults. */
export function checkProfileFromController(controller: {
  rtCores: string;
  housekeepingCores: string;
  rtUnit: string;
}): CheckProfile {
  return checkProfileSchema.parse({
    rtCores: controller.rtCores,
    housekeepingCores: controller.housekeepingCores,
    rtUnit: controller.rtUnit,
  });
}

export interface ControllerFacts {
  hostname?: string;
  kernelRelease?: string;
  kernelVersion?: string;
  /** The SSH user's uid (0 = root: root probes run without sudo). */
  uid?: number;
}

export interface CheckRun {
  startedAt: string;
  finishedAt: string;
  source: 'live' | 'bundle';
  controller: ControllerFacts;
  checks: CheckResult[];
}
