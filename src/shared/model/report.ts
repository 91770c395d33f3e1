/**
 * Commissioning reports, visit history and the drift audit: what crosses the contract and what a report file
 * holds. The report document is plain data validated by `reportDocumentSchema` (the JSON format is exactly this
 * document, with its integrity block); the HTML and PDF are rendered from it by src/shared/report.
 */
import { z } from 'zod';

import type { ResultSummary, VisitSummary } from './results';

export const reportFormats = ['pdf', 'html', 'json'] as const;
export type ReportFormat = (typeof reportFormats)[number];
export const reportLanguages = ['en', 'ko'] as const;
export type ReportLanguage = (typeof reportLanguages)[number];

/** Bumped whenever the HTML template changes its output, so `verify` knows whether it can re-render exactly. */
export const reportTemplateVersion = 1;
export const reportFormatName = 'mxrc-commissioning-report';

const text = z.string().max(20_000);
const shortText = z.string().max(500);
const iso = z.string().max(40);
const nullableText = shortText.nullable();

export const checkVerdicts = ['pass', 'warn', 'fail', 'skip', 'error'] as const;
export const summaryVerdicts = ['pass', 'warn', 'fail', 'incomplete'] as const;
export type SummaryVerdict = (typeof summaryVerdicts)[number];

// ---------------------------------------------------------------------------------------------------------
// Controller identity

export const controllerIdentitySchema = z.object({
  hostname: nullableText,
  machineId: nullableText,
  dmiVendor: nullableText,
  dmiProduct: nullableText,
  dmiSerial: nullableText,
  cpuModel: nullableText,
  kernel: nullableText,
  os: nullableText,
  hostKeyFingerprint: nullableText,
  /** probe: read on the controller by the commissioning run; checks: taken from a check run's evidence. */
  source: z.enum(['probe', 'checks', 'none']),
  collectedAt: iso.nullable(),
});
export type ControllerIdentity = z.output<typeof controllerIdentitySchema>;

export const emptyIdentity: ControllerIdentity = {
  hostname: null,
  machineId: null,
  dmiVendor: null,
  dmiProduct: null,
  dmiSerial: null,
  cpuModel: null,
  kernel: null,
  os: null,
  hostKeyFingerprint: null,
  source: 'none',
  collectedAt: null,
};

// ---------------------------------------------------------------------------------------------------------
// The visit sheet: what a person adds to a visit (site, people, deviations, open items)

export const visitNoteSchema = z.object({
  text: z.string().trim().min(1).max(2000),
  /** Where it came from: 'technician', or 'run:<step>' when the commissioning run recorded it. */
  source: z.string().max(64).default('technician'),
  at: iso,
});
export type VisitNote = z.output<typeof visitNoteSchema>;

export interface VisitSheet {
  controller: string;
  visit: string;
  site: string;
  customer: string;
  technician: string;
  /** The customer's representative who signs the hand-over. */
  customerRepresentative: string;
  deviations: VisitNote[];
  openItems: VisitNote[];
  identity: ControllerIdentity | null;
  updatedAt: string | null;
}

export const visitSheetInputSchema = z.object({
  site: z.string().trim().max(200).optional(),
  customer: z.string().trim().max(200).optional(),
  technician: z.string().trim().max(200).optional(),
  customerRepresentative: z.string().trim().max(200).optional(),
  /** Replace the lists (the screen edits them as a whole). */
  deviations: z.array(z.object({ text: z.string().trim().min(1).max(2000), source: z.string().max(64).optional(), at: iso.optional() })).max(200).optional(),
  openItems: z.array(z.object({ text: z.string().trim().min(1).max(2000), source: z.string().max(64).optional(), at: iso.optional() })).max(200).optional(),
});
export type VisitSheetInput = z.input<typeof visitSheetInputSchema>;

// ---------------------------------------------------------------------------------------------------------
// The report document

const countsSchema = z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int(), skip: z.number().int(), error: z.number().int() });

export const reportEvidenceSchema = z.object({
  command: text,
  exitCode: z.number().int().nullable(),
  /** stdout and stderr as printed, cut to a few dozen lines (the stored run keeps everything). */
  output: text,
  omittedLines: z.number().int().min(0),
  /** The same command printed the same output for this earlier check: shown once, referred to here. */
  sameAs: z.string().max(16).nullable(),
});

export const reportCheckSchema = z.object({
  id: shortText,
  title: shortText,
  group: shortText,
  verdict: z.enum(checkVerdicts),
  summary: text,
  skipReason: nullableText,
  evidence: z.array(reportEvidenceSchema),
});
export type ReportCheck = z.output<typeof reportCheckSchema>;

export const reportChecksSchema = z.object({
  runId: shortText,
  startedAt: iso,
  finishedAt: iso.nullable(),
  source: z.enum(['live', 'bundle']),
  counts: countsSchema,
  /** Check runs in the visit; the report shows the last complete one. */
  runsInVisit: z.number().int().min(1),
  results: z.array(reportCheckSchema),
});

export const reportCpuSchema = z.object({
  thread: z.number().int(),
  cpu: z.number().int().nullable(),
  samples: z.number().int(),
  minUs: z.number(),
  avgUs: z.number(),
  maxUs: z.number(),
  p99Us: z.number().nullable(),
  p999Us: z.number().nullable(),
  p9999Us: z.number().nullable(),
  overflows: z.number().int(),
  /** [latency µs, samples] pairs, ascending, empty buckets left out. */
  histogram: z.array(z.tuple([z.number(), z.number().int()])),
});
export type ReportCpu = z.output<typeof reportCpuSchema>;

export const latencyRoles = ['baseline', 'after', 'other'] as const;
export const reportLatencyRunSchema = z.object({
  id: shortText,
  role: z.enum(latencyRoles),
  startedAt: iso,
  endedAt: iso,
  preset: shortText,
  durationS: z.number().nullable(),
  load: z.boolean(),
  rtCores: shortText,
  intervalUs: z.number(),
  priority: z.number().int(),
  status: z.enum(['finished', 'cancelled', 'failed']),
  verdict: z.enum(['pass', 'warn', 'fail', 'error']),
  reasons: z.array(text),
  /** Max limits of the thresholds that applied (idle or loaded). */
  limitPassUs: z.number(),
  limitWarnUs: z.number(),
  command: text,
  cpus: z.array(reportCpuSchema),
});
export type ReportLatencyRun = z.output<typeof reportLatencyRunSchema>;

export const reportComparisonSchema = z.object({
  baselineRunId: shortText,
  afterRunId: shortText,
  baselineMaxUs: z.number(),
  maxUs: z.number(),
  increasePct: z.number().nullable(),
  limitPct: z.number(),
  spreadMetric: shortText,
  baselineSpreadUs: z.number(),
  spreadUs: z.number(),
  spreadIncreasePct: z.number().nullable(),
  spreadTolerancePct: z.number(),
  verdict: z.enum(['pass', 'fail']),
  reasons: z.array(text),
});
export type ReportComparison = z.output<typeof reportComparisonSchema>;

export const reportDeploymentSchema = z.object({
  id: shortText,
  kind: shortText,
  result: shortText,
  startedAt: iso,
  finishedAt: iso,
  by: shortText,
  toolVersion: shortText,
  reason: text.nullable(),
  failedStep: nullableText,
  webapi: z
    .object({
      containerName: shortText,
      image: shortText,
      imageDigest: shortText,
      archiveSha256: nullableText,
      composeHash: shortText,
      cpuset: nullableText,
      healthUrl: shortText,
    })
    .nullable(),
  services: z
    .object({
      units: z.array(shortText),
      artifacts: z.array(z.object({ name: shortText, path: shortText, sha256: shortText, size: z.number().int() })),
      unitStates: z.array(z.object({ unit: shortText, activeState: shortText, subState: shortText })),
      rtScheduling: z.object({ pass: z.boolean(), checks: z.array(z.object({ name: shortText, expected: shortText, observed: shortText, pass: z.boolean() })) }).nullable(),
    })
    .nullable(),
});
export type ReportDeployment = z.output<typeof reportDeploymentSchema>;

export const reportProbeSchema = z.object({
  at: iso,
  url: shortText,
  count: z.number().int(),
  ok: z.number().int(),
  failed: z.number().int(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  thresholdMs: z.number(),
  pass: z.boolean(),
  via: shortText,
  /** A stored acceptance probe, or the probe a WebAPI deployment ran after its health gate. */
  source: z.enum(['probe', 'deployment']),
});
export type ReportProbe = z.output<typeof reportProbeSchema>;

export const verdictItemKeys = ['checks', 'latency', 'comparison', 'probe', 'deployment'] as const;
export type VerdictItemKey = (typeof verdictItemKeys)[number];

export const integritySchema = z.object({
  algorithm: z.literal('SHA-256'),
  canonicalization: z.literal('mxrc-canonical-json/1'),
  /** Hex SHA-256 of the canonical JSON of the document without this block. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ReportIntegrity = z.output<typeof integritySchema>;

export const reportDocumentSchema = z.object({
  format: z.literal(reportFormatName),
  schemaVersion: z.literal(1),
  language: z.enum(reportLanguages),
  generatedAt: iso,
  /** The laptop's UTC offset when the report was made: every time is shown in this offset, on any machine. */
  utcOffsetMinutes: z.number().int().min(-840).max(840),
  generator: z.object({ tool: shortText, version: shortText, template: z.number().int() }),
  controller: z.object({ key: shortText, name: shortText, address: nullableText, identity: controllerIdentitySchema }),
  visit: z.object({
    id: shortText,
    firstAt: iso.nullable(),
    lastAt: iso.nullable(),
    site: shortText,
    customer: shortText,
    technician: shortText,
    customerRepresentative: shortText,
  }),
  verdict: z.object({
    overall: z.enum(summaryVerdicts),
    items: z.array(z.object({ key: z.enum(verdictItemKeys), verdict: z.enum(['pass', 'warn', 'fail', 'missing']) })),
  }),
  checks: reportChecksSchema.nullable(),
  latency: z.object({ runs: z.array(reportLatencyRunSchema), comparison: reportComparisonSchema.nullable() }),
  deployments: z.array(reportDeploymentSchema),
  probe: reportProbeSchema.nullable(),
  deviations: z.array(z.object({ text: text, source: shortText, at: iso })),
  openItems: z.array(z.object({ text: text, source: shortText, at: iso })),
  integrity: integritySchema.optional(),
});
export type ReportDocument = z.output<typeof reportDocumentSchema>;
/** A document with its integrity block: what every exported file holds. */
export type SealedReport = ReportDocument & { integrity: ReportIntegrity };

// ---------------------------------------------------------------------------------------------------------
// History and drift (what the Reports screen and `history` show)

export interface HistoryController {
  /** ResultsStore key: a controller profile id, or a CLI --name (default HOST:PORT). */
  key: string;
  /** The profile's name when the key is a profile, else the key. */
  name: string;
  isProfile: boolean;
  visits: number;
  lastVisit: string | null;
  lastAt: string | null;
}

export interface VisitOverview extends VisitSummary {
  /** Worst verdict of each kind's latest record in the visit. */
  verdicts: Partial<Record<ResultSummary['kind'], ResultSummary['verdict']>>;
  /** Deployments recorded outside the results store (the Deploy history folder) during that day. */
  extraDeployments: number;
}

export interface VisitDetail {
  controller: HistoryController;
  overview: VisitOverview;
  records: ResultSummary[];
  sheet: VisitSheet;
  /** The assembled report data (unsealed), for the screen's summary and preview. */
  report: ReportDocument;
}

export type DriftChangeKind = 'added' | 'removed' | 'changed';

export interface DriftChange {
  key: string;
  kind: DriftChangeKind;
  before: string | null;
  after: string | null;
}

export const driftSections = ['identity', 'cmdline', 'sysctls', 'checks', 'units', 'images', 'latency'] as const;
export type DriftSection = (typeof driftSections)[number];

export interface DriftSectionResult {
  section: DriftSection;
  /** False when either visit has no data for this section (e.g. no check run): nothing can be said. */
  comparable: boolean;
  changes: DriftChange[];
}

export interface DriftReport {
  controller: string;
  before: { visit: string; at: string | null };
  after: { visit: string; at: string | null };
  sections: DriftSectionResult[];
  changed: number;
}

// ---------------------------------------------------------------------------------------------------------
// Requests

const segment = z.string().trim().min(1).max(120);
export const controllerKeySchema = segment;
/** A visit id, or "latest". */
export const visitIdSchema = segment;

export const reportExportRequestSchema = z.object({
  format: z.enum(reportFormats),
  language: z.enum(reportLanguages).default('en'),
  /** Laptop path; default <data dir>/reports/<controller>/<visit>/… */
  out: z.string().trim().min(1).max(4096).optional(),
});
export type ReportExportRequest = z.input<typeof reportExportRequestSchema>;

export interface ReportExport {
  path: string;
  format: ReportFormat;
  language: ReportLanguage;
  bytes: number;
  /** The SHA-256 embedded in the report (of its canonical JSON). */
  sha256: string;
  controller: string;
  visit: string;
}

export const reportPathSchema = z.string().trim().min(1).max(4096);

export interface VerifyCheck {
  name: 'readable' | 'data-hash' | 'html-meta' | 'document-hash' | 'rendering' | 'layout' | 'schema';
  ok: boolean;
  detail: string;
}

export interface VerifyResult {
  path: string;
  format: 'json' | 'html' | 'pdf' | 'unknown';
  status: 'intact' | 'tampered' | 'error';
  checks: VerifyCheck[];
  sha256: string | null;
  controller: string | null;
  visit: string | null;
  generatedAt: string | null;
}
