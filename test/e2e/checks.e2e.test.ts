/**
 * Browser end-to-end of the Checks screen: the built renderer in Debian's Chromium against the product's browser
 * mode, running the checklist on the lab's `untuned` fake controller (a fresh Ubuntu 24.04: many things to fix).
 * Screenshots: test-results/screens/checks-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { checkTextKo } from '../../src/shared/checks/catalogue-ko';
import { startWebApp } from '../../src/main/web/start-web-app';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';
import { seedLabController } from '../support/lab-app';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 60_000;

interface PageGlobals {
  localStorage: { setItem(key: string, value: string): void };
}

describe('Checks screen in browser mode', { timeout: 600_000 }, () => {
  let lab: Lab;
  let dir: string;
  let dataDir: string;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  let controllerId = '';
  const controllerName = 'Cell 7 (lab, untuned)';
  const pageProblems: string[] = [];

  const shot = (file: string) => page.screenshot({ path: join(screensDir, `checks-${file}.png`), fullPage: false });
  const row = (id: string) => page.locator(`[data-testid="check-row"][data-check="${id}"]`);

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-checks-'));
    mkdirSync(screensDir, { recursive: true });
    dataDir = join(dir, 'data');
    controllerId = await seedLabController(dataDir, lab, 'untuned', { name: controllerName });

    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    browser = await launchChromium();
    const context = await newLaptopContext(browser);
    await context.addInitScript((id: string) => (globalThis as unknown as PageGlobals).localStorage.setItem('mxrc.activeController', id), controllerId);
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    collectPageProblems(page, pageProblems);
    await page.goto(app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('without a connection the screen says what it needs, and still offers the bundle import', async () => {
    await page.getByRole('link', { name: /Checks/ }).first().click();
    await page.getByTestId('screen-checks').waitFor();
    await page.getByTestId('checks-needs-connection').getByText('Running the checks needs a connected controller.').waitFor();
    assert.equal(await page.getByTestId('checks-run-all').isDisabled(), true);
    assert.equal(await page.getByTestId('checks-import').isEnabled(), true);
    await shot('01-needs-connection');
    await page.getByTestId('checks-needs-connection').getByRole('button', { name: /Go to Controllers/ }).click();
    await page.locator(`[data-testid="controller-row"][data-controller="${controllerName}"]`).getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('status-connection').filter({ hasText: 'Connected' }).waitFor();
  });

  test('run all: results stream in by area with n of m progress, then the verdict counts', async () => {
    await page.getByRole('link', { name: /Checks/ }).first().click();
    await page.getByTestId('checks-empty').waitFor();
    await shot('02-empty');
    await page.getByTestId('checks-run-all').click();
    const progress = page.getByTestId('checks-progress');
    await progress.waitFor();
    // The quick checks are in long before the 10 s samplers: the list fills while the run goes on.
    await page.locator('[data-testid="check-row"][data-verdict="fail"]').first().waitFor();
    assert.match(await progress.innerText(), /\d+ of 51 checks · \d+ s/);
    assert.ok((await page.locator('[data-testid="check-row"][data-verdict="running"]').count()) > 0, 'some checks still running');
    await shot('03-running');
    await page.locator('[data-testid="checks-run-info"][data-status="finished"]').waitFor({ timeout: 45_000 });
    assert.equal(await progress.count(), 0);
    assert.equal(await page.locator('[data-testid="check-row"][data-verdict="running"]').count(), 0);
    assert.equal(await page.getByTestId('check-row').count(), 51);
    assert.match(await page.getByTestId('checks-count-fail').innerText(), /^✕\s*\d+ fail$/);
    assert.equal(await row('K01').getAttribute('data-verdict'), 'fail');
    assert.match(await row('K01').innerText(), /lacks PREEMPT_RT/);
    await shot('04-results');
  });

  test('open a failing check: why, evidence (commands and raw output), remedy', async () => {
    await page.getByTestId('checks-filter-problems').click();
    assert.equal(await row('C01').count(), 0, 'passing checks are filtered out');
    await page.getByTestId('checks-search').fill('isol');
    await row('K03').click();
    const detail = page.getByTestId('check-detail');
    await detail.waitFor();
    assert.match(await detail.getByTestId('check-detail-summary').innerText(), /no isolcpus= on the kernel command line; isolated=none/);
    assert.match(await detail.innerText(), /Why it matters for a 100 µs loop/);
    assert.match(await detail.innerText(), /Evidence \(3 commands\)/);
    assert.match(await detail.getByTestId('check-evidence-stdout').first().innerText(), /BOOT_IMAGE=\/vmlinuz-6\.8\.0-45-generic/);
    await detail.getByText('Exact command as it ran').first().click();
    assert.match(await detail.innerText(), /taskset -c 0 nice -n 10 sh -c/);
    assert.match(await detail.getByTestId('check-remedy').innerText(), /\/etc\/default\/grub\.d\/60-mxrc-rt\.cfg[\s\S]*isolcpus=managed_irq,domain,1/);
    await shot('05-detail');
    await detail.getByTestId('check-remedy').scrollIntoViewIfNeeded();
    await shot('05-remedy');
  });

  test('export remediation: the folder, every file with its diff, nothing applied', async () => {
    await page.getByTestId('checks-export').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    const folder = await dialog.getByTestId('export-folder').innerText();
    assert.ok(folder.startsWith(join(dataDir, 'remediation', controllerId)), folder);
    assert.ok(existsSync(join(folder, 'remediation.sh')));
    assert.ok(existsSync(join(folder, 'files', 'etc', 'default', 'grub.d', '60-mxrc-rt.cfg')));
    assert.match(await dialog.getByTestId('export-not-applied').innerText(), /Nothing was changed on the controller/);
    const grub = dialog.locator('[data-testid="export-file"][data-target="/etc/default/grub.d/60-mxrc-rt.cfg"]');
    assert.equal(await grub.getAttribute('data-state'), 'new');
    assert.match(await grub.innerText(), /\+GRUB_CMDLINE_LINUX="\$GRUB_CMDLINE_LINUX .*isolcpus=managed_irq,domain,1/);
    await shot('06-export');
    await grub.scrollIntoViewIfNeeded();
    await shot('06-export-files');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('re-run one check, then re-verify: what changed since the previous run', async () => {
    await page.getByTestId('check-rerun').click();
    await page.locator('[data-testid="checks-run-info"][data-status="finished"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('checks-filter-all').click();
    await page.getByTestId('checks-search').fill('');
    assert.equal(await page.getByTestId('check-row').count(), 51, 'the other results are carried over');
    assert.match(await row('K01').innerText(), /from the previous run/);
    assert.doesNotMatch(await row('K03').innerText(), /from the previous run/);

    await page.getByTestId('checks-reverify').click();
    const compare = page.getByTestId('checks-compare');
    await compare.waitFor({ timeout: 45_000 });
    assert.match(await page.getByTestId('checks-compare-counts').innerText(), /0 fixed, 0 improved, 0 regressed/);
    await shot('07-reverify');
    await compare.getByRole('button', { name: 'Close' }).click();
  });

  test('import an evidence bundle made with collect.sh: judged with the same checks', async () => {
    const ctl = lab.controllers.untuned;
    const bundle = join(dir, 'evidence.tar.gz');
    writeFileSync(
      bundle,
      execFileSync('ssh', ['-F', 'none', '-p', String(ctl.port), '-i', ctl.keyFile, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, 'sh -s -- HK_CPUS=0'], {
        input: readFileSync(join(root, 'resources', 'collect.sh')),
        maxBuffer: 64 * 1024 * 1024,
        timeout: 90_000,
        stdio: ['pipe', 'pipe', 'ignore'],
      }),
    );
    await page.getByTestId('checks-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('import-path').fill(join(dir, 'missing.tar.gz'));
    await dialog.getByTestId('import-submit').click();
    await dialog.getByTestId('error-panel').waitFor();
    await dialog.getByTestId('import-path').fill(bundle);
    await shot('08-import');
    await dialog.getByTestId('import-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('checks-bundle-note').waitFor();
    assert.match(await page.getByTestId('checks-bundle-note').innerText(), /collected on mxrc-untuned/);
    assert.equal(await row('K01').getAttribute('data-verdict'), 'fail');
    assert.equal(await row('K03').getAttribute('data-verdict'), 'fail');
    await shot('09-bundle');
  });

  test('Korean, dark theme, and no page errors', async () => {
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.localStorage.setItem('mxrc.language', 'ko');
      g.localStorage.setItem('mxrc.theme', 'dark');
    });
    await page.reload();
    await page.getByTestId('screen-checks').waitFor();
    await page.getByText('점검', { exact: true }).first().waitFor();
    await row('K01').waitFor();
    await row('K06').click();
    const detail = page.getByTestId('check-detail');
    await detail.waitFor();
    // Check texts follow the language too, not only the screen's own strings.
    assert.equal(await detail.locator('#checks-detail-title').innerText(), checkTextKo.K06?.title);
    assert.match(await row('K01').innerText(), new RegExp(checkTextKo.K01?.title ?? '-'));
    await shot('10-korean-dark');
    assert.deepEqual(pageProblems, []);
  });
});
