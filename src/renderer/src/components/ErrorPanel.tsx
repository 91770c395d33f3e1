import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppError } from '../../../shared/errors';
import { errorDetailsText } from '../api/app-error';
import { Button } from './Button';
import { CopyButton } from './CopyButton';

export interface ErrorPanelProps {
  error: AppError;
  /** Overrides the generic headline for this error code (e.g. "Could not connect to Cell 3"). */
  title?: ReactNode;
  onRetry?: () => void;
  retryLabel?: string;
  onDismiss?: () => void;
  /** Extra facts for "Copy details" (which controller, which action). */
  context?: Record<string, unknown>;
  children?: ReactNode;
}

/**
 * What happened in the technician's words, what to do next, and "Copy details" for the engineer. The server's
 * own message is shown as the detail; a stack trace never is.
 */
export function ErrorPanel({ error, title, onRetry, retryLabel, onDismiss, context, children }: ErrorPanelProps) {
  const { t, i18n } = useTranslation();
  // The server's hint is specific but English; in another language the catalogue's hint for the code is used.
  const hint = i18n.resolvedLanguage === 'en' && error.hint ? error.hint : t(`errors.${error.code}.hint`);
  return (
    <section className="error-panel" role="alert" data-testid="error-panel" data-code={error.code}>
      <div className="error-panel-symbol" aria-hidden="true">
        ✕
      </div>
      <div className="error-panel-body">
        <h3>{title ?? t(`errors.${error.code}.title`)}</h3>
        {title ? <p className="error-panel-what">{t(`errors.${error.code}.title`)}</p> : null}
        {error.message ? (
          <p className="error-panel-detail">
            <span className="visually-hidden">{t('common.detail')}: </span>
            {error.message}
          </p>
        ) : null}
        {hint ? (
          <p className="error-panel-hint">
            <strong>{t('common.whatToDo')}</strong> {hint}
          </p>
        ) : null}
        {children}
        <div className="error-panel-actions">
          {onRetry ? (
            <Button variant="primary" size="small" onClick={onRetry}>
              {retryLabel ?? t('common.tryAgain')}
            </Button>
          ) : null}
          <CopyButton text={() => errorDetailsText(error, context)} label={t('common.copyDetails')} />
          {onDismiss ? (
            <Button variant="ghost" size="small" onClick={onDismiss}>
              {t('common.dismiss')}
            </Button>
          ) : null}
        </div>
      </div>
    </section>
  );
}
