import {
  appendSample,
  parseRunnerStatus,
  terminalRunnerStates,
  toSample,
  type LatencySample,
  type RunnerState,
} from '../../../shared/latency';
import type { SummaryLine } from '../../../shared/latency/cyclictest-summary';
import { isLinkError, type LatencyControllerOps } from './controller-ops';

export interface MonitorTarget {
  runDir: string;
  intervalUs: number;
}

export interface MonitorUpdate {
  state: RunnerState | null;
  link: 'attached' | 'lost';
  /** The latest complete status block (per thread, sorted). */
  threads: SummaryLine[] | null;
  /** Samples appended by this read (none when the snapshot did not change). */
  added: LatencySample[];
}

export interface MonitorHooks {
  /** The controller's operations over the current connection, or null while it is down. */
  ops: () => LatencyControllerOps | null;
  onUpdate: (update: MonitorUpdate) => void;
  signal: AbortSignal;
  /** Status reads; default 500 ms (the runner refreshes its status about once a second). */
  pollMs?: number;
  /** How often the runner's process is looked for; default 5 s. */
  livenessMs?: number;
  /** The series to extend (e.g. back-filled from the stderr after a re-attach). */
  series?: LatencySample[];
  /** Resolves early when the link comes back, so a reconnect is noticed at once. */
  linkRestored?: () => Promise<void>;
}

export type MonitorEnd = { kind: 'terminal'; state: RunnerState } | { kind: 'lost' } | { kind: 'aborted' };

const sleep = (ms: number, signal: AbortSignal, early?: Promise<void>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    void early?.then(done, done);
  });

/**
 * Follows a detached run until the runner reports a final state: reads the small status file over SFTP, turns
 * each new status block into a sample, rides out lost links (the run goes on on the controller), and notices a
 * runner that vanished without a final state.
 */
export async function watchRun(target: MonitorTarget, hooks: MonitorHooks): Promise<MonitorEnd> {
  const pollMs = hooks.pollMs ?? 500;
  const livenessMs = hooks.livenessMs ?? 5000;
  const series = hooks.series ?? [];
  let link: 'attached' | 'lost' = 'attached';
  let lastLiveness = Date.now();
  let missingRunner = 0;
  let lastState: RunnerState | null = null;

  const setLost = (): void => {
    if (link === 'lost') return;
    link = 'lost';
    hooks.onUpdate({ state: lastState, link, threads: null, added: [] });
  };

  while (!hooks.signal.aborted) {
    const ops = hooks.ops();
    if (!ops) {
      setLost();
      await sleep(pollMs, hooks.signal, hooks.linkRestored?.());
      continue;
    }
    try {
      const text = await ops.readRunFile(target.runDir, 'status');
      const status = text === null ? { state: null, threads: null } : parseRunnerStatus(text);
      const added: LatencySample[] = [];
      if (status.threads) {
        const sample = toSample(status.threads, target.intervalUs);
        if (appendSample(series, sample)) added.push(series.at(-1) ?? sample);
      }
      const changed = link !== 'attached' || added.length > 0 || (status.state !== null && status.state !== lastState);
      link = 'attached';
      if (status.state !== null) lastState = status.state;
      if (changed) hooks.onUpdate({ state: lastState, link, threads: status.threads, added });
      if (lastState !== null && terminalRunnerStates.has(lastState)) return { kind: 'terminal', state: lastState };

      if (Date.now() - lastLiveness >= livenessMs) {
        lastLiveness = Date.now();
        if (await ops.runnerAlive(target.runDir)) missingRunner = 0;
        else {
          // The runner writes its final state before it exits: read once more before calling it lost.
          const state = parseRunnerStatus((await ops.readRunFile(target.runDir, 'status')) ?? '').state;
          if (state !== null && terminalRunnerStates.has(state)) {
            hooks.onUpdate({ state, link, threads: null, added: [] });
            return { kind: 'terminal', state };
          }
          missingRunner++;
          if (missingRunner >= 2) return { kind: 'lost' };
        }
      }
    } catch (error) {
      if (!isLinkError(error)) throw error;
      setLost();
    }
    await sleep(pollMs, hooks.signal);
  }
  return { kind: 'aborted' };
}
