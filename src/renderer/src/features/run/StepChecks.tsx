import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { useEvent } from '../../api/use-event';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';

/** Run every host check from the run (details, fixes and re-verify live on the Checks screen). */
export function StepChecks({ controllerId, connected }: { controllerId: string; connected: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const [progress, setProgress] = useState<{ runId: string; done: number; total: number } | null>(null);
  const start = useAction(async () => api.checks.run(controllerId, {}));
  useEvent('checks.result', (event) => {
    if (event.controllerId === controllerId) setProgress({ runId: event.runId, done: event.done, total: event.total });
  });
  useEvent('checks.done', (event) => {
    if (event.controllerId === controllerId) setProgress(null);
  });
  return (
    <div className="run-inline">
      <Button variant="primary" onClick={() => void start.run()} disabled={!connected || progress !== null} busy={start.pending} data-testid="run-checks-start">
        {t('run.checks.runAll')}
      </Button>
      {progress ? (
        <div className="run-progress" role="status" data-testid="run-checks-progress">
          <progress max={progress.total} value={progress.done} aria-label={t('run.checks.progressLabel')} />
          <span>{t('run.checks.progress', { done: progress.done, total: progress.total })}</span>
        </div>
      ) : null}
      {start.error ? <ErrorPanel error={start.error} onDismiss={start.clearError} context={{ controllerId, action: 'checks.run' }} /> : null}
    </div>
  );
}
