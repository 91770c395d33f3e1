import { useTranslation } from 'react-i18next';

import type { LogSource } from '../../../../shared/model/logs';

/** The filter in force, in words, so nobody reads a narrowed log as the whole story. */
export function FilterSummary({ source, testId }: { source: LogSource; testId: string }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (source.kind === 'container') parts.push(t('logs.filters.summary.container', { value: source.container }));
  if (source.kind === 'kernel') parts.push(t('logs.filters.summary.kernel'));
  if (source.kind === 'journal') {
    if (source.unit !== undefined) parts.push(t('logs.filters.summary.unit', { value: source.unit }));
    if (source.identifier !== undefined) parts.push(t('logs.filters.summary.tag', { value: source.identifier }));
    if (source.unit === undefined && source.identifier === undefined) parts.push(t('logs.filters.summary.all'));
  }
  if (source.kind !== 'container') {
    if (source.priority !== undefined) parts.push(t('logs.filters.summary.priority', { value: source.priority }));
    if (source.boot !== 'any') parts.push(t(`logs.filters.summary.boot.${source.boot}`));
  }
  if (source.since !== undefined) parts.push(t('logs.filters.summary.since', { value: source.since }));
  if (source.until !== undefined) parts.push(t('logs.filters.summary.until', { value: source.until }));
  if (source.grep !== undefined) parts.push(t('logs.filters.summary.grep', { value: source.grep }));
  return (
    <p className="logs-filter-summary small" data-testid={`${testId}-filter-summary`}>
      <span className="muted">{t('logs.filters.summary.label')}:</span> {parts.join(' · ')}
    </p>
  );
}
