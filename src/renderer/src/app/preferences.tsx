import type { ReactNode } from 'react';
import { createContext, useContext, useMemo } from 'react';

import type { ThemeChoice } from './theme';
import { useTheme } from './theme';

interface Preferences {
  theme: ThemeChoice;
  setTheme: (choice: ThemeChoice) => void;
}

const PreferencesContext = createContext<Preferences | null>(null);

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useTheme();
  const value = useMemo(() => ({ theme, setTheme }), [theme, setTheme]);
  return <PreferencesContext value={value}>{children}</PreferencesContext>;
}

export function usePreferences(): Preferences {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences() outside <PreferencesProvider>');
  return value;
}
