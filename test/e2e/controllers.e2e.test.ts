/**
 * Browser end-to-end: the built renderer in Debian's Chromium against the product's own browser mode
 * (startWebApp), connecting to the lab's real sshd. `test/run-all.sh` builds the renderer before this runs.
 *
 * Screenshots go to test-results/screens/*.png so a person can look at what a technician sees.
 * Every wait is on a condition (a locator or a polled predicate), never a fixed sleep.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Locator, Page } from 'playwright-core';

import { startWebApp } from '../../src/main/web/start-web-app';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 30_000;

/** A loopback port with nothing listening on it (for the "refused" case). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screensDir, `${name}.png`) });
}

async function waitText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
}

describe('Controllers screen in browser mode', () => {
  let lab: Lab;
  let dir: string;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  const name = 'Lab controller';
  /** Uncaught exceptions and console errors in the page: a technician never sees them, so the test must. */
  const pageProblems: string[] = [];

  const row = (controller: string): Locator => page.locator(`[data-testid="controller-row"][data-controller="${controller}"]`);
  const statusConnection = (): Locator => page.getByTestId('status-connection');

  /** Fill and save the add-controller form. */
  async function addController(values: { name: string; host: string; port: number; user: string; auth: 'key' | 'password'; keyFile?: string }): Promise<void> {
    await page.getByRole('button', { name: 'Add controller' }).first().click();
    await page.getByRole('heading', { name: 'Add controller' }).waitFor({ timeout });
    await page.getByLabel('Name', { exact: true }).fill(values.name);
    await page.getByLabel('Address', { exact: true }).fill(values.host);
    await page.getByLabel('Port', { exact: true }).fill(String(values.port));
    await page.getByLabel('SSH user', { exact: true }).fill(values.user);
    await page.getByRole('radio', { name: values.auth === 'key' ? /^Key file/ : /^Password/ }).check();
    if (values.keyFile) await page.getByLabel('Private key file', { exact: true }).fill(values.keyFile);
    await page.locator('form.controller-form').getByRole('button', { name: 'Add controller' }).click();
    await row(values.name).waitFor({ timeout });
  }

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-'));
    mkdirSync(screensDir, { recursive: true });
    const sshConfig = join(dir, 'ssh_config');
    writeFileSync(
      sshConfig,
      ['Host cell3-robot', '  HostName 10.20.3.15', '  User mxrc', '  IdentityFile ~/.ssh/id_ed25519', '', 'Host cell4-robot', '  HostName 10.20.4.15', '  ProxyJump tech@gateway.plant:2222', ''].join('\n'),
    );
    // A fresh data dir and no read-only known_hosts: the lab's key is unknown to this app, as on a first visit.
    app = await startWebApp({ dataDir: join(dir, 'data'), readOnlyKnownHosts: [], sshConfigFile: sshConfig });
    browser = await launchChromium();
    // The technician's laptop: 1366×768, English first, light theme.
    const context = await newLaptopContext(browser);
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

  test('the token leaves the address bar; the empty state explains adding a controller and the lab', async () => {
    const empty = page.getByTestId('controllers-empty');
    await empty.waitFor();
    assert.equal(new URL(page.url()).searchParams.has('token'), false);
    const text = await empty.innerText();
    assert.match(text, /npm run lab:up/);
    assert.match(text, /127\.0\.0\.1/);
    await waitText(page.getByTestId('status-bar'), 'None selected');
    await shot(page, '01-empty-state');
  });

  test('the form shows the server’s field errors next to the fields', async () => {
    await page.getByRole('button', { name: 'Add controller' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Address', { exact: true }).fill('not a host!');
    await page.getByLabel('Real-time cores', { exact: true }).fill('0,1');
    await page.locator('form.controller-form').getByRole('button', { name: 'Add controller' }).click();
    const host = page.getByLabel('Address', { exact: true });
    await page.locator('.field-invalid').first().waitFor();
    assert.equal(await host.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('SSH user', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Real-time cores', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), null);
    await shot(page, '02-form-errors');

    await host.fill(lab.sshd.host);
    await page.getByLabel('Port', { exact: true }).fill(String(lab.sshd.port));
    await page.getByLabel('SSH user', { exact: true }).fill(lab.users.key.user);
    await page.getByLabel('Private key file', { exact: true }).fill(lab.users.key.keyFile);
    await page.getByLabel('Real-time cores', { exact: true }).fill('2,3');
    await shot(page, '03-form-filled');
    await page.locator('form.controller-form').getByRole('button', { name: 'Add controller' }).click();
    await row(name).waitFor();
    assert.match(await row(name).innerText(), new RegExp(`${lab.users.key.user}@${lab.sshd.host}:${lab.sshd.port}`));
  });

  test('first connect shows the lab’s fingerprint; trusting it connects and the status bar says so', async () => {
    await row(name).getByRole('button', { name: 'Connect' }).click();
    const dialog = page.getByTestId('host-key-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('host-key-fingerprint').getAttribute('data-fingerprint'), lab.hostKey.fingerprint);
    assert.match(await dialog.innerText(), /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
    // The safe choice has the focus: Enter alone never trusts a key.
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).and(page.locator(':focus')).count(), 1);
    // Focus stays inside the modal: Tab from the last button wraps to the first control of the dialog.
    await dialog.getByRole('button', { name: 'Trust and connect' }).focus();
    await page.keyboard.press('Tab');
    assert.equal(await dialog.locator(':focus').count(), 1);
    await dialog.getByRole('button', { name: 'Cancel' }).focus();
    await shot(page, '04-fingerprint-dialog');

    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    await waitText(statusConnection(), 'Connected');
    await dialog.waitFor({ state: 'detached' });
    assert.match(await statusConnection().innerText(), /since \d\d:\d\d/);
    assert.equal(await page.getByTestId('status-controller').innerText(), name);
    await waitText(row(name).getByTestId('controller-connection'), 'Connected');
    await shot(page, '05-connected');
  });

  test('Korean: the whole shell switches language', async () => {
    await page.getByTestId('language-select').selectOption('ko');
    await waitText(statusConnection(), '연결됨');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
    await page.getByRole('heading', { name: '컨트롤러', exact: true }).waitFor();
    await shot(page, '06-korean');
    await page.getByTestId('language-select').selectOption('en');
    await waitText(statusConnection(), 'Connected');
  });

  test('Ctrl+3 opens Checks for the connected controller; Ctrl+1 comes back', async () => {
    await page.keyboard.press('Control+3');
    const checks = page.getByTestId('screen-checks');
    await checks.waitFor();
    await checks.getByRole('button', { name: /Run all \(\d+ checks\)/ }).waitFor();
    assert.match(await checks.innerText(), /Lab controller/);
    await page.keyboard.press('Control+1');
    await row(name).waitFor();
  });

  test('a changed host key is a red full stop; replacing it needs the controller name typed', async () => {
    await row(name).getByRole('button', { name: 'Disconnect' }).click();
    await waitText(statusConnection(), 'Not connected');
    // Pretend the controller was reimaged: the app's known_hosts now holds another key for this address.
    const other = join(dir, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherPub = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const otherFingerprint = execFileSync('ssh-keygen', ['-lf', `${other}.pub`], { encoding: 'utf8' }).split(' ')[1];
    writeFileSync(join(dir, 'data', 'known_hosts'), `[${lab.sshd.host}]:${lab.sshd.port} ${otherPub}\n`);

    await row(name).getByRole('button', { name: 'Connect' }).click();
    const stop = page.getByTestId('host-key-changed');
    await stop.waitFor();
    assert.equal(await stop.getByTestId('presented-fingerprint').getAttribute('data-fingerprint'), lab.hostKey.fingerprint);
    assert.equal(await stop.getByTestId('known-fingerprint').getAttribute('data-fingerprint'), otherFingerprint);
    // A page, not a dialog: nothing to dismiss with Esc.
    await page.keyboard.press('Escape');
    await stop.waitFor();
    await shot(page, '07-host-key-changed');

    await stop.getByRole('button', { name: /This controller was reimaged/ }).click();
    const replace = stop.getByRole('button', { name: 'Replace key and connect' });
    assert.equal(await replace.isDisabled(), true);
    await stop.getByTestId('confirm-name').fill('Lab');
    assert.equal(await replace.isDisabled(), true);
    await stop.getByTestId('confirm-name').fill(name);
    await shot(page, '08-host-key-replace');
    await replace.click();
    await waitText(statusConnection(), 'Connected');
    await stop.waitFor({ state: 'detached' });
  });

  test('a password controller asks for the password, and asks again when it is wrong', async () => {
    const pwName = 'Lab (password)';
    await addController({ name: pwName, host: lab.sshd.host, port: lab.sshd.port, user: lab.users.password.user, auth: 'password' });
    await row(pwName).getByRole('button', { name: 'Connect' }).click();
    const prompt = page.getByTestId('secret-prompt');
    await prompt.waitFor();
    // Esc abandons the connect; that is "not connected", not a red failure.
    await page.keyboard.press('Escape');
    await prompt.waitFor({ state: 'detached' });
    await waitText(row(pwName).getByTestId('controller-connection'), 'Not connected');
    assert.equal(await row(pwName).getByTestId('controller-connection').getAttribute('data-tone'), 'skip');
    await row(pwName).getByRole('button', { name: 'Connect' }).click();
    await prompt.waitFor();
    // Browser mode has no OS keyring: no "remember" box is offered.
    assert.equal(await prompt.getByRole('checkbox').count(), 0);
    await prompt.getByLabel('Password', { exact: true }).fill('wrong-password');
    await prompt.getByRole('button', { name: 'Connect' }).click();
    await waitText(prompt.locator('.field-error'), 'not accepted');
    await shot(page, '09-password-rejected');
    await prompt.getByLabel('Password', { exact: true }).fill(lab.users.password.password);
    await prompt.getByRole('button', { name: 'Connect' }).click();
    await waitText(row(pwName).getByTestId('controller-connection'), 'Connected');
    assert.equal(await page.getByTestId('status-controller').innerText(), pwName);
  });

  test('a refused connection is explained in technician terms with "Copy details", never a stack', async () => {
    const deadName = 'Nothing listening';
    await addController({ name: deadName, host: '127.0.0.1', port: await closedPort(), user: 'mxrc', auth: 'key', keyFile: lab.users.key.keyFile });
    await row(deadName).getByRole('button', { name: 'Connect' }).click();
    const panel = page.locator('[data-testid="error-panel"][data-code="CONNECTION_REFUSED"]');
    await panel.waitFor();
    const text = await panel.innerText();
    assert.match(text, /Could not connect to Nothing listening/);
    assert.match(text, /refused the connection/);
    assert.doesNotMatch(text, /\n\s+at \S+ \(/);
    await panel.getByRole('button', { name: 'Copy details' }).waitFor();
    await waitText(statusConnection(), 'Failed');
    await shot(page, '10-connection-refused');
    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  test('import from ~/.ssh/config, then remove with confirmation', async () => {
    await page.getByRole('button', { name: 'Import from ~/.ssh/config' }).click();
    const dialog = page.getByTestId('import-dialog');
    await waitText(dialog, 'cell3-robot');
    await dialog.getByLabel('cell3-robot').check();
    await shot(page, '11-import');
    await dialog.getByRole('button', { name: 'Import 1 controller' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('cell3-robot').waitFor();
    assert.match(await row('cell3-robot').innerText(), /mxrc@10\.20\.3\.15:22/);

    await row('cell3-robot').getByRole('button', { name: 'Remove cell3-robot' }).click();
    const confirm = page.getByTestId('remove-dialog');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await row('cell3-robot').waitFor({ state: 'detached' });
  });

  test('dark theme at 1366×768', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await row(name).waitFor();
    // The page follows the system through a media-query change event, which arrives after emulateMedia returns.
    await page.waitForFunction("getComputedStyle(document.documentElement).colorScheme === 'dark'", undefined, {
      timeout: 5000,
    });
    await shot(page, '12-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('no uncaught errors or console errors along the way', () => {
    assert.deepEqual(pageProblems, []);
  });
});
