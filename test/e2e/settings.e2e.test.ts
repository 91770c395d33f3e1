/**
 * Settings in browser mode (built renderer, Debian Chromium, the product's own server): defaults for new
 * controllers (RT cores, housekeeping cores, RT unit) are checked by the server's rules, kept across a reload,
 * and fill the Add-controller form; the lines-kept setting is the Logs screen's. Screenshots:
 * test-results/screens/settings-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { startWebApp } from '../../src/main/web/start-web-app';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 30_000;

describe('Settings screen', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'mxrc-settings-'));

  const openSettings = async (): Promise<void> => {
    await page.locator('a[href="#/settings"]').first().click();
    await page.getByTestId('screen-settings').waitFor({ timeout });
  };

  before(async () => {
    mkdirSync(screensDir, { recursive: true });
    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    browser = await launchChromium();
    const context = await newLaptopContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    collectPageProblems(page, problems);
    await page.goto(app.url);
    await openSettings();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('defaults that the server would refuse are not kept, and say why beside the field', async () => {
    const card = page.getByTestId('settings-controller-defaults');
    await page.getByTestId('settings-default-rtCores').fill('2;reboot');
    await page.getByTestId('settings-default-rtUnit').fill('-Hevil');
    await page.getByTestId('settings-defaults-save').click();
    await card.getByText('Enter a CPU list such as 2,3 or 2-3').waitFor();
    await card.getByText('Enter the systemd unit name.').waitFor();
    assert.equal(await page.getByTestId('settings-defaults-saved').count(), 0);
    await page.screenshot({ path: join(screensDir, 'settings-invalid.png') });
    await page.getByTestId('settings-default-rtCores').fill('1');
    await page.getByTestId('settings-default-housekeepingCores').fill('0-1');
    await page.getByTestId('settings-default-rtUnit').fill('robot-rt.service');
    await page.getByTestId('settings-defaults-save').click();
    await card.getByText('Enter a CPU list such as 2,3 or 2-3, not overlapping the housekeeping cores.').waitFor();
  });

  test('valid defaults and the scrollback survive a reload and fill a new controller form', async () => {
    await page.getByTestId('settings-default-rtCores').fill('4-7');
    await page.getByTestId('settings-default-housekeepingCores').fill('0-3');
    await page.getByTestId('settings-default-rtUnit').fill('robot-rt.service');
    await page.getByTestId('settings-defaults-save').click();
    await page.getByTestId('settings-defaults-saved').waitFor();
    await page.getByTestId('settings-scrollback').selectOption('50000');
    await page.screenshot({ path: join(screensDir, 'settings.png'), fullPage: true });

    await page.reload();
    await page.getByTestId('screen-settings').waitFor();
    assert.equal(await page.getByTestId('settings-default-rtCores').inputValue(), '4-7');
    assert.equal(await page.getByTestId('settings-default-housekeepingCores').inputValue(), '0-3');
    assert.equal(await page.getByTestId('settings-default-rtUnit').inputValue(), 'robot-rt.service');
    assert.equal(await page.getByTestId('settings-scrollback').inputValue(), '50000');
    // The Logs screen reads the same setting when it opens a tab.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('mxrc.logs.scrollback')), '50000');

    await page.locator('a[href="#/controllers"]').first().click();
    await page.getByRole('button', { name: 'Add controller' }).first().click();
    await page.getByRole('heading', { name: 'Add controller' }).waitFor();
    assert.equal(await page.getByLabel('Real-time cores', { exact: true }).inputValue(), '4-7');
    assert.equal(await page.getByLabel('Housekeeping cores', { exact: true }).inputValue(), '0-3');
    assert.equal(await page.getByLabel('RT service unit', { exact: true }).inputValue(), 'robot-rt.service');
    await page.screenshot({ path: join(screensDir, 'settings-new-controller.png') });
  });

  test('Korean and dark: the new settings are translated', async () => {
    await openSettings();
    await page.getByTestId('language-select').selectOption('ko');
    await page.getByText('새 컨트롤러', { exact: true }).waitFor();
    await page.getByText('터미널과 로그').waitFor();
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
    await page.screenshot({ path: join(screensDir, 'settings-ko-dark.png'), fullPage: true });
    await page.getByTestId('language-select').selectOption('en');
    assert.deepEqual(problems, [], 'no page errors');
  });
});
