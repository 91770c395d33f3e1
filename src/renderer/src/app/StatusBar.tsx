import { useTranslation } from 'react-i18next';

import { ConnectionChip, failureMessage } from '../features/controllers/ConnectionChip';
import { address } from '../features/controllers/ControllerList';
import { busyControllerId, useConnectFlow } from '../features/controllers/connect-flow';
import { useControllers } from '../features/controllers/controllers-store';
import { useAppInfo } from './app-info';

/** Always visible: which controller, connected or not and since when, how this UI is served. */
export function StatusBar() {
  const { t, i18n } = useTranslation();
  const { active, activeState } = useControllers();
  const flow = useConnectFlow();
  const info = useAppInfo();
  const reason = failureMessage(activeState, i18n.resolvedLanguage);
  const connecting = active !== null && busyControllerId(flow.state) === active.id;
  return (
    <footer className="status-bar" data-testid="status-bar">
      <div className="status-left" role="status" aria-live="polite">
        <span className="status-label">{t('status.controller')}</span>
        {active ? (
          <>
            <span className="status-controller" data-testid="status-controller">
              {active.name}
            </span>
            <span className="mono muted status-address">{address(active)}</span>
            <ConnectionChip state={activeState} connecting={connecting} testId="status-connection" />
            {!connecting && reason ? <span className="status-reason" title={reason}>{reason}</span> : null}
          </>
        ) : (
          <span className="muted" data-testid="status-controller">
            {t('status.none')}
          </span>
        )}
      </div>
      <div className="status-right">
        {activeState?.status === 'connected' && activeState.serverIdent ? <span className="muted mono small">{activeState.serverIdent}</span> : null}
        {info ? (
          <span className="muted small">
            {t(`status.mode.${info.mode}`)} · v{info.version}
          </span>
        ) : null}
      </div>
    </footer>
  );
}
