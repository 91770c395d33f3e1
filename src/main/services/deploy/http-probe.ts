import http from 'node:http';
import type { Duplex } from 'node:stream';

import { percentile } from '../../../shared/deploy/measure';
import { AppError } from '../../../shared/errors';
import type { ProbeResult } from '../../../shared/model/deploy';
import { sh } from '../../../shared/remote-command';
import type { RemoteRunner } from './remote';

/**
 * The WebAPI health endpoint listens on the controller's loopback (host networking); the laptop reaches it only
 * through the SSH connection. Two ways to time requests:
 *  - `tunnelProbe`: HTTP from the laptop over an SSH TCP channel (direct-tcpip) — "through the tunnel";
 *  - `controllerProbe`: curl on the controller over the same SSH connection, timing each request there.
 * The service uses the tunnel when the connection offers one and curl otherwise; the result says which.
 */
export type TcpDialer = (host: string, port: number) => Promise<Duplex>;

export interface ProbeSample {
  ok: boolean;
  ms: number;
  status: number;
}

export function summarize(url: string, samples: readonly ProbeSample[], thresholdMs: number, via: ProbeResult['via']): ProbeResult {
  const okTimes = samples.filter((s) => s.ok).map((s) => s.ms);
  const round = (v: number): number => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : -1);
  const p99 = percentile(okTimes, 99);
  const failed = samples.length - okTimes.length;
  return {
    url,
    count: samples.length,
    ok: okTimes.length,
    failed,
    p50Ms: round(percentile(okTimes, 50)),
    p99Ms: round(p99),
    maxMs: round(okTimes.length > 0 ? Math.max(...okTimes) : Number.NaN),
    thresholdMs,
    pass: failed === 0 && okTimes.length > 0 && p99 < thresholdMs,
    via,
  };
}

function target(url: string): { host: string; port: number; path: string } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') throw new AppError('INVALID_INPUT', `The health URL ${url} is not http://.`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(parsed.port || 80), path: `${parsed.pathname}${parsed.search}` };
}

/** `count` GETs through SSH TCP channels from the laptop; one keep-alive socket when the server allows it. */
export async function tunnelProbe(dial: TcpDialer, url: string, count: number, thresholdMs: number): Promise<ProbeResult> {
  const { host, port, path } = target(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const patched = agent as unknown as { createConnection: (o: unknown, done: (e: Error | null, s?: Duplex) => void) => undefined };
  patched.createConnection = (_o, done) => {
    dial(host, port).then(
      (socket) => {
        const s = socket as unknown as Record<string, unknown>;
        for (const name of ['setNoDelay', 'setKeepAlive', 'ref', 'unref', 'setTimeout']) s[name] ??= () => socket;
        done(null, socket);
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  };
  const samples: ProbeSample[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const status = await new Promise<number>((resolve) => {
        const req = http.request({ host, port, path, agent, headers: { host: `${host}:${port}` }, timeout: 5000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => resolve(0));
        req.end();
      });
      samples.push({ ok: status >= 200 && status < 300, ms: performance.now() - started, status });
    }
  } finally {
    agent.destroy();
  }
  return summarize(url, samples, thresholdMs, 'tunnel');
}

/** curl on the controller: one process, `count` transfers, each timed by curl itself (time_total). */
export async function controllerProbe(runner: RemoteRunner, url: string, count: number, thresholdMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  target(url);
  // curl reads the URL list from stdin (a config file), so nothing from the profile reaches the command line;
  // --globoff: a URL with [1-9999] or {a,b} is one request, not thousands against the controller's WebAPI
  const config = Array.from({ length: count }, () => `url = ${JSON.stringify(url)}\noutput = "/dev/null"\n`).join('');
  const opts: Parameters<RemoteRunner['run']>[1] = { allowFail: true, stdin: config, timeoutMs: 30_000 + count * 3000, what: 'The health probe (curl)' };
  if (signal) opts.signal = signal;
  const result = await runner.run(sh`command -v curl >/dev/null || exit 127; curl -sS --globoff --max-time 3 -w ${'%{http_code} %{time_total}\n'} --config -`, opts);
  if (result.exitCode === 127) {
    throw new AppError('TOOL_MISSING', 'curl is not installed on the controller, so the health endpoint cannot be probed there.', 'Install curl on the controller (apt install curl).');
  }
  const samples: ProbeSample[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = /^(\d{3}) (\d+(?:[.,]\d+)?)$/.exec(line.trim());
    if (!match) continue;
    const status = Number(match[1]);
    samples.push({ ok: status >= 200 && status < 300, ms: Number((match[2] ?? '0').replace(',', '.')) * 1000, status });
  }
  while (samples.length < count) samples.push({ ok: false, ms: 0, status: 0 });
  return summarize(url, samples, thresholdMs, 'controller');
}
