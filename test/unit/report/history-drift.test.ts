import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

process.env.TZ = 'UTC';

import { offlineReports } from '../../../src/main/services/report/offline-reports';
import type { PdfPrinter } from '../../../src/main/services/report/pdf-printer';
import { reportDocumentSchema } from '../../../src/shared/model/report';
import type { DriftReport } from '../../../src/shared/model/report';
import { runCli } from '../../support/run-cli';
import { controllerKey, deployment, writeTwoVisits } from './fixture';

const noPdf: PdfPrinter = { print: () => Promise.reject(new Error('no PDF in unit tests')) };

function section(drift: DriftReport, name: string) {
  const found = drift.sections.find((s) => s.section === name);
  assert.ok(found, name);
  return found;
}

describe('history and drift audit on a two-visit fixture (offline)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mxrc-history-'));
    await writeTwoVisits(dataDir);
    mkdirSync(join(dataDir, 'deployments', '10.0.0.9_22'), { recursive: true });
    writeFileSync(join(dataDir, 'deployments', '10.0.0.9_22', 'x.json'), JSON.stringify({ ...deployment('services', '2026-11-28T08:00:00.000Z', ''), controllerId: '10.0.0.9:22' }));
  });

  test('controllers and visits, with counts and the latest verdict of each kind', async () => {
    const reports = offlineReports(dataDir, { name: 'mxrc-commissioner', version: '0.1.0' }, noPdf);
    const controllers = await reports.controllers();
    assert.deepEqual(controllers.map((c) => [c.key, c.name, c.isProfile, c.visits, c.lastVisit]), [
      ['10.0.0.9:22', '10.0.0.9:22', false, 1, '2026-11-28'],
      [controllerKey, controllerKey, false, 2, '2026-11-27'],
    ], 'a controller with only a CLI deployment (Deploy history folder) is listed too');
    assert.deepEqual((await reports.visits('10.0.0.9:22')).map((v) => [v.visit, v.counts]), [['2026-11-28', { deployment: 1 }]]);
    const visits = await reports.visits(controllerKey);
    assert.deepEqual(visits.map((v) => v.visit), ['2026-11-20', '2026-11-27']);
    assert.deepEqual(visits[0]?.counts, { 'check-run': 1, 'latency-run': 2, deployment: 2, probe: 1 }, 'the Deploy-history deployment counts for its day');
    assert.equal(visits[0]?.extraDeployments, 1);
    assert.equal(visits[0]?.verdicts['check-run'], 'fail');
    assert.equal(visits[1]?.verdicts['check-run'], 'warn');
    assert.equal((await reports.resolveVisit(controllerKey, 'latest')).visit, '2026-11-27');
    assert.equal((await reports.resolveController('10.0.0.5_22')).key, controllerKey, 'the folder spelling finds it too');
    await assert.rejects(reports.resolveController('nope'), /No stored results for a controller named "nope"/);
  });

  test('drift: kernel command line, sysctl, check verdict, unit, image digest and latency changed; identity did not', async () => {
    const drift = await offlineReports(dataDir, { name: 'mxrc-commissioner', version: '0.1.0' }, noPdf).drift(controllerKey, '2026-11-20', '2026-11-27');
    assert.deepEqual(section(drift, 'cmdline').changes, [{ key: 'isolcpus', kind: 'added', before: null, after: '2,3' }]);
    assert.deepEqual(section(drift, 'sysctls').changes, [{ key: 'kernel.timer_migration', kind: 'changed', before: '1', after: '0' }]);
    assert.deepEqual(section(drift, 'checks').changes.map((c) => [c.key, c.before?.split(':')[0], c.after?.split(':')[0]]), [['K03', 'fail', 'pass']]);
    const units = section(drift, 'units').changes;
    assert.deepEqual(units.map((c) => c.key), ['mxrc-rt.service']);
    assert.match(units[0]?.before ?? '', /ActiveState=inactive/);
    assert.match(units[0]?.after ?? '', /ActiveState=active .*CPUSchedulingPolicy=fifo/);
    assert.deepEqual(section(drift, 'images').changes.map((c) => [c.key, c.before?.split(' ')[1], c.after?.split(' ')[1]]), [['mxrc-webapi', `sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`]]);
    const latency = Object.fromEntries(section(drift, 'latency').changes.map((c) => [c.key, [c.before, c.after]]));
    assert.deepEqual(latency.maxUs, ['19 µs', '26 µs']);
    assert.deepEqual(latency.verdict, ['pass', 'warn']);
    assert.equal(section(drift, 'identity').comparable, true);
    assert.deepEqual(section(drift, 'identity').changes, []);
    assert.equal(drift.changed, 7);
  });

  test('CLI: history (text and --json), report json/html, report verify exit codes 0 / 1 / 2', async () => {
    const env = { MXRC_DATA_DIR: dataDir, TZ: 'UTC' };
    const text = await runCli(['history'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^10\.0\.0\.5:22 — 2 visits$/m);
    assert.match(text.stdout, /^ {2}2026-11-20 +2026-11-20 09:00 → 12:30 {2}1 check run \(last ✕ fail\), 2 latency runs \(last ✓ pass\), 2 deployments \(last ✓ pass\), 1 probe \(last ✓ pass\)$/m);
    const json = await runCli(['history', '--controller', controllerKey, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { controllers: Array<{ key: string; visits: Array<{ visit: string; verdict: string }> }> };
    assert.deepEqual(parsed.controllers.map((c) => [c.key, c.visits.map((v) => [v.visit, v.verdict])]), [[controllerKey, [['2026-11-20', 'fail'], ['2026-11-27', 'warn']]]]);
    const unknown = await runCli(['history', '--controller', 'cell-9', '--json'], env);
    assert.equal(unknown.code, 2);
    assert.equal((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code, 'NOT_FOUND');

    const out = join(dataDir, 'r.json');
    const made = await runCli(['--data-dir', dataDir, 'report', 'latest', '--controller', controllerKey, '--format', 'json', '--out', out], { TZ: 'UTC' });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /Wrote the JSON report of visit 2026-11-27 of 10\.0\.0\.5:22 to .*r\.json/);
    const report = reportDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    assert.equal(report.visit.id, '2026-11-27');
    assert.equal((await runCli(['--data-dir', dataDir, 'report', 'verify', out])).code, 0);
    writeFileSync(out, readFileSync(out, 'utf8').replace('"verdict": "pass"', '"verdict": "fass"'));
    const tampered = await runCli(['--data-dir', dataDir, 'report', 'verify', out]);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /^TAMPERED: /);

    const html = join(dataDir, 'r.html');
    const htmlMade = await runCli(['--data-dir', dataDir, 'report', '2026-11-20', '--controller', controllerKey, '--format', 'html', '--out', html, '--lang', 'ko'], { TZ: 'UTC' });
    assert.equal(htmlMade.code, 0, htmlMade.stderr);
    const intact = await runCli(['report', 'verify', html, '--json']);
    assert.equal(intact.code, 0, intact.stdout);
    assert.equal((JSON.parse(intact.stdout) as { status: string }).status, 'intact');

    assert.equal((await runCli(['report', 'verify', join(dataDir, 'missing.html')])).code, 2);
    const usage = await runCli(['--data-dir', dataDir, 'report', 'latest', '--controller', controllerKey, '--format', 'docx', '--out', out]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--format must be pdf, html or json/);
    const noVisit = await runCli(['--data-dir', dataDir, 'report', '2025-01-01', '--controller', controllerKey, '--format', 'json', '--out', out]);
    assert.equal(noVisit.code, 2);
    assert.match(noVisit.stderr, /No visit "2025-01-01" is stored for 10\.0\.0\.5:22/);
  });
});
