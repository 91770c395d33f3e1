import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ControllerProfile } from '../../../../shared/model/controller';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import type { SecretRequest } from './connect-flow';

export interface SecretPromptProps {
  controller: ControllerProfile;
  request: SecretRequest;
  /** The previous answer was refused. */
  rejected: boolean;
  canRemember: boolean;
  onSubmit: (value: string, remember: boolean) => void;
  onCancel: () => void;
}

/** Asks for a password or key passphrase for this one connection; nothing is kept unless asked to and possible. */
export function SecretPrompt({ controller, request, rejected, canRemember, onSubmit, onCancel }: SecretPromptProps) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(false);
  const jump = request.role === 'jump' ? controller.jump : null;
  const who = jump ? `${jump.user}@${jump.host}` : `${controller.user}@${controller.host}`;
  const title =
    request.kind === 'passphrase'
      ? t('connect.secret.passphraseTitle')
      : jump
        ? t('connect.secret.jumpPasswordTitle', { who })
        : t('connect.secret.passwordTitle', { who });
  const keyFile = request.kind === 'passphrase' ? (jump?.auth.kind === 'key' ? jump.auth.keyFile : controller.auth.kind === 'key' ? controller.auth.keyFile : '') : '';
  return (
    <Dialog
      open
      title={title}
      onClose={onCancel}
      width="narrow"
      testId="secret-prompt"
      footer={
        <>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
          <Button variant="primary" type="submit" form="secret-form" disabled={value === ''}>
            {t('connect.secret.submit')}
          </Button>
        </>
      }
    >
      <form
        id="secret-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (value !== '') onSubmit(value, canRemember && remember);
        }}
      >
        <p>
          {request.kind === 'passphrase' ? t('connect.secret.passphraseIntro', { file: keyFile }) : t('connect.secret.passwordIntro', { name: controller.name })}
        </p>
        <Field
          label={request.kind === 'passphrase' ? t('connect.secret.passphraseLabel') : t('connect.secret.passwordLabel')}
          error={rejected ? (request.kind === 'passphrase' ? t('connect.secret.passphraseRejected') : t('connect.secret.passwordRejected')) : undefined}
        >
          {(control) => (
            <input {...control} type="password" autoComplete="off" data-autofocus value={value} onChange={(event) => setValue(event.target.value)} />
          )}
        </Field>
        {canRemember ? (
          <label className="checkbox">
            <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
            <span>{t('connect.secret.remember')}</span>
          </label>
        ) : null}
        <p className="muted small">{canRemember && remember ? t('connect.secret.rememberHint') : t('connect.secret.notStoredHint')}</p>
      </form>
    </Dialog>
  );
}
