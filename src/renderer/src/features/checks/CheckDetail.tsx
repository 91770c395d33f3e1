import { useTranslation } from 'react-i18next';

import { checkTitle, checkWhy } from '../../../../shared/checks/check-text';
import type { CheckResult } from '../../../../shared/checks/model';
import type { CheckInfo } from '../../../../shared/model/checks';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { StatusChip } from '../../components/StatusChip';
import { readableCommand, remedyText, resultText, verdictTone } from './checks-format';

/** One check opened: why it matters for a 100 µs loop, the evidence (commands and raw output), the remedy. */
export function CheckDetail({ info, result, pending, canRerun, onRerun, onClose }: { info: CheckInfo; result: CheckResult | undefined; pending: boolean; canRerun: boolean; onRerun: () => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const remedy = result?.remediation ?? null;
  return (
    <section className="checks-detail card" aria-labelledby="checks-detail-title" data-testid="check-detail" data-check={info.id}>
      <header className="checks-detail-head">
        <div>
          <p className="muted small mono">
            {info.id}
            {info.aliases.length > 0 ? ` (${info.aliases.join(', ')})` : ''} · {t(`checks.groups.${info.group}`)} · {info.slug}
          </p>
          <h2 id="checks-detail-title">{checkTitle(info.id, i18n.language, info.title)}</h2>
        </div>
        <Button size="small" variant="ghost" onClick={onClose} aria-label={t('checks.detail.close')}>
          ✕
        </Button>
      </header>
      {result ? (
        <p className="checks-detail-verdict">
          <StatusChip tone={verdictTone(result.verdict)}>{t(`checks.verdict.${result.verdict}`)}</StatusChip>{' '}
          {result.skipReason ? <span className="muted small">({t(`checks.skipReason.${result.skipReason === 'needs sudo' ? 'sudo' : result.skipReason === 'tool missing' ? 'tool' : 'na'}`)}) </span> : null}
          <span data-testid="check-detail-summary">{result.summary}</span>
        </p>
      ) : (
        <p className="muted">{pending ? t('checks.detail.pending') : t('checks.detail.notRun')}</p>
      )}
      <div className="checks-detail-actions">
        <Button size="small" onClick={onRerun} disabled={!canRerun} data-testid="check-rerun">
          {t('checks.detail.rerun')}
        </Button>
        {result ? <CopyButton text={() => resultText(result)} label={t('checks.detail.copyAll')} /> : null}
      </div>

      <h3 className="section-title">{t('checks.detail.why')}</h3>
      <p className="checks-why">{checkWhy(info.id, i18n.language, result?.why ?? info.why)}</p>

      {result && result.evidence.length > 0 ? (
        <>
          <h3 className="section-title">{t('checks.detail.evidence', { count: result.evidence.length })}</h3>
          {result.evidence.map((evidence, index) => (
            <details key={index} className="checks-evidence" open={index === 0}>
              <summary>
                <span className="mono small">{readableCommand(evidence.command).split('\n')[0]}</span>
                <span className="muted small"> · {t('checks.detail.exit', { code: evidence.exitCode ?? '–' })}</span>
              </summary>
              <pre className="checks-pre" data-testid="check-evidence-stdout">{evidence.stdout || t('checks.detail.noOutput')}</pre>
              {evidence.stderr ? <pre className="checks-pre checks-stderr">{evidence.stderr}</pre> : null}
              <details className="checks-exact">
                <summary className="small muted">{t('checks.detail.ranAs')}</summary>
                <pre className="checks-pre checks-command">{evidence.command}</pre>
              </details>
              <CopyButton text={() => `$ ${evidence.command}\n${evidence.stdout}${evidence.stderr ? `\n[stderr]\n${evidence.stderr}` : ''}\n[exit ${evidence.exitCode ?? 'none'}]`} />
            </details>
          ))}
        </>
      ) : null}
      {remedy ? (
        <>
          <h3 className="section-title">
            {t('checks.detail.remedy')}
            {remedy.reboot ? <span className="badge">{t('checks.detail.reboot')}</span> : null}
            {remedy.manual ? <span className="badge">{t('checks.detail.manual')}</span> : null}
          </h3>
          <p>{remedy.summary}</p>
          <div className="checks-remedy" data-testid="check-remedy">
            {remedy.files.map((file) => (
              <div key={file.path}>
                <p className="mono small checks-file-path">
                  {file.path}
                  {file.merge === 'set-keys' ? <span className="muted"> · {t('checks.detail.setKeys')}</span> : null}
                </p>
                <pre className="checks-pre">{file.content}</pre>
              </div>
            ))}
            {remedy.steps.length > 0 ? (
              <>
                <p className="small muted">{t('checks.detail.steps')}</p>
                <pre className="checks-pre">{remedy.steps.join('\n')}</pre>
              </>
            ) : null}
            <CopyButton text={() => remedyText(result as CheckResult)} label={t('checks.detail.copyRemedy')} />
          </div>
        </>
      ) : null}

    </section>
  );
}
