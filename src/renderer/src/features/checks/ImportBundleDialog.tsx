import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { CheckRunRecord } from '../../../../shared/model/checks';
import { useApi } from '../../api/api-context';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';

const collectCommand = 'sudo sh collect.sh > evidence.tar.gz';

/**
 * Evidence collected without the app (`sudo sh collect.sh > evidence.tar.gz` on the controller), judged here with
 * the same checks. Browser mode takes a path on this laptop.
 */
export function ImportBundleDialog({ controllerId, controllerName, onClose, onImported }: { controllerId: string | null; controllerName: string | null; onClose: () => void; onImported: (record: CheckRunRecord) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [path, setPath] = useState('');
  const importing = useAction(async () => api.checks.importBundle(controllerId, path.trim(), undefined));
  const script = useAction(async () => (await api.checks.collectScript()).text);
  const submit = async () => {
    const record = await importing.run();
    if (record) onImported(record);
  };
  return (
    <Dialog
      open
      title={t('checks.import.title')}
      onClose={importing.pending ? undefined : onClose}
      testId="import-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={importing.pending}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" busy={importing.pending} disabled={path.trim() === ''} onClick={() => void submit()} data-testid="import-submit">
            {t('checks.import.submit')}
          </Button>
        </>
      }
    >
      <p>{t('checks.import.how')}</p>
      <p className="command-line">
        <code>{collectCommand}</code>
        <CopyButton text={() => collectCommand} />
        <Button size="small" busy={script.pending} onClick={() => void script.run().then((text) => (text ? navigator.clipboard?.writeText(text) : undefined))}>
          {t('checks.import.copyScript')}
        </Button>
      </p>
      <p className="small muted">{controllerName ? t('checks.import.forController', { name: controllerName }) : t('checks.import.noController')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (path.trim() !== '') void submit();
        }}
      >
        <Field label={t('checks.import.path')} hint={t('checks.import.pathHint')}>
          {(control) => <input {...control} className="mono" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/evidence.tar.gz" data-testid="import-path" data-autofocus />}
        </Field>
      </form>
      {importing.error ? <ErrorPanel error={importing.error} onDismiss={importing.clearError} context={{ action: 'checks.importBundle', path }} /> : null}
      {script.error ? <ErrorPanel error={script.error} onDismiss={script.clearError} /> : null}
    </Dialog>
  );
}
