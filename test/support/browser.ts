import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { findChromium, headlessChromiumArgs } from '../../src/main/platform/chromium';

/** Debian's Chromium with the project's headless flags (no browser download, no background traffic). */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium is not installed: run bash .ci/install-system-packages.sh');
  return chromium.launch({ executablePath, headless: true, args: headlessChromiumArgs() });
}

/** The technician's laptop: 1366×768, English first, light theme, unless a test says otherwise. */
export function newLaptopContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US', colorScheme: 'light', ...options });
}

/** Page errors and console errors end up in `problems`; a screen test asserts it stays empty. */
export function collectPageProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
}
