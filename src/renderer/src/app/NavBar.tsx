import { useTranslation } from 'react-i18next';

import type { Language } from '../i18n/i18n';
import { languages, setLanguage } from '../i18n/i18n';
import { usePreferences } from './preferences';
import type { Screen } from './screens';
import { screens } from './screens';
import type { ThemeChoice } from './theme';

const icons: Record<Screen, string> = {
  controllers: '▤',
  run: '▶',
  checks: '✓',
  latency: '∿',
  deploy: '⇪',
  logs: '≡',
  reports: '▦',
  settings: '⚙',
};

const nextTheme: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function NavBar({ current, onGo }: { current: Screen; onGo: (screen: Screen) => void }) {
  const { t, i18n } = useTranslation();
  const { theme, setTheme } = usePreferences();
  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          M
        </span>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <ul className="nav-list">
        {screens.map((screen, index) => (
          <li key={screen}>
            <a
              href={`#/${screen}`}
              className={screen === current ? 'nav-item nav-item-current' : 'nav-item'}
              aria-current={screen === current ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                onGo(screen);
              }}
            >
              <span className="nav-icon" aria-hidden="true">
                {icons[screen]}
              </span>
              <span className="nav-label">{t(`nav.${screen}`)}</span>
              <kbd className="nav-key" title={t('nav.shortcut', { key: `Ctrl+${index + 1}` })}>
                {index + 1}
              </kbd>
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        <label className="sidebar-control">
          <span className="visually-hidden">{t('settings.language')}</span>
          <span aria-hidden="true">文A</span>
          <select value={i18n.resolvedLanguage ?? 'en'} onChange={(event) => setLanguage(event.target.value as Language)} data-testid="language-select">
            {languages.map((language) => (
              <option key={language} value={language}>
                {t(`settings.languages.${language}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="sidebar-control theme-toggle" onClick={() => setTheme(nextTheme[theme])} title={t('settings.themeToggleTitle')} data-testid="theme-toggle">
          <span aria-hidden="true">{theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}</span>
          <span>
            {t('settings.theme')}: {t(`settings.themes.${theme}`)}
          </span>
        </button>
      </div>
    </nav>
  );
}
