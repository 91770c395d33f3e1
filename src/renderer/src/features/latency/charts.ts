/**
 * uPlot options and data for the Latency screen: the OSADL-style histogram (latency in µs on a linear x axis,
 * samples on a logarithmic y axis, one stepped curve per CPU, gaps for empty classes) and the max-over-time strip.
 */
import uPlot from 'uplot';

import { toChartSeries, type Histogram, type LatencySample } from '../../../../shared/latency';

/** Distinct under colour-blindness (Okabe–Ito), readable on light and dark backgrounds. */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8a8a8a', '#F0E442'];

export function cpuColor(index: number): string {
  return palette[index % palette.length] ?? '#0072B2';
}

export interface ChartTheme {
  text: string;
  grid: string;
}

/** Axis and grid colours from the app's CSS variables, so charts follow the light/dark theme. */
export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  return {
    text: style.getPropertyValue('--text-muted').trim() || '#5a636f',
    grid: style.getPropertyValue('--border').trim() || '#d3d7de',
  };
}

function axis(theme: ChartTheme, label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    label,
    stroke: theme.text,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    labelSize: 20,
    ...extra,
  };
}

const stepped = uPlot.paths.stepped?.({ align: 1 });

function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let exponent = Math.ceil(Math.log10(Math.max(min, 1e-3))); 10 ** exponent <= max * 1.0001; exponent++) out.push(10 ** exponent);
  return out;
}

export interface HistogramInput {
  label: string;
  histogram: Histogram | null;
  overflows: number;
  /** Position of the CPU (same colour for a CPU and its baseline). */
  colorIndex: number;
  /** Baseline curves are dashed. */
  dashed?: boolean;
}

export function histogramChart(
  inputs: readonly HistogramInput[],
  xMax: number | undefined,
  labels: { x: string; y: string },
  theme: ChartTheme,
): { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData } {
  const chart = toChartSeries(inputs, xMax === undefined ? {} : { xMax });
  const top = Math.max(1, ...chart.series.flatMap((series) => series.values.map((value) => value ?? 0)));
  const options: Omit<uPlot.Options, 'width' | 'height'> = {
    scales: {
      x: { time: false },
      // A log axis cannot show 0: empty classes are null (gaps); the axis starts below 1 as in the OSADL plots.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- 3 = uPlot.Scale.Distr.Logarithmic, an ambient const enum that isolatedModules cannot reference
      y: { distr: 3, range: () => [0.8, 10 ** Math.ceil(Math.log10(top * 1.5))] },
    },
    axes: [
      axis(theme, labels.x),
      // Grid lines at the decades only: the nine lines per decade of a default log axis bury the curves.
      axis(theme, labels.y, { size: 64, splits: (_u, _axis, min, max) => decades(min, max) }),
    ],
    legend: { live: true },
    cursor: { points: { size: 6 } },
    series: [
      { label: labels.x },
      ...inputs.map((input) => ({
        label: input.label,
        stroke: cpuColor(input.colorIndex),
        width: input.dashed ? 1.25 : 1.75,
        ...(input.dashed ? { dash: [6, 4] } : {}),
        ...(stepped ? { paths: stepped } : {}),
        spanGaps: false,
        // Isolated classes (the tail) are single points between gaps: draw them.
        points: { show: true, size: 3, fill: cpuColor(input.colorIndex) },
      })),
    ],
  };
  const data = [chart.x, ...chart.series.map((series) => series.values)] as unknown as uPlot.AlignedData;
  return { options, data };
}

export function maxOverTimeOptions(names: readonly string[], labels: { x: string; y: string }, theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil(max * 1.1))] } },
    axes: [axis(theme, labels.x), axis(theme, labels.y, { size: 56 })],
    legend: { live: true },
    series: [
      { label: labels.x },
      ...names.map((name, index) => ({
        label: name,
        stroke: cpuColor(index),
        width: 1.75,
        ...(stepped ? { paths: stepped } : {}),
        points: { show: false },
      })),
    ],
  };
}

/** x = measured seconds, one running-maximum column per CPU. */
export function maxOverTimeData(series: readonly LatencySample[], cpuCount: number): uPlot.AlignedData {
  const columns = Array.from({ length: cpuCount }, (_, index) => series.map((sample) => sample.max[index] ?? null));
  return [series.map((sample) => sample.t), ...columns] as unknown as uPlot.AlignedData;
}
