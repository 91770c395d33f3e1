import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

process.env.TZ = 'UTC';

import { offlineReports } from '../../../src/main/services/report/offline-reports';
import type { PdfPrinter } from '../../../src/main/services/report/pdf-printer';
import { sha256Hex } from '../../../src/main/services/report/sha256';
import type { SealedReport } from '../../../src/shared/model/report';
import { reportHtmlText, reportJsonText, sealReport, verifyReportText } from '../../../src/shared/report';
import { controllerKey, writeTwoVisits } from './fixture';

const noPdf: PdfPrinter = { print: () => Promise.reject(new Error('no PDF in unit tests')) };

/** Changes one byte: the first letter of the verdict that follows `marker` (e.g. check K03's). */
function flipVerdictByte(text: string, marker: string, verdictKey: string): string {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `marker ${marker} not found`);
  const pos = text.indexOf(verdictKey, at) + verdictKey.length;
  const replaced = text[pos] === 'p' ? 'f' : 'p';
  return text.slice(0, pos) + replaced + text.slice(pos + 1);
}

describe('report integrity', () => {
  let sealed: SealedReport;
  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mxrc-integrity-'));
    await writeTwoVisits(dataDir);
    sealed = sealReport(await offlineReports(dataDir, { name: 'mxrc-commissioner', version: '0.1.0' }, noPdf).document(controllerKey, '2026-11-27', 'en'), sha256Hex);
  });

  test('the embedded hash is the SHA-256 of the canonical JSON without the integrity block', () => {
    const { integrity, ...data } = sealed;
    // An independent canonicalisation: sorted keys, no whitespace.
    const canonical = (value: unknown): string =>
      Array.isArray(value)
        ? `[${value.map(canonical).join(',')}]`
        : value !== null && typeof value === 'object'
          ? `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
          : JSON.stringify(value);
    assert.equal(integrity.sha256, createHash('sha256').update(canonical(data)).digest('hex'));
    assert.match(integrity.sha256, /^[0-9a-f]{64}$/);
    assert.equal(sealReport(sealed, sha256Hex).integrity.sha256, integrity.sha256, 'sealing again gives the same hash');
  });

  test('a JSON report verifies; one changed byte of a verdict, or of its layout, does not', () => {
    const text = reportJsonText(sealed);
    assert.equal(verifyReportText(text, sha256Hex).status, 'intact');
    const tampered = flipVerdictByte(text, '"id": "K03"', '"verdict": "');
    assert.notEqual(tampered, text);
    assert.equal(tampered.length, text.length);
    const result = verifyReportText(tampered, sha256Hex);
    assert.equal(result.status, 'tampered');
    assert.equal(result.checks.find((c) => c.name === 'data-hash')?.ok, false);
    const spaced = verifyReportText(text.replace('\n  "checks"', '\n   "checks"'), sha256Hex);
    assert.equal(spaced.status, 'tampered');
    assert.deepEqual(spaced.checks.filter((c) => !c.ok).map((c) => c.name), ['layout']);
    assert.equal(verifyReportText(text.slice(0, Math.floor(text.length * 0.8)), sha256Hex).status, 'tampered', 'a cut report is tampered, not "not a report"');
  });

  test('an HTML report verifies; a changed visible verdict, embedded data or hash is detected', () => {
    const html = reportHtmlText(sealed, sha256Hex);
    const ok = verifyReportText(html, sha256Hex);
    assert.equal(ok.status, 'intact', JSON.stringify(ok.checks));
    assert.deepEqual(ok.checks.map((c) => c.name), ['readable', 'data-hash', 'schema', 'html-meta', 'document-hash', 'rendering']);

    const visible = html.replace('data-check="K03" data-verdict="pass"><td><span class="v v-pass"><span class="shape" aria-hidden="true">✓</span> PASS', 'data-check="K03" data-verdict="pass"><td><span class="v v-pass"><span class="shape" aria-hidden="true">✓</span> FASS');
    assert.notEqual(visible, html);
    const v = verifyReportText(visible, sha256Hex);
    assert.equal(v.status, 'tampered');
    assert.deepEqual(v.checks.filter((c) => !c.ok).map((c) => c.name), ['document-hash', 'rendering']);

    const data = flipVerdictByte(html, '"id":"K03"', '"verdict":"');
    const d = verifyReportText(data, sha256Hex);
    assert.equal(d.status, 'tampered');
    assert.ok(d.checks.some((c) => c.name === 'data-hash' && !c.ok));
  });

  test('not a report, or a PDF: an error, not "tampered"', () => {
    assert.equal(verifyReportText('{"hello": 1}', sha256Hex).status, 'error');
    assert.equal(verifyReportText('<!doctype html><p>hi</p>', sha256Hex).status, 'error');
    assert.equal(verifyReportText('%PDF-1.7\n...', sha256Hex).status, 'error');
    assert.equal(verifyReportText('plain text', sha256Hex).format, 'unknown');
  });
});
