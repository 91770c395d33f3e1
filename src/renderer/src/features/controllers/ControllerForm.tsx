import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ControllerProfile } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { useAction } from '../../api/use-request';
import { Button } from '../../components/Button';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { usePreferences } from '../../app/preferences';
import type { AuthKind, FormField, FormValues } from './form-model';
import { emptyForm, fieldProblems, formFromProfile, inputFromForm } from './form-model';

export interface ControllerFormProps {
  /** The profile to edit; null to add a new controller. */
  profile: ControllerProfile | null;
  onSaved: (profile: ControllerProfile) => void;
  onCancel: () => void;
}

const authKinds: AuthKind[] = ['key', 'agent', 'password'];

/** Add or edit a controller profile. The server validates; its field errors are shown beside each field. */
export function ControllerForm({ profile, onSaved, onCancel }: ControllerFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const { controllerDefaults } = usePreferences();
  const [values, setValues] = useState<FormValues>(() => (profile ? formFromProfile(profile) : emptyForm(controllerDefaults)));
  const save = useAction((input: Parameters<typeof api.controllers.save>[0]) => api.controllers.save(input));
  // Fields edited since the last save attempt: their old error no longer applies and is hidden.
  const [edited, setEdited] = useState<ReadonlySet<FormField>>(new Set());
  const allProblems = save.error?.code === 'INVALID_INPUT' ? fieldProblems(save.error.detail) : null;
  const fieldMessages = Object.fromEntries(Object.entries(allProblems?.fields ?? {}).filter(([field]) => !edited.has(field as FormField))) as Partial<Record<FormField, string>>;
  const problems = allProblems && (Object.keys(fieldMessages).length > 0 || allProblems.other.length > 0) ? { fields: fieldMessages, other: allProblems.other } : null;

  const set = <K extends FormField>(field: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setEdited((previous) => {
      const next = new Set(previous).add(field);
      // The overlap rule is reported on the RT cores but is fixed as well by changing the housekeeping cores.
      if (field === 'housekeepingCores') next.add('rtCores');
      return next;
    });
  };
  const errorOf = (field: FormField): { error?: string; errorDetail?: string } => {
    const message = problems?.fields[field];
    return message ? { error: t(`controllers.form.invalid.${field}`), errorDetail: message } : {};
  };

  const text = (field: FormField, label: string, options: { hint?: ReactNode; placeholder?: string; inputMode?: 'numeric' | 'text'; autoFocus?: boolean; className?: string } = {}) => (
    <Field label={label} hint={options.hint} className={options.className} {...errorOf(field)}>
      {(control) => (
        <input
          {...control}
          name={field}
          autoFocus={options.autoFocus}
          inputMode={options.inputMode}
          placeholder={options.placeholder}
          spellCheck={false}
          autoComplete="off"
          value={String(values[field])}
          onChange={(event) => set(field, event.target.value)}
        />
      )}
    </Field>
  );

  const authChoice = (field: 'authKind' | 'jumpAuthKind', legend: string) => (
    <fieldset className={['radio-group', problems?.fields[field] ? 'field-invalid' : ''].join(' ')}>
      <legend>{legend}</legend>
      {authKinds.map((kind) => (
        <label key={kind} className="radio">
          <input type="radio" name={field} value={kind} checked={values[field] === kind} onChange={() => set(field, kind)} />
          <span>
            <span className="radio-title">{t(`controllers.auth.${kind}`)}</span>
            <span className="muted small block">{t(`controllers.auth.${kind}Hint`)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );

  const submit = async () => {
    setEdited(new Set());
    const saved = await save.run(inputFromForm(values, profile?.id));
    if (saved) onSaved(saved);
  };

  return (
    <form
      className="page controller-form"
      aria-labelledby="controller-form-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <header className="page-header">
        <div>
          <h1 id="controller-form-title">{profile ? t('controllers.form.editTitle', { name: profile.name }) : t('controllers.form.addTitle')}</h1>
          <p className="muted">{t('controllers.form.intro')}</p>
        </div>
      </header>

      {save.error && save.error.code !== 'INVALID_INPUT' ? <ErrorPanel error={save.error} onDismiss={save.clearError} context={{ action: 'controllers.save' }} /> : null}
      {problems ? (
        <div className="form-summary" role="alert">
          <strong>{t('controllers.form.fixFields')}</strong>
          {problems.other.length > 0 ? (
            <ul>
              {problems.other.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="form-grid">
        <section className="form-section">
          <h2 className="section-title">{t('controllers.form.sectionController')}</h2>
          {text('name', t('controllers.form.name'), { placeholder: t('controllers.form.namePlaceholder'), autoFocus: true })}
          <div className="field-row">
            {text('host', t('controllers.form.host'), { placeholder: '192.168.10.20', hint: t('controllers.form.hostHint'), className: 'grow' })}
            {text('port', t('controllers.form.port'), { inputMode: 'numeric', className: 'port' })}
          </div>
          {text('user', t('controllers.form.user'), { placeholder: 'mxrc' })}
        </section>

        <section className="form-section">
          <h2 className="section-title">{t('controllers.form.sectionSignIn')}</h2>
          {authChoice('authKind', t('controllers.form.auth'))}
          {values.authKind === 'key' ? text('keyFile', t('controllers.form.keyFile'), { placeholder: '~/.ssh/id_ed25519', hint: t('controllers.form.keyFileHint') }) : null}
          {values.authKind === 'password' ? <p className="muted small">{t('controllers.form.passwordNote')}</p> : null}
        </section>

        <section className="form-section">
          <h2 className="section-title">{t('controllers.form.sectionRt')}</h2>
          <div className="field-row">
            {text('rtCores', t('controllers.form.rtCores'), { hint: t('controllers.form.rtCoresHint'), className: 'grow' })}
            {text('housekeepingCores', t('controllers.form.housekeepingCores'), { hint: t('controllers.form.housekeepingCoresHint'), className: 'grow' })}
          </div>
          {text('rtUnit', t('controllers.form.rtUnit'), { hint: t('controllers.form.rtUnitHint') })}
          <Field label={t('controllers.form.notes')} {...errorOf('notes')}>
            {(control) => <textarea {...control} rows={2} value={values.notes} onChange={(event) => set('notes', event.target.value)} />}
          </Field>
        </section>

        <section className="form-section">
          <h2 className="section-title">{t('controllers.form.sectionJump')}</h2>
          <label className="checkbox">
            <input type="checkbox" checked={values.useJump} onChange={(event) => set('useJump', event.target.checked)} />
            <span>{t('controllers.form.useJump')}</span>
          </label>
          <p className="muted small">{t('controllers.form.useJumpHint')}</p>
          {values.useJump ? (
            <>
              <div className="field-row">
                {text('jumpHost', t('controllers.form.jumpHost'), { className: 'grow' })}
                {text('jumpPort', t('controllers.form.port'), { inputMode: 'numeric', className: 'port' })}
              </div>
              {text('jumpUser', t('controllers.form.user'))}
              {authChoice('jumpAuthKind', t('controllers.form.jumpAuth'))}
              {values.jumpAuthKind === 'key' ? text('jumpKeyFile', t('controllers.form.keyFile'), { placeholder: '~/.ssh/id_ed25519' }) : null}
            </>
          ) : null}
        </section>
      </div>

      <footer className="form-footer">
        <Button variant="primary" type="submit" busy={save.pending}>
          {profile ? t('controllers.form.saveChanges') : t('controllers.form.add')}
        </Button>
        <Button onClick={onCancel} disabled={save.pending}>
          {t('common.cancel')}
        </Button>
      </footer>
    </form>
  );
}
