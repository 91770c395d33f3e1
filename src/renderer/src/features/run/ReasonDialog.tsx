import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';

/** Asks why a step is accepted or skipped; the answer becomes a deviation in the report. */
export function ReasonDialog({ kind, step, busy, onCancel, onConfirm }: { kind: 'accept' | 'skip'; step: string; busy: boolean; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const valid = reason.trim().length >= 3;
  return (
    <Dialog
      open
      title={t(`run.reason.${kind}Title`, { step })}
      onClose={busy ? undefined : onCancel}
      testId="run-reason-dialog"
      footer={
        <>
          <Button onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" onClick={() => onConfirm(reason.trim())} disabled={!valid} busy={busy} data-testid="run-reason-confirm">
            {t(`run.reason.${kind}Confirm`)}
          </Button>
        </>
      }
    >
      <p>{t(`run.reason.${kind}What`)}</p>
      <Field label={t('run.reason.label')} hint={t('run.reason.hint')}>
        {(control) => <textarea {...control} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} data-autofocus data-testid="run-reason" />}
      </Field>
    </Dialog>
  );
}
