import type { ReactNode } from 'react';

/** pass ✓, warn !, fail ✕, skip –, plus "working" and neutral information. */
export type ChipTone = 'pass' | 'warn' | 'fail' | 'skip' | 'busy' | 'info';

const symbols: Record<ChipTone, string> = { pass: '✓', warn: '!', fail: '✕', skip: '–', busy: '…', info: 'i' };

/**
 * A state or verdict as a word, a shape and a colour, so it reads for colour-blind technicians and on a
 * grey-scale printout.
 */
export function StatusChip({ tone, children, title, testId }: { tone: ChipTone; children: ReactNode; title?: string; testId?: string }) {
  return (
    <span className={`chip chip-${tone}`} title={title} data-testid={testId} data-tone={tone}>
      <span className="chip-symbol" aria-hidden="true">
        {tone === 'busy' ? <span className="spinner spinner-small" /> : symbols[tone]}
      </span>
      <span className="chip-label">{children}</span>
    </span>
  );
}
