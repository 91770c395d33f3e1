import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { VerifyResult } from '../../../../shared/model/report';
import { useApi } from '../../api/api-context';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';

const tone = { intact: 'pass', tampered: 'fail', error: 'warn' } as const;

/** "Is this report file still what the tool wrote?" — for a JSON or HTML report on this laptop. */
export function VerifyCard({ initialPath }: { initialPath?: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const [path, setPath] = useState(initialPath ?? '');
  const [result, setResult] = useState<VerifyResult | null>(null);
  const verify = useAction(async () => {
    const answer = await api.reports.verify(path.trim());
    setResult(answer);
    return answer;
  });
  return (
    <section className="card reports-verify" aria-labelledby="reports-verify-title" data-testid="reports-verify">
      <h2 className="section-title" id="reports-verify-title">
        {t('reports.verify.title')}
      </h2>
      <p className="small muted">{t('reports.verify.what')}</p>
      <form
        className="reports-verify-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (path.trim()) void verify.run();
        }}
      >
        <Field label={t('reports.verify.path')} hint={t('reports.verify.pathHint')} className="grow">
          {(control) => <input {...control} value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} data-testid="reports-verify-path" />}
        </Field>
        <Button type="submit" disabled={!path.trim()} busy={verify.pending} data-testid="reports-verify-button">
          {t('reports.verify.button')}
        </Button>
      </form>
      {verify.error ? <ErrorPanel error={verify.error} onDismiss={verify.clearError} /> : null}
      {result ? (
        <div className="reports-verify-result" data-testid="reports-verify-result" data-status={result.status}>
          <p>
            <StatusChip tone={tone[result.status]}>{t(`reports.verify.status.${result.status}`)}</StatusChip>{' '}
            {result.controller ? t('reports.verify.of', { controller: result.controller, visit: result.visit ?? '?' }) : null}
          </p>
          <ul className="reports-verify-checks">
            {result.checks.map((check) => (
              <li key={check.name} data-ok={check.ok}>
                <span aria-hidden="true">{check.ok ? '✓' : '✕'}</span> {t(`reports.verify.checks.${check.name}`)}: {check.ok ? t('reports.verify.ok') : t('reports.verify.bad')}
                <span className="small muted"> — {check.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
