import { useTranslation } from 'react-i18next';

import type { DeploymentRecord } from '../../../../shared/model/deploy';
import { useApi } from '../../api/api-context';
import { useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { resultTone, shortDigest } from './deploy-format';

function details(r: DeploymentRecord): string {
  if (r.webapi) return `${r.webapi.image} ${shortDigest(r.webapi.imageDigest)}${r.webapi.probe ? ` · p99 ${r.webapi.probe.p99Ms.toFixed(2)} ms` : ''}`;
  if (r.services) return r.services.artifacts.map((a) => `${a.name} ${a.sha256.slice(0, 12)}…`).join(', ') || r.services.units.join(', ');
  return '';
}

/** Deployments made from this laptop to this controller, newest first (kept under <dataDir>/deployments). */
export function HistoryPanel({ controllerId, generation }: { controllerId: string; generation: number }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const history = useRequest(() => api.deploy.history(controllerId), [api, controllerId, generation]);
  return (
    <section className="deploy-panel" data-testid="deploy-history">
      <div className="deploy-section-head">
        <h2 className="section-title">{t('deploy.history.title')}</h2>
        <Button size="small" variant="ghost" onClick={history.reload} busy={history.loading}>
          {t('deploy.refresh')}
        </Button>
      </div>
      {history.error ? <ErrorPanel error={history.error} onRetry={history.reload} /> : null}
      {history.data && history.data.length === 0 ? <p className="muted">{t('deploy.history.empty')}</p> : null}
      {history.data && history.data.length > 0 ? (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('deploy.history.when')}</th>
              <th>{t('deploy.history.what')}</th>
              <th>{t('deploy.history.result')}</th>
              <th>{t('deploy.history.details')}</th>
              <th>{t('deploy.history.by')}</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((r) => (
              <tr key={r.id + r.startedAt}>
                <td className="nowrap">{formatDateTime(r.startedAt, i18n.language)}</td>
                <td>{t(`deploy.history.kind.${r.kind}`)}</td>
                <td>
                  <StatusChip tone={resultTone(r.result)}>{t(`deploy.result.${r.result}`)}</StatusChip>
                </td>
                <td>
                  <span className="mono small">{details(r)}</span>
                  {r.reason ? <div className="small muted">{r.reason}</div> : null}
                </td>
                <td className="small">{r.by}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
