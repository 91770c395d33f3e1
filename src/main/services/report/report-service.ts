import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';

import writeFileAtomic from 'write-file-atomic';

import { AppError } from '../../../shared/errors';
import type {
  DriftReport,
  HistoryController,
  ReportDocument,
  ReportExport,
  ReportExportRequest,
  ReportLanguage,
  SealedReport,
  VerifyResult,
  VisitDetail,
  VisitOverview,
  VisitSheet,
  VisitSheetInput,
} from '../../../shared/model/report';
import { reportExportRequestSchema } from '../../../shared/model/report';
import type { LatencyRoles } from '../../../shared/report';
import { buildReport, compareVisits, reportFooterText, reportHtmlText, reportJsonText, sealReport, verifyReportText, visitSnapshot } from '../../../shared/report';
import type { PdfPrinter } from './pdf-printer';
import { sha256Hex } from './sha256';
import { storeSegment } from './store-paths';
import type { VisitRecordsReader } from './visit-records';
import type { VisitSheetStore } from './visit-sheets';

export interface ReportServiceDeps {
  dataDir: string;
  records: VisitRecordsReader;
  sheets: VisitSheetStore;
  printer: PdfPrinter;
  /** Profile facts of a store key that is a controller profile (name, address), else null. */
  profile: (key: string) => Promise<{ name: string; address: string } | null>;
  /** The commissioning run's baseline/after latency runs for this visit, if a run made it. */
  rolesFor: (controller: string, visit: string) => Promise<LatencyRoles | null>;
  tool: { name: string; version: string };
  now?: () => Date;
}

const extensions = { pdf: 'pdf', html: 'html', json: 'json' } as const;

/**
 * Visit history, drift audit and commissioning reports — all from what the laptop stored, without any connection.
 */
export class ReportService {
  private readonly now: () => Date;

  constructor(private readonly deps: ReportServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  controllers(): Promise<HistoryController[]> {
    return this.deps.records.controllers();
  }

  /**
   * A controller as the technician names it: the store key itself, or (for the app's runs, whose key is a profile
   * id) the profile's name.
   */
  async resolveController(name: string): Promise<HistoryController> {
    const all = await this.controllers();
    const wanted = name.trim();
    const found =
      all.find((c) => c.key === wanted) ??
      all.find((c) => c.key.replace(/:/g, '_') === wanted.replace(/:/g, '_')) ??
      all.find((c) => c.name === wanted) ??
      all.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
    if (!found) {
      const known = all.map((c) => (c.isProfile ? `${c.name} (${c.key})` : c.key));
      throw new AppError('NOT_FOUND', `No stored results for a controller named "${name}".`, known.length > 0 ? `Known controllers: ${known.join(', ')}.` : 'Nothing is stored yet: run checks, a latency test or a deployment first.');
    }
    return found;
  }

  visits(controller: string): Promise<VisitOverview[]> {
    return this.deps.records.visits(controller);
  }

  /** A visit id, or "latest" for the controller's most recent visit. */
  async resolveVisit(controller: string, visit: string): Promise<VisitOverview> {
    const visits = await this.visits(controller);
    const found = visit === 'latest' ? [...visits].sort((a, b) => a.lastAt.localeCompare(b.lastAt)).at(-1) : visits.find((v) => v.visit === visit);
    if (!found) {
      throw new AppError('NOT_FOUND', visit === 'latest' ? `No visits are stored for ${controller}.` : `No visit "${visit}" is stored for ${controller}.`, visits.length > 0 ? `Visits: ${visits.map((v) => v.visit).join(', ')}.` : undefined);
    }
    return found;
  }

  sheet(controller: string, visit: string): Promise<VisitSheet> {
    return this.deps.sheets.get(controller, visit);
  }

  saveSheet(controller: string, visit: string, input: VisitSheetInput): Promise<VisitSheet> {
    return this.deps.sheets.save(controller, visit, input);
  }

  /** The report document of a visit (not yet sealed). */
  async document(controller: string, visit: string, language: ReportLanguage): Promise<ReportDocument> {
    const [records, sheet, profile, roles] = await Promise.all([
      this.deps.records.records(controller, visit),
      this.deps.sheets.get(controller, visit),
      this.deps.profile(controller),
      this.deps.rolesFor(controller, visit),
    ]);
    const now = this.now();
    return buildReport({
      controller: { key: controller, name: profile?.name ?? controller, address: profile?.address ?? (/^[^\s@]+:\d+$/.test(controller) ? controller : null) },
      visit,
      records,
      sheet,
      ...(roles ? { roles } : {}),
      language,
      generatedAt: now.toISOString(),
      utcOffsetMinutes: -now.getTimezoneOffset(),
      generator: { tool: this.deps.tool.name, version: this.deps.tool.version },
    });
  }

  async sealed(controller: string, visit: string, language: ReportLanguage): Promise<SealedReport> {
    return sealReport(await this.document(controller, visit, language), sha256Hex);
  }

  async detail(controller: string, visit: string): Promise<VisitDetail> {
    const history = (await this.controllers()).find((c) => c.key === controller) ?? (await this.resolveController(controller));
    const overview = await this.resolveVisit(history.key, visit);
    const [records, sheet, report] = await Promise.all([
      this.deps.records.summaries(history.key, overview.visit),
      this.deps.sheets.get(history.key, overview.visit),
      this.document(history.key, overview.visit, 'en'),
    ]);
    return { controller: history, overview, records, sheet, report };
  }

  async drift(controller: string, before: string, after: string): Promise<DriftReport> {
    const snapshot = async (visit: string) => visitSnapshot(await this.deps.records.records(controller, visit), await this.document(controller, visit, 'en'));
    const [a, b] = await Promise.all([this.resolveVisit(controller, before), this.resolveVisit(controller, after)]);
    return compareVisits(controller, await snapshot(a.visit), await snapshot(b.visit));
  }

  /** The HTML the report file would hold, for the screen's preview. */
  async preview(controller: string, visit: string, language: ReportLanguage): Promise<{ html: string; sha256: string }> {
    const sealed = await this.sealed(controller, visit, language);
    return { html: reportHtmlText(sealed, sha256Hex), sha256: sealed.integrity.sha256 };
  }

  /** <data dir>/reports/<controller>/<visit>/mxrc-report-<controller name>-<visit>-<lang>.<ext> */
  defaultPath(controller: string, visit: string, format: keyof typeof extensions, language: ReportLanguage, displayName = controller): string {
    const safe = (text: string): string => text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'controller';
    const name = `mxrc-report-${safe(displayName)}-${safe(visit)}-${language}.${extensions[format]}`;
    return join(this.deps.dataDir, 'reports', storeSegment(controller, 'controller'), storeSegment(visit, 'visit'), name);
  }

  async render(sealed: SealedReport, format: keyof typeof extensions): Promise<Buffer> {
    if (format === 'json') return Buffer.from(reportJsonText(sealed), 'utf8');
    const html = reportHtmlText(sealed, sha256Hex);
    if (format === 'html') return Buffer.from(html, 'utf8');
    return this.deps.printer.print(html, { footer: reportFooterText(sealed) });
  }

  async export(controller: string, visit: string, raw: ReportExportRequest): Promise<ReportExport> {
    const request = reportExportRequestSchema.parse(raw);
    const overview = await this.resolveVisit(controller, visit);
    const sealed = await this.sealed(controller, overview.visit, request.language);
    const content = await this.render(sealed, request.format);
    const path = resolve(request.out ?? this.defaultPath(controller, overview.visit, request.format, request.language, sealed.controller.name));
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, content, { mode: 0o644 });
    } catch (error) {
      throw new AppError('INVALID_INPUT', `Cannot write the report to ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Choose a folder you can write to.');
    }
    return { path, format: request.format, language: request.language, bytes: content.length, sha256: sealed.integrity.sha256, controller, visit: overview.visit };
  }

  async verify(path: string): Promise<VerifyResult> {
    const file = resolve(path);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return { path: file, format: 'unknown', status: 'error', checks: [{ name: 'readable', ok: false, detail: `Cannot read ${file} (${code}).` }], sha256: null, controller: null, visit: null, generatedAt: null };
    }
    return { path: file, ...verifyReportText(text, sha256Hex) };
  }
}
