import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ArchiveInfo, ComposeMapping, DockerPinResult, ProbeResult, WebapiStatus } from '../../../../shared/model/deploy';
import type { ControllerProfile } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { formatSince } from '../../i18n/format';
import { ConfirmDialog } from './ConfirmDialog';
import { CreateOptionsTable } from './CreateOptionsTable';
import { shortDigest } from './deploy-format';
import { OperationOutcome, useDeployOperation } from './use-deploy-operation';

type Confirm = 'deploy' | 'rollback' | 'native' | 'pin' | null;

function ContainerLine({ label, c }: { label: string; c: WebapiStatus['current'] }) {
  const { t, i18n } = useTranslation();
  return (
    <tr>
      <th scope="row">{label}</th>
      {c ? (
        <td>
          <span className="mono">{c.image}</span> <span className="mono small muted">{shortDigest(c.imageId)}</span>{' '}
          <StatusChip tone={c.health === 'healthy' ? 'pass' : c.health === 'unhealthy' ? 'fail' : c.state === 'running' ? 'info' : 'skip'}>{c.health ?? c.state}</StatusChip>
          <span className="small muted">
            {' '}
            {c.cpuset ? `cpuset ${c.cpuset} · ` : ''}
            {c.restartPolicy ? `restart ${c.restartPolicy} · ` : ''}
            {c.startedAt && !c.startedAt.startsWith('0001') ? formatSince(c.startedAt, i18n.language) : ''}
          </span>
        </td>
      ) : (
        <td className="muted">{t('deploy.webapi.noPrevious')}</td>
      )}
    </tr>
  );
}

/** WebAPI: choose the archive and compose file, see what will be created, deploy with progress, roll back. */
export function WebapiPanel({ controller, onChanged }: { controller: ControllerProfile; onChanged: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const { progress, progressRef, busy, error, setError, record, setRecord, act, startProgress } = useDeployOperation<'check' | 'deploy' | 'rollback' | 'probe' | 'native' | 'pin'>();
  const [imagePath, setImagePath] = useState('');
  const [composePath, setComposePath] = useState('');
  const [plan, setPlan] = useState<{ mapping: ComposeMapping; archive: ArchiveInfo | null } | null>(null);
  const [probe, setProbe] = useState<ProbeResult | null>(null);
  const [pin, setPin] = useState<DockerPinResult | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const compose = composePath.trim() ? { path: composePath.trim() } : {};
  const containerName = plan?.mapping.options.name;
  const status = useRequest(() => api.deploy.webapiStatus(controller.id, containerName), [api, controller.id, containerName]);


  const check = () =>
    act('check', async () => {
      setPlan(null);
      const mapping = await api.deploy.inspectCompose(controller.id, compose);
      setPlan({ mapping, archive: null });
      const archive = imagePath.trim() ? await api.deploy.inspectArchive(imagePath.trim(), mapping.options.Image) : null;
      setPlan({ mapping, archive });
    });


  const deploy = () =>
    act('deploy', async () => {
      setConfirm(null);
      setRecord(null);
      const operationId = startProgress();
      try {
        setRecord(await api.deploy.deployWebapi(controller.id, { imagePath: imagePath.trim(), compose, operationId, probeCount: 200 }));
      } finally {
        status.reload();
        onChanged();
      }
    });

  const rollback = () =>
    act('rollback', async () => {
      setConfirm(null);
      setRecord(null);
      startProgress();
      try {
        setRecord(await api.deploy.rollbackWebapi(controller.id, compose));
      } finally {
        status.reload();
        onChanged();
      }
    });

  const native = () =>
    act('native', async () => {
      setConfirm(null);
      try {
        setRecord(await api.deploy.restoreNativeWebapi(controller.id, compose));
      } finally {
        status.reload();
        onChanged();
      }
    });

  const runPin = (restart: boolean) =>
    act('pin', async () => {
      setConfirm(null);
      setPin(await api.deploy.pinDocker(controller.id, restart));
    });

  const running = busy === 'deploy' || busy === 'rollback' || busy === 'native';
  const previous = status.data?.previous;
  return (
    <div className="deploy-panel" data-testid="deploy-webapi">
      <section>
        <div className="deploy-section-head">
          <h2 className="section-title">{t('deploy.webapi.statusTitle')}</h2>
          <Button size="small" variant="ghost" onClick={status.reload} busy={status.loading}>
            {t('deploy.refresh')}
          </Button>
        </div>
        {status.error ? <ErrorPanel error={status.error} onRetry={status.reload} /> : null}
        {!status.data && status.loading ? <p className="muted">{t('deploy.loading')}</p> : null}
        {status.data ? (
          <table className="table compact deploy-status" data-testid="deploy-webapi-status">
            <tbody>
              <ContainerLine label={t('deploy.webapi.current')} c={status.data.current} />
              <ContainerLine label={t('deploy.webapi.previous')} c={status.data.previous} />
            </tbody>
          </table>
        ) : null}
        {status.data ? <p className="small muted">{t('deploy.webapi.transport', { version: status.data.dockerVersion, transport: status.data.transport })}</p> : null}
      </section>

      <section>
        <h2 className="section-title">{t('deploy.webapi.formTitle')}</h2>
        <div className="deploy-form">
          <Field label={t('deploy.webapi.imageLabel')} hint={t('deploy.webapi.imageHint')}>
            {(control) => <input {...control} className="mono" value={imagePath} onChange={(e) => setImagePath(e.target.value)} placeholder="/home/tech/mxrc-webapi-2.1.0.tar.gz" data-testid="deploy-image" spellCheck={false} />}
          </Field>
          <Field label={t('deploy.webapi.composeLabel')} hint={t('deploy.webapi.composeHint')}>
            {(control) => <input {...control} className="mono" value={composePath} onChange={(e) => setComposePath(e.target.value)} placeholder={t('deploy.webapi.composePlaceholder')} data-testid="deploy-compose" spellCheck={false} />}
          </Field>
        </div>
        <div className="deploy-actions">
          <Button onClick={() => void check()} busy={busy === 'check'} disabled={running} data-testid="deploy-check">
            {t('deploy.webapi.check')}
          </Button>
          <Button variant="primary" onClick={() => setConfirm('deploy')} disabled={!plan?.archive || running || busy !== null} data-testid="deploy-start">
            {t('deploy.webapi.deploy')}
          </Button>
          <Button onClick={() => setConfirm('rollback')} disabled={!previous || busy !== null} data-testid="deploy-rollback">
            {t('deploy.webapi.rollback')}
          </Button>
          <Button onClick={() => void act('probe', async () => setProbe(await api.deploy.probeWebapi(controller.id, { count: 200 }, compose)))} busy={busy === 'probe'} disabled={!status.data?.current || busy !== null} data-testid="deploy-probe-run">
            {t('deploy.webapi.probe')}
          </Button>
        </div>
        <div className="deploy-actions deploy-more">
          <span className="small muted">{t('deploy.webapi.more')}</span>
          <Button size="small" variant="ghost" onClick={() => setConfirm('native')} disabled={busy !== null}>
            {t('deploy.webapi.native')}
          </Button>
          <Button size="small" variant="ghost" onClick={() => setConfirm('pin')} busy={busy === 'pin'} disabled={busy !== null && busy !== 'pin'}>
            {t('deploy.webapi.pin')}
          </Button>
        </div>
      </section>

      {error ? <ErrorPanel error={error} onDismiss={() => setError(null)} context={{ controller: controller.name, imagePath, composePath }} /> : null}

      <OperationOutcome progress={progress} progressRef={progressRef} running={running} record={record} />
      {probe ? (
        <p className="card" data-testid="deploy-probe-result">
          {t('deploy.result.probe', { via: t(`deploy.result.via.${probe.via}`), count: probe.count, p50: probe.p50Ms.toFixed(2), p99: probe.p99Ms.toFixed(2) })}{' '}
          <StatusChip tone={probe.pass ? 'pass' : 'fail'}>{probe.pass ? t('deploy.result.probePass', { threshold: probe.thresholdMs }) : t('deploy.result.probeFail', { threshold: probe.thresholdMs })}</StatusChip>
        </p>
      ) : null}
      {pin ? (
        <div className="notice" data-testid="deploy-pin-result">
          <p>{t('deploy.webapi.pinDone', { units: pin.units.map((u) => u.dropIn).join(', ') })}</p>
          {pin.pending ? <p className="small">{pin.pending}</p> : null}
        </div>
      ) : null}

      {plan ? (
        <section>
          <h2 className="section-title">{t('deploy.webapi.planTitle')}</h2>
          <CreateOptionsTable mapping={plan.mapping} archive={plan.archive} />
        </section>
      ) : null}

      <ConfirmDialog
        open={confirm === 'deploy'}
        title={t('deploy.webapi.confirmTitle', { name: controller.name })}
        onCancel={() => setConfirm(null)}
        actions={[{ label: t('deploy.webapi.confirmDeploy'), onConfirm: () => void deploy(), testId: 'deploy-confirm-go' }]}
      >
        <p>{t('deploy.webapi.confirmBody')}</p>
      </ConfirmDialog>
      <ConfirmDialog open={confirm === 'rollback'} title={t('deploy.webapi.rollbackTitle')} onCancel={() => setConfirm(null)} actions={[{ label: t('deploy.webapi.rollbackConfirm'), onConfirm: () => void rollback(), testId: 'deploy-confirm-rollback' }]}>
        <p>{t('deploy.webapi.rollbackBody', { image: previous?.image ?? '' })}</p>
      </ConfirmDialog>
      <ConfirmDialog open={confirm === 'native'} title={t('deploy.webapi.nativeTitle')} onCancel={() => setConfirm(null)} actions={[{ label: t('deploy.webapi.nativeConfirm'), variant: 'danger', onConfirm: () => void native() }]}>
        <p>{t('deploy.webapi.nativeBody')}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'pin'}
        title={t('deploy.webapi.pinTitle')}
        onCancel={() => setConfirm(null)}
        actions={[
          { label: t('deploy.webapi.pinOnly'), onConfirm: () => void runPin(false) },
          { label: t('deploy.webapi.pinRestart'), variant: 'danger', onConfirm: () => void runPin(true) },
        ]}
      >
        <p>{t('deploy.webapi.pinBody', { cores: controller.housekeepingCores })}</p>
        <p className="danger-text">{t('deploy.webapi.pinRestartWarning')}</p>
      </ConfirmDialog>
    </div>
  );
}
