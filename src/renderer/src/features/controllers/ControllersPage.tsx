import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ControllerProfile } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { busyControllerId, useConnectFlow } from './connect-flow';
import { ControllerForm } from './ControllerForm';
import { ControllerList } from './ControllerList';
import { useControllers } from './controllers-store';
import { EmptyState } from './EmptyState';
import { ImportSshConfigDialog } from './ImportSshConfigDialog';
import { RemoveControllerDialog } from './RemoveControllerDialog';

type View = { kind: 'list' } | { kind: 'form'; profile: ControllerProfile | null };

/** The Controllers screen: list, add/edit, import, remove, connect. */
export function ControllersPage() {
  const { t } = useTranslation();
  const api = useApi();
  const store = useControllers();
  const flow = useConnectFlow();
  const [view, setView] = useState<View>({ kind: 'list' });
  const [importing, setImporting] = useState(false);
  const [removing, setRemoving] = useState<ControllerProfile | null>(null);
  const [disconnectingId, setDisconnectingId] = useState<string | null>(null);
  const action = useAction(async (what: 'disconnect' | 'forgetSecret', controller: ControllerProfile) => {
    if (what === 'disconnect') {
      setDisconnectingId(controller.id);
      try {
        await api.connection.disconnect(controller.id);
      } finally {
        setDisconnectingId(null);
      }
    } else {
      await api.controllers.forgetSecret(controller.id);
      store.reload();
    }
  });

  if (view.kind === 'form') {
    return (
      <ControllerForm
        key={view.profile?.id ?? 'new'}
        profile={view.profile}
        onCancel={() => setView({ kind: 'list' })}
        onSaved={() => {
          store.reload();
          setView({ kind: 'list' });
        }}
      />
    );
  }

  const controllers = store.controllers ?? [];
  const flowState = flow.state;
  const connectingId = busyControllerId(flowState);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{t('controllers.title')}</h1>
          <p className="muted">{t('controllers.subtitle')}</p>
        </div>
        {controllers.length > 0 ? (
          <div className="page-actions">
            <Button onClick={() => setImporting(true)}>{t('controllers.importSshConfig')}</Button>
            <Button variant="primary" icon="+" onClick={() => setView({ kind: 'form', profile: null })}>
              {t('controllers.add')}
            </Button>
          </div>
        ) : null}
      </header>

      {flowState.step === 'failed' ? (
        <ErrorPanel
          error={flowState.error}
          title={t('connect.failedTitle', { name: flowState.controller.name })}
          onRetry={() => flow.connect(flowState.controller)}
          onDismiss={flow.cancel}
          context={{ controller: flowState.controller.id, name: flowState.controller.name, action: 'connection.connect' }}
        />
      ) : null}
      {action.error ? <ErrorPanel error={action.error} onDismiss={action.clearError} context={{ action: 'controllers' }} /> : null}
      {store.error ? <ErrorPanel error={store.error} onRetry={store.reload} context={{ action: 'controllers.list' }} /> : null}

      {store.loading && !store.controllers ? (
        <p role="status" className="muted">
          <span className="spinner" aria-hidden="true" /> {t('common.loading')}
        </p>
      ) : null}

      {store.controllers && controllers.length === 0 ? (
        <EmptyState onAdd={() => setView({ kind: 'form', profile: null })} onImport={() => setImporting(true)} />
      ) : null}

      {controllers.length > 0 ? (
        <ControllerList
          controllers={controllers}
          states={store.states}
          activeId={store.active?.id ?? null}
          connectingId={connectingId}
          disconnectingId={disconnectingId}
          onConnect={flow.connect}
          onDisconnect={(c) => void action.run('disconnect', c)}
          onEdit={(c) => setView({ kind: 'form', profile: c })}
          onRemove={setRemoving}
          onForgetSecret={(c) => void action.run('forgetSecret', c)}
          onMakeActive={(c) => store.setActiveId(c.id)}
        />
      ) : null}

      {importing ? <ImportSshConfigDialog existing={controllers} onClose={() => setImporting(false)} onImported={() => store.reload()} /> : null}
      {removing ? (
        <RemoveControllerDialog
          controller={removing}
          connected={store.states.get(removing.id)?.status === 'connected'}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            if (store.active?.id === removing.id) store.setActiveId(null);
            setRemoving(null);
            store.reload();
          }}
        />
      ) : null}
    </div>
  );
}
