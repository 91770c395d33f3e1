/**
 * Benchmark page for `npm run bench:logs` (bench/logs.ts builds it on its own; the app never loads it): the real
 * ShellPane over the real browser-mode transport, plus probes for throughput, main-thread stalls and what the
 * view acknowledged. Kept next to the pane so it always measures the current code.
 */
import '../../styles/theme.css';
import '../../styles/app.css';
import '../../i18n/i18n';

import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

import type { TerminalInfo } from '../../../../shared/model/logs';
import type { AppClient } from '../../../../shared/rpc';
import { ApiProvider } from '../../api/api-context';
import { getClient } from '../../api/client';
import { ShellPane } from './ShellPane';
import { createXterm } from './xterm-host';

interface BenchResult {
  ms: number;
  renderedBytes: number;
  maxGapMs: number;
  longestTaskMs: number;
  renderer: string | null;
}

interface BenchApi {
  ready: boolean;
  /** xterm.js alone (no network, no flow control) on text shaped like the benchmark file: the ceiling here. */
  xtermOnly(mb: number): Promise<number>;
  /** Progress, for a person watching a slow run. */
  stats(): { received: number; acked: number };
  run(command: string, marker: string): Promise<BenchResult>;
}

declare global {
  interface Window {
    __bench?: BenchApi;
  }
}

const base = getClient();
const utf8 = new TextDecoder();
/** The end of a chunk as text: enough to find a prompt or the end marker without decoding 50 MB in the probe. */
const tailText = (data: Uint8Array, bytes = 256): string => utf8.decode(data.subarray(Math.max(0, data.length - bytes)));
let acked = 0;
let onAck: (() => void) | null = null;
/** The view acknowledges bytes once xterm has parsed them: counting acknowledgements counts what was rendered. */
const client: AppClient = {
  ...base,
  terminal: {
    ...base.terminal,
    ack: (id, bytes) => {
      acked += bytes;
      onAck?.();
      return base.terminal.ack(id, bytes);
    },
  },
};

function xtermOnly(mb: number): Promise<number> {
  const element = document.createElement('div');
  element.style.cssText = 'position:fixed;inset:40px 0 0 0;z-index:10';
  document.body.appendChild(element);
  const host = createXterm(element, { scrollback: 10_000, interactive: false });
  host.fit.fit();
  const pad = 'x'.repeat(75);
  let chunk = '';
  for (let i = 1; chunk.length < 64 * 1024; i++) chunk += i % 10 === 0 ? `line ${String(i).padStart(7, '0')} µs=${String(i).padStart(5, '0')} 한국어 로그 ${pad.slice(0, 58)}\r\n` : `line ${String(i).padStart(7, '0')} value=${String(i * 7).padStart(9, '0')} ${pad}\r\n`;
  // As bytes, the way terminal output reaches the pane.
  const bytes = new TextEncoder().encode(chunk);
  const chunks = Math.ceil((mb * 1e6) / bytes.length);
  return new Promise((resolve) => {
    const started = performance.now();
    let done = 0;
    for (let i = 0; i < chunks; i++) {
      host.terminal.write(bytes, () => {
        if (++done < chunks) return;
        resolve((chunks * bytes.length) / 1e6 / ((performance.now() - started) / 1000));
        host.dispose();
        element.remove();
      });
    }
  });
}

function Harness({ controllerId }: { controllerId: string }) {
  const [info, setInfo] = useState<TerminalInfo | null>(null);
  useEffect(() => {
    let received = 0;
    let prompt = false;
    const off = client.on('terminal.data', (event) => {
      received += event.bytes;
      if (/\$ $/.test(tailText(event.data, 8))) prompt = true;
    });
    void client.terminal.open(controllerId, { cols: 150, rows: 40 }).then((opened) => {
      setInfo(opened);
      const api: BenchApi = {
        ready: false,
        xtermOnly: (mb) => xtermOnly(mb),
        stats: () => ({ received, acked }),
        run: (command, marker) =>
          new Promise<BenchResult>((resolve) => {
            let target = Number.POSITIVE_INFINITY;
            let longest = 0;
            const observer = new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
            });
            observer.observe({ type: 'longtask', buffered: false });
            // A 50 ms heartbeat: how late it fires is how long the main thread was busy (a finer one would
            // itself take time from the terminal).
            let last = performance.now();
            let maxGap = 0;
            const probe = setInterval(() => {
              const now = performance.now();
              maxGap = Math.max(maxGap, now - last - 50);
              last = now;
            }, 50);
            // The marker can be cut between two chunks: look at the end of the previous one too.
            let tail = '';
            // Counted from the start of the run: output from before (the prompt) came partly in the replay,
            // which the pane does not acknowledge again.
            const startAcked = acked;
            let runReceived = 0;
            const offMarker = client.on('terminal.data', (event) => {
              runReceived += event.bytes;
              // The marker is followed only by a newline and the prompt: it is within the chunk's last bytes.
              const end = tailText(event.data);
              if ((tail + end).includes(marker)) target = startAcked + runReceived;
              tail = end.slice(-marker.length);
            });
            const started = performance.now();
            onAck = () => {
              if (acked < target) return;
              onAck = null;
              clearInterval(probe);
              observer.disconnect();
              offMarker();
              resolve({ ms: performance.now() - started, renderedBytes: Math.min(acked, target) - startAcked, maxGapMs: Math.max(0, maxGap), longestTaskMs: longest, renderer: document.querySelector('[data-testid="shell-pane"]')?.getAttribute('data-renderer') ?? null });
            };
            void client.terminal.write(opened.id, `${command}\r`);
          }),
      };
      window.__bench = api;
      const wait = setInterval(() => {
        if (!prompt) return;
        clearInterval(wait);
        api.ready = true;
      }, 20);
    });
    return off;
  }, [controllerId]);
  return <div className="logs-page">{info ? <ShellPane info={info} visible scrollback={10_000} /> : null}</div>;
}

const controllerId = new URLSearchParams(location.hash.slice(1)).get('controller') ?? '';
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider client={client}>
        <Harness controllerId={controllerId} />
      </ApiProvider>
    </StrictMode>,
  );
}
