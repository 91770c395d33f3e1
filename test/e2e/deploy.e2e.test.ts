/**
 * Browser end-to-end of the Deploy screen: the built renderer in Debian's Chromium against the product's browser
 * mode, deploying to the lab's systemd controller container. Screenshots: test-results/screens/deploy-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';

import { startWebApp } from '../../src/main/web/start-web-app';
import type { BuiltArchive } from '../fixtures/deploy/image-archive';
import { buildImageArchive } from '../fixtures/deploy/image-archive';
import { cleanupDocker, freePort, httpdCmd, labDocker, uniqueSuffix, webapiCompose } from '../fixtures/deploy/lab-deploy';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { collectPageProblems, launchChromium, newLaptopContext } from '../support/browser';
import { seedLabController } from '../support/lab-app';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 60_000;

describe('Deploy screen in browser mode', () => {
  let lab: Lab;
  let dir: string;
  let docker: Docker;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let page: Page;
  let archive: BuiltArchive;
  const suffix = uniqueSuffix();
  const name = `mxrc-webapi-e${suffix}`;
  const tag = `mxrc/webapi-e2e:${suffix}`;
  const controllerName = 'Cell 3 (lab)';
  const pageProblems: string[] = [];
  let composePath = '';
  const bins: Record<string, string> = {};

  const shot = (file: string) => page.screenshot({ path: join(screensDir, `deploy-${file}.png`), fullPage: true });
  const ctlShell = (command: string): string => {
    const ctl = lab.controllers.systemd;
    return execFileSync('ssh', ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, command], { encoding: 'utf8', timeout: 30_000 });
  };

  before(async () => {
    lab = await ensureLab();
    docker = labDocker(lab);
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-deploy-'));
    mkdirSync(screensDir, { recursive: true });
    const port = await freePort();
    archive = await buildImageArchive({ tag, cmd: httpdCmd(port), healthBody: 'ok\n', padBytes: 24 * 1024 * 1024 });
    composePath = join(dir, 'docker-compose.yml');
    writeFileSync(composePath, webapiCompose({ image: tag, containerName: name, port, runDir: lab.docker.mxrcRunDir }));
    for (const [file, text] of [
      ['mxrc-rt', '#!/bin/sh\nexec /usr/bin/cyclictest -m -q -p80 -t1 -i1000\n'],
      ['mxrc-nonrt', '#!/bin/sh\nexec sleep infinity\n'],
    ] as const) {
      bins[file] = join(dir, file);
      writeFileSync(bins[file] ?? '', text);
      chmodSync(bins[file] ?? '', 0o755);
    }
    ctlShell('sudo -n systemctl disable --now mxrc-rt.service mxrc-nonrt.service 2>/dev/null; sudo -n rm -rf /etc/systemd/system/mxrc-rt.service /etc/systemd/system/mxrc-nonrt.service /opt/mxrc; sudo -n systemctl daemon-reload; true');

    // A saved profile and a trusted key: this screen is about deploying, the Controllers e2e covers the first visit.
    const dataDir = join(dir, 'data');
    await seedLabController(dataDir, lab, 'systemd', { name: controllerName });

    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    browser = await launchChromium();
    const context = await newLaptopContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    collectPageProblems(page, pageProblems);
    await page.goto(app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    if (docker) await cleanupDocker(docker, name, [tag]);
    if (lab) ctlShell('sudo -n systemctl disable --now mxrc-rt.service mxrc-nonrt.service 2>/dev/null; sudo -n rm -rf /etc/systemd/system/mxrc-rt.service /etc/systemd/system/mxrc-nonrt.service /opt/mxrc; sudo -n systemctl daemon-reload; true');
    await archive?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('without a connection the screen says what it needs', async () => {
    await page.getByRole('link', { name: /Deploy/ }).first().click();
    await page.getByTestId('screen-deploy').waitFor();
    await page.getByText('Deploying needs a connected controller.').waitFor();
    await shot('01-needs-connection');
    await page.getByRole('button', { name: 'Go to Controllers' }).click();
    await page.locator(`[data-testid="controller-row"][data-controller="${controllerName}"]`).getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('status-connection').filter({ hasText: 'Connected' }).waitFor();
  });

  test('check: a readable table of what will be created, with the adapted cores', async () => {
    await page.getByRole('link', { name: /Deploy/ }).first().click();
    await page.getByTestId('deploy-webapi-status').waitFor();
    await page.getByTestId('deploy-image').fill(archive.path);
    await page.getByTestId('deploy-compose').fill(composePath);
    await page.getByTestId('deploy-check').click();
    const plan = page.getByTestId('deploy-plan');
    await page.getByTestId('deploy-archive').waitFor();
    const text = await plan.innerText();
    assert.match(text, new RegExp(`Image\\s+${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(text, /Network\s+host/);
    assert.match(text, /Cores\s+0\b/);
    assert.match(text, /limit 64 MiB, reservation 32 MiB/);
    assert.match(text, /read-only/i);
    assert.match(text, /every 1 s, timeout 2 s, 2 retries, start period 1 s/);
    assert.match(await page.getByTestId('deploy-adaptations').innerText(), /cpuset "0,1" replaced by the profile's housekeeping cores 0/);
    assert.match(await page.getByTestId('deploy-archive').innerText(), /1 layer\(s\) verified/);
    await shot('02-form');
    await plan.scrollIntoViewIfNeeded();
    await shot('02-plan');
  });

  test('deploy after confirming: steps with progress, then the verdict and the acceptance probe', async () => {
    await page.getByTestId('deploy-start').click();
    await page.getByTestId('deploy-confirm').getByText(/WebAPI stops for a few seconds/).waitFor();
    await shot('03-confirm');
    await page.getByTestId('deploy-confirm-go').click();
    await page.locator('[data-step="upload"]').waitFor();
    await page.getByTestId('deploy-transfer').waitFor().catch(() => undefined);
    await shot('03-progress');
    const result = page.getByTestId('deploy-result');
    await result.waitFor({ timeout: 180_000 });
    assert.equal(await result.getAttribute('data-result'), 'deployed', await result.innerText());
    assert.match(await page.getByTestId('deploy-probe').innerText(), /Acceptance probe \(through the SSH tunnel\): 200 requests, p50 [\d.]+ ms, p99 [\d.]+ ms/);
    for (const step of ['verify-archive', 'upload', 'load', 'verify-image', 'create', 'start', 'health', 'probe']) {
      assert.equal(await page.locator(`[data-step="${step}"]`).getAttribute('data-state'), 'done', step);
    }
    await page.getByTestId('deploy-webapi-status').getByText('healthy').waitFor();
    await shot('04-deployed');
    await page.getByTestId('deploy-webapi-status').scrollIntoViewIfNeeded();
    await shot('04-status');
    assert.equal((await docker.getContainer(name).inspect()).HostConfig.CpusetCpus, '0');
  });

  test('services: unit preview with diff, install and start, verified RT scheduling', async () => {
    await page.getByTestId('deploy-tab-services').click();
    await page.getByTestId('deploy-rt-bin').fill(bins['mxrc-rt'] ?? '');
    await page.getByTestId('deploy-nonrt-bin').fill(bins['mxrc-nonrt'] ?? '');
    await page.getByTestId('deploy-preview-units').click();
    const rtUnit = page.getByTestId('deploy-unit-mxrc-rt.service');
    await rtUnit.waitFor();
    assert.equal(await rtUnit.getAttribute('data-state'), 'new');
    assert.match(await rtUnit.innerText(), /\+CPUAffinity=1/);
    await shot('05-units-preview');
    await page.getByTestId('deploy-install').click();
    await page.getByTestId('deploy-confirm').getByText(/RT loop stops for a moment/).waitFor();
    await page.getByTestId('deploy-confirm-install').click();
    const result = page.getByTestId('deploy-services').getByTestId('deploy-result');
    await result.waitFor({ timeout: 180_000 });
    assert.equal(await result.getAttribute('data-result'), 'deployed', await result.innerText());
    const checks = page.getByTestId('deploy-rt-checks');
    await checks.waitFor();
    const text = await checks.innerText();
    assert.match(text, /Scheduling policy\s+SCHED_FIFO\s+SCHED_FIFO/);
    assert.match(text, /Priority\s+80\s+80/);
    assert.match(text, /CPU affinity\s+1\s+1/);
    assert.equal(await page.getByTestId('deploy-unit-mxrc-rt.service').getAttribute('data-state'), 'unchanged');
    await shot('06-services-deployed');
  });

  test('history lists both deployments; the Korean screen reads naturally', async () => {
    await page.getByTestId('deploy-tab-history').click();
    const history = page.getByTestId('deploy-history');
    await history.getByText('Services').waitFor();
    const text = await history.innerText();
    assert.match(text, /WebAPI\s+✓\s+Deployed/);
    assert.match(text, /Services\s+✓\s+Deployed/);
    await shot('07-history');
    await page.evaluate("localStorage.setItem('mxrc.language', 'ko')");
    await page.reload();
    await page.getByTestId('screen-deploy').waitFor();
    await page.getByText('WebAPI 컨테이너').waitFor();
    await shot('08-korean');
    assert.deepEqual(pageProblems, []);
  });
});
