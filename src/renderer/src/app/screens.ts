/** The main screens, in navigation order; Ctrl+1…8 follow this order. */
export const screens = ['controllers', 'run', 'checks', 'latency', 'deploy', 'logs', 'reports', 'settings'] as const;
export type Screen = (typeof screens)[number];

/** Screens that work on the active controller and so need a live connection. */

export function isScreen(value: string): value is Screen {
  return (screens as readonly string[]).includes(value);
}

export function screenFromHash(hash: string): Screen {
  const name = hash.replace(/^#\/?/, '');
  return isScreen(name) ? name : 'controllers';
}
