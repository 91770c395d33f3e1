import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { BootChoice, LogSource, LogSourceInput, PriorityName } from '../../../../shared/model/logs';
import { bootChoices, priorityNames } from '../../../../shared/model/logs';
import { Button } from '../../components/Button';

interface Draft {
  unit: string;
  identifier: string;
  container: string;
  priority: PriorityName | '';
  since: string;
  until: string;
  boot: BootChoice;
  grep: string;
}

function draftOf(source: LogSource): Draft {
  return {
    unit: source.kind === 'journal' ? (source.unit ?? '') : '',
    identifier: source.kind === 'journal' ? (source.identifier ?? '') : '',
    container: source.kind === 'container' ? source.container : '',
    priority: source.kind !== 'container' ? (source.priority ?? '') : '',
    since: source.since ?? '',
    until: source.until ?? '',
    boot: source.kind !== 'container' ? source.boot : 'any',
    grep: source.grep ?? '',
  };
}

function sourceOf(kind: LogSource['kind'], draft: Draft): LogSourceInput {
  const trimmed = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
  const common = {
    ...(trimmed(draft.since) ? { since: trimmed(draft.since) } : {}),
    ...(trimmed(draft.until) ? { until: trimmed(draft.until) } : {}),
    ...(draft.grep !== '' ? { grep: draft.grep } : {}),
  };
  if (kind === 'container') return { kind, container: draft.container.trim(), ...common };
  const journalCommon = { ...common, boot: draft.boot, ...(draft.priority !== '' ? { priority: draft.priority } : {}) };
  if (kind === 'kernel') return { kind, ...journalCommon };
  return {
    kind,
    ...journalCommon,
    ...(trimmed(draft.unit) ? { unit: trimmed(draft.unit) } : {}),
    ...(trimmed(draft.identifier) ? { identifier: trimmed(draft.identifier) } : {}),
  };
}

/**
 * Unit / tag / container, priority, since/until, boot and grep. Applying restarts the stream with the new filter
 * on the controller (journalctl does the filtering there, so a slow link carries only what was asked for).
 */
export function FilterBar({ source, units, busy, onApply, testId }: { source: LogSource; units: readonly string[]; busy: boolean; onApply: (source: LogSourceInput) => void; testId: string }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(source));
  const baseId = useId();
  const listId = `${baseId}-units`;
  const set = (patch: Partial<Draft>): void => setDraft((d) => ({ ...d, ...patch }));
  const journal = source.kind !== 'container';

  return (
    <form
      className="logs-filters"
      data-testid={`${testId}-filters`}
      aria-label={t('logs.filters.legend')}
      onSubmit={(event) => {
        event.preventDefault();
        onApply(sourceOf(source.kind, draft));
      }}
    >
      {source.kind === 'journal' ? (
        <>
          <label className="logs-filter logs-filter-wide">
            <span>{t('logs.filters.unit')}</span>
            <input value={draft.unit} list={listId} placeholder={t('logs.filters.unitPlaceholder')} onChange={(e) => set({ unit: e.target.value })} data-testid={`${testId}-unit`} />
            <datalist id={listId}>
              {units.map((unit) => (
                <option key={unit} value={unit} />
              ))}
            </datalist>
          </label>
          <label className="logs-filter">
            <span>{t('logs.filters.tag')}</span>
            <input value={draft.identifier} placeholder="mxrc-webapi" onChange={(e) => set({ identifier: e.target.value })} />
          </label>
        </>
      ) : null}
      {source.kind === 'container' ? (
        <label className="logs-filter logs-filter-wide">
          <span>{t('logs.filters.container')}</span>
          <input value={draft.container} onChange={(e) => set({ container: e.target.value })} required />
        </label>
      ) : null}
      {journal ? (
        <label className="logs-filter">
          <span>{t('logs.filters.priority')}</span>
          <select value={draft.priority} onChange={(e) => set({ priority: e.target.value as PriorityName | '' })} data-testid={`${testId}-priority`}>
            <option value="">{t('logs.filters.anyPriority')}</option>
            {priorityNames.map((name, index) => (
              <option key={name} value={name}>
                {t('logs.filters.priorityUpTo', { number: index, name })}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="logs-filter">
        <span>{t('logs.filters.since')}</span>
        <input value={draft.since} placeholder={t('logs.filters.timePlaceholder')} onChange={(e) => set({ since: e.target.value })} />
      </label>
      <label className="logs-filter">
        <span>{t('logs.filters.until')}</span>
        <input value={draft.until} placeholder={t('logs.filters.timePlaceholder')} onChange={(e) => set({ until: e.target.value })} />
      </label>
      {journal ? (
        <label className="logs-filter">
          <span>{t('logs.filters.boot')}</span>
          <select value={draft.boot} onChange={(e) => set({ boot: e.target.value as BootChoice })}>
            {bootChoices.map((choice) => (
              <option key={choice} value={choice}>
                {t(`logs.filters.bootChoice.${choice}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="logs-filter">
        <span>{t('logs.filters.grep')}</span>
        <input value={draft.grep} placeholder={t('logs.filters.grepPlaceholder')} onChange={(e) => set({ grep: e.target.value })} data-testid={`${testId}-grep`} />
      </label>
      <Button type="submit" size="small" variant="primary" busy={busy} data-testid={`${testId}-apply`}>
        {t('logs.filters.apply')}
      </Button>
    </form>
  );
}
