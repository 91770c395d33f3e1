import type { SyntheticEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { readScrollback, scrollbackChoices, writeScrollback } from '../features/logs/log-presets';
import { languages, setLanguage } from '../i18n/i18n';
import { useAppInfo } from './app-info';
import type { ControllerDefaults, ControllerDefaultsField } from './controller-defaults';
import { factoryControllerDefaults } from './controller-defaults';
import { usePreferences } from './preferences';
import { screens } from './screens';
import type { ThemeChoice } from './theme';

const themes: ThemeChoice[] = ['system', 'light', 'dark'];

/** RT setup a new controller profile starts with; checked by the server's own rules before it is kept. */
function NewControllerDefaults() {
  const { t } = useTranslation();
  const { controllerDefaults, setControllerDefaults } = usePreferences();
  const [values, setValues] = useState<ControllerDefaults>(controllerDefaults);
  const [problems, setProblems] = useState<Partial<Record<ControllerDefaultsField, string>>>({});
  const [saved, setSaved] = useState(false);
  const changed = (Object.keys(values) as ControllerDefaultsField[]).some((field) => values[field].trim() !== controllerDefaults[field]);

  const set = (field: ControllerDefaultsField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setProblems((p) => ({ ...p, [field]: undefined, ...(field === 'housekeepingCores' ? { rtCores: undefined } : {}) }));
    setSaved(false);
  };
  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = setControllerDefaults(values);
    setProblems(found);
    setSaved(Object.keys(found).length === 0);
  };
  const field = (name: ControllerDefaultsField, label: string, hint: string) => (
    <Field label={label} hint={hint} className={name === 'rtUnit' ? undefined : 'grow'} {...(problems[name] ? { error: t(`controllers.form.invalid.${name}`), errorDetail: problems[name] } : {})}>
      {(control) => <input {...control} name={name} spellCheck={false} autoComplete="off" value={values[name]} onChange={(event) => set(name, event.target.value)} data-testid={`settings-default-${name}`} />}
    </Field>
  );

  return (
    <section className="card" data-testid="settings-controller-defaults">
      <form onSubmit={save} noValidate>
        <h2 className="section-title">{t('settings.newControllers')}</h2>
        <p className="muted small">{t('settings.newControllersHint')}</p>
        <div className="field-row">
          {field('rtCores', t('controllers.form.rtCores'), t('controllers.form.rtCoresHint'))}
          {field('housekeepingCores', t('controllers.form.housekeepingCores'), t('controllers.form.housekeepingCoresHint'))}
        </div>
        {field('rtUnit', t('controllers.form.rtUnit'), t('controllers.form.rtUnitHint'))}
        <div className="settings-actions">
          <Button type="submit" variant="primary" disabled={!changed} data-testid="settings-defaults-save">
            {t('settings.saveDefaults')}
          </Button>
          <Button onClick={() => (Object.keys(factoryControllerDefaults) as ControllerDefaultsField[]).forEach((name) => set(name, factoryControllerDefaults[name]))}>{t('settings.resetDefaults')}</Button>
          {saved ? (
            <span className="muted small" role="status" data-testid="settings-defaults-saved">
              {t('settings.defaultsSaved')}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

/** How many lines a new log tab or terminal keeps: the same setting as the Logs screen's "Keep" menu. */
function TerminalScrollback() {
  const { t } = useTranslation();
  const [lines, setLines] = useState(readScrollback);
  return (
    <section className="card">
      <h2 className="section-title">{t('settings.terminal')}</h2>
      <Field label={t('settings.scrollback')} hint={t('settings.scrollbackHint')}>
        {(control) => (
          <select
            {...control}
            value={lines}
            data-testid="settings-scrollback"
            onChange={(event) => {
              const next = Number(event.target.value);
              setLines(next);
              writeScrollback(next);
            }}
          >
            {scrollbackChoices.map((choice) => (
              <option key={choice} value={choice}>
                {t('logs.lines', { count: choice })}
              </option>
            ))}
          </select>
        )}
      </Field>
    </section>
  );
}

export function SettingsScreen() {
  const { t, i18n } = useTranslation();
  const { theme, setTheme } = usePreferences();
  const info = useAppInfo();
  return (
    <div className="page" data-testid="screen-settings">
      <header className="page-header">
        <div>
          <h1>{t('nav.settings')}</h1>
          <p className="muted">{t('settings.summary')}</p>
        </div>
      </header>
      <div className="settings-grid">
        <section className="card">
          <fieldset className="radio-group">
            <legend>{t('settings.language')}</legend>
            {languages.map((language) => (
              <label key={language} className="radio">
                <input type="radio" name="language" checked={i18n.resolvedLanguage === language} onChange={() => setLanguage(language)} />
                <span>{t(`settings.languages.${language}`)}</span>
              </label>
            ))}
          </fieldset>
          <fieldset className="radio-group">
            <legend>{t('settings.theme')}</legend>
            {themes.map((choice) => (
              <label key={choice} className="radio">
                <input type="radio" name="theme" checked={theme === choice} onChange={() => setTheme(choice)} />
                <span>{t(`settings.themes.${choice}`)}</span>
              </label>
            ))}
          </fieldset>
        </section>
        <NewControllerDefaults />
        <TerminalScrollback />
        <section className="card">
          <h2 className="section-title">{t('settings.shortcuts')}</h2>
          <table className="table compact">
            <tbody>
              {screens.map((screen, index) => (
                <tr key={screen}>
                  <td>
                    <kbd>Ctrl</kbd>+<kbd>{index + 1}</kbd>
                  </td>
                  <td>{t(`nav.${screen}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2 className="section-title">{t('settings.about')}</h2>
          {info ? (
            <dl className="facts">
              <dt>{t('settings.version')}</dt>
              <dd className="mono">{info.version}</dd>
              <dt>{t('settings.mode')}</dt>
              <dd>{t(`status.mode.${info.mode}`)}</dd>
              <dt>{t('settings.dataDir')}</dt>
              <dd className="mono">{info.dataDir}</dd>
              <dt>{t('settings.secrets')}</dt>
              <dd>{info.canStoreSecrets ? t('settings.secretsKeyring') : t('settings.secretsSession')}</dd>
              {Object.entries(info.versions).map(([name, version]) => (
                <div key={name} className="facts-row">
                  <dt className="mono">{name}</dt>
                  <dd className="mono">{version}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="muted">{t('common.loading')}</p>
          )}
        </section>
      </div>
    </div>
  );
}
