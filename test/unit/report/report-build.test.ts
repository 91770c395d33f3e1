import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

process.env.TZ = 'UTC';

import { offlineReports } from '../../../src/main/services/report/offline-reports';
import type { PdfPrinter } from '../../../src/main/services/report/pdf-printer';
import { reportDocumentSchema } from '../../../src/shared/model/report';
import { renderReportHtml, sealReport } from '../../../src/shared/report';
import { displayCommand } from '../../../src/shared/report/render-html';
import { checkTextKo } from '../../../src/shared/checks/catalogue-ko';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import { envPrefix } from '../../../src/shared/checks/probe-env';
import { onHousekeeping, withSudo } from '../../../src/shared/remote-command';
import { sha256Hex } from '../../../src/main/services/report/sha256';
import { controllerKey, writeTwoVisits } from './fixture';

/** PDFs are printed in the lab test with real Chromium; here nothing may print. */
const noPdf: PdfPrinter = { print: () => Promise.reject(new Error('no PDF in unit tests')) };

describe('report of a stored visit', () => {
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mxrc-report-'));
    await writeTwoVisits(dataDir);
  });

  test('assembles identity, checks, latency roles and comparison, deployments and probe; validates against the schema', async () => {
    const reports = offlineReports(dataDir, { name: 'mxrc-commissioner', version: '0.1.0' }, noPdf);
    const doc = await reports.document(controllerKey, '2026-11-20', 'en');
    assert.doesNotThrow(() => reportDocumentSchema.parse(doc));
    assert.equal(doc.controller.address, controllerKey);
    assert.equal(doc.controller.identity.source, 'checks');
    assert.equal(doc.controller.identity.hostname, 'cell3-ctl');
    assert.equal(doc.controller.identity.dmiProduct, 'MIC-770 V2');
    assert.equal(doc.controller.identity.cpuModel, 'Intel(R) Core(TM) i7-9700E CPU @ 2.60GHz');
    assert.equal(doc.checks?.results.length, 6);
    assert.deepEqual(doc.latency.runs.map((r) => r.role), ['baseline', 'after']);
    assert.deepEqual(doc.latency.runs[0]?.cpus[0]?.histogram.slice(0, 2), [[2, 1000], [3, 500_000]]);
    assert.equal(doc.latency.comparison?.baselineMaxUs, 18);
    assert.equal(doc.latency.comparison?.maxUs, 19);
    assert.equal(doc.latency.comparison?.verdict, 'fail', '19 vs 18 µs is +5.56 %, not below 5 %');
    assert.deepEqual(doc.deployments.map((d) => `${d.kind}:${d.result}`), ['services:deployed', 'webapi:deployed'], 'the Deploy history folder counts for its day');
    assert.equal(doc.probe?.source, 'probe');
    assert.equal(doc.probe?.p99Ms, 2.4);
    assert.deepEqual(Object.fromEntries(doc.verdict.items.map((i) => [i.key, i.verdict])), { checks: 'fail', latency: 'pass', deployment: 'pass', comparison: 'fail', probe: 'pass' });
    assert.equal(doc.verdict.overall, 'fail');
  });

  test('the HTML is self-contained, draws the histogram as SVG, uses words and shapes, and renders Hangul in Korean', async () => {
    const reports = offlineReports(dataDir, { name: 'mxrc-commissioner', version: '0.1.0' }, noPdf);
    const en = sealReport(await reports.document(controllerKey, '2026-11-27', 'en'), sha256Hex);
    const html = renderReportHtml(en);
    assert.doesNotMatch(html, /<script(?! type="application\/json" id="report-data")/, 'no executable script');
    assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//, 'nothing is fetched');
    assert.equal((html.match(/data-chart="latency-histogram"/g) ?? []).length, 2);
    assert.match(html, /<polyline [^>]*data-cpu="2"/);
    assert.match(html, /✓<\/span> PASS/);
    assert.match(html, /!<\/span> WARN/);
    assert.match(html, /data-check="K03" data-verdict="pass"/);
    const ko = renderReportHtml(sealReport(await reports.document(controllerKey, '2026-11-27', 'ko'), sha256Hex));
    assert.match(ko, /<html lang="ko">/);
    assert.match(ko, /커미셔닝 보고서/);
    assert.match(ko, /합격/);
    assert.match(ko, /호스트 점검/);
    assert.ok(ko.includes(checkTextKo.K03?.title ?? '-'), 'check titles in Korean too');
    assert.ok(!ko.includes('PREEMPT_RT kernel</td>'), 'not the English title the results were recorded with');
  });

  test('evidence commands are shown without the housekeeping wrapper and the exported profile values', () => {
    const body = `${envPrefix(checkProfileSchema.parse({}))}grep -H . /sys/class/dmi/id/sys_vendor; echo 'it''s'`;
    assert.equal(displayCommand(onHousekeeping(body, '0')), "grep -H . /sys/class/dmi/id/sys_vendor; echo 'it''s'");
    assert.equal(displayCommand(onHousekeeping(withSudo(body), '0,1')), "sudo grep -H . /sys/class/dmi/id/sys_vendor; echo 'it''s'");
    assert.equal(displayCommand('uname -a'), 'uname -a');
  });

  test('rendering is deterministic: same sealed document, same bytes', async () => {
    const reports = offlineReports(dataDir, { name: 'mxrc-commissioner', version: '0.1.0' }, noPdf);
    const sealed = sealReport(await reports.document(controllerKey, '2026-11-20', 'ko'), sha256Hex);
    assert.equal(renderReportHtml(sealed), renderReportHtml(structuredClone(sealed)));
  });
});
