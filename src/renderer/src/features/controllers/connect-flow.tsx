import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';

import type { AppError } from '../../../../shared/errors';
import type { ConnectSecrets, ControllerProfile, HostKeyChange, HostKeyInfo } from '../../../../shared/model/controller';
import { useApi } from '../../api/api-context';
import { toAppError } from '../../api/app-error';
import { useControllers } from './controllers-store';

export interface SecretRequest {
  kind: 'password' | 'passphrase';
  role: 'target' | 'jump';
}

/** Where one "Connect" click is: each step is something the technician must see or answer. */
export type ConnectFlowState =
  | { step: 'idle' }
  | { step: 'connecting'; controller: ControllerProfile }
  | { step: 'secret'; controller: ControllerProfile; request: SecretRequest; rejected: boolean }
  | { step: 'hostKeyUnknown'; controller: ControllerProfile; info: HostKeyInfo; busy: boolean; error: AppError | null }
  | { step: 'hostKeyChanged'; controller: ControllerProfile; change: HostKeyChange; busy: boolean; error: AppError | null }
  | { step: 'failed'; controller: ControllerProfile; error: AppError };

export interface ConnectFlow {
  state: ConnectFlowState;
  connect: (controller: ControllerProfile) => void;
  submitSecret: (value: string, remember: boolean) => void;
  trustHostKey: () => void;
  replaceHostKey: () => void;
  /** Abandon the flow; nothing more is sent. */
  cancel: () => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isHostKeyInfo(value: unknown): value is HostKeyInfo {
  return isRecord(value) && typeof value.host === 'string' && typeof value.port === 'number' && typeof value.keyType === 'string' && typeof value.fingerprint === 'string';
}

export function isHostKeyChange(value: unknown): value is HostKeyChange {
  return isHostKeyInfo(value) && Array.isArray((value as unknown as Record<string, unknown>).knownFingerprints);
}

function secretRequestOf(detail: unknown): SecretRequest | null {
  if (!isRecord(detail)) return null;
  const kind = detail.kind === 'password' || detail.kind === 'passphrase' ? detail.kind : null;
  const role = detail.role === 'jump' ? 'jump' : 'target';
  return kind ? { kind, role } : null;
}

/** The secrets of one flow (the schema's input type also allows `undefined`). */
type Secrets = NonNullable<ConnectSecrets>;

const FlowContext = createContext<ConnectFlow | null>(null);

/**
 * The connect conversation: password/passphrase prompts, the fingerprint dialog for a new host key, the full-stop
 * page for a changed one, and errors in the technician's terms. Secrets live only in memory for this one flow.
 */
export function ConnectFlowProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const { setActiveId, reload } = useControllers();
  const [state, setState] = useState<ConnectFlowState>({ step: 'idle' });
  const secrets = useRef<Secrets>({ remember: false });
  // Every flow has a number; answers that belong to an abandoned flow are ignored.
  const flowId = useRef(0);

  const attempt = useCallback(
    async (controller: ControllerProfile, id: number) => {
      setState({ step: 'connecting', controller });
      try {
        await api.connection.connect(controller.id, { ...secrets.current });
        if (id !== flowId.current) return;
        const remembered = secrets.current.remember === true;
        secrets.current = { remember: false };
        setState({ step: 'idle' });
        if (remembered) reload(); // hasSavedSecret changed
      } catch (raw) {
        if (id !== flowId.current) return;
        const error = toAppError(raw);
        const given = secrets.current;
        const request = secretRequestOf(error.detail);
        if (error.code === 'SECRET_REQUIRED' && request) {
          setState({ step: 'secret', controller, request, rejected: false });
          return;
        }
        if (error.code === 'KEY_FILE' && request?.kind === 'passphrase' && given.passphrase !== undefined) {
          // The passphrase just typed was wrong: ask again.
          delete given.passphrase;
          setState({ step: 'secret', controller, request, rejected: true });
          return;
        }
        if (error.code === 'AUTH_FAILED' && controller.auth.kind === 'password' && given.password !== undefined) {
          // A password the technician just typed was refused: ask again rather than show an error page.
          delete given.password;
          setState({ step: 'secret', controller, request: { kind: 'password', role: 'target' }, rejected: true });
          return;
        }
        if (error.code === 'HOST_KEY_UNKNOWN' && isHostKeyInfo(error.detail)) {
          setState({ step: 'hostKeyUnknown', controller, info: error.detail, busy: false, error: null });
          return;
        }
        if (error.code === 'HOST_KEY_CHANGED' && isHostKeyChange(error.detail)) {
          setState({ step: 'hostKeyChanged', controller, change: error.detail, busy: false, error: null });
          return;
        }
        secrets.current = { remember: false };
        setState({ step: 'failed', controller, error });
      }
    },
    [api, reload],
  );

  const connect = useCallback(
    (controller: ControllerProfile) => {
      const id = ++flowId.current;
      secrets.current = { remember: false };
      // The status bar follows the controller being connected, so a failure shows there with its reason.
      setActiveId(controller.id);
      void attempt(controller, id);
    },
    [attempt, setActiveId],
  );

  const submitSecret = useCallback(
    (value: string, remember: boolean) => {
      if (state.step !== 'secret') return;
      const { kind, role } = state.request;
      if (kind === 'passphrase') secrets.current.passphrase = value;
      else if (role === 'jump') secrets.current.jumpPassword = value;
      else secrets.current.password = value;
      if (remember) secrets.current.remember = true;
      void attempt(state.controller, flowId.current);
    },
    [state, attempt],
  );

  const decideHostKey = useCallback(
    (how: 'trust' | 'replace') => {
      if (state.step !== 'hostKeyUnknown' && state.step !== 'hostKeyChanged') return;
      const id = flowId.current;
      const { controller } = state;
      const fingerprint = state.step === 'hostKeyUnknown' ? state.info.fingerprint : state.change.fingerprint;
      setState({ ...state, busy: true, error: null });
      const call = how === 'trust' ? api.connection.trustHostKey(controller.id, fingerprint) : api.connection.replaceHostKey(controller.id, fingerprint);
      call.then(
        () => {
          if (id === flowId.current) void attempt(controller, id);
        },
        (raw: unknown) => {
          if (id === flowId.current) setState({ ...state, busy: false, error: toAppError(raw) });
        },
      );
    },
    [state, api, attempt],
  );

  const cancel = useCallback(() => {
    flowId.current++;
    secrets.current = { remember: false };
    setState({ step: 'idle' });
  }, []);

  const value = useMemo<ConnectFlow>(
    () => ({
      state,
      connect,
      submitSecret,
      trustHostKey: () => decideHostKey('trust'),
      replaceHostKey: () => decideHostKey('replace'),
      cancel,
    }),
    [state, connect, submitSecret, decideHostKey, cancel],
  );
  return <FlowContext value={value}>{children}</FlowContext>;
}

/** The controller this flow is still working on (connecting or waiting for the technician), if any. */
export function busyControllerId(state: ConnectFlowState): string | null {
  return state.step === 'connecting' || state.step === 'secret' || state.step === 'hostKeyUnknown' ? state.controller.id : null;
}

export function useConnectFlow(): ConnectFlow {
  const flow = useContext(FlowContext);
  if (!flow) throw new Error('useConnectFlow() outside <ConnectFlowProvider>');
  return flow;
}
