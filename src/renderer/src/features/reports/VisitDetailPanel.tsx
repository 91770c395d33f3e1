import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ReportExport, ReportFormat, ReportLanguage, VisitDetail, VisitNote } from '../../../../shared/model/report';
import { reportFormats, reportLanguages } from '../../../../shared/model/report';
import { useApi } from '../../api/api-context';
import { useAction, useRequest } from '../../api/use-request';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { formatDateTime } from '../../i18n/format';
import { formatSpan, verdictTone } from './reports-format';

type SheetForm = { site: string; customer: string; technician: string; customerRepresentative: string; deviations: string; openItems: string };

function formOf(detail: VisitDetail): SheetForm {
  const s = detail.sheet;
  return { site: s.site, customer: s.customer, technician: s.technician, customerRepresentative: s.customerRepresentative, deviations: s.deviations.map((n) => n.text).join('\n'), openItems: s.openItems.map((n) => n.text).join('\n') };
}

/** One line per note; a line that was already there keeps where it came from (e.g. the commissioning run). */
function notesOf(text: string, previous: VisitNote[]): Array<{ text: string; source?: string; at?: string }> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const old = previous.find((n) => n.text === line);
      return old ? { text: line, source: old.source, at: old.at } : { text: line };
    });
}

/** A visit: what was recorded, the sheet (site, people, deviations), preview and export of its report. */
export function VisitDetailPanel({ controller, visit, onExported }: { controller: string; visit: string; onExported: (made: ReportExport) => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const detail = useRequest(() => api.history.visit(controller, visit), [api, controller, visit]);
  // Edits are kept against the loaded detail they started from; a reload (after saving) starts from the new data.
  const [edit, setEdit] = useState<{ base: VisitDetail; form: SheetForm } | null>(null);
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [language, setLanguage] = useState<ReportLanguage>(i18n.resolvedLanguage === 'ko' ? 'ko' : 'en');
  const [out, setOut] = useState('');
  const [made, setMade] = useState<ReportExport | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const data = detail.data;
  const form = data ? (edit?.base === data ? edit.form : formOf(data)) : null;
  const setForm = (next: SheetForm) => {
    if (data) setEdit({ base: data, form: next });
  };

  const save = useAction(async () => {
    if (!data || !form) return null;
    const sheet = await api.reports.saveSheet(data.controller.key, data.overview.visit, {
      site: form.site,
      customer: form.customer,
      technician: form.technician,
      customerRepresentative: form.customerRepresentative,
      deviations: notesOf(form.deviations, data.sheet.deviations),
      openItems: notesOf(form.openItems, data.sheet.openItems),
    });
    detail.reload();
    return sheet;
  });
  const exporting = useAction(async () => {
    if (!data) return null;
    const result = await api.reports.export(data.controller.key, data.overview.visit, { format, language, ...(out.trim() ? { out: out.trim() } : {}) });
    setMade(result);
    onExported(result);
    return result;
  });
  const previewing = useAction(async () => {
    if (!data) return null;
    const result = await api.reports.preview(data.controller.key, data.overview.visit, language);
    setPreview(result.html);
    return result;
  });

  if (detail.error) return <ErrorPanel error={detail.error} onRetry={detail.reload} />;
  if (!data || !form) return <p className="muted">{t('common.loading')}</p>;
  const report = data.report;
  const dirty = JSON.stringify(form) !== JSON.stringify(formOf(data));

  return (
    <section className="card reports-visit" aria-labelledby="reports-visit-title" data-testid="reports-visit" data-visit={data.overview.visit}>
      <header className="reports-card-header">
        <h2 className="section-title" id="reports-visit-title">
          {t('reports.visit.title', { visit: data.overview.visit, name: data.controller.name })}
        </h2>
        <StatusChip tone={verdictTone(report.verdict.overall)} testId="reports-visit-overall">
          {t(`reports.overall.${report.verdict.overall}`)}
        </StatusChip>
      </header>
      <p className="small muted">{formatSpan(data.overview.firstAt, data.overview.lastAt, i18n.language)}</p>
      <ul className="reports-items" aria-label={t('reports.visit.itemsLabel')}>
        {report.verdict.items.map((item) => (
          <li key={item.key}>
            <StatusChip tone={verdictTone(item.verdict)} testId={`reports-item-${item.key}`}>
              {t(`reports.items.${item.key}`)}: {t(`reports.itemVerdict.${item.verdict}`)}
            </StatusChip>
          </li>
        ))}
      </ul>

      <details className="reports-records">
        <summary>{t('reports.visit.records', { count: data.records.length })}</summary>
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">{t('reports.visit.time')}</th>
              <th scope="col">{t('reports.visit.kind')}</th>
              <th scope="col">{t('reports.visit.result')}</th>
            </tr>
          </thead>
          <tbody>
            {data.records.map((r) => (
              <tr key={`${r.kind}.${r.id}`}>
                <td className="nowrap">{formatDateTime(r.createdAt, i18n.language)}</td>
                <td>{t(`reports.kinds.${r.kind}`)}</td>
                <td>
                  {r.verdict ? <StatusChip tone={verdictTone(r.verdict)}>{t(`reports.recordVerdict.${r.verdict}`)}</StatusChip> : null} {r.title}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>

      <h3 className="section-title">{t('reports.sheet.title')}</h3>
      <form
        className="reports-sheet"
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <div className="form-grid">
          {(['site', 'customer', 'technician', 'customerRepresentative'] as const).map((key) => (
            <Field key={key} label={t(`reports.sheet.${key}`)}>
              {(control) => <input {...control} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} data-testid={`reports-sheet-${key}`} />}
            </Field>
          ))}
          <Field label={t('reports.sheet.deviations')} hint={t('reports.sheet.linesHint')}>
            {(control) => <textarea {...control} rows={3} value={form.deviations} onChange={(e) => setForm({ ...form, deviations: e.target.value })} data-testid="reports-sheet-deviations" />}
          </Field>
          <Field label={t('reports.sheet.openItems')} hint={t('reports.sheet.linesHint')}>
            {(control) => <textarea {...control} rows={3} value={form.openItems} onChange={(e) => setForm({ ...form, openItems: e.target.value })} data-testid="reports-sheet-openItems" />}
          </Field>
        </div>
        <Button type="submit" disabled={!dirty} busy={save.pending} data-testid="reports-sheet-save">
          {t('reports.sheet.save')}
        </Button>
        {save.error ? <ErrorPanel error={save.error} onDismiss={save.clearError} /> : null}
      </form>

      <h3 className="section-title">{t('reports.export.title')}</h3>
      <div className="reports-export">
        <fieldset className="radio-group">
          <legend>{t('reports.export.format')}</legend>
          {reportFormats.map((f) => (
            <label key={f} className="radio">
              <input type="radio" name="reports-format" checked={format === f} onChange={() => setFormat(f)} data-testid={`reports-format-${f}`} /> {t(`reports.format.${f}`)}
            </label>
          ))}
        </fieldset>
        <fieldset className="radio-group">
          <legend>{t('reports.export.language')}</legend>
          {reportLanguages.map((l) => (
            <label key={l} className="radio">
              <input type="radio" name="reports-language" checked={language === l} onChange={() => setLanguage(l)} data-testid={`reports-lang-${l}`} /> {t(`reports.language.${l}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t('reports.export.out')} hint={t('reports.export.outHint')} className="reports-out">
          {(control) => <input {...control} value={out} onChange={(e) => setOut(e.target.value)} placeholder={t('reports.export.outPlaceholder')} spellCheck={false} data-testid="reports-out" />}
        </Field>
      </div>
      <div className="page-actions reports-export-actions">
        <Button onClick={() => void previewing.run()} busy={previewing.pending} data-testid="reports-preview">
          {t('reports.export.preview')}
        </Button>
        <Button variant="primary" onClick={() => void exporting.run()} busy={exporting.pending} disabled={dirty} title={dirty ? t('reports.export.saveFirst') : undefined} data-testid="reports-export">
          {t('reports.export.button', { format: format.toUpperCase() })}
        </Button>
      </div>
      {dirty ? <p className="small muted">{t('reports.export.saveFirst')}</p> : null}
      {exporting.error ? <ErrorPanel error={exporting.error} onDismiss={exporting.clearError} context={{ controller, visit, format }} /> : null}
      {previewing.error ? <ErrorPanel error={previewing.error} onDismiss={previewing.clearError} /> : null}
      {made ? (
        <div className="notice reports-made" data-testid="reports-made">
          <p>
            <strong>{t('reports.export.made', { format: made.format.toUpperCase() })}</strong> <span className="mono">{made.path}</span>
          </p>
          <p className="small">
            {t('reports.export.hash')} <span className="mono">{made.sha256}</span>
          </p>
          <CopyButton text={() => made.path} label={t('reports.export.copyPath')} />
        </div>
      ) : null}

      {preview !== null ? (
        <Dialog open width="wide" title={t('reports.export.previewTitle', { visit: data.overview.visit })} onClose={() => setPreview(null)} testId="reports-preview-dialog">
          {/* No scripts, no same-origin access: the report is data, shown as printed. */}
          <iframe className="reports-preview-frame" title={t('reports.export.previewTitle', { visit: data.overview.visit })} sandbox="" srcDoc={preview} />
        </Dialog>
      ) : null}
    </section>
  );
}
