import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

import type { AppError } from '../../../../shared/errors';
import type { ConnectionState, ControllerProfile } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { useEvent } from '../../api/use-event';
import { useRequest } from '../../api/use-request';

export interface ControllersStore {
  controllers: ControllerProfile[] | undefined;
  loading: boolean;
  error: AppError | null;
  reload: () => void;
  /** Live connection state per controller id, from `connection.states()` and then `connection.state` events. */
  states: ReadonlyMap<string, ConnectionState>;
  /** The controller the status bar and every other screen are about. */
  active: ControllerProfile | null;
  activeState: ConnectionState | undefined;
  setActiveId: (id: string | null) => void;
}

const StoreContext = createContext<ControllersStore | null>(null);
const activeKey = 'mxrc.activeController';

function readActiveId(): string | null {
  try {
    return localStorage.getItem(activeKey);
  } catch {
    return null;
  }
}

function isNewer(a: ConnectionState, b: ConnectionState | undefined): boolean {
  return !b || Date.parse(a.since) >= Date.parse(b.since);
}

export function ControllersProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const list = useRequest(() => api.controllers.list(), [api]);
  const [states, setStates] = useState<ReadonlyMap<string, ConnectionState>>(new Map());
  const [activeId, setActiveIdState] = useState<string | null>(readActiveId);

  useEvent('connection.state', (state) => {
    setStates((previous) => new Map(previous).set(state.controllerId, state));
  });

  useEffect(() => {
    let current = true;
    api.connection.states().then(
      (initial) => {
        if (!current) return;
        setStates((previous) => {
          const next = new Map(previous);
          // An event that arrived while this answer travelled is newer than the snapshot.
          for (const state of initial) if (isNewer(state, next.get(state.controllerId))) next.set(state.controllerId, state);
          return next;
        });
      },
      () => undefined, // The status bar shows "not connected"; the list request reports server problems.
    );
    return () => {
      current = false;
    };
  }, [api]);

  const setActiveId = useCallback((id: string | null) => {
    setActiveIdState(id);
    try {
      if (id) localStorage.setItem(activeKey, id);
      else localStorage.removeItem(activeKey);
    } catch {
      // Only this window remembers it then.
    }
  }, []);

  const controllers = list.data;
  const active = useMemo(() => {
    if (!controllers) return null;
    const chosen = controllers.find((c) => c.id === activeId);
    if (chosen) return chosen;
    // Nothing chosen (or it was removed): the controller that is connected, if exactly one is.
    const connected = controllers.filter((c) => states.get(c.id)?.status === 'connected');
    return connected.length === 1 ? (connected[0] ?? null) : null;
  }, [controllers, activeId, states]);

  const value = useMemo<ControllersStore>(
    () => ({
      controllers,
      loading: list.loading,
      error: list.error,
      reload: list.reload,
      states,
      active,
      activeState: active ? states.get(active.id) : undefined,
      setActiveId,
    }),
    [controllers, list.loading, list.error, list.reload, states, active, setActiveId],
  );
  return <StoreContext value={value}>{children}</StoreContext>;
}

export function useControllers(): ControllersStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useControllers() outside <ControllersProvider>');
  return store;
}
