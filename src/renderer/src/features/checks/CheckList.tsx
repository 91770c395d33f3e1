import { useTranslation } from 'react-i18next';

import type { CheckGroup, CheckResult, Verdict } from '../../../../shared/checks/model';
import { checkTitle } from '../../../../shared/checks/check-text';
import { checkGroups } from '../../../../shared/checks/model';
import type { CheckInfo } from '../../../../shared/model/checks';
import { StatusChip } from '../../components/StatusChip';
import { matches, verdictTone } from './checks-format';

export type VerdictFilter = 'all' | 'problems' | Verdict;

export interface CheckRow {
  info: CheckInfo;
  /** undefined: still running (or not part of this run). */
  result: CheckResult | undefined;
  pending: boolean;
  carried: boolean;
}

function visible(row: CheckRow, filter: VerdictFilter, query: string, language: string): boolean {
  // The English title stays searchable in Korean: it is what the checklist and forums use.
  const title = `${checkTitle(row.info.id, language, row.info.title)} ${row.info.title}`;
  if (!matches({ id: row.info.id, title, slug: row.info.slug, summary: row.result?.summary ?? '' }, query)) return false;
  if (filter === 'all') return true;
  if (!row.result) return false;
  if (filter === 'problems') return row.result.verdict === 'fail' || row.result.verdict === 'warn' || row.result.verdict === 'error';
  return row.result.verdict === filter;
}

/** Checks grouped by area; each row: verdict chip, id, title, the one-line summary with the observed values. */
export function CheckList({ rows, selected, onSelect, filter, query }: { rows: CheckRow[]; selected: string | null; onSelect: (id: string) => void; filter: VerdictFilter; query: string }) {
  const { t, i18n } = useTranslation();
  const byGroup = new Map<CheckGroup, CheckRow[]>();
  for (const row of rows) {
    if (!visible(row, filter, query, i18n.language)) continue;
    const list = byGroup.get(row.info.group) ?? [];
    list.push(row);
    byGroup.set(row.info.group, list);
  }
  if (byGroup.size === 0) {
    return (
      <p className="muted" data-testid="checks-no-match">
        {t('checks.noMatch')}
      </p>
    );
  }
  return (
    <div className="checks-list" data-testid="checks-list">
      {checkGroups
        .filter((group) => byGroup.has(group))
        .map((group) => {
          const groupRows = byGroup.get(group) ?? [];
          const problems = groupRows.filter((r) => r.result?.verdict === 'fail' || r.result?.verdict === 'warn').length;
          return (
            <section key={group} className="checks-group" aria-labelledby={`checks-group-${group}`} data-group={group}>
              <h3 className="checks-group-title" id={`checks-group-${group}`}>
                {t(`checks.groups.${group}`)} <span className="checks-group-count">· {problems > 0 ? t('checks.groupProblems', { count: problems }) : t('checks.groupCount', { count: groupRows.length })}</span>
              </h3>
              <ul className="checks-rows">
                {groupRows.map((row) => {
                  const verdict = row.result?.verdict;
                  return (
                    <li key={row.info.id}>
                      <button
                        type="button"
                        className={['checks-row', selected === row.info.id ? 'checks-row-selected' : ''].filter(Boolean).join(' ')}
                        aria-current={selected === row.info.id ? 'true' : undefined}
                        onClick={() => onSelect(row.info.id)}
                        data-testid="check-row"
                        data-check={row.info.id}
                        data-verdict={verdict ?? (row.pending ? 'running' : 'none')}
                      >
                        <span className="checks-row-chip">
                          {verdict ? (
                            <StatusChip tone={verdictTone(verdict)}>{t(`checks.verdict.${verdict}`)}</StatusChip>
                          ) : row.pending ? (
                            <StatusChip tone="busy">{t('checks.verdict.running')}</StatusChip>
                          ) : (
                            <StatusChip tone="skip">{t('checks.verdict.notRun')}</StatusChip>
                          )}
                        </span>
                        <span className="checks-row-id mono">{row.info.id}</span>
                        <span className="checks-row-text">
                          <span className="checks-row-title">
                            {checkTitle(row.info.id, i18n.language, row.info.title)}
                            {row.carried ? <span className="muted small"> · {t('checks.carried')}</span> : null}
                          </span>
                          {row.result ? <span className="checks-row-summary">{row.result.summary}</span> : null}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
    </div>
  );
}
