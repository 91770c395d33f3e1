import './reports.css';

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { DriftReport, ReportExport } from '../../../../shared/model/report';
import { resultKinds } from '../../../../shared/model/results';
import { useApi } from '../../api/api-context';
import { useEvent } from '../../api/use-event';
import { useAction, useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { useControllers } from '../controllers/controllers-store';
import { DriftView } from './DriftView';
import { formatSpan, verdictTone } from './reports-format';
import { VerifyCard } from './VerifyCard';
import { VisitDetailPanel } from './VisitDetailPanel';

/**
 * Reports: every controller's visits from what this laptop stored (no connection needed), a visit's report in
 * PDF, HTML or JSON and English or Korean, the drift audit between two visits, and verifying a report file.
 */
export function ReportsScreen() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { active } = useControllers();
  const controllers = useRequest(() => api.history.controllers(), [api]);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const [lastExport, setLastExport] = useState<ReportExport | null>(null);
  const key = chosen ?? controllers.data?.find((c) => c.key === active?.id)?.key ?? controllers.data?.[0]?.key ?? null;
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (controllers.data ?? []).filter((c) => !q || c.name.toLowerCase().includes(q) || c.key.toLowerCase().includes(q));
  }, [controllers.data, query]);
  const current = controllers.data?.find((c) => c.key === key) ?? null;
  useEvent('run.state', () => controllers.reload());

  return (
    <div className="page reports-page" data-testid="screen-reports">
      <header className="page-header">
        <div>
          <h1>{t('reports.title')}</h1>
          <p className="muted">{t('reports.subtitle')}</p>
        </div>
      </header>
      {controllers.error ? <ErrorPanel error={controllers.error} onRetry={controllers.reload} /> : null}
      {controllers.data && controllers.data.length === 0 ? (
        <div className="card" data-testid="reports-empty">
          <h2 className="section-title">{t('reports.empty.title')}</h2>
          <p>{t('reports.empty.body')}</p>
        </div>
      ) : null}

      {controllers.data && controllers.data.length > 0 ? (
        <div className="reports-body">
          <aside className="reports-controllers" aria-label={t('reports.controllers')}>
            <input type="search" className="reports-search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('reports.search')} aria-label={t('reports.search')} data-testid="reports-search" />
            <ul data-testid="reports-controllers">
              {shown.map((c) => (
                <li key={c.key}>
                  <button type="button" className={c.key === key ? 'reports-controller reports-controller-on' : 'reports-controller'} aria-pressed={c.key === key} onClick={() => setChosen(c.key)} data-controller={c.name}>
                    <span className="strong">{c.name}</span>
                    {c.isProfile ? null : <span className="small muted">{t('reports.fromCli')}</span>}
                    <span className="small muted">
                      {t('reports.visitsCount', { count: c.visits })}
                      {c.lastAt ? ` · ${formatDateTime(c.lastAt, i18n.language)}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </aside>

          {current ? <ControllerVisits key={current.key} controllerKey={current.key} name={current.name} onExported={setLastExport} /> : null}
        </div>
      ) : null}
      <VerifyCard key={lastExport?.path ?? ''} {...(lastExport && lastExport.format !== 'pdf' ? { initialPath: lastExport.path } : {})} />
    </div>
  );
}

/** One controller's visits: pick one to see and export, tick two to compare. Remounted per controller. */
function ControllerVisits({ controllerKey, name, onExported }: { controllerKey: string; name: string; onExported: (made: ReportExport) => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const visits = useRequest(() => api.history.visits(controllerKey), [api, controllerKey]);
  const [visit, setVisit] = useState<string | null>(null);
  const [compare, setCompare] = useState<string[]>([]);
  const [drift, setDrift] = useState<DriftReport | null>(null);
  const selectedVisit = visit ?? visits.data?.at(-1)?.visit ?? null;
  useEvent('run.state', (run) => {
    if (run.controllerId === controllerKey) visits.reload();
  });

  const comparing = useAction(async () => {
    const [a, b] = [...compare].sort();
    if (!a || !b) return null;
    const result = await api.history.drift(controllerKey, a, b);
    setDrift(result);
    return result;
  });

  return (
    <div className="reports-main">
      <section className="card" aria-labelledby="reports-visits-title" data-testid="reports-visits">
        <header className="reports-card-header">
          <h2 className="section-title" id="reports-visits-title">
            {t('reports.visitsOf', { name })}
          </h2>
          <Button size="small" onClick={() => void comparing.run()} disabled={compare.length !== 2} busy={comparing.pending} data-testid="reports-compare" title={t('reports.compareHint')}>
            {t('reports.compare', { count: compare.length })}
          </Button>
        </header>
        {visits.error ? <ErrorPanel error={visits.error} onRetry={visits.reload} /> : null}
        <table className="table compact reports-visits">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">{t('reports.compareColumn')}</span>
              </th>
              <th scope="col">{t('reports.visit.visit')}</th>
              <th scope="col">{t('reports.visit.when')}</th>
              <th scope="col">{t('reports.visit.recorded')}</th>
            </tr>
          </thead>
          <tbody>
            {[...(visits.data ?? [])].reverse().map((v) => (
              <tr key={v.visit} className={v.visit === selectedVisit ? 'row-active' : undefined} data-visit={v.visit}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('reports.compareThis', { visit: v.visit })}
                    checked={compare.includes(v.visit)}
                    disabled={!compare.includes(v.visit) && compare.length >= 2}
                    onChange={(e) => setCompare(e.target.checked ? [...compare, v.visit] : compare.filter((x) => x !== v.visit))}
                    data-testid={`reports-compare-${v.visit}`}
                  />
                </td>
                <td>
                  <button type="button" className="link-button nowrap" onClick={() => setVisit(v.visit)} data-testid={`reports-open-${v.visit}`}>
                    {v.visit}
                  </button>
                </td>
                <td className="nowrap small">{formatSpan(v.firstAt, v.lastAt, i18n.language)}</td>
                <td className="reports-kinds">
                  {resultKinds
                    .filter((kind) => (v.counts[kind] ?? 0) > 0)
                    .map((kind) => (
                      <StatusChip key={kind} tone={verdictTone(v.verdicts[kind])}>
                        {t(`reports.kindCount.${kind}`, { count: v.counts[kind] ?? 0 })}
                      </StatusChip>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {comparing.error ? <ErrorPanel error={comparing.error} onDismiss={comparing.clearError} /> : null}
      </section>
      {drift ? <DriftView drift={drift} onClose={() => setDrift(null)} /> : null}
      {selectedVisit ? <VisitDetailPanel controller={controllerKey} visit={selectedVisit} onExported={onExported} /> : null}
    </div>
  );
}
