import { useCallback, useEffect, useState } from 'react';

import type { AppError } from '../../../../shared/errors';
import type { LatencyRunDetail, LatencyRunView } from '../../../../shared/model/latency';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { useEvent } from '../../api/use-event';
import { mergeCpus, mergeSamples } from './live-merge';

export interface LatencyRunState {
  run: LatencyRunDetail | null;
  loading: boolean;
  error: AppError | null;
  /** Apply a view returned by start/cancel at once (the event may come a moment later). */
  apply: (view: LatencyRunView) => void;
  reload: () => void;
}

/**
 * The latency run the app watches for one controller: loaded once with its series, then kept current from the
 * `latency.run` and `latency.progress` events.
 */
export function useLatencyRun(controllerId: string | null): LatencyRunState {
  const api = useApi();
  const [generation, setGeneration] = useState(0);
  // Keyed by controller and load generation, so a switch of controller never shows the previous one's run.
  const [state, setState] = useState<{ id: string | null; generation: number; run: LatencyRunDetail | null; error: AppError | null }>({
    id: null,
    generation: -1,
    run: null,
    error: null,
  });

  useEffect(() => {
    if (!controllerId) return;
    let current = true;
    api.latency.status(controllerId).then(
      (detail) => {
        if (current) setState({ id: controllerId, generation, run: detail, error: null });
      },
      (e: unknown) => {
        if (current) setState((s) => ({ id: controllerId, generation, run: s.id === controllerId ? s.run : null, error: toAppError(e) }));
      },
    );
    return () => {
      current = false;
    };
  }, [api, controllerId, generation]);

  const update = useCallback(
    (change: (run: LatencyRunDetail | null) => LatencyRunDetail | null) =>
      setState((s) => (s.id === controllerId ? { ...s, run: change(s.run) } : s)),
    [controllerId],
  );

  const apply = useCallback(
    (view: LatencyRunView) =>
      update((previous) =>
        previous && previous.runId === view.runId
          ? { ...previous, ...view, cpus: mergeCpus(previous.cpus, view.cpus), series: previous.series }
          : { ...view, series: [] },
      ),
    [update],
  );

  const run = state.id === controllerId ? state.run : null;

  useEvent('latency.run', (view) => {
    if (view.controllerId !== controllerId) return;
    const isNew = run?.runId !== view.runId;
    apply(view);
    // A run this view did not know (started elsewhere, re-attached after a restart): fetch its series.
    if (isNew) setGeneration((g) => g + 1);
  });

  useEvent('latency.progress', (event) => {
    if (event.controllerId !== controllerId) return;
    update((previous) => {
      if (!previous || previous.runId !== event.runId) return previous;
      return {
        ...previous,
        status: event.status,
        link: event.link,
        elapsedS: event.elapsedS,
        totalS: event.totalS,
        remainingS: event.remainingS,
        cpus: mergeCpus(previous.cpus, event.cpus),
        series: mergeSamples(previous.series, event.samples),
      };
    });
  });

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return {
    run,
    loading: controllerId !== null && (state.id !== controllerId || state.generation !== generation),
    error: state.id === controllerId ? state.error : null,
    apply,
    reload,
  };
}
