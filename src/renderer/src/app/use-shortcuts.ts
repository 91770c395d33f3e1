import { useEffect, useRef } from 'react';

import type { Screen } from './screens';
import { screens } from './screens';

/** Ctrl+1…8 open the main screens (not while a modal dialog asks for a decision). */
export function useScreenShortcuts(go: (screen: Screen) => void): void {
  const latest = useRef(go);
  useEffect(() => {
    latest.current = go;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.ctrlKey || event.altKey || event.shiftKey || event.metaKey) return;
      if (!/^[1-8]$/.test(event.key)) return;
      if (document.querySelector('dialog[open]')) return;
      const screen = screens[Number(event.key) - 1];
      if (!screen) return;
      event.preventDefault();
      latest.current(screen);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
