import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { checkTitle } from '../../../../shared/checks/check-text';
import type { CheckRunComparison } from '../../../../shared/model/checks';
import { Button } from '../../components/Button';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { changeTone, verdictTone } from './checks-format';

/** "Re-verify": what changed since the previous run, fixed and regressed first. */
export function CompareView({ comparison, onSelect, onClose }: { comparison: CheckRunComparison; onSelect: (id: string) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [showSame, setShowSame] = useState(false);
  const weight = { regressed: 0, fixed: 1, improved: 2, changed: 3, new: 4, gone: 5, same: 6 } as const;
  const changes = comparison.changes.filter((c) => showSame || c.kind !== 'same').sort((a, b) => weight[a.kind] - weight[b.kind]);
  const c = comparison.counts;
  return (
    <section className="card checks-compare" data-testid="checks-compare" aria-labelledby="checks-compare-title">
      <header className="checks-detail-head">
        <div>
          <h2 id="checks-compare-title">{t('checks.compare.title', { when: formatDateTime(comparison.previous.startedAt, i18n.language) })}</h2>
          <p className="small" data-testid="checks-compare-counts">
            {t('checks.compare.counts', { fixedCount: c.fixed, improvedCount: c.improved, regressedCount: c.regressed, changedCount: c.changed + c.new + c.gone, sameCount: c.same })}
          </p>
        </div>
        <Button size="small" variant="ghost" onClick={onClose} aria-label={t('checks.detail.close')}>
          ✕
        </Button>
      </header>
      {changes.length === 0 ? <p className="muted">{t('checks.compare.nothing')}</p> : null}
      <table className="table compact">
        <tbody>
          {changes.map((change) => (
            <tr key={change.id} data-testid="compare-row" data-check={change.id} data-kind={change.kind}>
              <td className="nowrap">
                <StatusChip tone={changeTone(change.kind)}>{t(`checks.compare.kind.${change.kind}`)}</StatusChip>
              </td>
              <td>
                <button type="button" className="link-button" onClick={() => onSelect(change.id)}>
                  <span className="mono">{change.id}</span> {checkTitle(change.id, i18n.language, change.title)}
                </button>
                <div className="small muted">{change.after?.summary ?? change.before?.summary}</div>
                {change.before && change.after && change.before.summary !== change.after.summary ? (
                  <div className="small muted">
                    <span className="strong">{t('checks.compare.before')}</span> {change.before.summary}
                  </div>
                ) : null}
              </td>
              <td className="nowrap">
                {change.before ? <StatusChip tone={verdictTone(change.before.verdict)}>{t(`checks.verdict.${change.before.verdict}`)}</StatusChip> : '–'}
                <span aria-hidden="true"> → </span>
                <span className="visually-hidden">{t('checks.compare.to')}</span>
                {change.after ? <StatusChip tone={verdictTone(change.after.verdict)}>{t(`checks.verdict.${change.after.verdict}`)}</StatusChip> : '–'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="checkbox small">
        <input type="checkbox" checked={showSame} onChange={(e) => setShowSame(e.target.checked)} /> {t('checks.compare.showSame', { count: c.same })}
      </label>
    </section>
  );
}
