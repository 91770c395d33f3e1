import { useTranslation } from 'react-i18next';

import type { RemediationExportView, RemediationFilePreview } from '../../../../shared/model/checks';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { StatusChip } from '../../components/StatusChip';

function FileDiff({ file }: { file: RemediationFilePreview }) {
  const { t } = useTranslation();
  const tone = file.state === 'unchanged' ? 'pass' : file.state === 'new' ? 'info' : file.state === 'changed' ? 'warn' : 'skip';
  return (
    <div className="checks-export-file" data-testid="export-file" data-target={file.target} data-state={file.state}>
      <p className="checks-file-path">
        <span className="mono">{file.target}</span> <StatusChip tone={tone}>{t(`checks.export.state.${file.state}`)}</StatusChip>
        {file.merge === 'set-keys' ? <span className="muted small"> {t('checks.detail.setKeys')}</span> : null}
      </p>
      {file.diff ? (
        <pre className="checks-pre checks-diff">
          {file.diff.replace(/\n$/, '').split('\n').map((line, i) => (
            <span key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'diff-add' : line.startsWith('-') && !line.startsWith('---') ? 'diff-del' : line.startsWith('@@') ? 'diff-hunk' : undefined}>
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <pre className="checks-pre">{file.content}</pre>
      )}
    </div>
  );
}

/** The exported remediation for review: where it is, every file with its diff, what stays manual, the script. */
export function ExportDialog({ exported, onClose }: { exported: RemediationExportView; onClose: () => void }) {
  const { t } = useTranslation();
  const command = `sudo sh remediation.sh --dry-run`;
  return (
    <Dialog
      open
      title={t('checks.export.title')}
      onClose={onClose}
      width="wide"
      testId="export-dialog"
      footer={
        <Button variant="primary" onClick={onClose} data-autofocus>
          {t('checks.export.close')}
        </Button>
      }
    >
      <p className="notice" data-testid="export-not-applied">
        <strong>{t('checks.export.notApplied')}</strong> {t('checks.export.howToApply')}
      </p>
      <p className="command-line">
        <span>{t('checks.export.folder')}</span> <code data-testid="export-folder">{exported.folder}</code>
        <CopyButton text={() => exported.folder} />
      </p>
      <p className="command-line">
        <span>{t('checks.export.then')}</span> <code>{command}</code>
        <CopyButton text={() => command} />
      </p>
      {exported.reboot ? <p className="small">{t('checks.export.reboot')}</p> : null}

      <h3 className="section-title">{t('checks.export.addresses', { count: exported.addressed.length })}</h3>
      {exported.addressed.length === 0 ? <p className="muted">{t('checks.export.nothing')}</p> : null}
      <ul className="checks-addressed">
        {exported.addressed.map((a) => (
          <li key={a.id}>
            <span className="mono">{a.id}</span> <span className="muted small">{a.verdict}</span> {a.summary}
          </li>
        ))}
      </ul>

      <h3 className="section-title">{t('checks.export.files', { count: exported.files.length })}</h3>
      {exported.currentFilesNote ? <p className="small muted">{exported.currentFilesNote}</p> : null}
      {exported.files.map((file) => (
        <FileDiff key={file.target} file={file} />
      ))}

      {exported.manual.length > 0 ? (
        <>
          <h3 className="section-title">{t('checks.export.manual')}</h3>
          <ul className="checks-addressed">
            {exported.manual.map((m) => (
              <li key={m.id}>
                <span className="mono">{m.id}</span> {m.summary}
                {m.steps.length > 0 ? <pre className="checks-pre">{m.steps.join('\n')}</pre> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <details className="checks-script">
        <summary>{t('checks.export.script')}</summary>
        <pre className="checks-pre">{exported.script}</pre>
        <CopyButton text={() => exported.script} />
      </details>
    </Dialog>
  );
}
