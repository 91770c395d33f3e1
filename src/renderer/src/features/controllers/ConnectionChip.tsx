import { useTranslation } from 'react-i18next';

import type { ConnectionState, ConnectionStatus } from '../../../../shared/model/controller';
import type { ChipTone } from '../../components/StatusChip';
import { StatusChip } from '../../components/StatusChip';
import { formatSince } from '../../i18n/format';

const tones: Record<ConnectionStatus, ChipTone> = {
  connected: 'pass',
  connecting: 'busy',
  reconnecting: 'warn',
  failed: 'fail',
  disconnected: 'skip',
};

/**
 * A connect that stopped to ask the technician something (a new host key, a password) and was then left
 * unanswered is "not connected", not a red failure: nothing is wrong with the controller.
 */
const waitingForTechnician = new Set(['HOST_KEY_UNKNOWN', 'SECRET_REQUIRED', 'CANCELLED']);

/** Whether the server's own (English) sentence about a failure adds anything worth showing beside the chip. */
export function failureMessage(state: ConnectionState | undefined, language: string | undefined): string | null {
  if (state?.status !== 'failed' || !state.error || waitingForTechnician.has(state.error.code)) return null;
  return language === 'en' ? state.error.message : null;
}

/** Connected since hh:mm / reconnecting, attempt n / failed: reason / not connected. */
export function useConnectionText() {
  const { t, i18n } = useTranslation();
  return (state: ConnectionState | undefined): { tone: ChipTone; label: string; detail: string } => {
    const status = state?.status ?? 'disconnected';
    const since = state ? formatSince(state.since, i18n.language) : '';
    switch (status) {
      case 'connected':
        return { tone: tones[status], label: t('connection.status.connected'), detail: since ? t('connection.since', { time: since }) : '' };
      case 'connecting':
        return { tone: tones[status], label: t('connection.status.connecting'), detail: '' };
      case 'reconnecting':
        return {
          tone: tones[status],
          label: t('connection.status.reconnecting'),
          detail: state?.attempt ? t('connection.attempt', { attempt: state.attempt }) : '',
        };
      case 'failed': {
        const code = state?.error?.code;
        const known = code && i18n.exists(`errors.${code}.title`);
        const soft = code !== undefined && waitingForTechnician.has(code);
        return {
          tone: soft ? 'skip' : tones[status],
          label: soft ? t('connection.status.disconnected') : t('connection.status.failed'),
          detail: known ? t(`errors.${code as 'INTERNAL'}.title`) : (state?.error?.message ?? ''),
        };
      }
      case 'disconnected':
        return { tone: tones[status], label: t('connection.status.disconnected'), detail: '' };
    }
  };
}

export function ConnectionChip({ state, connecting = false, testId }: { state: ConnectionState | undefined; connecting?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const describe = useConnectionText();
  if (connecting && state?.status !== 'connected') {
    return (
      <StatusChip tone="busy" testId={testId}>
        {t('connection.status.connecting')}
      </StatusChip>
    );
  }
  const { tone, label, detail } = describe(state);
  return (
    <StatusChip tone={tone} testId={testId} title={state?.error ? `${state.error.code}: ${state.error.message}` : undefined}>
      {label}
      {detail ? <span className="chip-detail"> · {detail}</span> : null}
    </StatusChip>
  );
}
