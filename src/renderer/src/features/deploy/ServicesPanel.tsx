import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ControllerProfile } from '../../../../shared/model/controller';
import type { DeployUnitName, ServiceAction, UnitPreview, UnitState } from '../../../../shared/model/deploy';
import { useApi } from '../../api/api-context';
import { useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { ConfirmDialog } from './ConfirmDialog';
import { UnitDiff } from './UnitDiff';
import { OperationOutcome, useDeployOperation } from './use-deploy-operation';

type Confirm = { kind: 'install' } | { kind: 'rollback' } | { kind: 'action'; unit: DeployUnitName; action: ServiceAction } | null;

function unitTone(u: UnitState): 'pass' | 'fail' | 'warn' | 'skip' {
  if (u.loadState === 'not-found') return 'skip';
  if (u.activeState === 'active') return 'pass';
  if (u.activeState === 'failed' || u.execMainStatus !== 0) return 'fail';
  return 'warn';
}

/** Native services: unit preview with diff, install/start (with rollback), per-unit start/stop, RT verification. */
export function ServicesPanel({ controller, onChanged }: { controller: ControllerProfile; onChanged: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const { progress, progressRef, busy, error, setError, record, setRecord, act: run, startProgress } = useDeployOperation<string>();
  const [rtBin, setRtBin] = useState('');
  const [nonrtBin, setNonrtBin] = useState('');
  const [previews, setPreviews] = useState<UnitPreview[] | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const status = useRequest(() => api.deploy.servicesStatus(controller.id), [api, controller.id]);

  const act = (kind: string, fn: () => Promise<void>): Promise<void> => {
    setConfirm(null);
    return run(kind, fn);
  };

  const install = () =>
    act('install', async () => {
      setRecord(null);
      const operationId = startProgress();
      try {
        setRecord(await api.deploy.deployServices(controller.id, { rtBin: rtBin.trim(), nonrtBin: nonrtBin.trim(), operationId }));
        setPreviews(await api.deploy.previewUnits(controller.id));
      } finally {
        status.reload();
        onChanged();
      }
    });

  const rollback = () =>
    act('rollback', async () => {
      try {
        setRecord(await api.deploy.rollbackServices(controller.id));
      } finally {
        status.reload();
        onChanged();
      }
    });

  const unitAction = (unit: DeployUnitName, action: ServiceAction) =>
    act(`${unit}:${action}`, async () => {
      await api.deploy.serviceAction(controller.id, unit, action);
      status.reload();
    });

  const running = busy === 'install' || busy === 'rollback';
  const rt = status.data?.rt;
  return (
    <div className="deploy-panel" data-testid="deploy-services">
      <section>
        <h2 className="section-title">{t('deploy.services.formTitle')}</h2>
        <div className="deploy-form">
          <Field label={t('deploy.services.rtBinLabel')} hint={t('deploy.services.binHint')}>
            {(control) => <input {...control} className="mono" value={rtBin} onChange={(e) => setRtBin(e.target.value)} placeholder="/home/tech/build/mxrc-rt" data-testid="deploy-rt-bin" spellCheck={false} />}
          </Field>
          <Field label={t('deploy.services.nonrtBinLabel')}>
            {(control) => <input {...control} className="mono" value={nonrtBin} onChange={(e) => setNonrtBin(e.target.value)} placeholder="/home/tech/build/mxrc-nonrt" data-testid="deploy-nonrt-bin" spellCheck={false} />}
          </Field>
        </div>
        <div className="deploy-actions">
          <Button onClick={() => void act('preview', async () => setPreviews(await api.deploy.previewUnits(controller.id)))} busy={busy === 'preview'} disabled={running} data-testid="deploy-preview-units">
            {t('deploy.services.preview')}
          </Button>
          <Button variant="primary" onClick={() => setConfirm({ kind: 'install' })} disabled={!rtBin.trim() || !nonrtBin.trim() || busy !== null} data-testid="deploy-install">
            {t('deploy.services.install')}
          </Button>
          <Button onClick={() => setConfirm({ kind: 'rollback' })} disabled={busy !== null} data-testid="deploy-services-rollback">
            {t('deploy.services.rollback')}
          </Button>
        </div>
      </section>

      {error ? <ErrorPanel error={error} onDismiss={() => setError(null)} context={{ controller: controller.name, rtBin, nonrtBin }} /> : null}
      <OperationOutcome progress={progress} progressRef={progressRef} running={running} record={record} />

      {previews ? (
        <section>
          <h2 className="section-title">{t('deploy.services.previewTitle')}</h2>
          {previews.map((p) => (
            <UnitDiff key={p.unit} preview={p} />
          ))}
        </section>
      ) : null}

      <section>
        <div className="deploy-section-head">
          <h2 className="section-title">{t('deploy.services.statusTitle')}</h2>
          <Button size="small" variant="ghost" onClick={status.reload} busy={status.loading}>
            {t('deploy.refresh')}
          </Button>
        </div>
        {status.error ? <ErrorPanel error={status.error} onRetry={status.reload} /> : null}
        {!status.data && status.loading ? <p className="muted">{t('deploy.loading')}</p> : null}
        {status.data ? (
          <table className="table compact" data-testid="deploy-services-status">
            <thead>
              <tr>
                <th>{t('deploy.services.unit')}</th>
                <th>{t('deploy.services.active')}</th>
                <th>{t('deploy.services.enabled')}</th>
                <th>{t('deploy.services.pid')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {status.data.units.map((u) => (
                <tr key={u.unit}>
                  <td className="mono">{u.unit}</td>
                  <td>
                    <StatusChip tone={unitTone(u)}>{u.loadState === 'not-found' ? u.loadState : `${u.activeState} (${u.subState})`}</StatusChip>
                  </td>
                  <td>{u.unitFileState || '—'}</td>
                  <td className="mono">{u.mainPid || '—'}</td>
                  <td className="row-actions">
                    {u.loadState === 'loaded' ? (
                      <>
                        {(['start', 'restart', 'stop'] as const).map((action) => (
                          <Button
                            key={action}
                            size="small"
                            variant={action === 'stop' ? 'danger' : 'secondary'}
                            busy={busy === `${u.unit}:${action}`}
                            disabled={busy !== null}
                            onClick={() => (action === 'start' ? void unitAction(u.unit as DeployUnitName, action) : setConfirm({ kind: 'action', unit: u.unit as DeployUnitName, action }))}
                          >
                            {t(`deploy.services.${action}`)}
                          </Button>
                        ))}
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <h3 className="section-title">{t('deploy.services.rtTitle')}</h3>
        {rt ? (
          <>
            <table className="table compact" data-testid="deploy-rt-checks">
              <thead>
                <tr>
                  <th>{t('deploy.services.check')}</th>
                  <th>{t('deploy.services.expected')}</th>
                  <th>{t('deploy.services.observed')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rt.checks.map((c) => (
                  <tr key={c.name}>
                    <td>{t(`deploy.services.checks.${c.name}`)}</td>
                    <td className="mono">{c.expected}</td>
                    <td className="mono">{c.observed}</td>
                    <td>
                      <StatusChip tone={c.pass ? 'pass' : 'fail'}>{c.pass ? t('deploy.state.done') : t('deploy.state.failed')}</StatusChip>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <details>
              <summary>{t('deploy.services.evidence')}</summary>
              <pre className="deploy-pre">{rt.evidence}</pre>
            </details>
          </>
        ) : (
          <p className="muted">{t('deploy.services.rtNone')}</p>
        )}
      </section>

      <ConfirmDialog open={confirm?.kind === 'install'} title={t('deploy.services.confirmTitle', { name: controller.name })} onCancel={() => setConfirm(null)} actions={[{ label: t('deploy.services.confirmInstall'), variant: 'danger', onConfirm: () => void install(), testId: 'deploy-confirm-install' }]}>
        <p>{t('deploy.services.confirmBody')}</p>
      </ConfirmDialog>
      <ConfirmDialog open={confirm?.kind === 'rollback'} title={t('deploy.services.rollbackTitle')} onCancel={() => setConfirm(null)} actions={[{ label: t('deploy.services.rollbackConfirm'), variant: 'danger', onConfirm: () => void rollback() }]}>
        <p>{t('deploy.services.rollbackBody')}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm?.kind === 'action'}
        title={confirm?.kind === 'action' ? (confirm.action === 'stop' ? t('deploy.services.stopTitle', { unit: confirm.unit }) : t('deploy.services.restartTitle', { unit: confirm.unit })) : ''}
        onCancel={() => setConfirm(null)}
        actions={confirm?.kind === 'action' ? [{ label: t(`deploy.services.${confirm.action}`), variant: 'danger', onConfirm: () => void unitAction(confirm.unit, confirm.action) }] : []}
      >
        <p>{t('deploy.services.stopBody')}</p>
      </ConfirmDialog>
    </div>
  );
}
