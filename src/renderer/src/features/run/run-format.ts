import type { TFunction } from 'i18next';

import type { RunStep, RunStepState } from '../../../../shared/model/run';
import type { ChipTone } from '../../components/StatusChip';

/** How a step reads: a done step that was accepted although it did not pass is shown as such. */
export type StepLook = RunStepState | 'accepted';

export function stepLook(step: RunStep): StepLook {
  return step.state === 'done' && step.note ? 'accepted' : step.state;
}

export const stepTone: Readonly<Record<StepLook, ChipTone>> = {
  waiting: 'skip',
  current: 'info',
  accepted: 'warn',
  attention: 'warn',
  done: 'pass',
  skipped: 'skip',
};

/** Shapes for the stepper (colour is never the only signal). */
export const stepSymbol: Readonly<Record<StepLook, string>> = {
  accepted: '!',
  waiting: '○',
  current: '●',
  attention: '!',
  done: '✓',
  skipped: '–',
};

const num = (value: unknown, digits = 1): string => (typeof value === 'number' ? String(Math.round(value * 10 ** digits) / 10 ** digits) : '–');

const deployResults = ['deployed', 'rolled-back', 'failed', 'cancelled', 'restored'] as const;

function deployResult(value: unknown, t: TFunction): string {
  const known = deployResults.find((r) => r === value);
  return known ? t(`run.deployResult.${known}`) : typeof value === 'string' ? value : '?';
}

/** One line of what the step's result was, in the technician's language. */
export function stepSummary(step: RunStep, t: TFunction): string {
  const v = step.facts?.values ?? {};
  if (step.state === 'skipped') return t('run.summary.skipped', { note: step.note ?? '' });
  if (!step.facts) return step.state === 'waiting' ? '' : t('run.summary.waitingForResult');
  switch (step.id) {
    case 'connect':
      return t('run.summary.connect', { host: String(v.hostname ?? '?'), fingerprint: String(v.fingerprint ?? '?') });
    case 'checks':
      return t('run.summary.checks', { total: Number(v.total ?? 0), fail: Number(v.fail ?? 0), warn: Number(v.warn ?? 0), pass: Number(v.pass ?? 0) });
    case 'baseline':
    case 'latencyAfter':
      return t('run.summary.latency', { max: num(v.maxUs), seconds: num(v.durationS, 0), verdict: t(`run.verdict.${step.facts.verdict}`) });
    case 'services':
      return t('run.summary.services', { result: deployResult(v.result, t), units: Number(v.units ?? 0) });
    case 'webapi':
      return t('run.summary.webapi', { result: deployResult(v.result, t), image: String(v.image ?? '?') });
    case 'comparison':
      return t('run.summary.comparison', { before: num(v.baselineMaxUs), after: num(v.maxUs), pct: num(v.increasePct, 2), limit: num(v.limitPct) });
    case 'probe':
      return t('run.summary.probe', { p99: num(v.p99Ms, 2), limit: num(v.thresholdMs), count: Number(v.count ?? 0) });
    case 'report':
      return t('run.summary.report', { format: String(v.format ?? '').toUpperCase(), path: String(v.path ?? '') });
  }
}
