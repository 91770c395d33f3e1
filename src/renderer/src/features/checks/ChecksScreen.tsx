import './checks.css';

import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Verdict } from '../../../../shared/checks/model';
import type { RemediationExportView } from '../../../../shared/model/checks';
import type { Screen } from '../../app/screens';
import { useApi } from '../../api/api-context';
import { useAction, useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { ScreenHeader } from '../controllers/ScreenHeader';
import { useControllers } from '../controllers/controllers-store';
import { CheckDetail } from './CheckDetail';
import type { CheckRow, VerdictFilter } from './CheckList';
import { CheckList } from './CheckList';
import { verdictTone } from './checks-format';
import { CompareView } from './CompareView';
import { ExportDialog } from './ExportDialog';
import { ImportBundleDialog } from './ImportBundleDialog';
import { useChecks } from './use-checks';

const filters: readonly VerdictFilter[] = ['all', 'problems', 'fail', 'warn', 'error', 'pass', 'skip'];
const countOrder: readonly Verdict[] = ['fail', 'warn', 'error', 'skip', 'pass'];

function useElapsed(since: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since ? Math.max(0, Math.round((now - Date.parse(since)) / 1000)) : 0;
}

/**
 * The Checks screen: is the active controller set up for a 100 µs loop? Run all (results stream in, grouped by
 * area), open a check for why/evidence/remedy, re-run one, export the remediation for review, re-verify after a
 * reboot, import an evidence bundle collected offline, look back at earlier runs.
 */
export function ChecksScreen({ onGo }: { onGo: (screen: Screen) => void }) {
  const { active } = useControllers();
  // Everything on the screen belongs to one controller: another one starts from a clean state.
  return <ChecksView key={active?.id ?? 'none'} onGo={onGo} />;
}

function ChecksView({ onGo }: { onGo: (screen: Screen) => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { active, activeState } = useControllers();
  const connected = activeState?.status === 'connected';
  const catalogue = useRequest(() => api.checks.catalogue(), [api]);
  const checks = useChecks(active?.id ?? null);
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState<VerdictFilter>('all');
  const [query, setQuery] = useState('');
  const [importing, setImporting] = useState(false);
  const [exported, setExported] = useState<RemediationExportView | null>(null);
  const exporting = useAction(async (runId: string) => api.checks.exportRemediation(runId));
  const view = checks.view;
  const elapsed = useElapsed(checks.running && view ? view.startedAt : null);

  const rows = useMemo<CheckRow[]>(() => {
    const infos = catalogue.data ?? [];
    const results = new Map((view?.checks ?? []).map((r) => [r.id, r] as const));
    const planned = new Set(view?.planned ?? []);
    const carried = new Set(view?.carried ?? []);
    const inRun = view ? infos.filter((i) => planned.has(i.id) || results.has(i.id)) : infos;
    return inRun.map((info) => ({ info, result: results.get(info.id), pending: checks.running && planned.has(info.id) && !results.has(info.id), carried: carried.has(info.id) }));
  }, [catalogue.data, view, checks.running]);

  const selectedRow = rows.find((r) => r.info.id === selected) ?? null;
  const counts = view?.counts;
  const canRun = connected && !checks.running && !checks.starting;
  const problems = counts ? counts.fail + counts.warn : 0;

  const doExport = async () => {
    if (!view) return;
    const result = await exporting.run(view.runId);
    if (result) setExported(result);
  };

  return (
    <div className="page checks-page" data-testid="screen-checks">
      <ScreenHeader title={t('checks.title')} subtitle={t('checks.subtitle')} />

      {!active || !connected ? (
        <div className="requirement checks-requirement" data-testid="checks-needs-connection">
          <p>
            <strong>{t('checks.needsConnection')}</strong> {active ? t('checks.offlineStill') : t('checks.noActive')}
          </p>
          <Button variant="primary" size="small" onClick={() => onGo('controllers')}>
            {t('checks.goToControllers')}
          </Button>
        </div>
      ) : null}

      <div className="checks-toolbar" role="toolbar" aria-label={t('checks.actions')}>
        <Button variant="primary" onClick={checks.runAll} disabled={!canRun} busy={checks.starting} data-testid="checks-run-all">
          {t('checks.runAll', { count: catalogue.data?.length ?? 0 })}
        </Button>
        <Button onClick={checks.reverify} disabled={!canRun || !view} data-testid="checks-reverify" title={t('checks.reverifyHint')}>
          {t('checks.reverify')}
        </Button>
        <Button onClick={() => void doExport()} disabled={!view || checks.running || problems === 0} busy={exporting.pending} data-testid="checks-export">
          {t('checks.export.button')}
        </Button>
        <Button onClick={() => setImporting(true)} data-testid="checks-import">
          {t('checks.import.button')}
        </Button>
        {checks.running ? (
          <Button variant="danger" onClick={checks.cancel} data-testid="checks-cancel">
            {t('checks.cancel')}
          </Button>
        ) : null}
      </div>

      {checks.running && checks.progress ? (
        <div className="checks-progress" role="status" data-testid="checks-progress">
          <progress max={checks.progress.total} value={checks.progress.done} aria-label={t('checks.progressLabel')} />
          <span>{t('checks.progress', { done: checks.progress.done, total: checks.progress.total, seconds: elapsed })}</span>
        </div>
      ) : null}

      {checks.error ? <ErrorPanel error={checks.error} onDismiss={checks.clearError} context={{ controller: active?.id, action: 'checks' }} /> : null}
      {exporting.error ? <ErrorPanel error={exporting.error} onDismiss={exporting.clearError} context={{ runId: view?.runId, action: 'checks.exportRemediation' }} /> : null}
      {catalogue.error ? <ErrorPanel error={catalogue.error} onRetry={catalogue.reload} /> : null}

      {view ? (
        <div className="checks-runbar" data-testid="checks-run-info" data-run={view.runId} data-status={view.status}>
          <div className="checks-counts" aria-label={t('checks.countsLabel')}>
            {counts
              ? countOrder
                  .filter((v) => counts[v] > 0)
                  .map((v) => (
                    <StatusChip key={v} tone={verdictTone(v)} testId={`checks-count-${v}`}>
                      {counts[v]} {t(`checks.verdict.${v}`)}
                    </StatusChip>
                  ))
              : null}
          </div>
          <label className="checks-history">
            <span className="small muted">{t('checks.history')}</span>
            <select value={view.runId} onChange={(e) => checks.show(e.target.value)} data-testid="checks-history">
              {checks.runs.some((r) => r.runId === view.runId) ? null : <option value={view.runId}>{formatDateTime(view.startedAt, i18n.language)}</option>}
              {checks.runs.map((r) => (
                <option key={r.runId} value={r.runId}>
                  {formatDateTime(r.startedAt, i18n.language)} · {t(`checks.source.${r.source}`)} · {t(`checks.status.${r.status}`)} · {r.counts.fail} ✕ {r.counts.warn} ! {r.counts.pass} ✓
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
      {view && view.source === 'bundle' ? (
        <p className="notice small" data-testid="checks-bundle-note">
          {t('checks.fromBundle', { file: view.bundleFile ?? '', host: view.facts.hostname ?? '?' })}
          {view.warnings.length > 0 ? ` ${view.warnings.join('; ')}` : ''}
        </p>
      ) : null}
      {view?.error && view.status !== 'running' ? <p className="notice small">{view.error.message}</p> : null}

      {checks.comparison ? <CompareView comparison={checks.comparison} onSelect={setSelected} onClose={checks.clearComparison} /> : null}

      {!view && !checks.loading ? (
        <div className="card checks-empty" data-testid="checks-empty">
          <h2 className="section-title">{t('checks.emptyTitle')}</h2>
          <p>{t('checks.emptyBody')}</p>
        </div>
      ) : null}

      {view ? (
        <>
          <div className="checks-filters">
            <div className="checks-filter-buttons" role="group" aria-label={t('checks.filterLabel')}>
              {filters.map((f) => (
                <button key={f} type="button" className={filter === f ? 'checks-filter checks-filter-on' : 'checks-filter'} aria-pressed={filter === f} onClick={() => setFilter(f)} data-testid={`checks-filter-${f}`}>
                  {t(`checks.filter.${f}`)}
                </button>
              ))}
            </div>
            <input type="search" className="checks-search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('checks.search')} aria-label={t('checks.search')} data-testid="checks-search" />
          </div>
          <div className={selectedRow ? 'checks-body checks-body-split' : 'checks-body'}>
            <CheckList rows={rows} selected={selected} onSelect={setSelected} filter={filter} query={query} />
            {selectedRow ? (
              <CheckDetail
                info={selectedRow.info}
                result={selectedRow.result}
                pending={selectedRow.pending}
                canRerun={canRun}
                onRerun={() => checks.rerun(selectedRow.info.id)}
                onClose={() => setSelected(null)}
              />
            ) : null}
          </div>
        </>
      ) : null}

      {importing ? (
        <ImportBundleDialog
          controllerId={active?.id ?? null}
          controllerName={active?.name ?? null}
          onClose={() => setImporting(false)}
          onImported={(record) => {
            setImporting(false);
            checks.adopt(record);
          }}
        />
      ) : null}
      {exported ? <ExportDialog exported={exported} onClose={() => setExported(null)} /> : null}
    </div>
  );
}
