/**
 * `npm run bench:logs`: streams a 50+ MB file (500 000 lines, some of them UTF-8) from the lab's systemd
 * controller through the app's terminal path (PTY channel on the shared SSH connection → UTF-8 splitter →
 * batches → WebSocket → ShellPane/xterm.js with acknowledged flow control) into headless Chromium, and measures
 * in the same run OpenSSH's `ssh HOST cat FILE > /dev/null`.
 *
 * Prints MB/s and the ratio to OpenSSH, the longest main-thread stall while streaming, and the renderer's JS
 * heap after a GC. The last line is one JSON object: {"mbPerS", "ratioVsSsh", "maxStallMs", "heapMb"}.
 * Goal: >= 20 MB/s into the terminal, no stall > 100 ms, heap bounded by the scrollback cap.
 *
 * It also prints xterm.js's own speed in the same browser (no network): the ceiling on this machine. To see
 * where time goes: BENCH_LOGS_PROFILE=FILE (renderer CPU profile), BENCH_LOGS_TRACE=FILE (Chromium trace),
 * BENCH_LOGS_VERBOSE=1 (progress each second).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import react from '@vitejs/plugin-react';
import { build } from 'vite';

import { startWebApp } from '../src/main/web/start-web-app';
import { ensureLab } from '../test/support/lab';
import { launchChromium } from '../test/support/browser';
import { connectWsClient } from '../test/support/ws-client';

const root = join(import.meta.dirname, '..');

interface BenchResult {
  ms: number;
  renderedBytes: number;
  maxGapMs: number;
  longestTaskMs: number;
  renderer: string | null;
}
/** The benchmark page's globals (this file is type-checked without DOM types). */
interface PageGlobals {
  __bench?: { ready: boolean; run(command: string, marker: string): Promise<BenchResult>; stats(): { received: number; acked: number }; xtermOnly(mb: number): Promise<number> };
}
const lines = Number(process.env.BENCH_LOGS_LINES ?? 500_000);
const runTimeoutS = 180;
const remoteFile = '/tmp/mxrc-bench-logs.txt';
const marker = 'BENCH-$((40+2))-END';
const markerPrinted = 'BENCH-42-END';

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Builds the benchmark page (the real ShellPane) into `outDir` with an index.html the CSP allows. */
async function buildHarness(outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(root, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      manifest: true,
      rolldownOptions: { input: { bench: join(root, 'src/renderer/src/features/logs/bench-harness.tsx') } },
    },
  });
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('the benchmark page has no entry chunk');
  const css = (entry.css ?? []).map((file) => `<link rel="stylesheet" href="/${file}">`).join('');
  writeFileSync(join(outDir, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>${css}</head><body><div id="root" style="height:100vh"></div><script type="module" src="/${entry.file}"></script></body></html>`);
}

async function main(): Promise<void> {
  const lab = await ensureLab();
  const ctl = lab.controllers.systemd;
  const sshArgs = ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`];
  const ssh = (command: string): string => execFileSync('ssh', [...sshArgs, command], { encoding: 'utf8', maxBuffer: 1024 * 1024 });

  // 500 000 lines of 104 characters (+ newline); every tenth carries Korean and a µ so UTF-8 is split in transit.
  ssh(
    `awk 'BEGIN { pad = sprintf("%70s", ""); gsub(/ /, "x", pad); for (i = 1; i <= ${lines}; i++) { if (i % 10 == 0) printf "line %07d µs=%05d 한국어 로그 %s\\n", i, i % 100000, substr(pad, 1, 58); else printf "line %07d value=%09d %s\\n", i, i * 7, substr(pad, 1, 75) } }' > ${remoteFile} && wc -c < ${remoteFile}`,
  );
  const fileBytes = Number(ssh(`wc -c < ${remoteFile}`).trim());
  const mb = fileBytes / 1e6;
  log(`file: ${lines} lines, ${mb.toFixed(1)} MB on the controller`);

  // OpenSSH baseline, same run, over an already open connection (ControlMaster): transfer time only, like the
  // app's stream, which also runs on an established connection.
  const control = mkdtempSync(join(tmpdir(), 'mxrc-bench-ssh-'));
  const controlArgs = ['-o', `ControlPath=${join(control, 'cm')}`];
  execFileSync('ssh', [...controlArgs, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=120', '-fN', ...sshArgs]);
  let sshMs: number;
  try {
    const timedCat = (): number => {
      const started = performance.now();
      const result = spawnSync('ssh', [...controlArgs, ...sshArgs, `cat ${remoteFile}`], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (result.status !== 0) throw new Error('ssh cat failed');
      return performance.now() - started;
    };
    sshMs = [timedCat(), timedCat(), timedCat()].sort((a, b) => a - b)[1] ?? 0;
  } finally {
    spawnSync('ssh', [...controlArgs, '-O', 'exit', ...sshArgs], { stdio: 'ignore' });
    rmSync(control, { recursive: true, force: true });
  }
  const sshMbPerS = mb / (sshMs / 1000);
  log(`OpenSSH: ssh HOST cat FILE > /dev/null (connection already open): ${sshMs.toFixed(0)} ms → ${sshMbPerS.toFixed(1)} MB/s`);

  const work = mkdtempSync(join(tmpdir(), 'mxrc-bench-logs-'));
  const pageDir = join(work, 'page');
  mkdirSync(join(work, 'data'), { recursive: true });
  copyFileSync(lab.knownHostsFile, join(work, 'data', 'known_hosts'));
  await buildHarness(pageDir);
  const app = await startWebApp({ dataDir: join(work, 'data'), readOnlyKnownHosts: [], staticDir: pageDir });
  const setup = await connectWsClient(app.url);
  const browser = await launchChromium();
  try {
    const profile = await setup.client.controllers.save({
      name: 'bench controller',
      host: ctl.host,
      port: ctl.port,
      user: ctl.user,
      auth: { kind: 'key', keyFile: ctl.keyFile },
      rtCores: ctl.rtCores,
      housekeepingCores: ctl.housekeepingCores,
    });
    await setup.client.connection.connect(profile.id);
    // Every WebSocket client receives every event: this set-up client would double the server's work (and parse
    // 50 MB of JSON inside this process) during the measurement.
    setup.close();

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // The fragment survives the token redirect; the page reads the controller from it.
    await page.goto(`${app.url}#controller=${profile.id}`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__bench?.ready === true, undefined, { timeout: 30_000 });

    const progress = setInterval(() => {
      void page
        .evaluate(() => (globalThis as unknown as PageGlobals).__bench?.stats())
        .then((stats) => {
          if (process.env.BENCH_LOGS_VERBOSE && stats) process.stderr.write(`progress: received ${(stats.received / 1e6).toFixed(1)} MB, rendered ${(stats.acked / 1e6).toFixed(1)} MB\n`);
        }, () => undefined);
    }, 1000);
    // BENCH_LOGS_PROFILE=FILE: a CPU profile of the renderer during the run (open in Chrome DevTools).
    const profiler = process.env.BENCH_LOGS_PROFILE ? await context.newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }
    // BENCH_LOGS_TRACE=FILE: a Chromium trace of the run (open in Perfetto or DevTools' Performance panel).
    if (process.env.BENCH_LOGS_TRACE) await browser.startTracing(page, { path: process.env.BENCH_LOGS_TRACE, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    // A stream that stops (lost acknowledgement, missed marker) must fail with what got through, not hang.
    let watchdog: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      watchdog = setTimeout(() => {
        void page
          .evaluate(() => (globalThis as unknown as PageGlobals).__bench?.stats())
          .then(
            (stats) => reject(new Error(`the stream stopped: ${stats ? `${(stats.received / 1e6).toFixed(1)} MB received, ${(stats.acked / 1e6).toFixed(1)} MB rendered` : 'no page stats'} after ${runTimeoutS} s`)),
            (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
          );
      }, runTimeoutS * 1000);
    });
    const result = await Promise.race([page.evaluate(({ command, end }) => (globalThis as unknown as PageGlobals).__bench?.run(command, end), { command: `cat ${remoteFile}; echo ${marker}`, end: markerPrinted }), stuck]).finally(() => clearTimeout(watchdog));
    clearInterval(progress);
    if (process.env.BENCH_LOGS_TRACE) await browser.stopTracing();
    if (profiler && process.env.BENCH_LOGS_PROFILE) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(process.env.BENCH_LOGS_PROFILE, JSON.stringify(profile));
      log(`renderer CPU profile: ${process.env.BENCH_LOGS_PROFILE}`);
    }
    if (!result) throw new Error('the benchmark page did not run');
    const mbPerS = mb / (result.ms / 1000);
    log(`app: ${mb.toFixed(1)} MB into xterm.js in ${result.ms.toFixed(0)} ms → ${mbPerS.toFixed(1)} MB/s (renderer: ${result.renderer ?? '?'}; ${(result.renderedBytes / 1e6).toFixed(1)} MB acknowledged by the view)`);
    const maxStallMs = Math.max(result.maxGapMs, result.longestTaskMs);
    log(`main thread: longest task ${result.longestTaskMs.toFixed(0)} ms, longest timer gap ${result.maxGapMs.toFixed(0)} ms`);

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const heapMb = heap.usedSize / (1024 * 1024);
    log(`renderer heap after GC: ${heapMb.toFixed(1)} MB (scrollback cap 10,000 lines)`);
    if (profiler) await profiler.send('Profiler.start');
    const ceiling = await page.evaluate((size) => (globalThis as unknown as PageGlobals).__bench?.xtermOnly(size), 20);
    if (profiler && process.env.BENCH_LOGS_PROFILE) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(`${process.env.BENCH_LOGS_PROFILE}.xterm-only`, JSON.stringify(profile));
    }
    log(`for comparison, xterm.js alone in this browser (no network, same kind of text): ${ceiling?.toFixed(1) ?? '?'} MB/s; the app reaches ${ceiling ? Math.round((100 * mbPerS) / ceiling) : '?'} % of it`);
    if (problems.length > 0) log(`page errors: ${problems.join('; ')}`);
    log(`goal: >= 20 MB/s ${mbPerS >= 20 ? 'met' : 'NOT met'}; no stall > 100 ms ${maxStallMs <= 100 ? 'met' : 'NOT met'}`);

    const round = (n: number, digits: number): number => Number(n.toFixed(digits));
    log(JSON.stringify({ mbPerS: round(mbPerS, 1), ratioVsSsh: round(mbPerS / sshMbPerS, 2), maxStallMs: Math.round(maxStallMs), heapMb: round(heapMb, 1) }));
  } finally {
    await browser.close();
    setup.close();
    await app.close();
    try {
      ssh(`rm -f ${remoteFile}`);
    } catch {
      // a leftover file in the controller's /tmp is harmless
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
