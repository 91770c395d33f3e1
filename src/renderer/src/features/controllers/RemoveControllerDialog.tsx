import { useTranslation } from 'react-i18next';

import type { ControllerProfile } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';

export function RemoveControllerDialog({ controller, connected, onClose, onRemoved }: { controller: ControllerProfile; connected: boolean; onClose: () => void; onRemoved: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const remove = useAction(async () => {
    if (connected) await api.connection.disconnect(controller.id);
    await api.controllers.remove(controller.id);
    return true;
  });
  return (
    <Dialog
      open
      kind="alert"
      width="narrow"
      title={t('controllers.remove.title', { name: controller.name })}
      onClose={remove.pending ? undefined : onClose}
      testId="remove-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={remove.pending} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button
            variant="danger"
            busy={remove.pending}
            onClick={() =>
              void remove.run().then((ok) => {
                if (ok) onRemoved();
              })
            }
          >
            {t('controllers.remove.confirm')}
          </Button>
        </>
      }
    >
      <p>{t('controllers.remove.body', { name: controller.name, address: `${controller.user}@${controller.host}:${controller.port}` })}</p>
      {connected ? <p className="notice">{t('controllers.remove.connected')}</p> : null}
      <p className="muted small">{t('controllers.remove.notTouched')}</p>
      {remove.error ? <ErrorPanel error={remove.error} context={{ controller: controller.id, action: 'controllers.remove' }} /> : null}
    </Dialog>
  );
}
