/**
 * Browser end-to-end of the Latency screen: the built renderer in Debian's Chromium against the product's browser
 * mode, running real cyclictest tests on the lab's systemd controller container (RT core 1, housekeeping core 0).
 * Screenshots: test-results/screens/latency-*.png.
 *
 * Until the shell mounts LatencyScreen, this test builds the renderer once more with the screen mounted (in a
 * temporary folder; the shell's source is not touched).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { startWebApp } from '../../src/main/web/start-web-app';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { waitFor } from '../support/wait-for';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';
import { seedLabController } from '../support/lab-app';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 60_000;

/** The built renderer with the Latency screen mounted. */
describe('Latency screen in browser mode', { timeout: 600_000 }, () => {
  let lab: Lab;
  let dir: string;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  const controllerName = 'Cell 3 (lab)';
  const rtUnit = `mxrc-rt-e2e-${process.pid}.service`;
  const pageProblems: string[] = [];

  const shot = (file: string, fullPage = false) => page.screenshot({ path: join(screensDir, `latency-${file}.png`), fullPage });

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-latency-'));
    mkdirSync(screensDir, { recursive: true });
    const dataDir = join(dir, 'data');
    await seedLabController(dataDir, lab, 'systemd', { name: controllerName, rtUnit });

    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    browser = await launchChromium();
    const context = await newLaptopContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    collectPageProblems(page, pageProblems);
    await page.goto(app.url);
  });

  // A failed step leaves a screenshot and the screen's text, so a flaky lab run can be understood afterwards.
  afterEach(async (context) => {
    const failed = (context as unknown as { passed?: boolean }).passed === false;
    if (!failed || !page) return;
    const name = context.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    await page.screenshot({ path: join(screensDir, `latency-failed-${name}.png`) }).catch(() => undefined);
    const text = await page.locator('main').innerText().catch(() => '');
    process.stderr.write(`# screen at failure of "${context.name}":\n${text.split('\n').slice(0, 40).map((line) => `#   ${line}`).join('\n')}\n`);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('without a connection the screen says what it needs', async () => {
    await page.getByRole('link', { name: /Latency/ }).first().click();
    await page.getByTestId('screen-latency').waitFor();
    await page.getByText(/Connect to|Choose a controller/).first().waitFor();
    await page.getByRole('button', { name: 'Go to Controllers' }).first().click();
    await page.locator(`[data-testid="controller-row"][data-controller="${controllerName}"]`).getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('status-connection').filter({ hasText: 'Connected' }).waitFor();
  });

  test('setup: what the controller offers, and the safety confirmation before anything runs', async () => {
    await page.getByRole('link', { name: /Latency/ }).first().click();
    await page.getByTestId('latency-setup').waitFor();
    await page.getByTestId('preflight-cyclictest').filter({ hasText: 'installed' }).waitFor();
    assert.match(await page.getByTestId('preflight-root').innerText(), /sudo without a password/);
    assert.match(await page.getByTestId('preflight-rtla').innerText(), /not installed/);
    assert.match(await page.getByTestId('preflight-detach').innerText(), /systemd transient unit/);
    await shot('01-setup');

    await page.getByRole('radio', { name: /^Custom/ }).check();
    await page.getByLabel('Duration', { exact: true }).fill('25s');
    await page.getByRole('checkbox', { name: /Load the housekeeping cores/ }).uncheck();
    await page.getByTestId('latency-start').click();
    const dialog = page.getByTestId('latency-confirm');
    await dialog.getByText(/cyclictest will run at SCHED_FIFO priority 80 on RT cores 1/).waitFor();
    assert.equal(await page.getByTestId('latency-confirm-start').isDisabled(), true, 'no start before the safe state is confirmed');
    await shot('02-confirm');
    await dialog.getByRole('checkbox', { name: /The robot is in a safe state/ }).check();
    await page.getByTestId('latency-confirm-start').click();
  });

  test('live view: elapsed and remaining tick every second, per-CPU maxima only grow, max-over-time strip', async () => {
    const live = page.getByTestId('latency-live');
    await live.waitFor();
    await page.getByTestId('latency-tile').first().waitFor();
    const readings: Array<{ elapsed: string; max: number }> = [];
    for (let i = 0; i < 5; i++) {
      readings.push({ elapsed: await page.getByTestId('latency-elapsed').innerText(), max: Number(await page.getByTestId('latency-tile-max').first().innerText()) });
      await page.waitForTimeout(1100);
    }
    const distinct = new Set(readings.map((r) => r.elapsed));
    assert.ok(distinct.size >= 4, `elapsed changed every second: ${[...distinct].join(', ')}`);
    for (let i = 1; i < readings.length; i++) assert.ok((readings[i]?.max ?? 0) >= (readings[i - 1]?.max ?? 0), `max never drops: ${readings.map((r) => r.max).join(', ')}`);
    assert.match(await live.innerText(), /CPU 1/);
    await page.locator('[data-testid="latency-strip"] canvas').waitFor();
    await shot('03-live');
  });

  test('results: verdict, percentiles and the log-scale histogram per CPU', async () => {
    const result = page.getByTestId('latency-result');
    await result.waitFor({ timeout: 90_000 });
    await page.getByTestId('latency-setup').waitFor();
    const verdict = await page.getByTestId('latency-verdict').innerText();
    assert.match(verdict, /Pass|Warn|Fail/);
    const table = await page.getByTestId('latency-percentiles').innerText();
    assert.match(table, /CPU 1/);
    assert.match(table, /p99\.99/);
    await page.locator('[data-testid="latency-histogram"] canvas').waitFor();
    assert.match(await page.getByTestId('latency-histogram').innerText(), /CPU 1 \(max \d+ µs/);
    await page.getByTestId('latency-history-row').first().waitFor();
    await result.scrollIntoViewIfNeeded();
    await shot('04-result');
    await shot('04-result-page', true);
  });

  test('baseline: mark a run, the next run is compared and both histograms are overlaid', async () => {
    await page.getByTestId('latency-mark-baseline').click();
    await page.getByTestId('latency-result').getByText('Baseline', { exact: true }).first().waitFor();
    await page.getByRole('radio', { name: /^Custom/ }).check();
    await page.getByLabel('Duration', { exact: true }).fill('8s');
    await page.getByRole('checkbox', { name: /Load the housekeeping cores/ }).uncheck();
    await page.getByTestId('latency-start').click();
    await page.getByTestId('latency-confirm').getByRole('checkbox', { name: /The robot is in a safe state/ }).check();
    await page.getByTestId('latency-confirm-start').click();
    await page.getByTestId('latency-live').waitFor();
    await page.getByTestId('latency-comparison').waitFor({ timeout: 90_000 });
    const comparison = await page.getByTestId('latency-comparison').innerText();
    assert.match(comparison, /Against the baseline of .*: max \d+ µs vs \d+ µs/);
    await waitFor(async () => /Baseline CPU 1/.test(await page.getByTestId('latency-histogram').innerText()), 'the baseline curve in the legend', 20_000);
    await page.getByTestId('latency-comparison').scrollIntoViewIfNeeded();
    await shot('05-baseline');
    await page.getByTestId('latency-histogram').scrollIntoViewIfNeeded();
    await shot('06-overlay');
    assert.equal((await page.getByTestId('latency-history-row').count()) >= 2, true);
  });

  test('in Korean the screen keeps its layout', async () => {
    await page.getByTestId('language-select').selectOption('ko');
    await page.getByTestId('latency-setup').getByText('새 테스트', { exact: true }).waitFor();
    await page.getByTestId('latency-setup').scrollIntoViewIfNeeded();
    await shot('07-korean');
    await page.getByTestId('language-select').selectOption('en');
  });

  test('no page errors', () => {
    assert.deepEqual(pageProblems, []);
  });
});
