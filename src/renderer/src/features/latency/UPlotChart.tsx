import 'uplot/dist/uPlot.min.css';

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface UPlotChartProps {
  /** Everything but the size: the chart takes its container's width and this height. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string;
  testId?: string;
}

/**
 * A small React wrapper around uPlot (canvas, fast for 1e5 points). The plot is rebuilt when the options change
 * (series added, theme) and only fed new data otherwise, so a live chart redraws once a second cheaply.
 */
export function UPlotChart({ options, data, height, label, testId }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  useEffect(() => {
    latestData.current = data;
  });

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const width = Math.max(200, element.clientWidth);
    const instance = new uPlot({ ...options, width, height }, latestData.current, element);
    plot.current = instance;
    const observer = new ResizeObserver(() => {
      const next = Math.max(200, element.clientWidth);
      if (next !== instance.width) instance.setSize({ width: next, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.destroy();
      plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div className="uplot-host" ref={container} role="img" aria-label={label} data-testid={testId} />;
}
