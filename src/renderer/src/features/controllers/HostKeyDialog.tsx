import { useTranslation } from 'react-i18next';

import type { AppError } from '../../../../shared/errors';
import type { ControllerProfile, HostKeyInfo } from '../../../../shared/model/controller';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Fingerprint } from './Fingerprint';
import { endpoint, fingerprintCommand } from './host-key-text';

export interface HostKeyDialogProps {
  controller: ControllerProfile;
  info: HostKeyInfo;
  busy: boolean;
  error: AppError | null;
  onTrust: () => void;
  onCancel: () => void;
}

/**
 * First contact with a controller (or its jump host): the fingerprint it presented, what trusting it means and
 * how to check it on the controller itself. Nothing has been sent yet, and nothing is until "Trust and connect".
 */
export function HostKeyDialog({ controller, info, busy, error, onTrust, onCancel }: HostKeyDialogProps) {
  const { t } = useTranslation();
  const isJump = controller.jump !== null && (info.host !== controller.host || info.port !== controller.port);
  const where = endpoint(info.host, info.port);
  const command = fingerprintCommand(info.keyType);
  return (
    <Dialog
      open
      kind="alert"
      width="wide"
      title={isJump ? t('hostKey.unknown.titleJump') : t('hostKey.unknown.title')}
      onClose={busy ? undefined : onCancel}
      testId="host-key-dialog"
      footer={
        <>
          <Button onClick={onCancel} disabled={busy} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" onClick={onTrust} busy={busy}>
            {t('hostKey.unknown.trust')}
          </Button>
        </>
      }
    >
      <p>{t('hostKey.unknown.intro', { name: controller.name, where })}</p>
      <div className="fingerprint-box">
        <div className="fingerprint-meta">
          <span>{t('hostKey.keyType', { keyType: info.keyType })}</span>
          <CopyButton text={() => info.fingerprint} />
        </div>
        <Fingerprint value={info.fingerprint} testId="host-key-fingerprint" />
      </div>
      <h3 className="section-title">{t('hostKey.unknown.checkTitle')}</h3>
      <ol className="steps">
        <li>{t('hostKey.unknown.checkStep1')}</li>
        <li>
          <span>{t('hostKey.unknown.checkStep2')}</span>
          <div className="command-line">
            <code>{command}</code>
            <CopyButton text={() => command} />
          </div>
        </li>
        <li>{t('hostKey.unknown.checkStep3')}</li>
      </ol>
      <p className="notice">
        <strong>{t('hostKey.unknown.meansTitle')}</strong> {t('hostKey.unknown.means', { where })}
      </p>
      <p className="muted small">{t('hostKey.unknown.nothingSent')}</p>
      {error ? <ErrorPanel error={error} context={{ controller: controller.id, action: 'trustHostKey' }} /> : null}
    </Dialog>
  );
}
