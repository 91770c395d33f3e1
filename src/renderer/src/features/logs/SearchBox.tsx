import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Button } from '../../components/Button';
import type { XtermHost } from './xterm-host';
import { searchDecorations } from './xterm-host';

/** Search in the pane's whole buffer (scrollback included) with a match count; Enter = next, Shift+Enter = previous. */
export function SearchBox({ host, ready, testId }: { host: { current: XtermHost | null }; ready: boolean; testId: string }) {
  const { t } = useTranslation();
  const [term, setTerm] = useState('');
  const [result, setResult] = useState<{ index: number; count: number } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const search = host.current?.search;
    if (!search) return undefined;
    const subscription = search.onDidChangeResults(({ resultIndex, resultCount }) => setResult({ index: resultIndex, count: resultCount }));
    return () => subscription.dispose();
    // The terminal is created by the parent after this component mounted: subscribe once it is ready.
  }, [host, ready]);

  const find = (direction: 'next' | 'previous', text = term): void => {
    const search = host.current?.search;
    if (!search) return;
    if (text === '') {
      search.clearDecorations();
      setResult(null);
      return;
    }
    const options = { decorations: searchDecorations, caseSensitive: false };
    if (direction === 'next') search.findNext(text, { ...options, incremental: true });
    else search.findPrevious(text, options);
  };

  let status = '';
  if (result && term !== '') {
    if (result.count === 0) status = t('logs.search.none');
    else if (result.index < 0) status = t('logs.search.many', { count: result.count });
    else status = t('logs.search.position', { index: result.index + 1, count: result.count });
  }

  return (
    <div className="logs-search" role="search">
      <input
        ref={inputRef}
        type="search"
        value={term}
        placeholder={t('logs.search.placeholder')}
        aria-label={t('logs.search.label')}
        data-testid={`${testId}-search`}
        onChange={(event) => {
          setTerm(event.target.value);
          find('next', event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            find(event.shiftKey ? 'previous' : 'next');
          } else if (event.key === 'Escape') {
            setTerm('');
            find('next', '');
            host.current?.terminal.focus();
          }
        }}
      />
      <Button size="small" variant="ghost" onClick={() => find('previous')} disabled={term === ''} aria-label={t('logs.search.previous')} title={t('logs.search.previous')}>
        ↑
      </Button>
      <Button size="small" variant="ghost" onClick={() => find('next')} disabled={term === ''} aria-label={t('logs.search.next')} title={t('logs.search.next')}>
        ↓
      </Button>
      <span className="logs-search-status" aria-live="polite" data-testid={`${testId}-matches`}>
        {status}
      </span>
    </div>
  );
}
