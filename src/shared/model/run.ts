/**
 * The commissioning run: the seed's acceptance protocol (§6.2) as a persisted sequence of steps — connect, host
 * checks (fix, reboot, re-verify), baseline latency, native services, WebAPI, latency again, comparison (< 5 %
 * max increase), WebAPI acceptance probe (p99 < 10 ms), report. Results come from the ResultsStore; the run only
 * remembers which result satisfied which step, so it survives an app restart and resumes where it was.
 */
import { z } from 'zod';

import { reportFormats, reportLanguages } from './report';

export const runStepIds = ['connect', 'checks', 'baseline', 'services', 'webapi', 'latencyAfter', 'comparison', 'probe', 'report'] as const;
export type RunStepId = (typeof runStepIds)[number];

/** Which screen does the work of a step (the shell's route); null: the run screen itself. */
export const runStepScreens: Readonly<Record<RunStepId, 'controllers' | 'checks' | 'latency' | 'deploy' | 'reports' | null>> = {
  connect: 'controllers',
  checks: 'checks',
  baseline: 'latency',
  services: 'deploy',
  webapi: 'deploy',
  latencyAfter: 'latency',
  comparison: null,
  probe: 'deploy',
  report: 'reports',
};

/**
 * waiting: not reached yet; current: the step to work on now; attention: current, and its latest result does not
 * pass (repeat it, or accept and continue with a recorded deviation); done; skipped (with a recorded reason).
 */
export type RunStepState = 'waiting' | 'current' | 'attention' | 'done' | 'skipped';

/** A result the step was satisfied with (a ResultsStore record, or a deployment id from the Deploy history). */
export interface RunStepResult {
  kind: 'check-run' | 'latency-run' | 'deployment' | 'probe' | 'identity' | 'comparison' | 'report';
  id: string;
  visit?: string;
  at: string;
}

/** Plain facts for the step's one-line summary; the screen words them in the technician's language. */
export interface RunStepFacts {
  verdict: 'pass' | 'warn' | 'fail' | 'info';
  /** e.g. { fail: 2, warn: 3, total: 51 } or { maxUs: 23 } or { increasePct: 3.1, limitPct: 5 }. */
  values: Record<string, string | number | boolean | null>;
}

export interface RunStep {
  id: RunStepId;
  state: RunStepState;
  /** When the step became current (or was repeated): only results from then on count for it. */
  since: string | null;
  completedAt: string | null;
  result: RunStepResult | null;
  facts: RunStepFacts | null;
  /** Accepted although its result does not pass, or skipped: the reason, also recorded as a deviation. */
  note: string | null;
  attempts: number;
}

export interface RunState {
  controllerId: string;
  controllerName: string;
  /** The visit the report is made for (the ResultsStore visit of the run's first day). */
  visit: string;
  startedAt: string;
  updatedAt: string;
  status: 'active' | 'finished';
  current: RunStepId | null;
  steps: RunStep[];
  report: { path: string; format: string; language: string; sha256: string; at: string } | null;
}

export const runStepIdSchema = z.enum(runStepIds);

export const runStartSchema = z
  .object({
    site: z.string().trim().max(200).optional(),
    customer: z.string().trim().max(200).optional(),
    technician: z.string().trim().max(200).optional(),
    /** Start over even when a run for this controller is in progress (the old one is kept as a file). */
    restart: z.boolean().default(false),
  })
  .default({ restart: false });
export type RunStartInput = z.input<typeof runStartSchema>;

export const runNoteSchema = z.string().trim().min(3, 'Say why (a few words are enough)').max(2000);

export const runProbeSchema = z
  .object({
    count: z.number().int().min(1).max(10_000).default(200),
    thresholdMs: z.number().positive().max(10_000).default(10),
  })
  .default({ count: 200, thresholdMs: 10 });

export const runReportSchema = z.object({
  format: z.enum(reportFormats).default('pdf'),
  language: z.enum(reportLanguages).default('en'),
  out: z.string().trim().min(1).max(4096).optional(),
});
export type RunReportInput = z.input<typeof runReportSchema>;
