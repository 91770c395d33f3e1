import type { DependencyList } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';

import type { AppError } from '../../../shared/errors';
import { toAppError } from './app-error';

export interface RequestState<T> {
  data: T | undefined;
  error: AppError | null;
  loading: boolean;
  /** Run the request again (keeps the previous data while loading). */
  reload: () => void;
}

/**
 * Load something when the component mounts or `deps` change. Only the answer to the latest request is kept, so
 * a slow earlier answer can never overwrite a newer one.
 */
export function useRequest<T>(request: () => Promise<T>, deps: DependencyList): RequestState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: AppError | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const latestRequest = useRef(request);
  useEffect(() => {
    latestRequest.current = request;
  });

  useEffect(() => {
    let current = true;
    Promise.resolve()
      .then(() => {
        if (current) setState((s) => (s.loading ? s : { ...s, loading: true }));
        return latestRequest.current();
      })
      .then(
        (data) => {
          if (current) setState({ data, error: null, loading: false });
        },
        (error: unknown) => {
          if (current) setState((s) => ({ data: s.data, error: toAppError(error), loading: false }));
        },
      );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide when to reload
  }, [generation, ...deps]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export interface ActionState<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  pending: boolean;
  error: AppError | null;
  clearError: () => void;
}

/** A user-triggered call (save, remove…) with pending and error state; resolves to undefined on failure. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>): ActionState<A, T> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const latest = useRef(action);
  useEffect(() => {
    latest.current = action;
  });
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      return await latest.current(...args);
    } catch (e) {
      setError(toAppError(e));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}

export interface BusyActionState<K extends string> {
  /** Which action is running, so its own button shows the spinner. */
  busy: K | null;
  error: AppError | null;
  setError: (error: AppError | null) => void;
  /** Runs `action` as `kind`; resolves to undefined (and keeps the error) on failure. */
  act: <T>(kind: K, action: () => Promise<T>) => Promise<T | undefined>;
}

/** Several named user actions sharing one busy flag and one error (a toolbar, a panel's buttons). */
export function useBusyAction<K extends string = string>(): BusyActionState<K> {
  const [busy, setBusy] = useState<K | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const act = useCallback(async <T,>(kind: K, action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(kind);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(toAppError(e));
      return undefined;
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, error, setError, act };
}
