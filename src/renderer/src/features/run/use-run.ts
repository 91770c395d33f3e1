import { useCallback, useEffect, useState } from 'react';

import type { AppError } from '../../../../shared/errors';
import type { RunState } from '../../../../shared/model/run';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { useEvent } from '../../api/use-event';

export interface RunHook {
  state: RunState | null;
  loading: boolean;
  error: AppError | null;
  clearError: () => void;
  /** Runs an action that answers with the new run state; errors land in `error`. */
  act: (action: () => Promise<RunState>) => Promise<RunState | null>;
  reload: () => void;
}

/**
 * The active controller's run: loaded (and brought up to date from the stored results) when the screen opens,
 * replaced by every `run.state` event, and reloaded when results arrive that may complete a step.
 */
export function useRun(controllerId: string | null): RunHook {
  const api = useApi();
  // The answer is kept with the controller it is for, so switching controllers never shows the other's run.
  const [loaded, setLoaded] = useState<{ id: string; run: RunState | null } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    if (!controllerId) return;
    let current = true;
    api.run.get(controllerId).then(
      (run) => {
        if (current) setLoaded({ id: controllerId, run });
      },
      (e: unknown) => {
        if (current) setError(toAppError(e));
      },
    );
    return () => {
      current = false;
    };
  }, [api, controllerId, generation]);

  useEvent('run.state', (run) => {
    if (run.controllerId === controllerId) setLoaded({ id: run.controllerId, run });
  });
  useEvent('checks.done', (event) => {
    if (event.controllerId === controllerId) reload();
  });
  useEvent('latency.run', (view) => {
    if (view.controllerId === controllerId && view.result) reload();
  });

  const act = useCallback(async (action: () => Promise<RunState>) => {
    setError(null);
    try {
      const next = await action();
      setLoaded({ id: next.controllerId, run: next });
      return next;
    } catch (e) {
      setError(toAppError(e));
      return null;
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  const state = controllerId && loaded?.id === controllerId ? loaded.run : null;
  const loading = controllerId !== null && loaded?.id !== controllerId && error === null;
  return { state, loading, error, clearError, act, reload };
}
