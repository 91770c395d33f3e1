import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppError } from '../../../../shared/errors';
import type { ControllerInput, ControllerProfile, JumpHost, SshConfigHost } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { usePreferences } from '../../app/preferences';
import { fieldProblems } from './form-model';

/** `[user@]host[:port]`, the first hop of a ProxyJump line. */
export function parseProxyJump(proxyJump: string, fallbackUser: string): JumpHost | null {
  const first = proxyJump.split(',')[0]?.trim() ?? '';
  if (first === '' || first.toLowerCase() === 'none') return null;
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(first);
  if (!match?.[2]) return null;
  return {
    host: match[2].replace(/^\[|\]$/g, ''),
    port: match[3] ? Number(match[3]) : 22,
    user: match[1] ?? fallbackUser,
    auth: { kind: 'agent' },
  };
}

export function inputFromSshHost(host: SshConfigHost, defaultUser: string): ControllerInput {
  const user = host.user ?? defaultUser;
  return {
    name: host.alias,
    host: host.host,
    port: host.port,
    user,
    auth: host.identityFile ? { kind: 'key', keyFile: host.identityFile } : { kind: 'agent' },
    jump: host.proxyJump ? parseProxyJump(host.proxyJump, user) : null,
  };
}

function sameTarget(host: SshConfigHost, profile: ControllerProfile): boolean {
  return profile.host === host.host && profile.port === host.port && (host.user === null || host.user === profile.user);
}

export interface ImportSshConfigDialogProps {
  existing: ControllerProfile[];
  onClose: () => void;
  onImported: (profiles: ControllerProfile[]) => void;
}

/** Pick hosts from ~/.ssh/config and save each as a controller profile. */
export function ImportSshConfigDialog({ existing, onClose, onImported }: ImportSshConfigDialogProps) {
  const { t } = useTranslation();
  const api = useApi();
  const hosts = useRequest(() => api.controllers.sshConfigHosts(), [api]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [defaultUser, setDefaultUser] = useState('mxrc');
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState<ReadonlyMap<string, AppError>>(new Map());
  const { controllerDefaults } = usePreferences();

  const list = hosts.data ?? [];
  const needsUser = list.some((h) => selected.has(h.alias) && h.user === null);

  const toggle = (alias: string, on: boolean) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(alias);
      else next.delete(alias);
      return next;
    });

  const importSelected = async () => {
    setBusy(true);
    const saved: ControllerProfile[] = [];
    const failed = new Map<string, AppError>();
    for (const host of list) {
      if (!selected.has(host.alias)) continue;
      try {
        saved.push(await api.controllers.save({ ...inputFromSshHost(host, defaultUser.trim()), ...controllerDefaults }));
      } catch (error) {
        failed.set(host.alias, toAppError(error));
      }
    }
    setBusy(false);
    setFailures(failed);
    setSelected(new Set(failed.keys()));
    if (saved.length > 0) onImported(saved);
    if (failed.size === 0) onClose();
  };

  return (
    <Dialog
      open
      width="wide"
      title={t('controllers.import.title')}
      onClose={busy ? undefined : onClose}
      testId="import-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" onClick={() => void importSelected()} busy={busy} disabled={selected.size === 0}>
            {t('controllers.import.importSelected', { count: selected.size })}
          </Button>
        </>
      }
    >
      <p>{t('controllers.import.intro')}</p>
      {hosts.loading && !hosts.data ? (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t('controllers.import.reading')}
        </p>
      ) : null}
      {hosts.error ? <ErrorPanel error={hosts.error} onRetry={hosts.reload} context={{ action: 'controllers.sshConfigHosts' }} /> : null}
      {hosts.data && list.length === 0 ? <p className="empty-note">{t('controllers.import.none')}</p> : null}
      {list.length > 0 ? (
        <table className="table import-table">
          <thead>
            <tr>
              <th scope="col" className="check-col">
                <span className="visually-hidden">{t('controllers.import.select')}</span>
              </th>
              <th scope="col">{t('controllers.import.alias')}</th>
              <th scope="col">{t('controllers.list.address')}</th>
              <th scope="col">{t('controllers.import.key')}</th>
              <th scope="col">{t('controllers.import.via')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((host) => {
              const already = existing.some((p) => sameTarget(host, p));
              const failure = failures.get(host.alias);
              const problems = failure?.code === 'INVALID_INPUT' ? fieldProblems(failure.detail) : null;
              const id = `import-${host.alias}`;
              return (
                <tr key={host.alias} className={already ? 'row-muted' : ''}>
                  <td className="check-col">
                    <input id={id} type="checkbox" disabled={busy} checked={selected.has(host.alias)} onChange={(event) => toggle(host.alias, event.target.checked)} />
                  </td>
                  <td className="nowrap">
                    <label htmlFor={id} className="strong">
                      {host.alias}
                    </label>
                    {already ? (
                      <span className="block">
                        <StatusChip tone="skip">{t('controllers.import.already')}</StatusChip>
                      </span>
                    ) : null}
                    {failure ? (
                      <span className="field-error block" role="alert">
                        ✕ {problems ? Object.values(problems.fields).concat(problems.other).join('; ') : t(`errors.${failure.code}.title`)}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <span className="mono">{host.user ? `${host.user}@${host.host}:${host.port}` : `${host.host}:${host.port}`}</span>
                    {host.user ? null : <span className="muted small block">{t('controllers.import.noUser')}</span>}
                  </td>
                  <td className="mono small">{host.identityFile ?? <span className="muted">{t('controllers.auth.agent')}</span>}</td>
                  <td className="mono small">{host.proxyJump ?? '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {needsUser ? (
        <Field label={t('controllers.import.defaultUser')} hint={t('controllers.import.defaultUserHint')}>
          {(control) => <input {...control} value={defaultUser} onChange={(event) => setDefaultUser(event.target.value)} />}
        </Field>
      ) : null}
    </Dialog>
  );
}
