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

/** Apply before the first paint so a dark room never sees a white flash. */
export function applyTheme(choice: ThemeChoice = readChoice()): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** System (prefers-color-scheme), light or dark; the choice is remembered. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(readChoice);
  useEffect(() => applyTheme(choice), [choice]);
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
