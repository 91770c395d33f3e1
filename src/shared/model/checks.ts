/**
 * Host checks as the UI and the CLI see them: a run in progress, what is kept on the laptop (ResultsStore kind
 * 'check-run'), the "re-verify" comparison and the remediation export. The checks themselves live in
 * src/shared/checks (catalogue, evaluators, remedies).
 */
import { z } from 'zod';

import type { CheckGroup, CheckProfile, CheckResult, ControllerFacts, Verdict } from '../checks/model';
import { checkProfileSchema } from '../checks/model';

/** A run's id is the id of its ResultsStore record (e.g. 20261126-131800-a1b2c3). */
export const checkRunIdSchema = z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'Not a check run id');

export const checkRunRequestSchema = z
  .object({
    /** Check ids or aliases (I01 = K06); all checks when absent or empty. */
    only: z.array(z.string().trim().regex(/^[A-Za-z]\d{2}$/, 'Not a check id such as K03')).max(100).optional(),
    /**
     * "Re-run one": the new run carries the other results of this run over (marked in `carried`), so the new
     * run is complete and can be exported and compared like a full one.
     */
    baseRunId: checkRunIdSchema.optional(),
  })
  .default({});
export type CheckRunRequest = z.output<typeof checkRunRequestSchema>;

/** An evidence bundle on the laptop (browser mode types a path; the Electron layer may add a file dialog). */
export const bundlePathSchema = z.string().trim().min(1).max(4096);
export const bundleProfileSchema = checkProfileSchema.optional();

export type CheckRunStatus = 'running' | 'finished' | 'cancelled' | 'failed';

/** One catalogue entry, for lists drawn before any result arrives. */
export interface CheckInfo {
  id: string;
  slug: string;
  title: string;
  group: CheckGroup;
  aliases: string[];
  why: string;
}

export interface VerdictCounts {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
  error: number;
}

/** What a check run keeps (the data of the 'check-run' record) and what the UI shows of a run. */
export interface CheckRunRecord {
  runId: string;
  /** ResultsStore controller key: the controller profile id, or a CLI --name, or "bundle <hostname>". */
  controller: string;
  /** Human name for lists and exports. */
  controllerName: string;
  visit: string;
  source: 'live' | 'bundle';
  status: CheckRunStatus;
  startedAt: string;
  finishedAt: string | null;
  profile: CheckProfile;
  /** Check ids asked for (empty: all). */
  only: string[];
  /** Check ids in this run, in catalogue order (their results arrive in any order). */
  planned: string[];
  /** Results, in catalogue order once finished. */
  checks: CheckResult[];
  /** Ids whose result was carried over from `baseRunId` rather than measured in this run. */
  carried: string[];
  baseRunId?: string;
  facts: ControllerFacts;
  counts: VerdictCounts;
  /** Reader warnings of a bundle (other catalogue version, names taken from the bundle…). */
  warnings: string[];
  /** The bundle file a 'bundle' run was read from (the bundle itself is attached to the record). */
  bundleFile?: string;
  error?: { code: string; message: string; hint?: string };
}

/** A run in a history list. */
export interface CheckRunSummary {
  runId: string;
  controller: string;
  controllerName: string;
  visit: string;
  source: 'live' | 'bundle';
  status: CheckRunStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: VerdictCounts;
  total: number;
  /** A run of some checks only ("re-run one" carries the rest, so it counts as complete). */
  partial: boolean;
}

/** `checks.result`: one check finished. */
export interface CheckResultEvent {
  runId: string;
  controllerId: string;
  result: CheckResult;
  /** Results measured so far in this run / to be measured (carried-over results are not counted). */
  done: number;
  total: number;
}

/** `checks.done`: the run ended and is saved. */
export interface CheckDoneEvent {
  runId: string;
  controllerId: string;
  status: Exclude<CheckRunStatus, 'running'>;
  counts: VerdictCounts;
  error?: { code: string; message: string; hint?: string };
}

export type CheckChangeKind = 'fixed' | 'improved' | 'regressed' | 'changed' | 'same' | 'new' | 'gone';

export interface CheckChange {
  id: string;
  title: string;
  group: CheckGroup;
  kind: CheckChangeKind;
  before: { verdict: Verdict; summary: string } | null;
  after: { verdict: Verdict; summary: string } | null;
}

/** "Re-verify": what changed between two runs, check by check. */
export interface CheckRunComparison {
  previous: CheckRunSummary;
  current: CheckRunSummary;
  /** Every check of either run, in catalogue order. */
  changes: CheckChange[];
  counts: Record<CheckChangeKind, number>;
}

export interface RemediationFilePreview {
  /** Path on the controller. */
  target: string;
  /** Path inside the export folder (files/…). */
  path: string;
  mode: string;
  merge: 'replace' | 'set-keys';
  /** What the file would contain after the script ran (for set-keys: the existing file with the keys replaced). */
  content: string;
  /** new: not on the controller; unknown: could not be read (not connected, not readable). */
  state: 'new' | 'changed' | 'unchanged' | 'unknown';
  /** Unified diff against the controller's current file ('' when unchanged or unknown). */
  diff: string;
}

export interface RemediationExportView {
  runId: string;
  /** Where the script and files were written on the laptop. */
  folder: string;
  script: string;
  files: RemediationFilePreview[];
  /** The changes as one unified diff (also written as changes.diff). */
  diff: string;
  /** Why the current files are unknown, when they are (e.g. the controller is not connected). */
  currentFilesNote?: string;
  addressed: Array<{ id: string; verdict: string; summary: string }>;
  /** Checks whose remedy is for a person (kernel packages, BIOS, diagnostics), listed in the script's header. */
  manual: Array<{ id: string; summary: string; steps: string[] }>;
  reboot: boolean;
  /** Nothing was changed on the controller. */
  applied: false;
}

export function countVerdicts(results: readonly Pick<CheckResult, 'verdict'>[]): VerdictCounts {
  const counts: VerdictCounts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const result of results) counts[result.verdict]++;
  return counts;
}

/** The one-word verdict of a run for history lists (ResultsStore summary verdict). */
export function runVerdict(counts: VerdictCounts): 'pass' | 'warn' | 'fail' | 'error' {
  if (counts.fail > 0) return 'fail';
  if (counts.error > 0) return 'error';
  if (counts.warn > 0) return 'warn';
  return 'pass';
}
