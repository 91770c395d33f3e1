/**
 * The whole commissioning run in browser mode against the lab's systemd controller: connect, host checks, baseline
 * latency, an app restart in the middle (the run resumes), native services and the WebAPI deployed on the Deploy
 * screen, latency again, comparison, WebAPI acceptance probe, report. The lab VM is not RT-tuned, so steps whose
 * result does not pass are accepted with a reason, as a technician would on a bench; the report then lists them
 * as deviations. Screenshots of every step: test-results/screens/run-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type Docker from 'dockerode';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { startWebApp } from '../../src/main/web/start-web-app';
import type { RunState } from '../../src/shared/model/run';
import type { BuiltArchive } from '../fixtures/deploy/image-archive';
import { buildImageArchive } from '../fixtures/deploy/image-archive';
import { cleanupDocker, freePort, httpdCmd, labDocker, uniqueSuffix, webapiCompose } from '../fixtures/deploy/lab-deploy';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { launchChromium, newLaptopContext } from '../support/browser';
import { seedLabController } from '../support/lab-app';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');

describe('commissioning run in browser mode against the lab controller', { timeout: 1_200_000 }, () => {
  let lab: Lab;
  let dir: string;
  let dataDir: string;
  let docker: Docker;
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let archive: BuiltArchive;
  const suffix = uniqueSuffix();
  const container = `mxrc-webapi-r${suffix}`;
  const tag = `mxrc/webapi-run:${suffix}`;
  const controllerName = `Cell 3 run ${suffix}`;
  const problems: string[] = [];
  let composePath = '';
  const bins: Record<string, string> = {};

  const shot = (name: string) => page.screenshot({ path: join(screensDir, `run-${name}.png`), fullPage: true });
  const ctlShell = (command: string): string => {
    const ctl = lab.controllers.systemd;
    return execFileSync('ssh', ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, command], { encoding: 'utf8', timeout: 30_000 });
  };
  const removeServices = () => ctlShell('sudo -n systemctl disable --now mxrc-rt.service mxrc-nonrt.service 2>/dev/null; sudo -n rm -rf /etc/systemd/system/mxrc-rt.service /etc/systemd/system/mxrc-nonrt.service /opt/mxrc; sudo -n systemctl daemon-reload; true');
  const step = (id: string) => page.locator(`[data-testid="run-stepper"] li[data-step="${id}"]`);

  async function openPage(): Promise<void> {
    context = await newLaptopContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // A page being reloaded while the server restarts may log a failed WebSocket; everything else is a problem.
      if (message.type() === 'error' && !/WebSocket/.test(message.text())) problems.push(message.text());
    });
    await page.goto(`${app.url}#/run`);
  }

  async function connect(): Promise<void> {
    await page.getByRole('link', { name: /Controllers/ }).first().click();
    await page.locator(`[data-testid="controller-row"][data-controller="${controllerName}"]`).getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('status-connection').filter({ hasText: 'Connected' }).waitFor();
    await page.getByRole('link', { name: /Commissioning run/ }).first().click();
    await page.getByTestId('screen-run').waitFor();
  }

  /** Waits until a step has its result; accepts a result that does not pass (the lab is not an RT controller). */
  async function settle(id: string, reason: string, timeout = 180_000): Promise<'done' | 'accepted'> {
    await page.locator(`[data-testid="run-stepper"] li[data-step="${id}"]:is([data-state="done"], [data-state="attention"])`).waitFor({ timeout });
    if ((await step(id).getAttribute('data-state')) === 'done') return 'done';
    await step(id).locator('button').click();
    await page.locator(`[data-testid="run-panel"][data-step="${id}"]`).waitFor();
    await page.getByTestId('run-accept').click();
    await page.getByTestId('run-reason').fill(reason);
    await shot(`accept-${id}`);
    await page.getByTestId('run-reason-confirm').click();
    await page.locator(`[data-testid="run-stepper"] li[data-step="${id}"][data-state="done"]`).waitFor();
    return 'accepted';
  }

  async function latency(id: 'baseline' | 'latencyAfter', name: string): Promise<void> {
    await step(id).locator('button').click();
    await page.locator(`[data-testid="run-panel"][data-step="${id}"]`).waitFor();
    await page.getByTestId('run-latency-duration').fill('5');
    if (id === 'latencyAfter') await page.getByTestId('run-latency-stop-rt').check();
    await shot(`${name}-setup`);
    assert.equal(await page.getByTestId('run-latency-start').isDisabled(), true, 'nothing starts before the safe state is confirmed');
    await page.getByTestId('run-latency-safe').check();
    await page.getByTestId('run-latency-start').click();
    await page.getByTestId('run-latency-progress').waitFor();
    await shot(`${name}-running`);
    await settle(id, 'Lab VM: latency is not RT grade (2 shared vCPUs)', 120_000);
  }

  before(async () => {
    lab = await ensureLab();
    docker = labDocker(lab);
    dir = mkdtempSync(join(tmpdir(), 'mxrc-e2e-run-'));
    dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(screensDir, { recursive: true });
    const port = await freePort();
    archive = await buildImageArchive({ tag, cmd: httpdCmd(port), healthBody: 'ok\n', padBytes: 4 * 1024 * 1024 });
    composePath = join(dir, 'docker-compose.yml');
    writeFileSync(composePath, webapiCompose({ image: tag, containerName: container, port, runDir: lab.docker.mxrcRunDir }));
    // Stand-ins for the real binaries: the RT one locks its memory and runs SCHED_FIFO like mxrc-rt does.
    for (const [file, text] of [
      ['mxrc-rt', '#!/bin/sh\nexec /usr/bin/cyclictest -m -q -p80 -t1 -i1000\n'],
      ['mxrc-nonrt', '#!/bin/sh\nexec sleep infinity\n'],
    ] as const) {
      bins[file] = join(dir, file);
      writeFileSync(bins[file] ?? '', text);
      chmodSync(bins[file] ?? '', 0o755);
    }
    removeServices();
    await seedLabController(dataDir, lab, 'systemd', { name: controllerName });
    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    browser = await launchChromium();
    await openPage();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    if (docker) await cleanupDocker(docker, container, [tag]);
    if (lab) removeServices();
    await archive?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('start: the run asks for the controller, then for site, customer and technician', async () => {
    await page.getByTestId('screen-run').waitFor();
    await page.getByTestId('run-needs-controller').waitFor();
    await connect();
    await page.getByTestId('run-start').waitFor();
    await page.getByTestId('run-start-site').fill('Plant 2, line 4 (lab bench)');
    await page.getByTestId('run-start-customer').fill('ACME Robotics');
    await page.getByTestId('run-start-technician').fill('J. Kim');
    await shot('01-start');
    await page.getByTestId('run-start-button').click();
    await page.locator('[data-testid="run-stepper"] li[data-step="connect"][data-state="done"]').waitFor();
    await page.locator('[data-testid="run-panel"][data-step="checks"]').waitFor();
    assert.match(await step('connect').innerText(), /host key SHA256:/);
    await shot('02-connected');
  });

  test('host checks from the run; failures accepted as deviations', async () => {
    await page.getByTestId('run-checks-start').click();
    await page.getByTestId('run-checks-progress').waitFor();
    await shot('03-checks-running');
    await settle('checks', 'Lab VM: kernel is not PREEMPT_RT and CPUs are not isolated', 300_000);
    await step('checks').locator('button').click();
    await shot('03-checks');
  });

  test('baseline latency with the safety confirmation', async () => {
    await latency('baseline', '04-baseline');
    await page.locator('[data-testid="run-panel"][data-step="services"]').waitFor();
    await shot('04-baseline-done');
  });

  test('the run survives an app restart and resumes at the same step', async () => {
    await context.close();
    await app.close();
    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    await openPage();
    // A new server: the controller is not connected yet, but the run is where it was.
    await connect();
    await page.locator('[data-testid="run-panel"][data-step="services"]').waitFor();
    for (const id of ['connect', 'checks', 'baseline']) assert.equal(await step(id).getAttribute('data-state'), 'done', id);
    assert.equal(await step('services').getAttribute('data-state'), 'current');
    await shot('05-resumed-after-restart');
  });

  test('native services and the WebAPI are deployed on the Deploy screen; the run picks the results up', async () => {
    await page.getByTestId('run-open-screen').click();
    await page.getByTestId('screen-deploy').waitFor();
    await page.getByTestId('deploy-tab-services').click();
    await page.getByTestId('deploy-rt-bin').fill(bins['mxrc-rt'] ?? '');
    await page.getByTestId('deploy-nonrt-bin').fill(bins['mxrc-nonrt'] ?? '');
    await page.getByTestId('deploy-preview-units').click();
    await page.getByTestId('deploy-unit-mxrc-rt.service').waitFor();
    await page.getByTestId('deploy-install').click();
    await page.getByTestId('deploy-confirm-install').click();
    const services = page.getByTestId('deploy-services').getByTestId('deploy-result');
    await services.waitFor({ timeout: 180_000 });
    assert.equal(await services.getAttribute('data-result'), 'deployed', await services.innerText());

    await page.getByRole('link', { name: /Commissioning run/ }).first().click();
    await page.locator('[data-testid="run-stepper"] li[data-step="services"][data-state="done"]').waitFor();
    await page.locator('[data-testid="run-panel"][data-step="webapi"]').waitFor();
    await shot('06-services');

    await page.getByTestId('run-open-screen').click();
    await page.getByTestId('deploy-tab-webapi').click();
    await page.getByTestId('deploy-image').fill(archive.path);
    await page.getByTestId('deploy-compose').fill(composePath);
    await page.getByTestId('deploy-check').click();
    await page.getByTestId('deploy-archive').waitFor();
    await page.getByTestId('deploy-start').click();
    await page.getByTestId('deploy-confirm-go').click();
    const webapi = page.getByTestId('deploy-result');
    await webapi.waitFor({ timeout: 180_000 });
    assert.equal(await webapi.getAttribute('data-result'), 'deployed', await webapi.innerText());
    await page.getByRole('link', { name: /Commissioning run/ }).first().click();
    await page.locator('[data-testid="run-stepper"] li[data-step="webapi"][data-state="done"]').waitFor();
    assert.match(await step('webapi').innerText(), new RegExp(`deployed: ${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await shot('07-webapi');
  });

  test('latency after the deployment (RT service stopped for the test) and the comparison', async () => {
    await latency('latencyAfter', '08-latency-after');
    await page.locator('[data-testid="run-stepper"] li[data-step="comparison"]:is([data-state="done"], [data-state="attention"])').waitFor();
    await step('comparison').locator('button').click();
    assert.match(await page.getByTestId('run-step-result').innerText(), /max \d+(\.\d+)? → \d+(\.\d+)? µs: -?\d+(\.\d+)? % \(limit < 5 %\)/);
    await shot('09-comparison');
    await settle('comparison', 'Lab VM: the latency of shared vCPUs varies between runs');
  });

  test('WebAPI acceptance probe, then the report ends the run', async () => {
    await step('probe').locator('button').click();
    await page.locator('[data-testid="run-panel"][data-step="probe"]').waitFor();
    await page.getByTestId('run-probe-start').click();
    await settle('probe', 'Lab VM: WebAPI shares the vCPU with the test load');
    assert.match(await step('probe').innerText(), /p99 [\d.]+ ms of 200 requests \(limit < 10 ms\)/);
    await shot('10-probe');

    await step('report').locator('button').click();
    await page.locator('[data-testid="run-panel"][data-step="report"]').waitFor();
    await page.getByTestId('run-report-format-pdf').check();
    await page.getByTestId('run-report-lang-en').check();
    await page.getByTestId('run-report-create').click();
    await page.getByTestId('run-finished').waitFor({ timeout: 120_000 });
    const made = await page.getByTestId('run-report-made').innerText();
    const path = /Report written:\s*(\S+\.pdf)/.exec(made)?.[1] ?? '';
    assert.ok(existsSync(path), made);
    assert.equal(readFileSync(path).subarray(0, 4).toString(), '%PDF');
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    for (const expected of ['Plant 2, line 4 (lab bench)', 'WebAPI acceptance probe', 'Image digest', 'Native services', 'Comparison with the baseline', 'Deviations', 'Lab VM: kernel is not PREEMPT_RT']) {
      assert.ok(text.includes(expected), `the report has "${expected}"`);
    }
    await shot('11-report');
  });

  test('the finished run in Korean, and its visit in Reports', async () => {
    await page.evaluate("localStorage.setItem('mxrc.language', 'ko')");
    await page.reload();
    await page.getByTestId('run-finished').waitFor();
    assert.match(await page.getByTestId('run-stepper').innerText(), /호스트 점검/);
    await shot('12-korean');
    await page.evaluate("localStorage.setItem('mxrc.language', 'en')");
    await page.reload();
    await page.getByRole('link', { name: /Reports/ }).first().click();
    await page.getByTestId('reports-visit').waitFor();
    assert.match(await page.getByTestId('reports-item-deployment').innerText(), /Deployment: pass/);
    await shot('13-reports');
    const file = readdirSync(join(dataDir, 'runs')).find((f) => f.endsWith('.json')) ?? '';
    assert.equal((JSON.parse(readFileSync(join(dataDir, 'runs', file), 'utf8')) as RunState).status, 'finished', 'the finished run is on disk');
    assert.deepEqual(problems, []);
  });
});
