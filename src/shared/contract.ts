/**
 * THE contract between the UI and the Node side. Every request the renderer can make and every event it can
 * receive is declared here, once. The Electron preload, the browser-mode WebSocket client and the in-memory test
 * transport all derive their clients from `contract`; the Node side validates every argument with the schemas
 * below before a service sees it.
 */
import { z } from 'zod';

import type {
  ConnectionState,
  ControllerProfile,
  HostKeyChange,
  HostKeyInfo,
  SshConfigHost,
} from './model/controller';
import { connectSecretsSchema, controllerInputSchema } from './model/controller';

/** A request: its argument tuple schema and (type-only) its result. */
export interface Method<A extends z.ZodTuple, R> {
  readonly args: A;
  /** Phantom: carries the result type only. */
  readonly result?: R;
}

function method<A extends z.ZodTuple>(args: A): { returns<R>(): Method<A, R> } {
  return { returns: <R>(): Method<A, R> => ({ args }) };
}

const id = z.string().min(1).max(64);
const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Not an SSH SHA256 fingerprint');

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' | 'web': which transport serves this UI. */
  mode: 'electron' | 'web';
  versions: Record<string, string>;
  /** Where profiles, known_hosts and results are kept. */
  dataDir: string;
  /** Whether passwords can be kept in an OS keyring on this machine. */
  canStoreSecrets: boolean;
}

export const contract = {
  app: {
    /** Versions, transport and storage facts for the About box and status bar. */
    info: method(z.tuple([])).returns<AppInfo>(),
  },
  controllers: {
    list: method(z.tuple([])).returns<ControllerProfile[]>(),
    /** Create (no id) or update (with id) a controller profile. */
    save: method(z.tuple([controllerInputSchema])).returns<ControllerProfile>(),
    remove: method(z.tuple([id])).returns<void>(),
    /** Hosts from ~/.ssh/config (or the given file) that can be imported as profiles. */
    sshConfigHosts: method(z.tuple([z.string().max(4096).optional()])).returns<SshConfigHost[]>(),
    /** Forget a stored password/passphrase. */
    forgetSecret: method(z.tuple([id])).returns<void>(),
  },
  connection: {
    /**
     * Connect (or return the live connection). Rejects with HOST_KEY_UNKNOWN (detail: HostKeyInfo) before any
     * credential is sent when the key is new, and with HOST_KEY_CHANGED (detail: HostKeyChange) when it differs.
     */
    connect: method(z.tuple([id, connectSecretsSchema])).returns<ConnectionState>(),
    disconnect: method(z.tuple([id])).returns<ConnectionState>(),
    /** Current state of every controller that has one. */
    states: method(z.tuple([])).returns<ConnectionState[]>(),
    /** Trust the key last presented by this controller, only if it still has this fingerprint. */
    trustHostKey: method(z.tuple([id, fingerprint])).returns<HostKeyInfo>(),
    /** "This controller was reimaged": replace the recorded key with the presented one. */
    replaceHostKey: method(z.tuple([id, fingerprint])).returns<HostKeyChange>(),
    /** Run `uname -a` (pinned to housekeeping cores) as a quick liveness probe. */
    probe: method(z.tuple([id])).returns<{ uname: string; ms: number }>(),
  },
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;

type ArgsIn<M> = M extends Method<infer A, unknown> ? z.input<A> : never;
type ArgsOut<M> = M extends Method<infer A, unknown> ? z.output<A> : never;
type ResultOf<M> = M extends Method<z.ZodTuple, infer R> ? R : never;

/** What the UI calls: arguments as the caller writes them (defaults optional). */
export type AppApi = {
  [S in ServiceName]: {
    [K in keyof Contract[S]]: (...args: ArgsIn<Contract[S][K]>) => Promise<ResultOf<Contract[S][K]>>;
  };
};

/** What the Node side implements: arguments after validation (defaults applied). */
export type AppServices = {
  [S in ServiceName]: {
    [K in keyof Contract[S]]: (...args: ArgsOut<Contract[S][K]>) => Promise<ResultOf<Contract[S][K]>>;
  };
};

/** Every event pushed from the Node side to the UI. */
export interface AppEvents {
  'connection.state': ConnectionState;
}

export type EventTopic = keyof AppEvents;

export const eventTopics = ['connection.state'] as const satisfies readonly EventTopic[];

// Compile-time proof that the runtime list names every event exactly.
type Missing = Exclude<EventTopic, (typeof eventTopics)[number]>;
export const everyTopicListed: [Missing] extends [never] ? true : Missing = true;

export type EventSink = <T extends EventTopic>(topic: T, payload: AppEvents[T]) => void;
