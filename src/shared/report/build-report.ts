/**
 * Assembles the report document of one visit from what the laptop stored: check runs, latency runs, deployments,
 * acceptance probes, and the visit sheet (site, people, identity, deviations). Pure: the Node side reads the
 * records and hands them in, so the assembly is tested without files.
 */
import { checkTitle } from '../checks/check-text';
import type { CheckRunRecord } from '../model/checks';
import type { DeploymentRecord, ProbeResult } from '../model/deploy';
import type { LatencyRunRecord } from '../model/latency';
import type {
  ReportCheck,
  ReportComparison,
  ReportDeployment,
  ReportDocument,
  ReportLanguage,
  ReportLatencyRun,
  ReportProbe,
  SummaryVerdict,
  VerdictItemKey,
  VisitSheet,
} from '../model/report';
import { reportFormatName, reportTemplateVersion } from '../model/report';
import type { StoredResult } from '../model/results';
import { compareToBaseline, toMicroseconds } from '../latency';
import { identityFromChecks, mergeIdentity } from './evidence';
import { evidenceLineLimit, evidencePassLineLimit } from './render-html';

export interface VisitRecords {
  checkRuns: StoredResult<CheckRunRecord>[];
  latencyRuns: StoredResult<LatencyRunRecord>[];
  deployments: DeploymentRecord[];
  probes: StoredResult<ProbeResult>[];
}

export interface LatencyRoles {
  baselineRunId?: string | null;
  afterRunId?: string | null;
}

export interface ReportBuildInput {
  controller: { key: string; name: string; address: string | null };
  visit: string;
  records: VisitRecords;
  sheet: VisitSheet;
  /** Which stored latency runs the commissioning run used as baseline and after-deployment measurement. */
  roles?: LatencyRoles;
  language: ReportLanguage;
  generatedAt: string;
  utcOffsetMinutes: number;
  generator: { tool: string; version: string };
}

type ItemVerdict = 'pass' | 'warn' | 'fail' | 'missing';

/** The check run a report shows: the last one that finished (a re-run of one check carries the others over). */
export function reportCheckRun(runs: readonly StoredResult<CheckRunRecord>[]): StoredResult<CheckRunRecord> | null {
  const finished = runs.filter((run) => run.data.status === 'finished');
  return [...finished].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1) ?? null;
}

function cut(text: string, limit: number): { output: string; omittedLines: number } {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= limit) return { output: lines.join('\n'), omittedLines: 0 };
  return { output: lines.slice(0, limit).join('\n'), omittedLines: lines.length - limit };
}

/**
 * The appendix keeps a report readable: a check that passed shows the start of its evidence, one that did not
 * shows more, and an output several checks share (/proc/cmdline, the thread list) is printed once.
 */
function checkResults(record: CheckRunRecord, language: string): ReportCheck[] {
  const seen = new Map<string, string>();
  return record.checks.map((check) => {
    const limit = check.verdict === 'pass' || check.verdict === 'skip' ? evidencePassLineLimit : evidenceLineLimit;
    return {
      id: check.id,
      title: checkTitle(check.id, language, check.title),
      group: check.group,
      verdict: check.verdict,
      summary: check.summary,
      skipReason: check.skipReason ?? null,
      evidence: check.evidence.map((evidence) => {
        const text = [evidence.stdout, evidence.stderr].filter((part) => part.trim() !== '').join(evidence.stdout.endsWith('\n') || evidence.stdout === '' ? '' : '\n');
        const key = `${evidence.command}\u0000${evidence.exitCode}\u0000${text}`;
        const first = seen.get(key);
        if (first) return { command: evidence.command, exitCode: evidence.exitCode, output: '', omittedLines: 0, sameAs: first };
        seen.set(key, check.id);
        return { command: evidence.command, exitCode: evidence.exitCode, ...cut(text, limit), sameAs: null };
      }),
    };
  });
}

function latencyRun(stored: StoredResult<LatencyRunRecord>, role: ReportLatencyRun['role']): ReportLatencyRun | null {
  const record = stored.data;
  const result = record.result;
  if (!result) return null;
  const us = (value: number): number => Math.round(toMicroseconds(result, value) * 100) / 100;
  const nullableUs = (value: number | null): number | null => (value === null ? null : us(value));
  const limits = record.settings.kind === 'loaded' ? record.settings.thresholds.loadedMax : record.settings.thresholds.idleMax;
  return {
    id: stored.id,
    role,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    preset: record.settings.preset,
    durationS: record.durationS,
    load: record.settings.load,
    rtCores: record.settings.rtCores,
    intervalUs: record.settings.intervalUs,
    priority: record.settings.priority,
    status: record.status,
    verdict: record.verdict,
    reasons: record.evaluation?.reasons ?? (record.error ? [record.error.message] : []),
    limitPassUs: limits.passUs,
    limitWarnUs: limits.warnUs,
    command: record.commands.cyclictest,
    cpus: result.cpus.map((cpu) => ({
      thread: cpu.thread,
      cpu: cpu.cpu,
      samples: cpu.samples,
      minUs: us(cpu.min),
      avgUs: us(cpu.avg),
      maxUs: us(cpu.max),
      p99Us: nullableUs(cpu.p99),
      p999Us: nullableUs(cpu.p999),
      p9999Us: nullableUs(cpu.p9999),
      overflows: cpu.overflows,
      histogram: Object.entries(cpu.histogram ?? {})
        .map(([bucket, count]) => [us(Number(bucket)), count] as [number, number])
        .filter(([bucket, count]) => Number.isFinite(bucket) && count > 0)
        .sort((a, b) => a[0] - b[0]),
    })),
  };
}

/**
 * Baseline and after-deployment runs: as the commissioning run recorded them; else the run marked as the
 * controller's baseline and the latest finished run after it; else the latest run compared with a baseline file.
 */
export function latencyRoles(runs: readonly StoredResult<LatencyRunRecord>[], given: LatencyRoles = {}): { baseline: StoredResult<LatencyRunRecord> | null; after: StoredResult<LatencyRunRecord> | null } {
  const usable = runs.filter((run) => run.data.result !== null && run.data.status === 'finished');
  const byId = (id: string | null | undefined) => (id ? (usable.find((run) => run.id === id) ?? null) : null);
  let baseline = byId(given.baselineRunId) ?? [...usable].reverse().find((run) => run.data.isBaseline) ?? null;
  let after = byId(given.afterRunId);
  if (!after && baseline) after = [...usable].reverse().find((run) => run.id !== baseline?.id && run.createdAt > (baseline?.createdAt ?? '')) ?? null;
  if (!baseline && !after) {
    const compared = [...usable].reverse().find((run) => run.data.comparison !== null);
    if (compared) {
      after = compared;
      baseline = byId(compared.data.comparison?.baseline?.id);
    }
  }
  return { baseline, after };
}

function comparisonOf(baseline: StoredResult<LatencyRunRecord> | null, after: StoredResult<LatencyRunRecord> | null): ReportComparison | null {
  if (!after?.data.result) return null;
  const settings = after.data.settings;
  const maxIncreasePct = settings.maxIncreasePct;
  const spreadTolerancePct = settings.spreadTolerancePct;
  if (baseline?.data.result) {
    const result = compareToBaseline(baseline.data.result, after.data.result, { maxIncreasePct, spreadTolerancePct });
    return { baselineRunId: baseline.id, afterRunId: after.id, baselineMaxUs: result.baselineMax, maxUs: result.max, increasePct: result.increasePct, limitPct: maxIncreasePct, spreadMetric: result.spreadMetric, baselineSpreadUs: result.baselineSpread, spreadUs: result.spread, spreadIncreasePct: result.spreadIncreasePct, spreadTolerancePct, verdict: result.verdict, reasons: result.reasons };
  }
  const stored = after.data.comparison;
  if (!stored) return null;
  const r = stored.result;
  const name = stored.baseline?.id ?? stored.baselineFile?.split(/[\\/]/).at(-1) ?? '?';
  return { baselineRunId: name, afterRunId: after.id, baselineMaxUs: r.baselineMax, maxUs: r.max, increasePct: r.increasePct, limitPct: maxIncreasePct, spreadMetric: r.spreadMetric, baselineSpreadUs: r.baselineSpread, spreadUs: r.spread, spreadIncreasePct: r.spreadIncreasePct, spreadTolerancePct, verdict: r.verdict, reasons: r.reasons };
}

function deployment(record: DeploymentRecord): ReportDeployment {
  const w = record.webapi;
  const s = record.services;
  return {
    id: record.id,
    kind: record.kind,
    result: record.result,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    by: record.by,
    toolVersion: record.toolVersion,
    reason: record.reason ?? null,
    failedStep: record.failedStep ?? null,
    webapi: w
      ? { containerName: w.containerName, image: w.image, imageDigest: w.imageDigest, archiveSha256: w.archive?.sha256 ?? null, composeHash: w.composeHash, cpuset: w.cpuset ?? null, healthUrl: w.healthUrl }
      : null,
    services: s
      ? {
          units: s.units,
          artifacts: s.artifacts.map((a) => ({ name: a.name, path: a.path, sha256: a.sha256, size: a.size })),
          unitStates: s.states.map((u) => ({ unit: u.unit, activeState: u.activeState, subState: u.subState })),
          rtScheduling: s.rt ? { pass: s.rt.pass, checks: s.rt.checks.map((c) => ({ name: c.name, expected: c.expected, observed: c.observed, pass: c.pass })) } : null,
        }
      : null,
  };
}

/** The latest acceptance probe: a stored one, or the one a WebAPI deployment ran, whichever is newer. */
export function latestProbe(probes: readonly StoredResult<ProbeResult>[], deployments: readonly DeploymentRecord[]): ReportProbe | null {
  const candidates: ReportProbe[] = [];
  for (const stored of probes) candidates.push({ ...probeFields(stored.data), at: stored.createdAt, source: 'probe' });
  for (const d of deployments) if (d.webapi?.probe) candidates.push({ ...probeFields(d.webapi.probe), at: d.finishedAt, source: 'deployment' });
  return candidates.sort((a, b) => a.at.localeCompare(b.at)).at(-1) ?? null;
}

function probeFields(p: ProbeResult): Omit<ReportProbe, 'at' | 'source'> {
  return { url: p.url, count: p.count, ok: p.ok, failed: p.failed, p50Ms: p.p50Ms, p99Ms: p.p99Ms, maxMs: p.maxMs, thresholdMs: p.thresholdMs, pass: p.pass, via: p.via };
}

function deploymentVerdict(deployments: readonly ReportDeployment[]): ItemVerdict {
  const latest = new Map<string, ReportDeployment>();
  for (const d of deployments) if (d.kind === 'webapi' || d.kind === 'services') latest.set(d.kind, d);
  if (latest.size === 0) return 'missing';
  return [...latest.values()].every((d) => d.result === 'deployed') ? 'pass' : 'fail';
}

function overall(items: ReadonlyArray<{ verdict: ItemVerdict }>): SummaryVerdict {
  if (items.some((i) => i.verdict === 'fail')) return 'fail';
  if (items.some((i) => i.verdict === 'missing')) return 'incomplete';
  if (items.some((i) => i.verdict === 'warn')) return 'warn';
  return 'pass';
}

function firstAndLast(records: VisitRecords): { firstAt: string | null; lastAt: string | null } {
  const times = [
    ...records.checkRuns.map((r) => r.createdAt),
    ...records.latencyRuns.map((r) => r.createdAt),
    ...records.probes.map((r) => r.createdAt),
    ...records.deployments.flatMap((d) => [d.startedAt, d.finishedAt]),
  ].sort();
  return { firstAt: times[0] ?? null, lastAt: times.at(-1) ?? null };
}

export function buildReport(input: ReportBuildInput): ReportDocument {
  const { records, sheet } = input;
  const checkRun = reportCheckRun(records.checkRuns);
  const roles = latencyRoles(records.latencyRuns, input.roles);
  const runs = [...records.latencyRuns]
    .sort((a, b) => a.data.startedAt.localeCompare(b.data.startedAt))
    .map((stored) => latencyRun(stored, stored.id === roles.baseline?.id ? 'baseline' : stored.id === roles.after?.id ? 'after' : 'other'))
    .filter((run): run is ReportLatencyRun => run !== null);
  const comparison = comparisonOf(roles.baseline, roles.after);
  const deployments = [...records.deployments].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map(deployment);
  const probe = latestProbe(records.probes, records.deployments);

  const counts = checkRun?.data.counts;
  const checksVerdict: ItemVerdict = !counts ? 'missing' : counts.fail > 0 ? 'fail' : counts.warn > 0 || counts.error > 0 ? 'warn' : 'pass';
  const headline = (roles.after ?? roles.baseline ?? [...records.latencyRuns].reverse().find((r) => r.data.status === 'finished' && r.data.result) ?? null)?.data.verdict;
  const latencyVerdict: ItemVerdict = headline === undefined ? 'missing' : headline === 'error' ? 'fail' : headline;
  const items: Array<{ key: VerdictItemKey; verdict: ItemVerdict }> = [
    { key: 'checks', verdict: checksVerdict },
    { key: 'latency', verdict: latencyVerdict },
    { key: 'deployment', verdict: deploymentVerdict(deployments) },
    { key: 'comparison', verdict: comparison ? comparison.verdict : 'missing' },
    { key: 'probe', verdict: probe ? (probe.pass ? 'pass' : 'fail') : 'missing' },
  ];

  return {
    format: reportFormatName,
    schemaVersion: 1,
    language: input.language,
    generatedAt: input.generatedAt,
    utcOffsetMinutes: input.utcOffsetMinutes,
    generator: { ...input.generator, template: reportTemplateVersion },
    controller: { ...input.controller, identity: mergeIdentity(sheet.identity, identityFromChecks(checkRun?.data ?? null)) },
    visit: {
      id: input.visit,
      ...firstAndLast(records),
      site: sheet.site,
      customer: sheet.customer,
      technician: sheet.technician,
      customerRepresentative: sheet.customerRepresentative,
    },
    verdict: { overall: overall(items), items },
    checks:
      checkRun === null
        ? null
        : {
            runId: checkRun.id,
            startedAt: checkRun.data.startedAt,
            finishedAt: checkRun.data.finishedAt,
            source: checkRun.data.source,
            counts: checkRun.data.counts,
            runsInVisit: records.checkRuns.length,
            results: checkResults(checkRun.data, input.language),
          },
    latency: { runs, comparison },
    deployments,
    probe,
    deviations: sheet.deviations.map((n) => ({ text: n.text, source: n.source, at: n.at })),
    openItems: sheet.openItems.map((n) => ({ text: n.text, source: n.source, at: n.at })),
  };
}
