/**
 * Commissioning reports from real lab visits: one made through the app's services (commissioning run with the
 * identity probe, host checks, baseline and after-deployment latency), one made only with the CLI (`check`,
 * `latency` with --data-dir). The reports are printed by headless Chromium, turned into PNGs with pdftoppm and
 * looked at: pages not blank, the histogram drawn, Hangul in the Korean one; the JSON validates against its
 * schema; `report verify` passes and fails after one byte of a verdict changes.
 * PNGs: test-results/screens/report-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Composition } from '../../src/main/composition';
import { compose } from '../../src/main/composition';
import type { CheckDoneEvent } from '../../src/shared/model/checks';
import type { LatencyRunView } from '../../src/shared/model/latency';
import { reportDocumentSchema } from '../../src/shared/model/report';
import type { RunState } from '../../src/shared/model/run';
import type { AppClient } from '../../src/shared/rpc';
import { inMemoryClient } from '../support/in-memory-transport';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { runCli } from '../support/run-cli';
import { waitFor } from '../support/wait-for';
import { bluishPixels, decodePng, inkRatio } from '../unit/report/png';

const root = join(import.meta.dirname, '..', '..');
const screens = join(root, 'test-results', 'screens');

/** pdftoppm → PNG per page (kept for people to look at), with each page's text from pdftotext. */
function pages(pdf: string, name: string): Array<{ png: string; text: string; ink: number; blue: number }> {
  const prefix = join(screens, name);
  for (const old of readdirSync(screens).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))) rmSync(join(screens, old));
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, prefix]);
  const files = readdirSync(screens)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort((a, b) => Number(/-(\d+)\.png$/.exec(a)?.[1]) - Number(/-(\d+)\.png$/.exec(b)?.[1]));
  return files.map((file, index) => {
    const raster = decodePng(readFileSync(join(screens, file)));
    const text = execFileSync('pdftotext', ['-f', String(index + 1), '-l', String(index + 1), '-layout', pdf, '-'], { encoding: 'utf8' });
    return { png: join(screens, file), text, ink: inkRatio(raster), blue: bluishPixels(raster) };
  });
}

/** Changes one byte: the first letter of the verdict of the first check in the file. */
function tamperVerdict(text: string, verdictKey: string): string {
  const at = text.indexOf(verdictKey, text.indexOf('"group"')) + verdictKey.length;
  const letter = text[at] === 'p' ? 'f' : 'p';
  return text.slice(0, at) + letter + text.slice(at + 1);
}

describe('reports from real lab visits', { timeout: 900_000 }, () => {
  let lab: Lab;
  let dir: string;
  let dataDir: string;
  let app: Composition;
  let client: AppClient;
  let controllerId: string;
  const name = `Cell 3 report ${randomBytes(2).toString('hex')}`;
  const rtUnit = `mxrc-rt-report-${randomBytes(3).toString('hex')}.service`;
  const checksDone: CheckDoneEvent[] = [];
  const latencyRuns: LatencyRunView[] = [];

  async function latency(durationS: number): Promise<void> {
    const view = await client.latency.start({ controllerId, preset: 'custom', durationS, safeStateConfirmed: true, baseline: 'none' });
    await waitFor(() => latencyRuns.some((v) => v.runId === view.runId && v.result !== undefined), `latency run ${view.runId} collected`, 120_000);
  }

  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), 'mxrc-report-lab-'));
    dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(screens, { recursive: true });
    copyFileSync(lab.knownHostsFile, join(dataDir, 'known_hosts'));
    app = compose({ dataDir, mode: 'web', readOnlyKnownHosts: [] });
    client = inMemoryClient(app.services, app.events);
    client.on('checks.done', (event) => checksDone.push(event));
    client.on('latency.run', (view) => latencyRuns.push(view));
    const ctl = lab.controllers.systemd;
    const profile = await client.controllers.save({ name, host: ctl.host, port: ctl.port, user: ctl.user, auth: { kind: 'key', keyFile: ctl.keyFile }, rtCores: ctl.rtCores, housekeepingCores: ctl.housekeepingCores, rtUnit });
    controllerId = profile.id;
  });

  after(async () => {
    await app?.shutdown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a visit made through the commissioning run: identity, checks, baseline and after latency, comparison', async () => {
    let state: RunState | null = await client.run.start(controllerId, { site: 'Lab, bench 2', customer: 'ACME Robotics', technician: 'J. Kim' });
    assert.equal(state.current, 'connect');
    await client.connection.connect(controllerId);
    await waitFor(async () => (await client.run.get(controllerId))?.current === 'checks', 'the run collected the identity and moved to the checks', 30_000);

    await client.checks.run(controllerId, {});
    await waitFor(() => checksDone.some((e) => e.controllerId === controllerId), 'checks finished', 240_000);
    state = await client.run.get(controllerId);
    const checksStep = state?.steps.find((s) => s.id === 'checks');
    assert.ok(checksStep?.state === 'done' || checksStep?.state === 'attention', checksStep?.state);
    // The lab VM is not tuned for real time: accept its failures as deviations, as a technician would on a bench.
    if (checksStep?.state === 'attention') state = await client.run.accept(controllerId, 'checks', 'Lab VM: not an RT-tuned controller');
    assert.equal(state?.current, 'baseline');

    await latency(5);
    if ((await client.run.get(controllerId))?.steps.find((s) => s.id === 'baseline')?.state === 'attention') await client.run.accept(controllerId, 'baseline', 'Lab VM latency is not RT grade');
    await client.run.skip(controllerId, 'services', 'No native services in this lab visit');
    state = await client.run.skip(controllerId, 'webapi', 'No WebAPI in this lab visit');
    assert.equal(state.current, 'latencyAfter');
    await latency(5);
    state = await client.run.get(controllerId);
    if (state?.steps.find((s) => s.id === 'latencyAfter')?.state === 'attention') state = await client.run.accept(controllerId, 'latencyAfter', 'Lab VM latency is not RT grade');
    const comparison = state?.steps.find((s) => s.id === 'comparison');
    assert.ok(comparison?.state === 'done' || comparison?.state === 'attention', comparison?.state);
    assert.equal(typeof comparison?.facts?.values.increasePct, 'number');
  });

  test('PDF, HTML and JSON in English and Korean: pages not blank, histogram drawn, schema valid, verify detects one changed byte', async () => {
    const out = (file: string) => join(dir, file);
    const base = ['--data-dir', dataDir, 'report', 'latest', '--controller', name];
    for (const [format, lang] of [['pdf', 'en'], ['pdf', 'ko'], ['html', 'en'], ['json', 'en']] as const) {
      const made = await runCli([...base, '--format', format, '--out', out(`report-${lang}.${format}`), '--lang', lang], {}, { timeoutMs: 120_000 });
      assert.equal(made.code, 0, `${format}/${lang}: ${made.stderr}`);
    }

    const en = pages(out('report-en.pdf'), 'report-lab-en');
    assert.ok(en.length >= 3, `${en.length} pages`);
    // Not blank: ink on the page and text besides the page footer (a last page may be short).
    const body = (text: string) => text.split('\n').filter((line) => line.trim() !== '' && !/page \d+ of \d+|\d+ \/ \d+쪽/.test(line)).join('\n');
    for (const page of en) assert.ok(page.ink > 0.003 && body(page.text).length > 20, `${page.png} has content (ink ${page.ink.toFixed(4)})`);
    assert.ok(en.filter((p) => p.ink > 0.02).length >= en.length / 2, 'most pages are well filled');
    const chartPages = en.filter((p) => p.text.includes('Latency (µs)'));
    assert.ok(chartPages.length >= 1, 'the histogram axis is on a page');
    assert.ok(chartPages.some((p) => p.blue > 150), `the histogram curve is drawn (${chartPages.map((p) => p.blue).join(', ')} blue pixels)`);
    const all = en.map((p) => p.text).join('\n');
    assert.match(all, /Commissioning report/);
    assert.match(all, /Hostname\s+\S+/);
    assert.match(all, /Machine ID\s+[0-9a-f]{32}/);
    assert.match(all, /SSH host key fingerprint\s+SHA256:/);
    assert.match(all, /Baseline \(before deployment\)/);
    assert.match(all, /After deployment/);
    assert.match(all, /Comparison with the baseline/);
    assert.match(all, /Lab VM: not an RT-tuned controller|No native services in this lab visit/);
    assert.match(all, /Appendix A: evidence of the host checks/);

    const ko = pages(out('report-ko.pdf'), 'report-lab-ko');
    for (const page of ko) assert.ok(page.ink > 0.003 && body(page.text).length > 20, `${page.png} has content (ink ${page.ink.toFixed(4)})`);
    const koText = ko.map((p) => p.text).join('\n');
    assert.match(koText, /커미셔닝 보고서/);
    assert.match(koText, /컨트롤러 식별 정보/);
    assert.match(koText, /지연 시간 \(µs\)/);

    const json = JSON.parse(readFileSync(out('report-en.json'), 'utf8')) as unknown;
    const report = reportDocumentSchema.parse(json);
    assert.equal(report.visit.site, 'Lab, bench 2');
    assert.equal(report.controller.identity.source, 'probe');
    assert.equal(report.controller.identity.hostKeyFingerprint, lab.controllers.systemd.hostKey.fingerprint);
    assert.equal(report.latency.runs.filter((r) => r.role !== 'other').length, 2);
    assert.ok(report.latency.runs.every((r) => r.cpus[0]?.cpu === 1 && (r.cpus[0]?.histogram.length ?? 0) > 0));
    assert.ok(report.latency.comparison);
    assert.ok((report.checks?.results.length ?? 0) >= 40);
    assert.ok(report.deviations.length >= 2);

    for (const file of ['report-en.json', 'report-en.html']) {
      const ok = await runCli(['report', 'verify', out(file)]);
      assert.equal(ok.code, 0, `${file}: ${ok.stdout}${ok.stderr}`);
      const text = readFileSync(out(file), 'utf8');
      const tampered = tamperVerdict(text, file.endsWith('.json') ? '"verdict": "' : '"verdict":"');
      assert.equal(tampered.length, text.length);
      writeFileSync(out(`tampered-${file}`), tampered);
      const bad = await runCli(['report', 'verify', out(`tampered-${file}`), '--json']);
      assert.equal(bad.code, 1, `${file}: ${bad.stdout}`);
      assert.equal((JSON.parse(bad.stdout) as { status: string }).status, 'tampered');
    }
    const pdf = await runCli(['report', 'verify', out('report-en.pdf')]);
    assert.equal(pdf.code, 2, 'a PDF cannot be verified byte for byte');
  });

  test('a visit made only with the CLI (check, latency with --data-dir) is recorded and reported', async () => {
    const ctl = lab.controllers.systemd;
    const cliData = join(dir, 'cli-data');
    const target = `${ctl.user}@${ctl.host}:${ctl.port}`;
    writeFileSync(join(dir, 'profile.json'), JSON.stringify({ rtCores: ctl.rtCores, housekeepingCores: ctl.housekeepingCores, rtUnit }));
    const flags = ['--key', ctl.keyFile, '--known-hosts', lab.knownHostsFile, '--profile', join(dir, 'profile.json')];
    const check = await runCli(['--data-dir', cliData, 'check', target, ...flags, '--json'], {}, { timeoutMs: 240_000 });
    assert.ok(check.code === 0 || check.code === 1, check.stderr);
    const lat = await runCli(['--data-dir', cliData, 'latency', target, ...flags, '--duration', '4s', '--json'], {}, { timeoutMs: 120_000 });
    assert.ok(lat.code === 0 || lat.code === 1, lat.stderr);

    const history = await runCli(['--data-dir', cliData, 'history', '--json']);
    assert.equal(history.code, 0, history.stderr);
    const listed = JSON.parse(history.stdout) as { controllers: Array<{ key: string; visits: Array<{ counts: Record<string, number> }> }> };
    const key = `${ctl.host}:${ctl.port}`;
    const controller = listed.controllers.find((c) => c.key === key);
    assert.ok(controller, history.stdout);
    assert.equal(controller.visits.at(-1)?.counts['check-run'], 1);
    assert.equal(controller.visits.at(-1)?.counts['latency-run'], 1);

    const file = join(dir, 'cli-report.html');
    const made = await runCli(['--data-dir', cliData, 'report', 'latest', '--controller', key, '--format', 'html', '--out', file]);
    assert.equal(made.code, 0, made.stderr);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /data-chart="latency-histogram"/);
    assert.match(html, /Taken from the host checks of this visit/);
    assert.equal((await runCli(['report', 'verify', file])).code, 0);
  });
});
