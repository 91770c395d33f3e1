/**
 * The drift audit: what changed on a controller between two visits — identity (a reimaged or swapped machine),
 * kernel command line, sysctls, check verdicts, systemd units, WebAPI image digests and latency. Each visit is first
 * reduced to a snapshot of plain key → text maps, so the comparison is one generic diff.
 */
import type { ReportDocument } from '../model/report';
import type { DriftChange, DriftReport, DriftSection, DriftSectionResult } from '../model/report';
import { driftSections } from '../model/report';
import type { VisitRecords } from './build-report';
import { latencyRoles, reportCheckRun } from './build-report';
import { cmdlineParams, sysctlValues, unitLines } from './evidence';
import { formatNumber } from './format';

export interface VisitSnapshot {
  visit: string;
  at: string | null;
  sections: Record<DriftSection, Map<string, string> | null>;
}

function identityMap(report: ReportDocument): Map<string, string> | null {
  const id = report.controller.identity;
  if (id.source === 'none') return null;
  const out = new Map<string, string>();
  for (const key of ['hostname', 'machineId', 'dmiVendor', 'dmiProduct', 'dmiSerial', 'cpuModel', 'kernel', 'os', 'hostKeyFingerprint'] as const) {
    const value = id[key];
    if (value) out.set(key, value);
  }
  return out;
}

function imagesMap(report: ReportDocument): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const d of report.deployments) {
    if (d.webapi && d.result === 'deployed') out.set(d.webapi.containerName, `${d.webapi.image} ${d.webapi.imageDigest}`);
  }
  return out.size > 0 ? out : null;
}

function deployedUnits(report: ReportDocument): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of report.deployments) for (const u of d.services?.unitStates ?? []) out.set(u.unit, `ActiveState=${u.activeState}`);
  return out;
}

function latencyMap(records: VisitRecords): Map<string, string> | null {
  const { baseline, after } = latencyRoles(records.latencyRuns);
  const run = after ?? baseline ?? [...records.latencyRuns].reverse().find((r) => r.data.status === 'finished' && r.data.result) ?? null;
  const result = run?.data.result;
  if (!run || !result) return null;
  const scale = result.unit === 'ns' ? 1 / 1000 : 1;
  const measured = result.cpus.filter((cpu) => cpu.samples > 0);
  const out = new Map<string, string>();
  out.set('maxUs', `${formatNumber(Math.max(0, ...measured.map((cpu) => cpu.max * scale)))} µs`);
  const p999 = measured.map((cpu) => cpu.p999).filter((v): v is number => v !== null);
  if (p999.length > 0) out.set('p999Us', `${formatNumber(Math.max(...p999) * scale)} µs`);
  out.set('avgUs', `${formatNumber(Math.max(0, ...measured.map((cpu) => cpu.avg * scale)))} µs`);
  out.set('verdict', run.data.verdict);
  out.set('test', `${run.data.settings.preset}, ${formatNumber(run.data.durationS ?? 0, 0)} s, ${run.data.settings.load ? 'load' : 'idle'}, RT cores ${run.data.settings.rtCores}`);
  return out;
}

/** Reduces a visit to what the drift audit compares; `report` is the assembled (unsealed) report of the visit. */
export function visitSnapshot(records: VisitRecords, report: ReportDocument): VisitSnapshot {
  const run = reportCheckRun(records.checkRuns);
  const checks = run ? new Map(run.data.checks.map((c) => [c.id, `${c.verdict}: ${c.summary}`] as const)) : null;
  const units = run ? unitLines(run.data.checks) : null;
  const fromDeployments = deployedUnits(report);
  let mergedUnits = units;
  if (fromDeployments.size > 0) {
    mergedUnits = new Map(units ?? []);
    for (const [unit, state] of fromDeployments) if (!mergedUnits.has(unit)) mergedUnits.set(unit, state);
  }
  return {
    visit: report.visit.id,
    at: report.visit.lastAt,
    sections: {
      identity: identityMap(report),
      cmdline: run ? cmdlineParams(run.data.checks) : null,
      sysctls: run ? sysctlValues(run.data.checks) : null,
      checks,
      units: mergedUnits,
      images: imagesMap(report),
      latency: latencyMap(records),
    },
  };
}

function diffMaps(before: Map<string, string>, after: Map<string, string>): DriftChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: DriftChange[] = [];
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (a === b) continue;
    changes.push({ key, kind: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', before: a ?? null, after: b ?? null });
  }
  return changes;
}

/** For check verdicts only the verdict word counts as drift; a changed measurement with the same verdict is not. */
function diffChecks(before: Map<string, string>, after: Map<string, string>): DriftChange[] {
  const verdictOf = (text: string | undefined): string | undefined => text?.split(':', 1)[0];
  return diffMaps(before, after).filter((change) => change.kind !== 'changed' || verdictOf(change.before ?? undefined) !== verdictOf(change.after ?? undefined));
}

export function compareVisits(controller: string, before: VisitSnapshot, after: VisitSnapshot): DriftReport {
  const sections: DriftSectionResult[] = driftSections.map((section) => {
    const a = before.sections[section];
    const b = after.sections[section];
    if (!a || !b) return { section, comparable: false, changes: [] };
    return { section, comparable: true, changes: section === 'checks' ? diffChecks(a, b) : diffMaps(a, b) };
  });
  return {
    controller,
    before: { visit: before.visit, at: before.at },
    after: { visit: after.visit, at: after.at },
    sections,
    changed: sections.reduce((sum, s) => sum + s.changes.length, 0),
  };
}
