import { existsSync } from 'node:fs';

const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
];

/** MXRC_CHROMIUM_PATH, else the first Chromium-family browser installed in a usual place. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.MXRC_CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : null;
  return candidates.find((path) => existsSync(path)) ?? null;
}

/**
 * Flags for every headless Chromium this project starts (PDF reports, browser tests, benchmarks): no background
 * traffic to Google's services on an offline laptop, no QUIC. Chromium refuses to run as root with its sandbox,
 * so the sandbox is switched off only then (the lab and CI run as root; a technician's laptop does not).
 */
export function headlessChromiumArgs(): string[] {
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return [...rootOnly, '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
}
