import { useTranslation } from 'react-i18next';

import type { DriftReport } from '../../../../shared/model/report';
import { Button } from '../../components/Button';
import { StatusChip } from '../../components/StatusChip';

const namedKeys = new Set(['hostname', 'machineId', 'dmiVendor', 'dmiProduct', 'dmiSerial', 'cpuModel', 'kernel', 'os', 'hostKeyFingerprint', 'maxUs', 'p999Us', 'avgUs', 'verdict', 'test']);

/** What changed between two visits, section by section (kernel command line, sysctls, verdicts, units, images…). */
export function DriftView({ drift, onClose }: { drift: DriftReport; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="card reports-drift" aria-labelledby="reports-drift-title" data-testid="reports-drift">
      <header className="reports-card-header">
        <h2 className="section-title" id="reports-drift-title">
          {t('reports.drift.title', { before: drift.before.visit, after: drift.after.visit })}
        </h2>
        <Button size="small" variant="ghost" onClick={onClose}>
          {t('reports.close')}
        </Button>
      </header>
      <p data-testid="reports-drift-count">{drift.changed === 0 ? t('reports.drift.none') : t('reports.drift.changed', { count: drift.changed })}</p>
      {drift.sections.map((section) => (
        <div key={section.section} className="reports-drift-section" data-section={section.section} data-changes={section.changes.length}>
          <h3>
            {t(`reports.drift.sections.${section.section}`)}{' '}
            {!section.comparable ? (
              <StatusChip tone="skip">{t('reports.drift.notComparable')}</StatusChip>
            ) : section.changes.length === 0 ? (
              <StatusChip tone="pass">{t('reports.drift.same')}</StatusChip>
            ) : (
              <StatusChip tone="warn">{t('reports.drift.changes', { count: section.changes.length })}</StatusChip>
            )}
          </h3>
          {section.changes.length > 0 ? (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{t('reports.drift.key')}</th>
                  <th scope="col">{t('reports.drift.before', { visit: drift.before.visit })}</th>
                  <th scope="col">{t('reports.drift.after', { visit: drift.after.visit })}</th>
                  <th scope="col">{t('reports.drift.kind')}</th>
                </tr>
              </thead>
              <tbody>
                {section.changes.map((change) => (
                  <tr key={change.key}>
                    <td className="mono nowrap">{namedKeys.has(change.key) ? t(`reports.drift.keys.${change.key}` as 'reports.drift.keys.hostname') : change.key}</td>
                    <td className="mono reports-drift-value">{change.before ?? '—'}</td>
                    <td className="mono reports-drift-value">{change.after ?? '—'}</td>
                    <td>{t(`reports.drift.kinds.${change.kind}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ))}
    </section>
  );
}
