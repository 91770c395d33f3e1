/**
 * The latency histogram of a run as inline SVG, OSADL style: latency in µs on x, samples on a logarithmic y axis,
 * one curve per CPU with its maximum in the legend. SVG rather than a canvas chart: it needs no script, prints
 * sharply at any scale, and is part of the HTML that `report verify` re-renders byte for byte. CPUs differ by
 * dash pattern as well as colour, so the chart still reads on a grey-scale printout.
 */
import type { ReportLatencyRun } from '../model/report';
import { escapeHtml, formatCount, formatNumber } from './format';
import type { ReportStrings } from './strings';
import { fill } from './strings';

const width = 700;
const height = 250;
const margin = { left: 58, right: 18, top: 22, bottom: 42 };
const plotW = width - margin.left - margin.right;
const plotH = height - margin.top - margin.bottom;
const styles = [
  { color: '#1f3f66', dash: '' },
  { color: '#9b2c20', dash: '7 3' },
  { color: '#1d6b3a', dash: '2 2.5' },
  { color: '#5b2c83', dash: '9 3 2 3' },
  { color: '#7a5a00', dash: '4 4' },
  { color: '#333333', dash: '1 3' },
];

const n = (value: number): string => formatNumber(Math.round(value * 10) / 10, 1);

/** 1, 2, 5 × 10^k steps so that about `count` ticks fit. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function decadeLabel(exponent: number): string {
  const value = 10 ** exponent;
  if (value >= 1_000_000) return `${value / 1_000_000}M`;
  if (value >= 1000) return `${value / 1000}k`;
  return String(value);
}

export function histogramSvg(run: ReportLatencyRun, strings: ReportStrings, title: string): string {
  const cpus = run.cpus.filter((cpu) => cpu.histogram.length > 0);
  if (cpus.length === 0) return `<p class="muted">${escapeHtml(strings.latency.chartNone)}</p>`;
  const lastBucket = Math.max(...cpus.map((cpu) => cpu.histogram.at(-1)?.[0] ?? 0));
  const span = Math.max(lastBucket + 1, run.limitWarnUs * 1.15, 10);
  const xStep = niceStep(span, 8);
  const xMax = Math.ceil(span / xStep) * xStep;
  const maxCount = Math.max(...cpus.flatMap((cpu) => cpu.histogram.map(([, count]) => count)));
  const decades = Math.max(1, Math.ceil(Math.log10(Math.max(maxCount, 10))));
  const x = (us: number): number => margin.left + (us / xMax) * plotW;
  const y = (count: number): number => margin.top + plotH - (count <= 0 ? 0 : (Math.log10(count) / decades) * plotH);

  const parts: string[] = [];
  const label = fill(strings.latency.chartTitle, { title });
  parts.push(`<svg class="histogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}" data-chart="latency-histogram">`);
  parts.push(`<title>${escapeHtml(label)}</title>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="#ffffff" stroke="#555555" stroke-width="0.8"/>`);
  // Grid and y axis: one line per decade.
  for (let k = 0; k <= decades; k++) {
    const yy = n(y(10 ** k));
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${yy}" y2="${yy}" stroke="#d0d0d0" stroke-width="0.6"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${n(y(10 ** k) + 3.5)}" text-anchor="end" class="tick">${decadeLabel(k)}</text>`);
  }
  for (let us = 0; us <= xMax + 1e-9; us += xStep) {
    const xx = n(x(us));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e4e4e4" stroke-width="0.6"/>`);
    parts.push(`<text x="${xx}" y="${margin.top + plotH + 14}" text-anchor="middle" class="tick">${formatNumber(us)}</text>`);
  }
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="axis">${escapeHtml(strings.latency.chartX)}</text>`);
  parts.push(`<text x="12" y="${margin.top + plotH / 2}" text-anchor="middle" class="axis" transform="rotate(-90 12 ${margin.top + plotH / 2})">${escapeHtml(strings.latency.chartY)}</text>`);
  // Limits of the maximum.
  // Two rows of labels: the limits can lie close together on a wide axis.
  for (const [row, us, name] of [
    [0, run.limitPassUs, strings.latency.passLimit],
    [1, run.limitWarnUs, strings.latency.warnLimit],
  ] as const) {
    if (us > xMax) continue;
    const xx = n(x(us));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#000000" stroke-width="1" stroke-dasharray="3 3"/>`);
    parts.push(`<text x="${n(x(us) + 3)}" y="${margin.top + 10 + row * 11}" class="limit">${escapeHtml(name)} ${formatNumber(us)} µs</text>`);
  }
  // One curve per CPU: every bucket between the first and the last, empty ones on the floor.
  cpus.forEach((cpu, index) => {
    const style = styles[index % styles.length] ?? styles[0];
    const counts = new Map(cpu.histogram);
    const first = cpu.histogram[0]?.[0] ?? 0;
    const last = cpu.histogram.at(-1)?.[0] ?? 0;
    const points: string[] = [];
    for (let us = first; us <= last; us++) points.push(`${n(x(us))},${n(y(counts.get(us) ?? 0))}`);
    const dash = style?.dash ? ` stroke-dasharray="${style.dash}"` : '';
    parts.push(`<polyline fill="none" stroke="${style?.color ?? '#000'}" stroke-width="1.6"${dash} points="${points.join(' ')}" data-cpu="${cpu.cpu ?? cpu.thread}"/>`);
  });
  parts.push('</svg>');
  // Legend as HTML under the chart: wraps naturally and stays selectable text.
  const legend = cpus
    .map((cpu, index) => {
      const style = styles[index % styles.length] ?? styles[0];
      const dash = style?.dash ? ` stroke-dasharray="${style.dash}"` : '';
      const swatch = `<svg class="swatch" viewBox="0 0 30 8" width="30" height="8" aria-hidden="true"><line x1="0" x2="30" y1="4" y2="4" stroke="${style?.color ?? '#000'}" stroke-width="2"${dash}/></svg>`;
      const overflow = cpu.overflows > 0 ? `, ${escapeHtml(fill(strings.latency.chartOverflow, { count: formatCount(cpu.overflows) }))}` : '';
      return `<span class="legend-item">${swatch} ${escapeHtml(fill(strings.latency.chartLegend, { cpu: cpu.cpu ?? cpu.thread, max: formatNumber(cpu.maxUs) }))}${overflow}</span>`;
    })
    .join(' ');
  return `<figure class="chart">${parts.join('')}<figcaption class="legend">${legend}</figcaption></figure>`;
}
