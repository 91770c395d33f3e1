import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { AppError } from '../../../../shared/errors';
import type { ControllerProfile, HostKeyChange } from '../../../../shared/model/controller';
import { errorDetailsText } from '../../api/app-error';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Fingerprint } from './Fingerprint';
import { endpoint, fingerprintCommand } from './host-key-text';

export interface HostKeyChangedPageProps {
  controller: ControllerProfile;
  change: HostKeyChange;
  busy: boolean;
  error: AppError | null;
  onReplace: () => void;
  onBack: () => void;
}

/**
 * A full stop, not a toast: the controller answered with a different host key than the one on record. Going back
 * is the easy path; replacing the key is a deliberate one that needs the controller's name typed in.
 */
export function HostKeyChangedPage({ controller, change, busy, error, onReplace, onBack }: HostKeyChangedPageProps) {
  const { t } = useTranslation();
  const [replacing, setReplacing] = useState(false);
  const [typed, setTyped] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const confirmId = useId();
  const where = endpoint(change.host, change.port);
  const revoked = change.knownFingerprints.includes(change.fingerprint);
  const command = fingerprintCommand(change.keyType);
  const confirmed = typed.trim() === controller.name.trim();

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const details = () =>
    errorDetailsText(new AppError('HOST_KEY_CHANGED', t('errors.HOST_KEY_CHANGED.title'), undefined, change), { controller: controller.id, name: controller.name });

  return (
    <section className="stop-page" role="alert" aria-labelledby="stop-title" data-testid="host-key-changed">
      <div className="stop-banner">
        <span className="stop-symbol" aria-hidden="true">
          ✕
        </span>
        <div>
          <p className="stop-kicker">{t('hostKey.changed.kicker')}</p>
          <h1 id="stop-title" ref={headingRef} tabIndex={-1}>
            {revoked ? t('hostKey.changed.titleRevoked', { name: controller.name }) : t('hostKey.changed.title', { name: controller.name })}
          </h1>
        </div>
      </div>

      <div className="stop-body">
        <p className="stop-lead">{revoked ? t('hostKey.changed.leadRevoked', { where, file: change.knownHostsFile }) : t('hostKey.changed.lead', { where })}</p>
        <p>{t('hostKey.changed.nothingSent')}</p>
        {!revoked ? <p>{t('hostKey.changed.risk')}</p> : null}

        <table className="key-compare">
          <tbody>
            <tr>
              <th scope="row">
                {t('hostKey.changed.recorded')}
                <span className="muted small block">{change.knownHostsFile}</span>
              </th>
              <td>
                {change.knownFingerprints.map((fp) => (
                  <Fingerprint key={fp} value={fp} tone="old" testId="known-fingerprint" />
                ))}
              </td>
            </tr>
            <tr>
              <th scope="row">
                {t('hostKey.changed.presented')}
                <span className="muted small block">{t('hostKey.keyType', { keyType: change.keyType })}</span>
              </th>
              <td>
                <Fingerprint value={change.fingerprint} tone="new" testId="presented-fingerprint" />
              </td>
            </tr>
          </tbody>
        </table>

        <h2 className="section-title">{t('hostKey.changed.whatToDo')}</h2>
        <ol className="steps">
          <li>{t('hostKey.changed.step1')}</li>
          <li>
            <span>{t('hostKey.changed.step2')}</span>
            <div className="command-line">
              <code>{command}</code>
              <CopyButton text={() => command} />
            </div>
          </li>
          <li>{t('hostKey.changed.step3')}</li>
        </ol>

        <div className="stop-actions">
          <Button variant="primary" onClick={onBack} disabled={busy}>
            {t('hostKey.changed.back')}
          </Button>
          <CopyButton text={details} label={t('common.copyDetails')} size="normal" />
        </div>

        {!revoked ? (
          <div className="reimage">
            {!replacing ? (
              <Button variant="ghost" className="reimage-toggle" onClick={() => setReplacing(true)}>
                {t('hostKey.changed.reimagedToggle')}
              </Button>
            ) : (
              <form
                className="reimage-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  if (confirmed && !busy) onReplace();
                }}
              >
                <h2 className="section-title">{t('hostKey.changed.reimagedTitle')}</h2>
                <p>{t('hostKey.changed.reimagedExplain', { where, file: change.knownHostsFile })}</p>
                <label htmlFor={confirmId}>{t('hostKey.changed.typeName', { name: controller.name })}</label>
                <input
                  id={confirmId}
                  autoFocus
                  autoComplete="off"
                  spellCheck={false}
                  value={typed}
                  onChange={(event) => setTyped(event.target.value)}
                  data-testid="confirm-name"
                />
                <div className="stop-actions">
                  <Button variant="danger" type="submit" disabled={!confirmed} busy={busy}>
                    {t('hostKey.changed.replace')}
                  </Button>
                  <Button variant="ghost" onClick={() => setReplacing(false)} disabled={busy}>
                    {t('common.cancel')}
                  </Button>
                </div>
              </form>
            )}
          </div>
        ) : null}
        {error ? <ErrorPanel error={error} context={{ controller: controller.id, action: 'replaceHostKey' }} /> : null}
      </div>
    </section>
  );
}
