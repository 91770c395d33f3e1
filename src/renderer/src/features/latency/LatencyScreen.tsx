import './latency.css';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { useRequest } from '../../api/use-request';
import type { LatencyResultRef } from '../../../../shared/model/latency';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ConnectionChip } from '../controllers/ConnectionChip';
import { useControllers } from '../controllers/controllers-store';
import { HistoryList } from './HistoryList';
import { LivePanel } from './LivePanel';
import { ResultPanel } from './ResultPanel';
import { SetupPanel } from './SetupPanel';
import { useLatencyRun } from './use-latency-run';

const liveStatuses = new Set(['starting', 'running', 'rtla', 'collecting']);

export interface LatencyScreenProps {
  /** Where "Go to Controllers" leads (the shell's navigation). */
  onGoToControllers?: () => void;
}

/**
 * Latency (ux.md): setup with the safety confirmation, the live view of a running test (per-CPU maxima that only
 * grow, elapsed/remaining, max over time), and results (percentiles, OSADL-style histogram, verdict, baseline).
 */
export function LatencyScreen({ onGoToControllers }: LatencyScreenProps) {
  const { t } = useTranslation();
  const api = useApi();
  const { active, activeState } = useControllers();
  const controllerId = active?.id ?? null;
  const connected = activeState?.status === 'connected';
  const latency = useLatencyRun(controllerId);
  const run = latency.run;
  const [historyGeneration, setHistoryGeneration] = useState(0);
  // A run that just ended shows its result and refreshes the history.
  const finishedRef = run?.result ?? null;
  const finishedId = finishedRef?.id ?? null;
  const history = useRequest(() => (controllerId ? api.latency.history(controllerId) : Promise.resolve([])), [api, controllerId, historyGeneration, finishedId]);
  // A pick from the history holds until another run ends or another controller is chosen.
  const [picked, setPicked] = useState<{ ref: LatencyResultRef; controllerId: string | null; after: string | null } | null>(null);
  const newest = history.data?.at(-1)?.ref ?? null;
  const shown = picked && picked.controllerId === controllerId && picked.after === finishedId ? picked.ref : (finishedRef ?? newest);
  const select = (ref: LatencyResultRef): void => setPicked({ ref, controllerId, after: finishedId });

  const isLive = run !== null && liveStatuses.has(run.status) && run.result === undefined;

  return (
    <div className="page latency-page" data-testid="screen-latency">
      <header className="page-header">
        <div>
          <h1>{t('latency.title')}</h1>
          <p className="muted">{t('latency.summary')}</p>
        </div>
        {active ? (
          <div className="latency-controller">
            <span className="strong">{active.name}</span> <ConnectionChip state={activeState} />
          </div>
        ) : null}
      </header>

      {!active ? (
        <div className="requirement">
          <p>{t('latency.needsController')}</p>
          {onGoToControllers ? (
            <Button variant="primary" onClick={onGoToControllers}>
              {t('latency.goToControllers')}
            </Button>
          ) : null}
        </div>
      ) : (
        <>
          {!connected && !isLive ? (
            <div className="requirement">
              <p>{t('latency.needsConnection', { name: active.name })}</p>
              {onGoToControllers ? (
                <Button variant="primary" onClick={onGoToControllers}>
                  {t('latency.goToControllers')}
                </Button>
              ) : null}
            </div>
          ) : null}
          {latency.error ? <ErrorPanel error={latency.error} onRetry={latency.reload} /> : null}
          {isLive ? (
            <LivePanel run={run} onChanged={latency.apply} />
          ) : (
            <SetupPanel controller={active} connected={connected} onStarted={latency.apply} />
          )}
          {shown ? <ResultPanel key={`${shown.visit}/${shown.id}`} resultRef={shown} onBaselineChanged={() => setHistoryGeneration((g) => g + 1)} /> : null}
          <section className="latency-history-section" aria-labelledby="latency-history-title">
            <h2 className="section-title" id="latency-history-title">
              {t('latency.history.title')}
            </h2>
            {history.error ? <ErrorPanel error={history.error} onRetry={history.reload} /> : <HistoryList items={history.data ?? []} selected={shown} onSelect={select} />}
          </section>
        </>
      )}
    </div>
  );
}
