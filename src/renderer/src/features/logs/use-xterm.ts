import type { RefObject } from 'react';
import { useEffect, useRef, useState } from 'react';

import type { RendererKind, XtermHost } from './xterm-host';
import { createXterm } from './xterm-host';

/**
 * Owns one xterm.js instance for a pane: created on mount, fitted to its box whenever the box changes size while
 * visible, disposed on unmount. Data never goes through React state: callers write to `host.current`.
 */
export function useXterm(options: { scrollback: number; interactive: boolean; visible: boolean; onResize?: (cols: number, rows: number) => void }): {
  containerRef: RefObject<HTMLDivElement | null>;
  host: RefObject<XtermHost | null>;
  renderer: RendererKind | null;
  ready: boolean;
} {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const host = useRef<XtermHost | null>(null);
  const [renderer, setRenderer] = useState<RendererKind | null>(null);
  const [ready, setReady] = useState(false);
  const onResize = useRef(options.onResize);
  const visible = useRef(options.visible);
  useEffect(() => {
    onResize.current = options.onResize;
    visible.current = options.visible;
  });

  const { scrollback, interactive } = options;
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return undefined;
    const created = createXterm(element, { scrollback, interactive, onRendererChange: setRenderer });
    host.current = created;
    setRenderer(created.renderer);
    setReady(true);
    const resized = created.terminal.onResize(({ cols, rows }) => onResize.current?.(cols, rows));
    const fit = (): void => {
      // A hidden pane has no size; fitting it would shrink the PTY to nothing.
      if (!visible.current || element.clientWidth === 0 || element.clientHeight === 0) return;
      try {
        created.fit.fit();
      } catch {
        // fit() throws while the renderer is not measured yet; the next resize tries again.
      }
    };
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    fit();
    return () => {
      observer.disconnect();
      resized.dispose();
      host.current = null;
      created.dispose();
      setReady(false);
    };
  }, [scrollback, interactive]);

  // Becoming visible (tab switch): fit to the box the pane now has.
  useEffect(() => {
    if (!options.visible || !host.current || !containerRef.current) return;
    const element = containerRef.current;
    const frame = requestAnimationFrame(() => {
      if (element.clientWidth > 0 && element.clientHeight > 0) {
        try {
          host.current?.fit.fit();
        } catch {
          // not measurable yet
        }
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [options.visible, ready]);

  return { containerRef, host, renderer, ready };
}
