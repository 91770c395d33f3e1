import type { ErrorInfo, ReactNode } from 'react';
import { Component } from 'react';

import { AppError } from '../../../shared/errors';
import { errorDetailsText } from '../api/app-error';
import { CopyButton } from '../components/CopyButton';
import { i18n } from '../i18n/i18n';

interface State {
  error: AppError | null;
}

/** A screen that crashed shows a sentence and "Copy details", never a blank window or a stack trace. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: AppError.from(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // For the developer console only; the technician sees the panel below.
    console.error(error, info.componentStack);
  }

  override componentDidUpdate(previous: { resetKey?: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="error-panel" role="alert">
        <div className="error-panel-symbol" aria-hidden="true">
          ✕
        </div>
        <div className="error-panel-body">
          <h3>{i18n.t('app.crashed.title')}</h3>
          <p>{i18n.t('app.crashed.body')}</p>
          <p className="error-panel-detail">{error.message}</p>
          <div className="error-panel-actions">
            <button type="button" className="btn btn-primary btn-small" onClick={() => this.setState({ error: null })}>
              <span>{i18n.t('common.tryAgain')}</span>
            </button>
            <CopyButton text={() => errorDetailsText(error)} label={i18n.t('common.copyDetails')} />
          </div>
        </div>
      </section>
    );
  }
}
