/**
 * Browser end-to-end for the Logs screen: the built renderer in Debian's Chromium against browser mode
 * (startWebApp) and the lab's systemd controller. Opens a shell tab and a journal tab, searches, saves, pauses,
 * and takes screenshots (test-results/screens/logs-*.png). Waits are on conditions, never fixed sleeps.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { startWebApp } from '../../src/main/web/start-web-app';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';
import type { WsAppClient } from '../support/ws-client';
import { connectWsClient } from '../support/ws-client';

/** The page's globals this test touches (the Node-side tsconfig has no DOM types). */
interface PageGlobals {
  localStorage: { setItem(key: string, value: string): void };
  location: { hash: string };
}

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 30_000;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screensDir, `${name}.png`) });
}

describe('Logs screen in browser mode', () => {
  let lab: Lab;
  let dir: string;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let setup: WsAppClient;
  let browser: Browser;
  let page: Page;
  let unit = '';
  const pageProblems: string[] = [];

  const ctl = (command: string): string =>
    execFileSync('ssh', ['-p', String(lab.controllers.systemd.port), '-i', lab.controllers.systemd.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${lab.controllers.systemd.user}@${lab.controllers.systemd.host}`, command], { encoding: 'utf8' });

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-logs-'));
    mkdirSync(screensDir, { recursive: true });
    mkdirSync(join(dir, 'data'), { recursive: true });
    copyFileSync(lab.knownHostsFile, join(dir, 'data', 'known_hosts'));
    app = await startWebApp({ dataDir: join(dir, 'data'), readOnlyKnownHosts: [] });
    setup = await connectWsClient(app.url);

    // A unit that logs 300 numbered lines and then waits, standing in for the RT service.
    unit = `mxrc-lab-e2e-${Date.now()}`;
    ctl(`sudo -n systemd-run --quiet --unit=${unit} --description='lab counter' /bin/bash -c 'for i in $(seq 1 300); do echo n=$i; sleep 0.002; done; sleep 600'`);
    const ctlLab = lab.controllers.systemd;
    const profile = await setup.client.controllers.save({
      name: 'Cell 3 lab controller',
      host: ctlLab.host,
      port: ctlLab.port,
      user: ctlLab.user,
      auth: { kind: 'key', keyFile: ctlLab.keyFile },
      rtCores: ctlLab.rtCores,
      housekeepingCores: ctlLab.housekeepingCores,
      rtUnit: `${unit}.service`,
    });
    assert.equal((await setup.client.connection.connect(profile.id)).status, 'connected');

    browser = await launchChromium();
    const context = await newLaptopContext(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
    await context.addInitScript((id: string) => (globalThis as unknown as PageGlobals).localStorage.setItem('mxrc.activeController', id), profile.id);
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    collectPageProblems(page, pageProblems);
    await page.goto(app.url);
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.hash = '#/logs';
    });
    await page.getByTestId('logs-screen').waitFor();
  });

  after(async () => {
    if (lab && unit) {
      try {
        ctl(`sudo -n systemctl stop ${unit}; sudo -n systemctl reset-failed ${unit} 2>/dev/null; true`);
      } catch {
        // the unit is transient; it goes with the container at the latest
      }
    }
    setup?.close();
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a shell tab: type, resize follows the pane, search finds the output', async () => {
    await page.getByTestId('logs-empty').waitFor();
    await shot(page, 'logs-01-empty');
    await page.getByTestId('logs-open-shell').click();
    const pane = page.locator('[data-testid="shell-pane"]:visible');
    await pane.waitFor();
    await pane.locator('.xterm').click();
    await page.keyboard.type('stty size; echo e2e-$((6*7))');
    await page.keyboard.press('Enter');

    const search = pane.getByTestId('shell-pane-search');
    await search.fill('e2e-42');
    await assertEventually(async () => (await pane.getByTestId('shell-pane-matches').innerText()) === '1 of 1', 'one match for the echoed output');
    // The PTY has the pane's size, not the 120×32 it was opened with.
    const size = await pane.locator('.xterm').boundingBox();
    assert.ok(size);
    assert.ok(size.width > 800 && size.height > 300, `the terminal fills the pane (${size.width}×${size.height})`);
    await search.fill('');
    await shot(page, 'logs-02-shell');

    const before = (await setup.client.terminal.list()).at(-1);
    assert.ok(before);
    await page.setViewportSize({ width: 1100, height: 700 });
    // The pane sends its new size after a short debounce: type once the PTY has it, as a person would see it.
    await assertEventually(async () => {
      const session = (await setup.client.terminal.list()).at(-1);
      return session !== undefined && session.cols < before.cols && session.rows < before.rows;
    }, `the PTY follows the smaller window (was ${before.cols}×${before.rows})`);
    const listed = (await setup.client.terminal.list()).at(-1);
    assert.ok(listed && listed.cols < 150 && listed.rows < 40, `the PTY fits the smaller window (${listed?.cols}×${listed?.rows})`);
    await pane.locator('.xterm').click();
    await page.keyboard.type('echo size-$(stty size | tr " " x)');
    await page.keyboard.press('Enter');
    await search.fill('size-');
    await assertEventually(async () => /of 2$/.test(await pane.getByTestId('shell-pane-matches').innerText()), 'the size line (typed + printed)');
    await search.fill(`size-${listed?.rows}x${listed?.cols}`);
    await assertEventually(async () => (await pane.getByTestId('shell-pane-matches').innerText()) === '1 of 1', '`stty size` printed the new size');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  test('a journal tab: lines arrive, search counts matches, save writes every line, pause and resume', async () => {
    await page.getByTestId(`logs-open-rt`).click();
    const pane = page.locator('[data-testid="log-pane"]:visible');
    await pane.waitFor();
    await assertEventually(async () => (await pane.getByTestId('log-pane-count').innerText()).startsWith('30'), 'the 300 lines (and systemd\u2019s start line)');
    assert.equal((await pane.getByTestId('log-pane-state').locator('.chip-label').innerText()).trim(), 'Live');

    await pane.getByTestId('log-pane-search').fill('n=150');
    await assertEventually(async () => (await pane.getByTestId('log-pane-matches').innerText()) === '1 of 1', 'one line n=150');
    await pane.getByTestId('log-pane-search').fill('n=');
    await assertEventually(async () => (await pane.getByTestId('log-pane-matches').innerText()).endsWith('of 300'), 'three hundred numbered lines');
    await shot(page, 'logs-03-journal-search');

    await pane.getByTestId('log-pane-save').click();
    const saved = pane.getByTestId('log-pane-saved');
    await saved.waitFor();
    const path = (await saved.locator('code').innerText()).trim();
    const numbers = readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => /: n=(\d+)$/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined);
    assert.deepEqual(numbers.map(Number), Array.from({ length: 300 }, (_, i) => i + 1), 'the saved file has every line once, in order');
    await shot(page, 'logs-04-journal-saved');

    await pane.getByTestId('log-pane-pause').click();
    await assertEventually(async () => (await pane.getByTestId('log-pane-state').locator('.chip-label').innerText()).trim() === 'Paused', 'paused');
    await pane.getByTestId('log-pane-resume').click();
    await assertEventually(async () => (await pane.getByTestId('log-pane-state').locator('.chip-label').innerText()).trim() === 'Live', 'live again');

    // Filters: a grep applied on the controller restarts the stream with only matching lines.
    const streamBefore = await pane.getAttribute('data-stream');
    await pane.getByTestId('log-pane-filters-toggle').click();
    await pane.getByTestId('log-pane-grep').fill('^n=2[0-9][0-9]$');
    await pane.getByTestId('log-pane-apply').click();
    const filtered = page.locator('[data-testid="log-pane"]:visible');
    await assertEventually(async () => (await filtered.getAttribute('data-stream')) !== streamBefore, 'the new stream');
    await assertEventually(async () => (await filtered.getByTestId('log-pane-count').innerText()) === '100 lines', 'n=200 … n=299 only');
    await shot(page, 'logs-05-journal-filtered');
    assert.equal(await page.getByTestId('logs-tab').count(), 2, 'the filter replaced the tab, it did not add one');
    assert.match(await filtered.getByTestId('log-pane-filter-summary').innerText(), /grep “\^n=2\[0-9\]\[0-9\]\$”/);

    // No WebAPI container on the lab controller: the technician is told so, in words, with what to do.
    await page.getByTestId('logs-open-webapiContainer').click();
    const problem = page.getByTestId('error-panel');
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-code'), 'NOT_FOUND');
    assert.match(await problem.innerText(), /no container named "mxrc-webapi"/);
    await shot(page, 'logs-06-container-missing');
    await problem.getByRole('button', { name: 'Dismiss' }).click();
    assert.deepEqual(pageProblems, [], 'no errors in the page');
  });

  test('a reload re-attaches to the open tabs (Korean, dark theme)', async () => {
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.setItem('mxrc.language', 'ko'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByTestId('logs-screen').waitFor();
    await assertEventually(async () => (await page.getByTestId('logs-tab').count()) === 2, 'both tabs back');
    const pane = page.locator('[data-testid="log-pane"]:visible');
    await assertEventually(async () => (await pane.getByTestId('log-pane-count').innerText()) === '100줄', 'the kept lines replayed');
    await shot(page, 'logs-07-reattached-ko-dark');
    await page.getByTestId('logs-tab').first().click();
    const shell = page.locator('[data-testid="shell-pane"]:visible');
    await shell.getByTestId('shell-pane-search').fill('e2e-42');
    await assertEventually(async () => /^1/.test(await shell.getByTestId('shell-pane-matches').innerText()), 'the shell replay holds earlier output');
    assert.deepEqual(pageProblems, [], 'no errors in the page');
  });
});

async function assertEventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // element not there yet
    }
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
