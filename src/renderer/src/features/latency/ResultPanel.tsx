import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { AppError } from '../../../../shared/errors';
import type { CpuLatency } from '../../../../shared/latency';
import type { LatencyResultRef, LatencyRunRecord } from '../../../../shared/model/latency';
import type { StoredResult } from '../../../../shared/model/results';
import { useApi } from '../../api/api-context';
import { useAction, useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { ErrorPanel } from '../../components/ErrorPanel';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { histogramChart, maxOverTimeData, maxOverTimeOptions, readChartTheme, type HistogramInput } from './charts';
import { clock, us, verdictTone } from './format';
import { UPlotChart } from './UPlotChart';

function PercentileTable({ record }: { record: LatencyRunRecord }) {
  const { t } = useTranslation();
  const result = record.result;
  if (!result) return null;
  const factor = result.unit === 'ns' ? 1 / 1000 : 1;
  const v = (value: number | null): string => (value === null ? '–' : us(Math.round(value * factor * 100) / 100));
  // A percentile among the samples beyond the histogram is only known to be at most the maximum.
  const bound = (cpu: CpuLatency, key: 'p99' | 'p999'): ReactNode =>
    (cpu.overflowedPercentiles ?? []).includes(key) ? <span title={t('latency.result.overflowedHint')}>≤ </span> : null;
  return (
    <table className="table compact latency-table" data-testid="latency-percentiles">
      <caption className="latency-caption">{t('latency.result.tableCaption')}</caption>
      <thead>
        <tr>
          {(['cpu', 'samples', 'min', 'avg', 'max', 'p99', 'p999', 'p9999', 'overflows'] as const).map((key) => (
            <th key={key} scope="col" className={key === 'cpu' ? '' : 'num'}>
              {t(`latency.result.table.${key}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.cpus.map((cpu) => (
          <tr key={cpu.thread}>
            <th scope="row">{cpu.cpu === null ? `#${cpu.thread}` : t('latency.cpu', { cpu: cpu.cpu })}</th>
            <td className="num mono">{cpu.samples.toLocaleString()}</td>
            <td className="num mono">{v(cpu.min)}</td>
            <td className="num mono">{v(cpu.avg)}</td>
            <td className="num mono strong">{v(cpu.max)}</td>
            <td className="num mono">{bound(cpu, 'p99')}{v(cpu.p99)}</td>
            <td className="num mono">{bound(cpu, 'p999')}{v(cpu.p999)}</td>
            <td className="num mono">
              {(cpu.overflowedPercentiles ?? []).includes('p9999') ? <span title={t('latency.result.overflowedHint')}>≤ </span> : null}
              {v(cpu.p9999)}
            </td>
            <td className={cpu.overflows > 0 ? 'num mono danger-text' : 'num mono'}>{cpu.histogram ? cpu.overflows.toLocaleString() : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One curve per CPU; a baseline's curves are dashed in the colours after the run's own, so they never look alike. */
function histogramInputs(record: LatencyRunRecord, name: (cpu: CpuLatency) => string, dashed: boolean, maxText: (max: string, overflows: number, range: number) => string, colorOffset = 0): HistogramInput[] {
  const result = record.result;
  if (!result) return [];
  return result.cpus.map((cpu, index) => ({
    label: `${name(cpu)} ${maxText(us(cpu.max), cpu.overflows, cpu.bucketCount ?? record.settings.histogramUs)}`,
    histogram: cpu.histogram,
    overflows: cpu.overflows,
    colorIndex: index + colorOffset,
    dashed,
  }));
}

export interface ResultPanelProps {
  resultRef: LatencyResultRef;
  onBaselineChanged: () => void;
}

/** A stored run: verdict and reasons, percentiles, the histogram (with the baseline overlaid), max over time. */
export function ResultPanel({ resultRef, onBaselineChanged }: ResultPanelProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const stored = useRequest(() => api.latency.result(resultRef), [api, resultRef.controller, resultRef.visit, resultRef.id]);
  const baselineRef = stored.data?.data.comparison?.baseline ?? null;
  const baseline = useRequest<StoredResult<LatencyRunRecord> | null>(
    () => (baselineRef ? api.latency.result(baselineRef) : Promise.resolve(null)),
    [api, baselineRef?.id, baselineRef?.visit],
  );
  const mark = useAction(async (on: boolean) => {
    await api.latency.setBaseline(resultRef, on);
    return true;
  });
  const theme = useMemo(() => readChartTheme(), []);
  const record = stored.data?.data;

  const maxText = (max: string, overflows: number, range: number): string =>
    overflows > 0 ? t('latency.result.legendOverflow', { max, overflows, range }) : t('latency.result.legendMax', { max });
  const xLabel = t('latency.chart.latencyUs');
  const yLabel = t('latency.chart.samples');
  const histogram = useMemo(() => {
    if (!record?.result) return null;
    const name = (cpu: CpuLatency): string => (cpu.cpu === null ? `#${cpu.thread}` : t('latency.cpu', { cpu: cpu.cpu }));
    const inputs = [...histogramInputs(record, name, false, maxText)];
    const base = baseline.data?.data;
    if (base?.result) inputs.push(...histogramInputs(base, (cpu) => `${t('latency.result.baselinePrefix')} ${name(cpu)}`, true, maxText, base.result.cpus.length));
    const xMax = Math.max(record.settings.histogramUs, base?.settings.histogramUs ?? 0) - 1;
    return histogramChart(inputs, xMax, { x: xLabel, y: yLabel }, theme);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- maxText only depends on the language (t)
  }, [record, baseline.data, theme, t, xLabel, yLabel]);
  const overTime = useMemo(() => {
    if (!record || record.series.length === 0) return null;
    const names = (record.result?.cpus ?? []).map((cpu) => (cpu.cpu === null ? `#${cpu.thread}` : t('latency.cpu', { cpu: cpu.cpu })));
    const count = Math.max(names.length, record.series[0]?.max.length ?? 0);
    while (names.length < count) names.push(`#${names.length}`);
    return { options: maxOverTimeOptions(names, { x: t('latency.chart.time'), y: t('latency.chart.maxUs') }, theme), data: maxOverTimeData(record.series, count) };
  }, [record, theme, t]);

  if (stored.error) return <ErrorPanel error={stored.error} onRetry={stored.reload} />;
  if (!stored.data || !record) {
    return (
      <p className="muted">
        <span className="spinner spinner-small" aria-hidden="true" /> {t('common.loading')}
      </p>
    );
  }

  const comparison = record.comparison?.result ?? null;
  const toggle = async () => {
    if (await mark.run(!record.isBaseline)) {
      stored.reload();
      onBaselineChanged();
    }
  };
  const error = record.error ? new AppError((record.error.code as AppError['code']) || 'REMOTE_COMMAND', record.error.message, record.error.hint) : null;

  return (
    <section className="card latency-result" aria-labelledby="latency-result-title" data-testid="latency-result" data-verdict={record.verdict}>
      <div className="latency-result-head">
        <div>
          <h2 className="section-title" id="latency-result-title">
            {t('latency.result.title', { preset: t(`latency.setup.presets.${record.settings.preset}`), kind: t(`latency.kind.${record.settings.kind}`) })}
            {record.isBaseline ? <span className="badge">{t('latency.result.isBaseline')}</span> : null}
          </h2>
          <p className="muted small">
            {formatDateTime(record.startedAt, i18n.language)} · {record.durationS === null ? '–' : clock(record.durationS)} · {t('latency.result.cores', { rt: record.settings.rtCores, hk: record.settings.housekeepingCores })}
            {record.status !== 'finished' ? ` · ${t(`latency.result.status.${record.status}`)}` : ''}
          </p>
        </div>
        <StatusChip tone={verdictTone(record.status === 'cancelled' ? 'info' : record.verdict)} testId="latency-verdict">
          {record.status === 'cancelled' ? t('latency.result.status.cancelled') : t(`latency.verdict.${record.verdict}`)}
        </StatusChip>
        <div className="latency-result-actions">
          {record.result ? (
            <Button size="small" onClick={() => void toggle()} busy={mark.pending} data-testid="latency-mark-baseline">
              {record.isBaseline ? t('latency.result.unmarkBaseline') : t('latency.result.markBaseline')}
            </Button>
          ) : null}
          <CopyButton text={() => record.commands.cyclictest} label={t('latency.result.copyCommand')} />
        </div>
      </div>
      {mark.error ? <ErrorPanel error={mark.error} onDismiss={mark.clearError} /> : null}
      {error ? <ErrorPanel error={error} /> : null}

      {record.evaluation ? (
        record.evaluation.reasons.length > 0 ? (
          <ul className="latency-reasons" data-testid="latency-reasons">
            {record.evaluation.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        ) : (
          <p className="latency-all-pass">{t('latency.result.allPass', { cycle: record.settings.cycleUs })}</p>
        )
      ) : null}
      <p className="muted small">{t('latency.result.thresholds', { kind: t(`latency.kind.${record.settings.kind}`), pass: record.settings.kind === 'idle' ? record.settings.thresholds.idleMax.passUs : record.settings.thresholds.loadedMax.passUs, warn: record.settings.kind === 'idle' ? record.settings.thresholds.idleMax.warnUs : record.settings.thresholds.loadedMax.warnUs, cycle: record.settings.cycleUs })}</p>

      {comparison && record.comparison ? (
        <div className={`latency-comparison latency-comparison-${comparison.verdict}`} data-testid="latency-comparison">
          <StatusChip tone={comparison.verdict === 'pass' ? 'pass' : 'fail'}>{t(`latency.verdict.${comparison.verdict}`)}</StatusChip>
          <div>
            <p className="strong">
              {t('latency.result.comparison', {
                date: record.comparison.baselineStartedAt ? formatDateTime(record.comparison.baselineStartedAt, i18n.language) : '–',
                max: comparison.max,
                baselineMax: comparison.baselineMax,
                pct: comparison.increasePct === null ? '∞' : `${comparison.increasePct > 0 ? '+' : ''}${comparison.increasePct}`,
                limit: record.settings.maxIncreasePct,
              })}
            </p>
            <p className="small">
              {t('latency.result.spread', { spread: comparison.spread, baselineSpread: comparison.baselineSpread, tolerance: record.settings.spreadTolerancePct, metric: comparison.spreadMetric === 'p999-min' ? 'p99.9 − min' : 'max − avg' })}
            </p>
            {comparison.reasons.map((reason) => (
              <p key={reason} className="small danger-text">
                {reason}
              </p>
            ))}
          </div>
        </div>
      ) : record.result ? (
        <p className="muted small">{t('latency.result.noComparison')}</p>
      ) : null}

      <PercentileTable record={record} />

      {histogram ? (
        <>
          <h3 className="latency-subtitle">{t('latency.result.histogram')}</h3>
          <UPlotChart options={histogram.options} data={histogram.data} height={300} label={t('latency.result.histogram')} testId="latency-histogram" />
        </>
      ) : null}
      {overTime ? (
        <>
          <h3 className="latency-subtitle">{t('latency.result.overTime')}</h3>
          <UPlotChart options={overTime.options} data={overTime.data} height={160} label={t('latency.result.overTime')} testId="latency-over-time" />
        </>
      ) : null}

      <h3 className="latency-subtitle">{t('latency.result.rtla')}</h3>
      {record.rtla.status === 'ok' && record.rtla.result ? (
        <table className="table compact latency-table" data-testid="latency-rtla">
          <thead>
            <tr>
              <th scope="col">{t('latency.result.table.cpu')}</th>
              <th scope="col" className="num">{t('latency.result.rtlaIrq')}</th>
              <th scope="col" className="num">{t('latency.result.rtlaThread')}</th>
            </tr>
          </thead>
          <tbody>
            {record.rtla.result.cpus.map((cpu) => (
              <tr key={cpu.cpu}>
                <th scope="row">{t('latency.cpu', { cpu: cpu.cpu })}</th>
                <td className="num mono">{cpu.irq ? `${us(cpu.irq.min)} / ${us(cpu.irq.avg)} / ${us(cpu.irq.max)}` : '–'}</td>
                <td className="num mono">{cpu.thread ? `${us(cpu.thread.min)} / ${us(cpu.thread.avg)} / ${us(cpu.thread.max)}` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small" data-testid="latency-rtla">
          {t(`latency.result.rtlaStatus.${record.rtla.status}`, { reason: record.rtla.reason ?? '' })}
        </p>
      )}
      {record.rtService?.stoppedForTest ? (
        <p className="small">{t('latency.result.rtService', { unit: record.rtService.unit, state: record.rtService.stateAfter ?? '?' })}</p>
      ) : null}
      <p className="muted small">
        {t('latency.result.stored', { count: stored.data.attachments.length })} <code className="mono">{record.runDir}</code>
      </p>
    </section>
  );
}
