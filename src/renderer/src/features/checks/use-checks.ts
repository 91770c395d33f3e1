import { useCallback, useEffect, useRef, useState } from 'react';

import type { AppError } from '../../../../shared/errors';
import type { CheckDoneEvent, CheckResultEvent, CheckRunComparison, CheckRunRecord, CheckRunSummary } from '../../../../shared/model/checks';
import { countVerdicts } from '../../../../shared/model/checks';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { useEvent } from '../../api/use-event';

export interface ChecksState {
  /** The run on screen: the one running now, the latest stored one, or one picked from the history. */
  view: CheckRunRecord | null;
  running: boolean;
  /** Measured so far / to measure in the running run. */
  progress: { done: number; total: number } | null;
  runs: CheckRunSummary[];
  loading: boolean;
  error: AppError | null;
  clearError: () => void;
  /** "Re-verify" result: what changed since the run before it. */
  comparison: CheckRunComparison | null;
  clearComparison: () => void;
  runAll: () => void;
  reverify: () => void;
  rerun: (checkId: string) => void;
  cancel: () => void;
  show: (runId: string) => void;
  /** A run made elsewhere (an imported bundle) to show and add to the history. */
  adopt: (record: CheckRunRecord) => void;
  starting: boolean;
}

function mergeResult(view: CheckRunRecord, event: CheckResultEvent): CheckRunRecord {
  const checks = [...view.checks.filter((c) => c.id !== event.result.id), event.result];
  return { ...view, checks, counts: countVerdicts(checks) };
}

/**
 * The Checks screen's state for one controller (mount it with the controller id as key): re-attaches to a run in progress, follows `checks.result` /
 * `checks.done`, and keeps the history. Events that arrive before `run()` has answered are held until it has.
 */
export function useChecks(controllerId: string | null): ChecksState {
  const api = useApi();
  const [view, setView] = useState<CheckRunRecord | null>(null);
  const [runs, setRuns] = useState<CheckRunSummary[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [loading, setLoading] = useState(controllerId !== null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [comparison, setComparison] = useState<CheckRunComparison | null>(null);
  const held = useRef<Array<CheckResultEvent | CheckDoneEvent>>([]);
  const startingRef = useRef(false);
  const viewRef = useRef<CheckRunRecord | null>(null);
  /** Run id → the run to compare it with when it is done ("re-verify"). */
  const compareWith = useRef(new Map<string, string>());
  useEffect(() => {
    viewRef.current = view;
  });

  const fail = useCallback((e: unknown) => setError(toAppError(e)), []);

  const reloadRuns = useCallback(() => {
    if (!controllerId) return;
    api.checks.runs(controllerId).then(setRuns, fail);
  }, [api, controllerId, fail]);

  // The run in progress if any, else the latest stored run. (The screen remounts this hook per controller.)
  useEffect(() => {
    if (!controllerId) return;
    let current = true;
    (async () => {
      const [active, list] = await Promise.all([api.checks.current(controllerId), api.checks.runs(controllerId)]);
      if (!current) return;
      setRuns(list);
      if (active) {
        setView(active);
        setProgress({ done: active.checks.length - active.carried.length, total: active.planned.length - active.carried.length });
        return;
      }
      const latest = list[0];
      if (latest) {
        const record = await api.checks.get(latest.runId);
        if (current) setView(record);
      }
    })()
      .catch((e: unknown) => {
        if (current) fail(e);
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [api, controllerId, fail]);

  const finish = useCallback(
    (event: CheckDoneEvent) => {
      setProgress(null);
      api.checks.get(event.runId).then((record) => {
        if (viewRef.current?.runId === event.runId) setView(record);
      }, fail);
      reloadRuns();
      const previous = compareWith.current.get(event.runId);
      compareWith.current.delete(event.runId);
      if (previous && event.status === 'finished') api.checks.compare(previous, event.runId).then(setComparison, fail);
      if (event.error) setError(toAppError(event.error));
    },
    [api, fail, reloadRuns],
  );

  const apply = useCallback(
    (event: CheckResultEvent | CheckDoneEvent) => {
      const shown = viewRef.current;
      if (!shown || shown.runId !== event.runId) return;
      if ('result' in event) {
        setView((v) => (v && v.runId === event.runId ? mergeResult(v, event) : v));
        setProgress({ done: event.done, total: event.total });
      } else {
        setView((v) => (v && v.runId === event.runId ? { ...v, status: event.status, counts: event.counts } : v));
        finish(event);
      }
    },
    [finish],
  );

  const onEvent = (event: CheckResultEvent | CheckDoneEvent) => {
    if (event.controllerId !== controllerId) return;
    if (startingRef.current && viewRef.current?.runId !== event.runId) {
      held.current.push(event);
      return;
    }
    apply(event);
  };
  useEvent('checks.result', onEvent);
  useEvent('checks.done', onEvent);

  const start = useCallback(
    async (request: { only?: string[]; baseRunId?: string }, comparePrevious?: string) => {
      if (!controllerId) return;
      setError(null);
      setComparison(null);
      startingRef.current = true;
      setStarting(true);
      held.current = [];
      try {
        const record = await api.checks.run(controllerId, request);
        if (comparePrevious) compareWith.current.set(record.runId, comparePrevious);
        viewRef.current = record;
        setView(record);
        setProgress({ done: 0, total: record.planned.length - record.carried.length });
        const pending = held.current.filter((e) => e.runId === record.runId);
        held.current = [];
        for (const event of pending) apply(event);
      } catch (e) {
        fail(e);
      } finally {
        startingRef.current = false;
        setStarting(false);
      }
    },
    [api, apply, controllerId, fail],
  );

  const running = view?.status === 'running';
  const lastFinished = runs.find((r) => r.status === 'finished' && !r.partial);
  const viewComplete = view !== null && view.status === 'finished' && (view.only.length === 0 || view.carried.length > 0);

  return {
    view,
    running,
    progress: running ? progress : null,
    runs,
    loading,
    error,
    clearError: () => setError(null),
    comparison,
    clearComparison: () => setComparison(null),
    runAll: () => void start({}),
    reverify: () => void start({}, viewComplete ? view.runId : lastFinished?.runId),
    rerun: (checkId) => void start(view && view.status !== 'running' ? { only: [checkId], baseRunId: view.runId } : { only: [checkId] }),
    cancel: () => {
      if (view) api.checks.cancel(view.runId).catch(fail);
    },
    show: (runId) => {
      setComparison(null);
      api.checks.get(runId).then(setView, fail);
    },
    adopt: (record) => {
      setComparison(null);
      setView(record);
      reloadRuns();
    },
    starting,
  };
}
