import { useCallback, useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const storageKey = 'mxrc.theme';

function readChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved === 'light' || saved === 'dark' || saved === 'system') return saved;
  } catch {
    // Falls back to the system setting.
  }
  return 'system';
}

const systemDark = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

/**
 * Apply before the first paint so a dark room never sees a white flash. The page always carries the resolved
 * theme, so the stylesheet has one dark palette instead of a second copy inside a media query.
 */
export function applyTheme(choice: ThemeChoice = readChoice()): void {
  document.documentElement.dataset.theme = choice === 'system' ? (systemDark().matches ? 'dark' : 'light') : choice;
}

/** System (prefers-color-scheme), light or dark; the choice is remembered. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(readChoice);
  useEffect(() => {
    applyTheme(choice);
    if (choice !== 'system') return undefined;
    // Follow the operating system while the technician has not chosen a theme.
    const query = systemDark();
    const follow = (): void => applyTheme('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [choice]);
  const set = useCallback((next: ThemeChoice) => {
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Applies to this window only.
    }
    setChoice(next);
  }, []);
  return [choice, set];
}
