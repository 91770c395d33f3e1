import { useTranslation } from 'react-i18next';

import type { UnitPreview } from '../../../../shared/model/deploy';
import { StatusChip } from '../../components/StatusChip';

/** A rendered unit against what is installed: unified diff with + and - lines marked by sign and colour. */
export function UnitDiff({ preview }: { preview: UnitPreview }) {
  const { t } = useTranslation();
  const state = preview.installed === null ? 'new' : preview.changed ? 'changed' : 'unchanged';
  return (
    <div className="deploy-unit" data-testid={`deploy-unit-${preview.unit}`} data-state={state}>
      <h3 className="deploy-unit-title">
        <span className="mono">{preview.path}</span> <StatusChip tone={state === 'unchanged' ? 'pass' : state === 'new' ? 'info' : 'warn'}>{t(`deploy.services.${state}`)}</StatusChip>
      </h3>
      {preview.diff ? (
        <pre className="deploy-pre deploy-diff">
          {preview.diff.split('\n').map((line, i) => (
            <span key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'diff-add' : line.startsWith('-') && !line.startsWith('---') ? 'diff-del' : line.startsWith('@@') ? 'diff-hunk' : undefined}>
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <details>
          <summary>{t('deploy.services.showContent')}</summary>
          <pre className="deploy-pre">{preview.content}</pre>
        </details>
      )}
    </div>
  );
}
