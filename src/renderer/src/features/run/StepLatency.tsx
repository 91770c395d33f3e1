import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { LatencyRunView } from '../../../../shared/model/latency';
import { useApi } from '../../api/api-context';
import { useEvent } from '../../api/use-event';
import { useAction, useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';

const running = new Set(['starting', 'running', 'rtla', 'collecting']);

/**
 * A latency test from the run, with the safety confirmation the Latency screen also asks for. `baseline` marks the
 * result as the controller's baseline; the measurement after the deployment is compared with it.
 */
export function StepLatency({ controllerId, connected, baseline, rtUnit }: { controllerId: string; connected: boolean; baseline: boolean; rtUnit: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const [duration, setDuration] = useState('60');
  const [load, setLoad] = useState(false);
  const [stopRt, setStopRt] = useState(false);
  const [safe, setSafe] = useState(false);
  const status = useRequest(() => (connected ? api.latency.status(controllerId) : Promise.resolve(null)), [api, controllerId, connected]);
  const [view, setView] = useState<LatencyRunView | null>(null);
  const [live, setLive] = useState<{ elapsedS: number; totalS: number; maxUs: number } | null>(null);
  const current = view ?? status.data ?? null;
  const active = current !== null && running.has(current.status);
  const seconds = Number(duration);
  const validDuration = Number.isInteger(seconds) && seconds >= 1 && seconds <= 7 * 86_400;

  useEvent('latency.run', (next) => {
    if (next.controllerId === controllerId) setView(next);
  });
  useEvent('latency.progress', (event) => {
    if (event.controllerId === controllerId) setLive({ elapsedS: event.elapsedS, totalS: event.totalS, maxUs: Math.max(0, ...event.cpus.map((c) => c.max)) });
  });

  const start = useAction(async () => {
    const started = await api.latency.start({
      controllerId,
      preset: 'custom',
      durationS: seconds,
      load,
      safeStateConfirmed: true,
      stopRtService: stopRt,
      baseline: baseline ? 'none' : 'marked',
      markAsBaseline: baseline,
    });
    setView(started);
    setLive(null);
    return started;
  });

  return (
    <div className="run-inline" data-testid="run-latency">
      {active ? (
        <div className="run-progress" role="status" data-testid="run-latency-progress">
          <progress max={live?.totalS ?? current.totalS} value={live?.elapsedS ?? current.elapsedS} aria-label={t('run.latency.progressLabel')} />
          <span>{t('run.latency.progress', { elapsed: Math.round(live?.elapsedS ?? current.elapsedS), total: Math.round(live?.totalS ?? current.totalS), max: live?.maxUs ?? '–' })}</span>
          <Button variant="danger" size="small" onClick={() => void api.latency.cancel(controllerId)}>
            {t('run.latency.cancel')}
          </Button>
        </div>
      ) : (
        <form
          className="run-latency-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (safe && validDuration) void start.run();
          }}
        >
          <div className="field-row">
            <Field label={t('run.latency.duration')} hint={t('run.latency.durationHint')} error={validDuration ? undefined : t('run.latency.durationInvalid')}>
              {(control) => <input {...control} inputMode="numeric" value={duration} onChange={(e) => setDuration(e.target.value.trim())} data-testid="run-latency-duration" />}
            </Field>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={load} onChange={(e) => setLoad(e.target.checked)} /> {t('run.latency.load')}
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={stopRt} onChange={(e) => setStopRt(e.target.checked)} data-testid="run-latency-stop-rt" /> {t('run.latency.stopRt', { unit: rtUnit })}
          </label>
          <label className="checkbox run-safety">
            <input type="checkbox" checked={safe} onChange={(e) => setSafe(e.target.checked)} data-testid="run-latency-safe" /> <strong>{t('run.latency.safe')}</strong>
          </label>
          <Button type="submit" variant="primary" disabled={!connected || !safe || !validDuration} busy={start.pending} data-testid="run-latency-start">
            {baseline ? t('run.latency.startBaseline') : t('run.latency.startAfter')}
          </Button>
        </form>
      )}
      {start.error ? <ErrorPanel error={start.error} onDismiss={start.clearError} context={{ controllerId, action: 'latency.start' }} /> : null}
    </div>
  );
}
