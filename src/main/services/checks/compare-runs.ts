/** "Re-verify": check-by-check changes between two runs (e.g. before and after the remediation and a reboot). */
import { catalogue } from '../../../shared/checks/catalogue';
import type { CheckResult, Verdict } from '../../../shared/checks/model';
import type { CheckChange, CheckChangeKind, CheckRunComparison, CheckRunSummary } from '../../../shared/model/checks';

/** Only warn and fail are ordered: a skip or an error says nothing about whether the host got better. */
const rank: Partial<Record<Verdict, number>> = { pass: 0, warn: 1, fail: 2 };

export function changeKind(before: Verdict, after: Verdict, sameSummary: boolean): CheckChangeKind {
  if (before === after) return sameSummary ? 'same' : 'changed';
  if (after === 'pass') return 'fixed';
  const from = rank[before];
  const to = rank[after];
  if (before === 'pass' && (after === 'warn' || after === 'fail' || after === 'error')) return 'regressed';
  if (from !== undefined && to !== undefined) return to < from ? 'improved' : 'regressed';
  return 'changed';
}

export function compareResults(previous: readonly CheckResult[], current: readonly CheckResult[]): { changes: CheckChange[]; counts: Record<CheckChangeKind, number> } {
  const before = new Map(previous.map((r) => [r.id, r] as const));
  const after = new Map(current.map((r) => [r.id, r] as const));
  const order = catalogue.map((c) => c.id);
  for (const id of [...before.keys(), ...after.keys()]) if (!order.includes(id)) order.push(id);
  const counts: Record<CheckChangeKind, number> = { fixed: 0, improved: 0, regressed: 0, changed: 0, same: 0, new: 0, gone: 0 };
  const changes: CheckChange[] = [];
  for (const id of order) {
    const a = before.get(id);
    const b = after.get(id);
    const any = b ?? a;
    if (!any) continue;
    const kind: CheckChangeKind = !a ? 'new' : !b ? 'gone' : changeKind(a.verdict, b.verdict, a.summary === b.summary);
    counts[kind]++;
    changes.push({
      id,
      title: any.title,
      group: any.group,
      kind,
      before: a ? { verdict: a.verdict, summary: a.summary } : null,
      after: b ? { verdict: b.verdict, summary: b.summary } : null,
    });
  }
  return { changes, counts };
}

export function compareRuns(previous: { summary: CheckRunSummary; checks: readonly CheckResult[] }, current: { summary: CheckRunSummary; checks: readonly CheckResult[] }): CheckRunComparison {
  return { previous: previous.summary, current: current.summary, ...compareResults(previous.checks, current.checks) };
}
