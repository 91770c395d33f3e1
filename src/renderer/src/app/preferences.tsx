import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useMemo, useState } from 'react';

import type { ControllerDefaults, ControllerDefaultsField } from './controller-defaults';
import { normalized, readControllerDefaults, writeControllerDefaults } from './controller-defaults';
import type { ThemeChoice } from './theme';
import { useTheme } from './theme';

interface Preferences {
  theme: ThemeChoice;
  setTheme: (choice: ThemeChoice) => void;
  /** What a new controller profile starts with (Settings). */
  controllerDefaults: ControllerDefaults;
  /** Saves and applies them; returns the problems instead when a value would be refused. */
  setControllerDefaults: (values: ControllerDefaults) => Partial<Record<ControllerDefaultsField, string>>;
}

const PreferencesContext = createContext<Preferences | null>(null);

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useTheme();
  const [controllerDefaults, setDefaults] = useState<ControllerDefaults>(() => readControllerDefaults());
  const setControllerDefaults = useCallback((values: ControllerDefaults) => {
    const problems = writeControllerDefaults(values);
    // Applied even when storage is unavailable: then this window keeps them until it closes.
    if (Object.keys(problems).length === 0) setDefaults(normalized(values));
    return problems;
  }, []);
  const value = useMemo(() => ({ theme, setTheme, controllerDefaults, setControllerDefaults }), [theme, setTheme, controllerDefaults, setControllerDefaults]);
  return <PreferencesContext value={value}>{children}</PreferencesContext>;
}

export function usePreferences(): Preferences {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences() outside <PreferencesProvider>');
  return value;
}
