import { useTranslation } from 'react-i18next';

import { languages, setLanguage } from '../i18n/i18n';
import { useAppInfo } from './app-info';
import { usePreferences } from './preferences';
import { screens } from './screens';
import type { ThemeChoice } from './theme';

const themes: ThemeChoice[] = ['system', 'light', 'dark'];

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
