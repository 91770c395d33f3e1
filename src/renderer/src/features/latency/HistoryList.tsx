import { useTranslation } from 'react-i18next';

import type { LatencyHistoryItem, LatencyResultRef } from '../../../../shared/model/latency';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { clock, us, verdictTone } from './format';

export interface HistoryListProps {
  items: readonly LatencyHistoryItem[];
  selected: LatencyResultRef | null;
  onSelect: (ref: LatencyResultRef) => void;
}

/** The controller's stored runs, newest first; the marked baseline is labelled. */
export function HistoryList({ items, selected, onSelect }: HistoryListProps) {
  const { t, i18n } = useTranslation();
  if (items.length === 0) return <p className="muted">{t('latency.history.empty')}</p>;
  const newestFirst = [...items].reverse();
  return (
    <table className="table compact latency-history" data-testid="latency-history">
      <thead>
        <tr>
          <th scope="col">{t('latency.history.when')}</th>
          <th scope="col">{t('latency.history.test')}</th>
          <th scope="col" className="num">{t('latency.history.duration')}</th>
          <th scope="col" className="num">{t('latency.history.max')}</th>
          <th scope="col">{t('latency.history.verdict')}</th>
        </tr>
      </thead>
      <tbody>
        {newestFirst.map((item) => {
          const isSelected = selected?.id === item.ref.id && selected.visit === item.ref.visit;
          return (
            <tr key={`${item.ref.visit}/${item.ref.id}`} className={isSelected ? 'row-active' : undefined} data-testid="latency-history-row">
              <td>
                <button type="button" className="link-button" onClick={() => onSelect(item.ref)} aria-current={isSelected || undefined}>
                  {formatDateTime(item.createdAt, i18n.language)}
                </button>
                {item.isBaseline ? <span className="badge">{t('latency.result.isBaseline')}</span> : null}
              </td>
              <td>{t(`latency.setup.presets.${item.preset}`)}</td>
              <td className="num mono">{item.durationS === null ? '–' : clock(item.durationS)}</td>
              <td className="num mono">{item.maxUs === null ? '–' : `${us(item.maxUs)} µs`}</td>
              <td>
                <StatusChip tone={item.status === 'cancelled' ? 'info' : verdictTone(item.verdict)}>
                  {item.status === 'cancelled' ? t('latency.result.status.cancelled') : t(`latency.verdict.${item.verdict}`)}
                </StatusChip>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
