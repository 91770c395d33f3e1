import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppError } from '../../../../shared/errors';
import type { SavedLog } from '../../../../shared/model/logs';
import { useBusyAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { copyText } from '../../components/copy-text';
import { ErrorPanel } from '../../components/ErrorPanel';

/** Save all / record / copy / clear: the same for shells and log streams. */
export function usePaneActions() {
  const [saved, setSaved] = useState<SavedLog | null>(null);
  const { busy, error, setError, act: run } = useBusyAction();
  return { saved, setSaved, error, setError, busy, run };
}

export function PaneMessages({ saved, error, recording, onDismissSaved, onDismissError, testId }: { saved: SavedLog | null; error: AppError | null; recording: string | undefined; onDismissSaved: () => void; onDismissError: () => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <>
      {error ? <ErrorPanel error={error} onDismiss={onDismissError} /> : null}
      {saved ? (
        <div className="logs-notice logs-notice-ok" role="status" data-testid={`${testId}-saved`}>
          <span>
            {t('logs.saved', { count: saved.lines, lines: saved.lines })} <code className="logs-path">{saved.path}</code>
          </span>
          <CopyButton text={() => saved.path} label={t('logs.copyPath')} />
          <Button size="small" variant="ghost" onClick={onDismissSaved}>
            {t('common.dismiss')}
          </Button>
        </div>
      ) : null}
      {recording ? (
        <div className="logs-notice logs-notice-rec" role="status" data-testid={`${testId}-recording`}>
          <span className="logs-rec-dot" aria-hidden="true">
            ●
          </span>
          <span>
            {t('logs.recordingTo')} <code className="logs-path">{recording}</code>
          </span>
        </div>
      ) : null}
    </>
  );
}

/** Copy the selection, or everything when nothing is selected. */
export function CopyPaneButton({ selection, all }: { selection: () => string; all: () => string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  return (
    <Button
      size="small"
      onClick={() => {
        const picked = selection();
        void copyText(picked !== '' ? picked : all()).then((ok) => {
          setState(ok ? 'done' : 'failed');
          setTimeout(() => setState('idle'), 1500);
        });
      }}
      title={t('logs.actions.copyHint')}
    >
      {state === 'done' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : t('logs.actions.copy')}
    </Button>
  );
}

export function Toolbar({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="logs-toolbar" role="toolbar" aria-label={label}>
      {children}
    </div>
  );
}
