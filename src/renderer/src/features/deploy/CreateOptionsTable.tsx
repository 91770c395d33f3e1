import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { ArchiveInfo, ComposeMapping } from '../../../../shared/model/deploy';
import { formatBytes, formatDurationNs, shortDigest } from './deploy-format';

/** "A readable table of what will be created": the create options in the technician's words, JSON on demand. */
export function CreateOptionsTable({ mapping, archive }: { mapping: ComposeMapping; archive: ArchiveInfo | null }) {
  const { t } = useTranslation();
  const o = mapping.options;
  const hc = o.HostConfig;
  const health = o.Healthcheck;
  const rows: [string, ReactNode][] = [
    [t('deploy.webapi.table.image'), <span className="mono">{o.Image}</span>],
    [t('deploy.webapi.table.name'), <span className="mono">{o.name}</span>],
    [t('deploy.webapi.table.network'), hc.NetworkMode],
    [t('deploy.webapi.table.cores'), <span className="mono">{hc.CpusetCpus ?? '—'}</span>],
    [t('deploy.webapi.table.memory'), t('deploy.webapi.memory', { limit: hc.Memory ? formatBytes(hc.Memory) : '—', reservation: hc.MemoryReservation ? formatBytes(hc.MemoryReservation) : '—' })],
    [
      t('deploy.webapi.table.mounts'),
      <ul className="deploy-list">
        {hc.Binds.map((b) => {
          const [src, dst, mode] = b.split(':');
          return (
            <li key={b} className="mono">
              {src} → {dst} <span className="badge">{mode === 'ro' ? t('deploy.webapi.readOnly') : t('deploy.webapi.readWrite')}</span>
            </li>
          );
        })}
      </ul>,
    ],
    [t('deploy.webapi.table.env'), <span className="mono small">{o.Env.join('  ')}</span>],
    [t('deploy.webapi.table.logging'), hc.LogConfig ? <span className="mono">{`${hc.LogConfig.Type} ${Object.entries(hc.LogConfig.Config).map(([k, v]) => `${k}=${v}`).join(' ')}`}</span> : '—'],
    [
      t('deploy.webapi.table.health'),
      health && health.Test[0] !== 'NONE' ? (
        <>
          <span className="mono small">{health.Test.slice(1).join(' ')}</span>
          <br />
          {t('deploy.webapi.healthSpec', {
            interval: formatDurationNs(health.Interval ?? 30e9),
            timeout: formatDurationNs(health.Timeout ?? 30e9),
            retries: health.Retries ?? 3,
            start: formatDurationNs(health.StartPeriod ?? 0),
          })}
        </>
      ) : (
        t('deploy.webapi.noHealthcheck')
      ),
    ],
    [t('deploy.webapi.table.restart'), hc.RestartPolicy.Name + (hc.RestartPolicy.MaximumRetryCount ? `:${hc.RestartPolicy.MaximumRetryCount}` : '')],
    [t('deploy.webapi.table.healthUrl'), <span className="mono">{mapping.healthUrl}</span>],
  ];
  if (o.Cmd) rows.push([t('deploy.webapi.table.command'), <span className="mono small">{o.Cmd.join(' ')}</span>]);
  return (
    <div className="deploy-plan" data-testid="deploy-plan">
      <table className="table compact">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
          {archive ? (
            <>
              <tr>
                <th scope="row">{t('deploy.webapi.archive')}</th>
                <td data-testid="deploy-archive">
                  {t('deploy.webapi.archiveSummary', { tags: archive.repoTags.join(', '), size: formatBytes(archive.size), layers: archive.layers.length })}
                </td>
              </tr>
              <tr>
                <th scope="row">{t('deploy.webapi.imageId')}</th>
                <td className="mono small">{shortDigest(archive.configDigest)}</td>
              </tr>
            </>
          ) : null}
        </tbody>
      </table>
      {mapping.adaptations.length > 0 ? (
        <div className="notice deploy-notes" data-testid="deploy-adaptations">
          <strong>{t('deploy.webapi.adaptations')}</strong>
          <ul className="deploy-list">
            {mapping.adaptations.map((a) => (
              <li key={a.key}>{a.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {mapping.notes.length > 0 ? (
        <div className="deploy-notes small muted">
          <strong>{t('deploy.webapi.notes')}</strong>
          <ul className="deploy-list">
            {mapping.notes.map((n) => (
              <li key={n.key}>
                {n.line ? `${t('deploy.webapi.line', { line: n.line })}: ` : ''}
                {n.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <details>
        <summary>{t('deploy.webapi.json')}</summary>
        <pre className="deploy-pre">{JSON.stringify(o, null, 2)}</pre>
      </details>
    </div>
  );
}
