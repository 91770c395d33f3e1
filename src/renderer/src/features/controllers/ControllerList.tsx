import { useTranslation } from 'react-i18next';

import type { ConnectionState, ControllerProfile } from '../../../../shared/model/controller';
import { Button } from '../../components/Button';
import { ConnectionChip, failureMessage } from './ConnectionChip';

export interface ControllerListProps {
  controllers: ControllerProfile[];
  states: ReadonlyMap<string, ConnectionState>;
  activeId: string | null;
  connectingId: string | null;
  disconnectingId: string | null;
  onConnect: (controller: ControllerProfile) => void;
  onDisconnect: (controller: ControllerProfile) => void;
  onEdit: (controller: ControllerProfile) => void;
  onRemove: (controller: ControllerProfile) => void;
  onForgetSecret: (controller: ControllerProfile) => void;
  onMakeActive: (controller: ControllerProfile) => void;
}

export function address(c: { user: string; host: string; port: number }): string {
  return `${c.user}@${c.host}:${c.port}`;
}

export function ControllerList(props: ControllerListProps) {
  const { t, i18n } = useTranslation();
  const { controllers, states, activeId, connectingId, disconnectingId } = props;
  return (
    <table className="table controllers-table" data-testid="controllers-table">
      <thead>
        <tr>
          <th scope="col">{t('controllers.list.name')}</th>
          <th scope="col">{t('controllers.list.address')}</th>
          <th scope="col">{t('controllers.list.cores')}</th>
          <th scope="col">{t('controllers.list.connection')}</th>
          <th scope="col" className="actions-col">
            {t('controllers.list.actions')}
          </th>
        </tr>
      </thead>
      <tbody>
        {controllers.map((c) => {
          const state = states.get(c.id);
          const live = state?.status === 'connected' || state?.status === 'reconnecting';
          const connecting = connectingId === c.id;
          const active = activeId === c.id;
          return (
            <tr key={c.id} className={active ? 'row-active' : ''} data-testid="controller-row" data-controller={c.name}>
              <td>
                <span className="strong">{c.name}</span>
                {active ? <span className="badge">{t('controllers.list.active')}</span> : null}
                {c.notes ? <span className="muted small block clamp">{c.notes}</span> : null}
              </td>
              <td>
                <span className="mono">{address(c)}</span>
                <span className="muted small block">
                  {t(`controllers.auth.${c.auth.kind}`)}
                  {c.auth.kind === 'key' ? ` · ${c.auth.keyFile}` : ''}
                  {c.hasSavedSecret ? ` · ${t('controllers.list.savedSecret')}` : ''}
                </span>
                {c.jump ? <span className="muted small block">{t('controllers.list.via', { jump: address(c.jump) })}</span> : null}
              </td>
              <td className="small nowrap">
                <span className="block">{t('controllers.list.rtCores', { cores: c.rtCores })}</span>
                <span className="block muted">{t('controllers.list.hkCores', { cores: c.housekeepingCores })}</span>
              </td>
              <td>
                <ConnectionChip state={state} connecting={connecting} testId="controller-connection" />
                {!connecting && failureMessage(state, i18n.resolvedLanguage) ? <span className="muted small block clamp">{failureMessage(state, i18n.resolvedLanguage)}</span> : null}
              </td>
              <td className="actions-col">
                <div className="row-actions">
                  <div className="row-actions-group">
                    {live ? (
                      <Button size="small" onClick={() => props.onDisconnect(c)} busy={disconnectingId === c.id}>
                        {t('controllers.disconnect')}
                      </Button>
                    ) : (
                      <Button size="small" variant="primary" onClick={() => props.onConnect(c)} busy={connecting}>
                        {connecting ? t('connection.status.connecting') : t('controllers.connect')}
                      </Button>
                    )}
                    {live && !active ? (
                      <Button size="small" variant="ghost" onClick={() => props.onMakeActive(c)}>
                        {t('controllers.makeActive')}
                      </Button>
                    ) : null}
                  </div>
                  <div className="row-actions-group">
                    <Button size="small" variant="ghost" onClick={() => props.onEdit(c)} aria-label={t('controllers.editNamed', { name: c.name })}>
                      {t('controllers.edit')}
                    </Button>
                    {c.hasSavedSecret ? (
                      <Button size="small" variant="ghost" onClick={() => props.onForgetSecret(c)}>
                        {t('controllers.forgetSecret')}
                      </Button>
                    ) : null}
                    <Button size="small" variant="ghost" className="danger-text" onClick={() => props.onRemove(c)} aria-label={t('controllers.removeNamed', { name: c.name })}>
                      {t('controllers.remove.button')}
                    </Button>
                  </div>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
