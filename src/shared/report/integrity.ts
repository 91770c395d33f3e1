/**
 * Report integrity: every exported report embeds the SHA-256 of its canonical JSON, and an HTML report also the
 * SHA-256 of the whole file (computed with that hash's own place filled with zeros). `verifyReportText` checks a
 * JSON or HTML file for any changed byte: the data hash, the file hash, that the JSON file is exactly what the data
 * serialises to, and that the HTML is exactly what the template renders from the embedded data.
 *
 * This is tamper evidence, not a signature: whoever changes a report on purpose can also recompute the hashes. It
 * catches edits, corruption and a copy that was "tidied up", and the printed hash lets a reader of the PDF compare
 * it with the JSON or HTML kept by the tool.
 *
 * The hash function is a parameter so this module stays pure (Node's crypto on the Node side).
 */
import type { ReportDocument, SealedReport, VerifyCheck, VerifyResult } from '../model/report';
import { reportDocumentSchema, reportFormatName, reportTemplateVersion } from '../model/report';
import { canonicalJson, CanonicalJsonError, stableJson } from './canonical-json';
import { documentHashPlaceholder, renderReportHtml } from './render-html';

/** Hex SHA-256 of the UTF-8 bytes of a string. */
export type Sha256Hex = (text: string) => string;

export function reportDataHash(document: ReportDocument, sha256: Sha256Hex): string {
  const { integrity: _integrity, ...data } = document;
  return sha256(canonicalJson(data));
}

export function sealReport(document: ReportDocument, sha256: Sha256Hex): SealedReport {
  const { integrity: _integrity, ...data } = document;
  return { ...data, integrity: { algorithm: 'SHA-256', canonicalization: 'mxrc-canonical-json/1', sha256: reportDataHash(data, sha256) } };
}

/** The JSON report file: the sealed document, keys sorted, indented, one trailing newline. */
export function reportJsonText(report: SealedReport): string {
  return `${stableJson(report)}\n`;
}

const documentMeta = (hash: string): string => `<meta name="mxrc-document-sha256" content="${hash}">`;

/** The HTML report file: the rendered template with the hash of the file itself filled in. */
export function reportHtmlText(report: SealedReport, sha256: Sha256Hex): string {
  const html = renderReportHtml(report);
  return html.replace(documentMeta(documentHashPlaceholder), documentMeta(sha256(html)));
}

type Outcome = Omit<VerifyResult, 'path'>;

function outcome(format: Outcome['format'], checks: VerifyCheck[], report: Partial<ReportDocument> | null): Outcome {
  const readable = checks.every((c) => c.name !== 'readable' || c.ok);
  return {
    format,
    status: !readable && !report ? 'error' : checks.every((c) => c.ok) ? 'intact' : 'tampered',
    checks,
    sha256: typeof report?.integrity?.sha256 === 'string' ? report.integrity.sha256 : null,
    controller: typeof report?.controller?.name === 'string' ? report.controller.name : null,
    visit: typeof report?.visit?.id === 'string' ? report.visit.id : null,
    generatedAt: typeof report?.generatedAt === 'string' ? report.generatedAt : null,
  };
}

function dataChecks(value: unknown, sha256: Sha256Hex): { checks: VerifyCheck[]; report: SealedReport | null; partial: Partial<ReportDocument> | null } {
  const partial = value !== null && typeof value === 'object' ? (value as Partial<ReportDocument>) : null;
  const checks: VerifyCheck[] = [];
  const embedded = partial?.integrity?.sha256;
  let recomputed: string | null = null;
  try {
    recomputed = partial ? reportDataHash(partial as ReportDocument, sha256) : null;
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
  }
  const hashOk = typeof embedded === 'string' && recomputed === embedded;
  checks.push({
    name: 'data-hash',
    ok: hashOk,
    detail: hashOk
      ? `SHA-256 of the canonical JSON matches the embedded ${embedded}.`
      : typeof embedded === 'string'
        ? `The data was changed: its SHA-256 is ${recomputed ?? '(not computable)'}, the report says ${embedded}.`
        : 'The report has no embedded SHA-256.',
  });
  const parsed = reportDocumentSchema.safeParse(value);
  const issue = parsed.error?.issues[0];
  checks.push({
    name: 'schema',
    ok: parsed.success && parsed.data.integrity !== undefined,
    detail: parsed.success ? 'The data matches the report schema.' : `The data does not match the report schema: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
  });
  const report = parsed.success && parsed.data.integrity ? (parsed.data as SealedReport) : null;
  return { checks, report, partial };
}

function verifyJson(text: string, sha256: Sha256Hex): Outcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const looksLikeReport = text.includes(reportFormatName);
    return outcome('json', [{ name: 'readable', ok: false, detail: `${looksLikeReport ? 'The report is no longer valid JSON' : 'Not JSON'}: ${(error as Error).message}` }], looksLikeReport ? {} : null);
  }
  if ((value as { format?: unknown } | null)?.format !== reportFormatName) {
    return outcome('json', [{ name: 'readable', ok: false, detail: `Not an MXRC commissioning report (no "format": "${reportFormatName}").` }], null);
  }
  const { checks, partial } = dataChecks(value, sha256);
  let expected: string | null;
  try {
    expected = `${stableJson(value)}\n`;
  } catch {
    expected = null;
  }
  const same = expected === text;
  checks.push({
    name: 'layout',
    ok: same,
    detail: same ? 'The file is byte for byte what its data serialises to.' : 'The file differs from what its data serialises to (spacing, order or line endings were changed).',
  });
  return outcome('json', [{ name: 'readable', ok: true, detail: 'JSON report.' }, ...checks], partial);
}

const dataPattern = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/;
const reportMetaPattern = /<meta name="mxrc-report-sha256" content="([^"]*)">/;
const documentMetaPattern = /<meta name="mxrc-document-sha256" content="([^"]*)">/;

function verifyHtml(text: string, sha256: Sha256Hex): Outcome {
  const dataMatch = dataPattern.exec(text);
  const reportMeta = reportMetaPattern.exec(text);
  const documentMetaMatch = documentMetaPattern.exec(text);
  if (!dataMatch && !reportMeta && !documentMetaMatch) {
    return outcome('html', [{ name: 'readable', ok: false, detail: 'Not an MXRC commissioning report (no embedded report data).' }], null);
  }
  if (!dataMatch?.[1]) return outcome('html', [{ name: 'readable', ok: false, detail: 'The embedded report data is missing.' }], {});
  let value: unknown;
  try {
    value = JSON.parse(dataMatch[1]);
  } catch (error) {
    return outcome('html', [{ name: 'readable', ok: false, detail: `The embedded report data is no longer valid JSON: ${(error as Error).message}` }], {});
  }
  const { checks, report, partial } = dataChecks(value, sha256);
  const embedded = partial?.integrity?.sha256;
  checks.push({
    name: 'html-meta',
    ok: reportMeta?.[1] !== undefined && reportMeta[1] === embedded,
    detail: reportMeta?.[1] === embedded ? 'The hash in the page header matches the data.' : `The page header says ${reportMeta?.[1] ?? '(nothing)'}, the data says ${String(embedded)}.`,
  });
  const claimed = documentMetaMatch?.[1];
  const actual = documentMetaMatch ? sha256(text.replace(documentMetaMatch[0], documentMeta(documentHashPlaceholder))) : null;
  checks.push({
    name: 'document-hash',
    ok: claimed !== undefined && claimed === actual,
    detail: claimed === actual ? `SHA-256 of the file matches ${claimed}.` : `The file was changed: its SHA-256 is ${actual ?? '(no hash field)'}, the file says ${claimed ?? '(nothing)'}.`,
  });
  if (report && report.generator.template === reportTemplateVersion) {
    const same = reportHtmlText(report, sha256) === text;
    checks.push({
      name: 'rendering',
      ok: same,
      detail: same ? 'The visible report is exactly what the embedded data renders to.' : 'The visible report differs from what the embedded data renders to.',
    });
  } else if (report) {
    checks.push({ name: 'rendering', ok: true, detail: `Made with template ${report.generator.template}; this tool renders template ${reportTemplateVersion}, so the page was checked by its file hash only.` });
  }
  return outcome('html', [{ name: 'readable', ok: true, detail: 'HTML report.' }, ...checks], partial);
}

/** Checks a report file's text; `status` is 'error' only when the text is not a report at all. */
export function verifyReportText(text: string, sha256: Sha256Hex): Outcome {
  const head = text.slice(0, 2048).trimStart();
  if (head.startsWith('%PDF')) {
    return outcome('pdf', [{ name: 'readable', ok: false, detail: 'A PDF cannot be checked byte for byte. Verify the HTML or JSON report of the same visit; the SHA-256 printed at the end of the PDF must match it.' }], null);
  }
  if (head.startsWith('{')) return verifyJson(text, sha256);
  if (/^<!doctype html|^<html/i.test(head)) return verifyHtml(text, sha256);
  return outcome('unknown', [{ name: 'readable', ok: false, detail: 'Not a JSON or HTML report.' }], null);
}
