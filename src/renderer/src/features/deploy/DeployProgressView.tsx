import { useTranslation } from 'react-i18next';

import type { DeploymentRecord } from '../../../../shared/model/deploy';
import { Button } from '../../components/Button';
import { StatusChip } from '../../components/StatusChip';
import { formatClock } from '../../i18n/format';
import { formatBytes, formatEta, formatRate, resultTone, stateTone } from './deploy-format';
import type { ProgressView } from './use-deploy-progress';

/** One line per step with its state as a word and a shape, the live transfer with numbers, and Cancel. */
export function DeployProgressView({ progress, running, onCancel }: { progress: ProgressView; running: boolean; onCancel?: () => void }) {
  const { t, i18n } = useTranslation();
  if (progress.steps.length === 0 && !running) return null;
  const transfer = progress.transfer;
  const fraction = transfer && transfer.progress.total > 0 ? transfer.progress.sent / transfer.progress.total : 0;
  return (
    <section className="card deploy-progress" aria-live="polite" data-testid="deploy-progress">
      <ol className="deploy-steps">
        {progress.steps.map((s) => (
          <li key={s.step} data-step={s.step} data-state={s.state}>
            <StatusChip tone={stateTone(s.state)}>{t(`deploy.state.${s.state}`)}</StatusChip>
            <span className="deploy-step-name">{t(`deploy.steps.${s.step}`)}</span>
            <span className="deploy-step-message">{s.message}</span>
          </li>
        ))}
      </ol>
      {transfer && running ? (
        <div className="deploy-transfer" data-testid="deploy-transfer">
          <progress max={1} value={fraction} aria-label={t(`deploy.steps.${transfer.step}`)} />
          <span className="mono small">
            {Math.floor(fraction * 100)} % ·{' '}
            {t('deploy.transfer', {
              sent: formatBytes(transfer.progress.sent),
              total: formatBytes(transfer.progress.total),
              rate: formatRate(transfer.progress.rate),
              eta: formatEta(transfer.progress.etaS),
            })}
          </span>
        </div>
      ) : null}
      {progress.health.length > 0 ? (
        <p className="small muted">
          {t('deploy.webapi.healthTimeline')}:{' '}
          {progress.health.map((h) => `${formatClock(h.at, i18n.language)} ${h.status}`).join(' → ')}
        </p>
      ) : null}
      {running && onCancel ? (
        <div className="deploy-actions">
          <Button variant="danger" size="small" onClick={onCancel} data-testid="deploy-cancel">
            {t('deploy.cancel')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}

/** The verdict of a finished deployment: word + shape, the reason, the acceptance probe, the last log lines. */
export function DeployResultView({ record }: { record: DeploymentRecord }) {
  const { t } = useTranslation();
  const probe = record.webapi?.probe;
  const tail = record.webapi?.logsTail ?? record.services?.journalTail;
  return (
    <section className={`card deploy-result deploy-result-${record.result}`} data-testid="deploy-result" data-result={record.result}>
      <p>
        <StatusChip tone={resultTone(record.result)}>{t(`deploy.result.${record.result}`)}</StatusChip>{' '}
        {record.webapi ? <span className="mono small">{record.webapi.image}</span> : null}
      </p>
      {record.reason ? (
        <p>
          <strong>{t('deploy.result.why')}</strong> {record.reason}
        </p>
      ) : null}
      {record.services?.rt ? (
        <p className="small">
          {record.services.rt.checks.map((c) => `${t(`deploy.services.checks.${c.name}`)}: ${c.observed}`).join(' · ')}
        </p>
      ) : null}
      {probe ? (
        <p data-testid="deploy-probe">
          {t('deploy.result.probe', { via: t(`deploy.result.via.${probe.via}`), count: probe.count, p50: probe.p50Ms.toFixed(2), p99: probe.p99Ms.toFixed(2) })}{' '}
          <StatusChip tone={probe.pass ? 'pass' : 'fail'}>{probe.pass ? t('deploy.result.probePass', { threshold: probe.thresholdMs }) : t('deploy.result.probeFail', { threshold: probe.thresholdMs })}</StatusChip>
        </p>
      ) : null}
      {tail ? (
        <details>
          <summary>{record.webapi ? t('deploy.result.logs') : t('deploy.result.journal')}</summary>
          <pre className="deploy-pre">{tail}</pre>
        </details>
      ) : null}
    </section>
  );
}
