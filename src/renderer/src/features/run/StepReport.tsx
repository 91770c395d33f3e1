import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ReportFormat, ReportLanguage } from '../../../../shared/model/report';
import { reportFormats, reportLanguages } from '../../../../shared/model/report';
import type { RunState } from '../../../../shared/model/run';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';

/** The last step: the visit's report in the chosen format and language, written under the data folder. */
export function StepReport({ state, busy, onCreate }: { state: RunState; busy: boolean; onCreate: (format: ReportFormat, language: ReportLanguage) => void }) {
  const { t, i18n } = useTranslation();
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [language, setLanguage] = useState<ReportLanguage>(i18n.resolvedLanguage === 'ko' ? 'ko' : 'en');
  return (
    <div className="run-inline">
      <div className="run-report-options">
        <fieldset className="radio-group">
          <legend>{t('run.report.format')}</legend>
          {reportFormats.map((f) => (
            <label key={f} className="radio">
              <input type="radio" name="run-report-format" value={f} checked={format === f} onChange={() => setFormat(f)} data-testid={`run-report-format-${f}`} /> {t(`reports.format.${f}`)}
            </label>
          ))}
        </fieldset>
        <fieldset className="radio-group">
          <legend>{t('run.report.language')}</legend>
          {reportLanguages.map((l) => (
            <label key={l} className="radio">
              <input type="radio" name="run-report-language" value={l} checked={language === l} onChange={() => setLanguage(l)} data-testid={`run-report-lang-${l}`} /> {t(`reports.language.${l}`)}
            </label>
          ))}
        </fieldset>
      </div>
      <Button variant="primary" onClick={() => onCreate(format, language)} busy={busy} data-testid="run-report-create">
        {t('run.report.create')}
      </Button>
      {state.report ? (
        <div className="notice run-report-made" data-testid="run-report-made">
          <p>
            <strong>{t('run.report.made')}</strong> <span className="mono">{state.report.path}</span>
          </p>
          <p className="small">
            {t('run.report.hash')} <span className="mono">{state.report.sha256}</span>
          </p>
          <CopyButton text={() => state.report?.path ?? ''} label={t('run.report.copyPath')} />
        </div>
      ) : null}
    </div>
  );
}
