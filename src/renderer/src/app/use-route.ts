import { useCallback, useEffect, useState } from 'react';

import type { Screen } from './screens';
import { screenFromHash } from './screens';

/** The current screen, kept in the URL hash so reloads and Back keep the technician where they were. */
export function useRoute(): [Screen, (screen: Screen) => void] {
  const [screen, setScreen] = useState<Screen>(() => screenFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setScreen(screenFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = useCallback((next: Screen) => {
    if (screenFromHash(location.hash) !== next) location.hash = `#/${next}`;
    setScreen(next);
  }, []);
  return [screen, go];
}
