import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import en from './en.json';
import koCatalogue from './ko.json';

/** Compile-time parity: the Korean catalogue must have every key the English one has. */
const ko: typeof en = koCatalogue;

export const languages = ['en', 'ko'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'mxrc.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(storageKey);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage can be unavailable (privacy settings); the system language decides then.
  }
  return navigator.languages.some((l) => l.toLowerCase().startsWith('ko')) ? 'ko' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ko: { translation: ko } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: languages,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // Not persisted; the switch still applies to this window.
  }
  void i18n.changeLanguage(language);
}

export { i18n };
