import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { LatencyRunDetail, LatencyRunView } from '../../../../shared/model/latency';
import { useApi } from '../../api/api-context';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { StatusChip } from '../../components/StatusChip';
import { cpuColor, maxOverTimeData, maxOverTimeOptions, readChartTheme } from './charts';
import { clock, us } from './format';
import { UPlotChart } from './UPlotChart';

/**
 * Seconds shown between two status reads: the server's elapsed time plus the local time since it arrived, so the
 * clock ticks every second even when a read is late (capped at the total; frozen while the link is lost).
 */
function useTickingElapsed(run: LatencyRunView): number {
  const ticking = run.link === 'attached' && (run.status === 'running' || run.status === 'rtla');
  const [extra, setExtra] = useState({ base: run.elapsedS, seconds: 0 });
  useEffect(() => {
    if (!ticking) return;
    const base = run.elapsedS;
    const since = Date.now();
    const timer = setInterval(() => setExtra({ base, seconds: Math.min(2, (Date.now() - since) / 1000) }), 250);
    return () => clearInterval(timer);
  }, [run.elapsedS, ticking]);
  // Time counted since a different (older) reading does not apply to this one.
  const seconds = ticking && extra.base === run.elapsedS ? extra.seconds : 0;
  return Math.min(run.totalS, run.elapsedS + seconds);
}

export function LivePanel({ run, onChanged }: { run: LatencyRunDetail; onChanged: (view: LatencyRunView) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const cancel = useAction(() => api.latency.cancel(run.controllerId));
  const elapsed = useTickingElapsed(run);
  const remaining = Math.max(0, run.totalS - elapsed);
  const percent = run.totalS > 0 ? Math.min(100, (elapsed * 100) / run.totalS) : 0;
  const names = run.cpus.map((cpu) => (cpu.cpu === null ? `#${cpu.thread}` : t('latency.cpu', { cpu: cpu.cpu })));
  const theme = useMemo(() => readChartTheme(), []);
  const namesKey = names.join('|');
  const timeLabel = t('latency.chart.time');
  const maxLabel = t('latency.chart.maxUs');
  // The options (and so the plot) only change with the CPUs or the language; the data changes every second.
  const options = useMemo(() => maxOverTimeOptions(namesKey.split('|'), { x: timeLabel, y: maxLabel }, theme), [namesKey, timeLabel, maxLabel, theme]);
  const data = useMemo(() => maxOverTimeData(run.series, run.cpus.length), [run.series, run.cpus.length]);

  const doCancel = async () => {
    const view = await cancel.run();
    if (view) {
      setAsking(false);
      onChanged(view);
    }
  };

  const statusTone = run.link === 'lost' ? 'warn' : 'busy';
  return (
    <section className="card latency-live" aria-labelledby="latency-live-title" data-testid="latency-live" data-status={run.status} data-link={run.link}>
      <div className="latency-live-head">
        <h2 className="section-title" id="latency-live-title">
          {t('latency.live.title', { preset: t(`latency.setup.presets.${run.settings.preset}`) })}
        </h2>
        <StatusChip tone={statusTone} testId="latency-live-status">
          {run.link === 'lost' ? t('latency.live.linkLostShort') : t(`latency.live.status.${run.status}`)}
        </StatusChip>
        <div className="latency-live-actions">
          <Button variant="danger" size="small" onClick={() => setAsking(true)} disabled={run.status === 'collecting'} data-testid="latency-cancel">
            {t('latency.live.cancel')}
          </Button>
        </div>
      </div>
      {run.link === 'lost' ? (
        <p className="notice latency-link-lost" role="status">
          {t('latency.live.linkLost')}
        </p>
      ) : null}
      <div className="latency-progress" role="progressbar" aria-valuemin={0} aria-valuemax={Math.round(run.totalS)} aria-valuenow={Math.round(elapsed)} aria-label={t('latency.live.progress')}>
        <div className="latency-progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <div className="latency-clock">
        <span>
          {t('latency.live.elapsed')} <strong className="mono" data-testid="latency-elapsed">{clock(elapsed)}</strong>
        </span>
        <span>
          {t('latency.live.remaining')} <strong className="mono" data-testid="latency-remaining">{clock(remaining)}</strong>
        </span>
        <span className="muted small">{t('latency.live.where', { unit: run.launcher === 'systemd-run' ? run.unit : 'setsid', dir: run.runDir })}</span>
      </div>
      <div className="latency-tiles">
        {run.cpus.length === 0 ? <p className="muted">{t('latency.live.waiting')}</p> : null}
        {run.cpus.map((cpu, index) => (
          <div key={cpu.thread} className="latency-tile" style={{ borderTopColor: cpuColor(index) }} data-testid="latency-tile">
            <div className="latency-tile-cpu">{names[index]}</div>
            <div className="latency-tile-max">
              <span className="latency-tile-value mono" data-testid="latency-tile-max">
                {us(cpu.max)}
              </span>
              <span className="latency-tile-unit">µs {t('latency.live.max')}</span>
            </div>
            <dl className="latency-tile-facts">
              <div>
                <dt>{t('latency.live.avg')}</dt>
                <dd className="mono">{us(cpu.avg)} µs</dd>
              </div>
              <div>
                <dt>{t('latency.live.act')}</dt>
                <dd className="mono">{us(cpu.act)} µs</dd>
              </div>
              <div>
                <dt>{t('latency.live.cycles')}</dt>
                <dd className="mono">{cpu.cycles.toLocaleString()}</dd>
              </div>
            </dl>
          </div>
        ))}
      </div>
      <h3 className="latency-subtitle">{t('latency.live.strip')}</h3>
      <UPlotChart options={options} data={data} height={180} label={t('latency.live.strip')} testId="latency-strip" />
      <Dialog
        open={asking}
        kind="alert"
        title={t('latency.live.cancelTitle')}
        onClose={cancel.pending ? undefined : () => setAsking(false)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setAsking(false)} disabled={cancel.pending}>
              {t('latency.live.keep')}
            </Button>
            <Button variant="danger" busy={cancel.pending} onClick={() => void doCancel()} data-testid="latency-cancel-confirm">
              {t('latency.live.cancelConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('latency.live.cancelText')}</p>
        {cancel.error ? <ErrorPanel error={cancel.error} onDismiss={cancel.clearError} /> : null}
      </Dialog>
    </section>
  );
}
