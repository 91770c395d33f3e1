import { formatClock, formatDateTime } from '../../i18n/format';
import type { ResultSummary } from '../../../../shared/model/results';
import type { ChipTone } from '../../components/StatusChip';

export function verdictTone(verdict: ResultSummary['verdict'] | 'missing' | 'incomplete' | 'skip' | null | undefined): ChipTone {
  switch (verdict) {
    case 'pass':
      return 'pass';
    case 'warn':
    case 'incomplete':
      return 'warn';
    case 'fail':
    case 'error':
      return 'fail';
    case 'info':
      return 'info';
    case 'missing':
    case 'skip':
    case null:
    case undefined:
      return 'skip';
  }
}

/** "11/27/2026, 09:00 – 12:30" when both ends are on one day, else both in full. */
export function formatSpan(first: string, last: string, language: string): string {
  const a = new Date(first);
  const b = new Date(last);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return '';
  return a.toDateString() === b.toDateString() ? `${formatDateTime(first, language)} – ${formatClock(last, language)}` : `${formatDateTime(first, language)} – ${formatDateTime(last, language)}`;
}
