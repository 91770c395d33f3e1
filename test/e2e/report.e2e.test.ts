/**
 * Browser end-to-end of the Reports screen against the product's browser mode, offline: a controller with two
 * stored visits (the unit fixture, written through the real ResultsStore). Visits, drift audit, the visit sheet,
 * preview, export (HTML and PDF), verify (intact and tampered), Korean. Screenshots: test-results/screens/reports-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

process.env.TZ = 'UTC';

import { startWebApp } from '../../src/main/web/start-web-app';
import { controllerKey, writeTwoVisits } from '../unit/report/fixture';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');

describe('Reports screen in browser mode (offline history)', () => {
  let dir: string;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(screensDir, `reports-${name}.png`), fullPage: true });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-reports-'));
    mkdirSync(screensDir, { recursive: true });
    await writeTwoVisits(join(dir, 'data'));
    app = await startWebApp({ dataDir: join(dir, 'data'), readOnlyKnownHosts: [] });
    browser = await launchChromium();
    const context = await newLaptopContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    collectPageProblems(page, problems);
    await page.goto(`${app.url}#/reports`);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('visits of the stored controller, newest open, without any connection', async () => {
    await page.getByTestId('screen-reports').waitFor();
    await page.locator(`[data-controller="${controllerKey}"]`).waitFor();
    await page.getByTestId('reports-visit').and(page.locator('[data-visit="2026-11-27"]')).waitFor();
    const rows = page.getByTestId('reports-visits').locator('tbody tr');
    assert.deepEqual([await rows.nth(0).getAttribute('data-visit'), await rows.nth(1).getAttribute('data-visit')], ['2026-11-27', '2026-11-20']);
    assert.match(await rows.first().innerText(), /1 check run.*2 latency tests.*2 deployments.*1 probe/s);
    assert.match(await page.getByTestId('reports-visit-overall').innerText(), /Pass with warnings/);
    assert.match(await page.getByTestId('reports-item-comparison').innerText(), /Comparison: pass/);
    await shot('01-visits');
  });

  test('drift audit between the two visits', async () => {
    await page.getByTestId('reports-compare-2026-11-20').check();
    await page.getByTestId('reports-compare-2026-11-27').check();
    await page.getByTestId('reports-compare').click();
    const drift = page.getByTestId('reports-drift');
    await drift.waitFor();
    assert.equal(await page.getByTestId('reports-drift-count').innerText(), '7 changes.');
    assert.match(await drift.locator('[data-section="cmdline"]').innerText(), /isolcpus\s+—\s+2,3\s+added/);
    assert.match(await drift.locator('[data-section="checks"]').innerText(), /K03\s+fail: isolcpus missing for RT cores 2,3\s+pass: isolcpus=2,3\s+changed/);
    assert.match(await drift.locator('[data-section="images"]').innerText(), /sha256:a{64}[\s\S]*sha256:b{64}/);
    assert.match(await drift.locator('[data-section="identity"]').innerText(), /unchanged/);
    await drift.scrollIntoViewIfNeeded();
    await shot('02-drift');
  });

  test('the visit sheet, preview and export: HTML verifies, one changed byte does not; PDF is written', async () => {
    await page.getByTestId('reports-open-2026-11-20').click();
    await page.getByTestId('reports-visit').and(page.locator('[data-visit="2026-11-20"]')).waitFor();
    await page.getByTestId('reports-sheet-site').fill('Plant 2, line 4');
    await page.getByTestId('reports-sheet-customer').fill('ACME Robotics');
    await page.getByTestId('reports-sheet-technician').fill('J. Kim');
    await page.getByTestId('reports-sheet-customerRepresentative').fill('S. Park');
    await page.getByTestId('reports-sheet-openItems').fill('Replace the NIC firmware at the next stop');
    assert.equal(await page.getByTestId('reports-export').isDisabled(), true, 'export waits for the details to be saved');
    await page.getByTestId('reports-sheet-save').click();
    await page.locator('[data-testid="reports-export"]:not([disabled])').waitFor();

    await page.getByTestId('reports-preview').click();
    const frame = page.frameLocator('[data-testid="reports-preview-dialog"] iframe');
    await frame.getByText('Commissioning report').waitFor();
    await frame.getByText('Plant 2, line 4').first().waitFor();
    await shot('03-preview');
    await page.keyboard.press('Escape');

    const html = join(dir, 'out', 'visit-1.html');
    await page.getByTestId('reports-format-html').check();
    await page.getByTestId('reports-out').fill(html);
    await page.getByTestId('reports-export').click();
    await page.getByTestId('reports-made').waitFor();
    assert.ok(existsSync(html));
    assert.match(readFileSync(html, 'utf8'), /Replace the NIC firmware at the next stop/);
    await page.getByTestId('reports-verify-path').fill(html);
    await page.getByTestId('reports-verify-button').click();
    await page.locator('[data-testid="reports-verify-result"][data-status="intact"]').waitFor();
    await page.getByTestId('reports-verify').scrollIntoViewIfNeeded();
    await shot('04-exported-verified');

    const text = readFileSync(html, 'utf8');
    const at = text.indexOf('data-check="K03" data-verdict="fail"><td><span class="v v-fail"><span class="shape" aria-hidden="true">✕</span> FAIL');
    assert.ok(at > 0);
    const pos = text.indexOf('FAIL', at);
    writeFileSync(html, `${text.slice(0, pos)}P${text.slice(pos + 1)}`);
    await page.getByTestId('reports-verify-button').click();
    await page.locator('[data-testid="reports-verify-result"][data-status="tampered"]').waitFor();
    assert.match(await page.getByTestId('reports-verify-result').innerText(), /File hash: does not match/);
    await shot('05-tampered');

    const pdf = join(dir, 'out', 'visit-1.pdf');
    await page.getByTestId('reports-format-pdf').check();
    await page.getByTestId('reports-lang-ko').check();
    await page.getByTestId('reports-out').fill(pdf);
    await page.getByTestId('reports-export').click();
    await page.getByTestId('reports-made').getByText('PDF report written').waitFor({ timeout: 60_000 });
    assert.equal(readFileSync(pdf).subarray(0, 4).toString(), '%PDF');
  });

  test('Korean UI', async () => {
    await page.evaluate("localStorage.setItem('mxrc.language', 'ko')");
    await page.reload();
    await page.getByTestId('screen-reports').waitFor();
    await page.getByText('결과가 저장된 컨트롤러').or(page.getByRole('heading', { name: '보고서' })).first().waitFor();
    await page.getByTestId('reports-visit').waitFor();
    assert.match(await page.getByTestId('reports-visit').innerText(), /보고서에 들어갈 방문 정보/);
    await shot('06-korean');
    await page.evaluate("localStorage.setItem('mxrc.language', 'en')");
    assert.deepEqual(problems, []);
  });
});
