/**
 * The report as one self-contained HTML document: inline CSS, charts as inline SVG, no script, no network. It
 * prints on A4 (Chromium's print path makes the PDF from it) and reads in grey scale: every verdict is a word and
 * a shape (✓ ! ✕ –), never a colour alone. The sealed document is embedded as canonical JSON with its SHA-256, and
 * the whole file carries a hash of itself, so `report verify` can check an HTML copy as strictly as a JSON one.
 *
 * Pure and deterministic: the same sealed document always renders to the same bytes.
 */
import { checkGroups } from '../checks/model';
import type { ReportCheck, ReportDeployment, ReportDocument, ReportLatencyRun, SealedReport } from '../model/report';
import { canonicalJson } from './canonical-json';
import { escapeHtml as e, formatCount, formatDateTime, formatNumber, formatOffset, formatPct } from './format';
import { histogramSvg } from './histogram-svg';
import type { ReportStrings } from './strings';
import { fill, reportStrings } from './strings';

/** 64 zeros stand in for the document hash while it is computed (and while it is checked). */
export const documentHashPlaceholder = '0'.repeat(64);
export const evidenceLineLimit = 40;
export const evidencePassLineLimit = 12;

/** A single-quoted shell word back to its text ('it'\\''s' → it's). */
function shellUnquote(word: string): string | null {
  const match = /^'([\s\S]*)'$/.exec(word);
  return match?.[1] === undefined ? null : match[1].replace(/'\\''/g, "'");
}

/**
 * The command as a person reads it: without the taskset/nice wrapper that pins every probe to the housekeeping
 * cores, `sudo` shown plainly, and without the profile's exported variables (the appendix intro says so).
 */
export function displayCommand(command: string): string {
  let text = command;
  const pinned = /^taskset -c [0-9,-]+ nice -n \d+ sh -c ('[\s\S]*')$/.exec(text);
  if (pinned?.[1]) text = shellUnquote(pinned[1]) ?? text;
  let sudo = '';
  const root = /^sudo -n sh -c ('[\s\S]*')$/.exec(text);
  if (root?.[1]) {
    text = shellUnquote(root[1]) ?? text;
    sudo = 'sudo ';
  }
  if (text.startsWith('export ') && text.includes('\n')) text = text.slice(text.indexOf('\n') + 1);
  return `${sudo}${text}`;
}

type VerdictWord = keyof ReportStrings['verdict'];
const shapes: Readonly<Record<VerdictWord, string>> = { pass: '✓', warn: '!', fail: '✕', skip: '–', error: '?', missing: '–', incomplete: '…' };

function verdict(word: VerdictWord, s: ReportStrings): string {
  return `<span class="v v-${word}"><span class="shape" aria-hidden="true">${shapes[word]}</span> ${e(s.verdict[word])}</span>`;
}

function kv(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

const orDash = (value: string | null | undefined, s: ReportStrings): string => (value ? e(value) : `<span class="muted">${e(s.notRecorded)}</span>`);

const css = `
@page { size: A4; margin: 14mm 13mm 17mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #111; background: #fff; font-size: 9.5pt; line-height: 1.42;
  font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "Segoe UI", Arial, sans-serif; }
body.lang-ko { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "DejaVu Sans", sans-serif; word-break: keep-all; }
.page { max-width: 186mm; margin: 0 auto; padding: 10mm 0; }
@media print { .page { max-width: none; padding: 0; } }
header.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm; border-bottom: 2pt solid #111; padding-bottom: 3mm; }
h1 { font-size: 19pt; margin: 0; }
.subtitle { margin: 1mm 0 0; font-size: 11pt; }
h2 { font-size: 12.5pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1pt solid #111; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4.5mm 0 1.5mm; break-after: avoid; }
p { margin: 1.2mm 0; }
table { width: 100%; border-collapse: collapse; margin: 1.5mm 0 2.5mm; }
th, td { border: 0.6pt solid #888; padding: 1mm 1.6mm; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; }
tr { break-inside: avoid; }
table.kv th { width: 32%; background: #f2f2f2; font-weight: 600; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.mono, pre, code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; }
.mono { font-size: 8pt; word-break: break-all; }
td.id { white-space: nowrap; word-break: normal; }
pre { font-size: 7.2pt; line-height: 1.3; white-space: pre-wrap; word-break: break-all; margin: 0.8mm 0 2mm; padding: 1.4mm 1.8mm; background: #f3f3f3; border: 0.5pt solid #bbb; }
.muted { color: #555; }
.small { font-size: 8pt; }
.v { white-space: nowrap; font-weight: 700; }
.v .shape { display: inline-block; min-width: 1.1em; text-align: center; }
.v-fail, .v-error { text-decoration: underline; }
.badge { display: inline-block; padding: 1.5mm 3.5mm; border: 1.6pt solid #111; font-size: 13pt; }
.badge .v-fail, .badge .v-incomplete { text-decoration: none; }
.badge-fail { background: #111; color: #fff; }
.badge-warn, .badge-incomplete { border-style: dashed; }
.group-row th { background: #d9d9d9; text-transform: none; }
.chart { margin: 1.5mm 0 3mm; break-inside: avoid; }
.chart svg.histogram { width: 100%; height: auto; display: block; }
.chart .tick { font-size: 9px; fill: #333; }
.chart .axis { font-size: 10px; fill: #111; }
.chart .limit { font-size: 9px; fill: #000; }
.legend { font-size: 8pt; margin-top: 1mm; }
.legend-item { display: inline-block; margin-right: 5mm; white-space: nowrap; }
.run { break-inside: auto; }
.notes li { margin: 0.8mm 0; }
.signoff { display: grid; grid-template-columns: 1fr 1fr; gap: 8mm; margin-top: 3mm; break-inside: avoid; }
.signoff .box { border: 0.8pt solid #111; padding: 2.5mm 3mm; }
.signoff .line { border-bottom: 0.8pt solid #111; height: 11mm; margin-bottom: 1mm; }
.signoff .label { font-size: 8pt; color: #333; }
.appendix { break-before: page; }
.evidence-item { margin-bottom: 3mm; }
.integrity { margin-top: 8mm; border-top: 0.8pt solid #111; padding-top: 2mm; font-size: 8pt; word-break: break-all; }
`;

function checksSection(report: ReportDocument, s: ReportStrings): string {
  const checks = report.checks;
  if (!checks) return `<section id="checks"><h2>${e(s.checks.title)}</h2><p class="muted">${e(s.checks.none)}</p></section>`;
  const off = report.utcOffsetMinutes;
  const c = checks.counts;
  const rows: string[] = [];
  for (const group of checkGroups) {
    const inGroup = checks.results.filter((r) => r.group === group);
    if (inGroup.length === 0) continue;
    rows.push(`<tr class="group-row"><th colspan="4">${e(s.checks.groups[group])}</th></tr>`);
    for (const r of inGroup) rows.push(checkRow(r, s));
  }
  const others = checks.results.filter((r) => !(checkGroups as readonly string[]).includes(r.group));
  for (const r of others) rows.push(checkRow(r, s));
  return `<section id="checks"><h2>${e(s.checks.title)}</h2>
<p>${e(fill(s.checks.run, { id: checks.runId, source: s.checks.source[checks.source], start: formatDateTime(checks.startedAt, off), end: formatDateTime(checks.finishedAt, off) || '–', runs: checks.runsInVisit }))}</p>
<p><strong>${e(fill(s.checks.counts, { total: checks.results.length, pass: c.pass, warn: c.warn, fail: c.fail, skip: c.skip, error: c.error }))}</strong></p>
<table class="checks"><thead><tr><th>${e(s.checks.columns.verdict)}</th><th>${e(s.checks.columns.id)}</th><th>${e(s.checks.columns.check)}</th><th>${e(s.checks.columns.observed)}</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function checkRow(r: ReportCheck, s: ReportStrings): string {
  const id = r.evidence.length > 0 ? `<a href="#ev-${e(r.id)}">${e(r.id)}</a>` : e(r.id);
  return `<tr data-check="${e(r.id)}" data-verdict="${r.verdict}"><td>${verdict(r.verdict, s)}</td><td class="mono id">${id}</td><td>${e(r.title)}</td><td>${e(r.summary)}</td></tr>`;
}

function latencyRun(run: ReportLatencyRun, report: ReportDocument, s: ReportStrings): string {
  const off = report.utcOffsetMinutes;
  const title = s.latency.role[run.role];
  const settings = fill(s.latency.settings, {
    preset: s.latency.preset[run.preset as keyof ReportStrings['latency']['preset']] ?? run.preset,
    duration: run.durationS === null ? '–' : fill(s.latency.duration, { value: formatNumber(run.durationS, 0) }),
    load: run.load ? s.latency.load : s.latency.idle,
    cores: run.rtCores,
    interval: formatNumber(run.intervalUs),
    priority: run.priority,
  });
  const l = s.latency.columns;
  const rows = run.cpus
    .map(
      (cpu) =>
        `<tr><td class="num">${cpu.cpu ?? '?'}</td><td class="num">${formatCount(cpu.samples)}</td><td class="num">${formatNumber(cpu.minUs)}</td><td class="num">${formatNumber(cpu.avgUs)}</td><td class="num"><strong>${formatNumber(cpu.maxUs)}</strong></td><td class="num">${formatNumber(cpu.p99Us)}</td><td class="num">${formatNumber(cpu.p999Us)}</td><td class="num">${formatNumber(cpu.p9999Us)}</td><td class="num">${formatCount(cpu.overflows)}</td></tr>`,
    )
    .join('');
  const reasons = run.reasons.length > 0 ? `<p><strong>${e(s.latency.reasons)}:</strong></p><ul class="notes">${run.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : '';
  return `<div class="run" data-run="${e(run.id)}" data-role="${run.role}">
<h3>${e(title)} — ${verdict(run.verdict, s)}</h3>
<p>${e(settings)}</p>
<p class="small muted">${e(fill(s.latency.started, { start: formatDateTime(run.startedAt, off), end: formatDateTime(run.endedAt, off), status: s.latency.status[run.status] }))}</p>
<table><thead><tr><th class="num">${e(l.cpu)}</th><th class="num">${e(l.samples)}</th><th class="num">${e(l.min)} µs</th><th class="num">${e(l.avg)} µs</th><th class="num">${e(l.max)} µs</th><th class="num">${e(l.p99)} µs</th><th class="num">${e(l.p999)} µs</th><th class="num">${e(l.p9999)} µs</th><th class="num">${e(l.overflows)}</th></tr></thead><tbody>${rows}</tbody></table>
<p class="small">${e(fill(s.latency.limits, { pass: formatNumber(run.limitPassUs), warn: formatNumber(run.limitWarnUs) }))}</p>
${reasons}
${histogramSvg(run, s, title)}
<p class="small"><strong>${e(s.latency.command)}:</strong> <code class="mono">${e(run.command)}</code></p>
</div>`;
}

function latencySection(report: ReportDocument, s: ReportStrings): string {
  const runs = report.latency.runs;
  const body = runs.length === 0 ? `<p class="muted">${e(s.latency.none)}</p>` : runs.map((run) => latencyRun(run, report, s)).join('\n');
  const cmp = report.latency.comparison;
  const c = s.latency.comparison;
  const comparison = cmp
    ? kv([
        [c.baselineMax, `${formatNumber(cmp.baselineMaxUs)} µs`],
        [c.max, `${formatNumber(cmp.maxUs)} µs`],
        [c.increase, `<strong>${formatPct(cmp.increasePct)}</strong>`],
        [c.limit, e(fill(c.limitValue, { pct: formatNumber(cmp.limitPct) }))],
        [fill(c.spread, { metric: cmp.spreadMetric }), e(fill(c.spreadValue, { before: formatNumber(cmp.baselineSpreadUs), after: formatNumber(cmp.spreadUs), pct: formatPct(cmp.spreadIncreasePct) }))],
        [c.spreadLimit, `${formatNumber(cmp.spreadTolerancePct)} %`],
        [c.result, verdict(cmp.verdict, s) + (cmp.reasons.length > 0 ? `<ul class="notes">${cmp.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : '')],
      ])
    : `<p class="muted">${e(s.latency.comparisonNone)}</p>`;
  return `<section id="latency"><h2>${e(s.latency.title)}</h2>${body}
<h3 id="comparison">${e(s.latency.comparisonTitle)}</h3>${comparison}</section>`;
}

function probeSection(report: ReportDocument, s: ReportStrings): string {
  const p = report.probe;
  if (!p) return `<section id="probe"><h2>${e(s.probe.title)}</h2><p class="muted">${e(s.probe.none)}</p></section>`;
  const via = s.probe.via[p.via as keyof ReportStrings['probe']['via']] ?? p.via;
  return `<section id="probe"><h2>${e(s.probe.title)}</h2>
<p class="small muted">${e(fill(s.probe.source[p.source], { at: formatDateTime(p.at, report.utcOffsetMinutes) }))} ${e(via)}.</p>
${kv([
  [s.probe.url, `<span class="mono">${e(p.url)}</span>`],
  [s.probe.requests, e(fill(s.probe.requestsValue, { count: p.count, ok: p.ok, failed: p.failed }))],
  [s.probe.p50, `${formatNumber(p.p50Ms)} ms`],
  [s.probe.p99, `<strong>${formatNumber(p.p99Ms)} ms</strong>`],
  [s.probe.max, `${formatNumber(p.maxMs)} ms`],
  [s.probe.threshold, e(fill(s.probe.thresholdValue, { ms: formatNumber(p.thresholdMs) }))],
  [s.probe.result, verdict(p.pass ? 'pass' : 'fail', s)],
])}</section>`;
}

function deployment(d: ReportDeployment, report: ReportDocument, s: ReportStrings): string {
  const off = report.utcOffsetMinutes;
  const t = s.deployment;
  const kind = t.kind[d.kind as keyof ReportStrings['deployment']['kind']] ?? d.kind;
  const result = t.result[d.result as keyof ReportStrings['deployment']['result']] ?? d.result;
  const word: VerdictWord = d.result === 'deployed' || d.result === 'restored' ? 'pass' : d.result === 'cancelled' ? 'skip' : 'fail';
  const rows: Array<readonly [string, string]> = [];
  if (d.reason) rows.push([t.reason, e(d.reason)]);
  if (d.failedStep) rows.push([t.failedStep, e(d.failedStep)]);
  if (d.webapi) {
    rows.push([t.container, e(d.webapi.containerName)], [t.image, `<span class="mono">${e(d.webapi.image)}</span>`], [t.imageDigest, `<span class="mono">${e(d.webapi.imageDigest)}</span>`]);
    rows.push([t.archive, d.webapi.archiveSha256 ? `<span class="mono">${e(d.webapi.archiveSha256)}</span>` : orDash(null, s)], [t.composeHash, `<span class="mono">${e(d.webapi.composeHash)}</span>`]);
    rows.push([t.cpuset, orDash(d.webapi.cpuset, s)], [t.healthUrl, `<span class="mono">${e(d.webapi.healthUrl)}</span>`]);
  }
  let services = '';
  if (d.services) {
    rows.push([t.units, d.services.unitStates.length > 0 ? d.services.unitStates.map((u) => e(fill(t.unitState, { unit: u.unit, active: u.activeState, sub: u.subState }))).join('<br>') : e(d.services.units.join(', '))]);
    const a = t.artifactColumns;
    if (d.services.artifacts.length > 0) {
      services += `<p><strong>${e(t.artifacts)}</strong></p><table><thead><tr><th>${e(a.name)}</th><th>${e(a.path)}</th><th>${e(a.sha256)}</th><th class="num">${e(a.size)}</th></tr></thead><tbody>${d.services.artifacts
        .map((f) => `<tr><td>${e(f.name)}</td><td class="mono">${e(f.path)}</td><td class="mono">${e(f.sha256)}</td><td class="num">${formatCount(f.size)}</td></tr>`)
        .join('')}</tbody></table>`;
    }
    const rt = d.services.rtScheduling;
    if (rt) {
      const r = t.rtColumns;
      services += `<p><strong>${e(t.rt)}</strong> — ${verdict(rt.pass ? 'pass' : 'fail', s)}</p><table><thead><tr><th>${e(r.name)}</th><th>${e(r.expected)}</th><th>${e(r.observed)}</th><th>${e(r.result)}</th></tr></thead><tbody>${rt.checks
        .map((c) => `<tr><td>${e(c.name)}</td><td class="mono">${e(c.expected)}</td><td class="mono">${e(c.observed)}</td><td>${verdict(c.pass ? 'pass' : 'fail', s)}</td></tr>`)
        .join('')}</tbody></table>`;
    }
  }
  return `<div class="deployment" data-deployment="${e(d.id)}"><h3>${e(kind)} — <span class="v">${shapes[word]} ${e(result)}</span></h3>
<p class="small muted">${e(fill(t.when, { start: formatDateTime(d.startedAt, off), end: formatDateTime(d.finishedAt, off), by: d.by, tool: d.toolVersion }))}</p>
${rows.length > 0 ? kv(rows) : ''}${services}</div>`;
}

function notesSection(report: ReportDocument, s: ReportStrings): string {
  const source = (text: string): string => {
    if (text.startsWith('run:')) {
      const step = text.slice(4) as keyof ReportStrings['notes']['steps'];
      return fill(s.notes.sourceRun, { step: s.notes.steps[step] ?? step });
    }
    return text === 'technician' ? s.notes.sourceTechnician : text;
  };
  const list = (items: ReportDocument['deviations'], empty: string): string =>
    items.length === 0
      ? `<p class="muted">${e(empty)}</p>`
      : `<ol class="notes">${items.map((n) => `<li>${e(n.text)} <span class="small muted">(${e(source(n.source))}, ${e(formatDateTime(n.at, report.utcOffsetMinutes))})</span></li>`).join('')}</ol>`;
  return `<section id="notes"><h2>${e(s.notes.deviations)}</h2>${list(report.deviations, s.notes.deviationsNone)}
<h2>${e(s.notes.openItems)}</h2>${list(report.openItems, s.notes.openItemsNone)}</section>`;
}

function signOffSection(report: ReportDocument, s: ReportStrings): string {
  const box = (role: string, name: string): string => `<div class="box"><p><strong>${e(role)}</strong></p>
<p class="label">${e(s.signOff.name)}</p><p>${name ? e(name) : '&nbsp;'}</p>
<div class="line"></div><p class="label">${e(s.signOff.signature)}</p>
<div class="line"></div><p class="label">${e(s.signOff.date)}</p></div>`;
  return `<section id="signoff"><h2>${e(s.signOff.title)}</h2><p>${e(s.signOff.statement)}</p>
<div class="signoff">${box(s.signOff.technician, report.visit.technician)}${box(s.signOff.customer, report.visit.customerRepresentative)}</div></section>`;
}

function appendix(report: ReportDocument, s: ReportStrings): string {
  const checks = report.checks;
  if (!checks) return '';
  const items = checks.results
    .map((r) => {
      const evidence =
        r.evidence.length === 0
          ? `<p class="muted small">${e(s.appendix.noEvidence)}</p>`
          : r.evidence
              .map((ev) => {
                const exit = ev.exitCode === null ? s.appendix.exitNone : fill(s.appendix.exit, { code: ev.exitCode });
                const more = ev.omittedLines > 0 ? `\n${fill(s.appendix.omitted, { count: ev.omittedLines })}` : '';
                const output = ev.sameAs ? `<p class="small muted">${e(fill(s.appendix.sameAs, { id: ev.sameAs }))}</p>` : `<pre>${e(ev.output + more)}</pre>`;
                return `<p class="small"><code class="mono">$ ${e(displayCommand(ev.command))}</code> <span class="muted">(${e(exit)})</span></p>${output}`;
              })
              .join('');
      return `<div class="evidence-item" id="ev-${e(r.id)}"><h3>${e(r.id)} ${e(r.title)} — ${verdict(r.verdict, s)}</h3>${evidence}</div>`;
    })
    .join('\n');
  return `<section class="appendix" id="appendix"><h2>${e(s.appendix.title)}</h2><p class="small">${e(fill(s.appendix.intro, { lines: evidenceLineLimit, passLines: evidencePassLineLimit }))}</p>${items}</section>`;
}

/** The HTML of a sealed report, with the document-hash placeholder (see `sealHtml`). */
export function renderReportHtml(report: SealedReport): string {
  const s = reportStrings(report.language);
  const off = report.utcOffsetMinutes;
  const v = report.visit;
  const id = report.controller.identity;
  const overallWord: VerdictWord = report.verdict.overall;
  const items = report.verdict.items.map((item) => [s.summary.items[item.key], verdict(item.verdict, s)] as const);
  const identitySource =
    id.source === 'probe' ? fill(s.identity.source.probe, { at: formatDateTime(id.collectedAt, off) }) : s.identity.source[id.source];
  const data = canonicalJson(report).replace(/</g, '\\u003c');
  const titleText = `${s.title} — ${report.controller.name} — ${v.id}`;
  return `<!doctype html>
<html lang="${report.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${e(report.generator.tool)} ${e(report.generator.version)}">
<meta name="mxrc-report-sha256" content="${report.integrity.sha256}">
<meta name="mxrc-document-sha256" content="${documentHashPlaceholder}">
<title>${e(titleText)}</title>
<style>${css}</style>
</head>
<body class="lang-${report.language}">
<div class="page">
<header class="top">
<div><h1>${e(s.title)}</h1><p class="subtitle">${e(s.subtitle)}: <strong>${e(report.controller.name)}</strong> · ${e(s.summary.visit)} <strong>${e(v.id)}</strong></p></div>
<div class="badge badge-${overallWord}" data-overall="${overallWord}">${verdict(overallWord, s)}</div>
</header>
<section id="summary"><h2>${e(s.summary.title)}</h2>
${kv([
  [s.summary.site, orDash(v.site, s)],
  [s.summary.customer, orDash(v.customer, s)],
  [s.summary.technician, orDash(v.technician, s)],
  [s.summary.visit, e(v.id)],
  [s.summary.visitDates, `${e(formatDateTime(v.firstAt, off))} – ${e(formatDateTime(v.lastAt, off))}`],
  [s.summary.generated, e(formatDateTime(report.generatedAt, off))],
  [s.summary.tool, e(`${report.generator.tool} ${report.generator.version}`)],
])}
<h3>${e(s.summary.overall)}: ${verdict(overallWord, s)}</h3>
${kv(items)}
<p class="small muted">${e(fill(s.timesIn, { offset: formatOffset(off) }))}</p>
</section>
<section id="identity"><h2>${e(s.identity.title)}</h2>
${kv([
  [s.identity.name, e(report.controller.name)],
  [s.identity.address, orDash(report.controller.address, s)],
  [s.identity.hostname, orDash(id.hostname, s)],
  [s.identity.machineId, id.machineId ? `<span class="mono">${e(id.machineId)}</span>` : orDash(null, s)],
  [s.identity.dmiProduct, orDash([id.dmiVendor, id.dmiProduct].filter(Boolean).join(' ') || null, s)],
  [s.identity.dmiSerial, orDash(id.dmiSerial, s)],
  [s.identity.cpuModel, orDash(id.cpuModel, s)],
  [s.identity.kernel, orDash(id.kernel, s)],
  [s.identity.os, orDash(id.os, s)],
  [s.identity.hostKey, id.hostKeyFingerprint ? `<span class="mono">${e(id.hostKeyFingerprint)}</span>` : orDash(null, s)],
])}
<p class="small muted">${e(identitySource)}</p>
</section>
${checksSection(report, s)}
${latencySection(report, s)}
${probeSection(report, s)}
<section id="deployments"><h2>${e(s.deployment.title)}</h2>${report.deployments.length === 0 ? `<p class="muted">${e(s.deployment.none)}</p>` : report.deployments.map((d) => deployment(d, report, s)).join('\n')}</section>
${notesSection(report, s)}
${signOffSection(report, s)}
${appendix(report, s)}
<footer class="integrity" id="integrity"><strong>${e(s.integrity.title)}:</strong> ${e(fill(s.integrity.text, { hash: report.integrity.sha256 }))}</footer>
</div>
<script type="application/json" id="report-data">${data}</script>
</body>
</html>
`;
}

/** The PDF page footer (Chromium's footer template values). */
export function reportFooterText(report: ReportDocument): { text: string; controller: string; visit: string } {
  const s = reportStrings(report.language);
  return { text: s.footer, controller: report.controller.name, visit: report.visit.id };
}
