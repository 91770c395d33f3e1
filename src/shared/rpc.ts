/**
 * One generic client and one generic dispatcher for any transport (Electron IPC, WebSocket, in-memory).
 * No per-method glue: both walk `contract`.
 */
import type { z } from 'zod';

import type { AppApi, AppEvents, AppServices, Contract, EventTopic } from './contract';
import { contract, eventTopics } from './contract';
import type { WireError } from './errors';
import { AppError } from './errors';

export type Wire = { ok: true; value: unknown } | { ok: false; error: WireError };

export interface Transport {
  invoke(service: string, method: string, args: unknown[]): Promise<Wire>;
  /** Subscribe to every pushed event; returns an unsubscribe function. */
  onEvent(listener: (topic: string, payload: unknown) => void): () => void;
}

export type EventListener<T extends EventTopic> = (payload: AppEvents[T]) => void;

export interface AppClient extends AppApi {
  on<T extends EventTopic>(topic: T, listener: EventListener<T>): () => void;
}

type Callable = (...args: unknown[]) => Promise<unknown>;

export function createClient(transport: Transport): AppClient {
  const api: Record<string, Record<string, Callable>> = {};
  for (const [service, methods] of Object.entries(contract)) {
    const stubs: Record<string, Callable> = {};
    for (const name of Object.keys(methods)) {
      stubs[name] = async (...args: unknown[]) => {
        // Trailing undefined would travel as null through JSON and fail `.optional()` schemas.
        while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
        const wire = await transport.invoke(service, name, args);
        if (!wire.ok) throw AppError.fromWire(wire.error);
        return wire.value;
      };
    }
    api[service] = stubs;
  }
  const on = <T extends EventTopic>(topic: T, listener: EventListener<T>): (() => void) =>
    transport.onEvent((received, payload) => {
      if (received === topic) listener(payload as AppEvents[T]);
    });
  return { ...(api as unknown as AppApi), on };
}

export type Dispatcher = (service: string, method: string, args: unknown) => Promise<Wire>;

function lookup(service: string, method: string): z.ZodTuple | undefined {
  if (!Object.hasOwn(contract, service)) return undefined;
  const methods = contract[service as keyof Contract] as Record<string, { args: z.ZodTuple }>;
  if (!Object.hasOwn(methods, method)) return undefined;
  return methods[method]?.args;
}

/** Validates every call against the contract before the service sees it; never throws. */
export function createDispatcher(services: AppServices): Dispatcher {
  return async (service, method, args) => {
    const schema = lookup(service, method);
    if (!schema) return { ok: false, error: { code: 'NO_METHOD', message: `No such request: ${service}.${method}` } };
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 1 ? ` (${issue.path.slice(1).join('.')})` : '';
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `${issue?.message ?? 'Invalid input'}${where}`,
          detail: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      };
    }
    try {
      const impl = (services as unknown as Record<string, Record<string, Callable>>)[service]?.[method];
      if (!impl) return { ok: false, error: { code: 'NO_METHOD', message: `Not implemented: ${service}.${method}` } };
      const value = await impl.apply((services as unknown as Record<string, object>)[service], parsed.data);
      return { ok: true, value: value ?? null };
    } catch (error) {
      return { ok: false, error: AppError.from(error).toWire() };
    }
  };
}

export function isEventTopic(topic: string): topic is EventTopic {
  return (eventTopics as readonly string[]).includes(topic);
}

/**
 * The same contract with every method resolving to its Wire envelope instead of throwing. The Electron preload
 * exposes this shape: contextBridge copies a rejected Error with its message only, while a plain envelope keeps
 * `code`, `hint` and `detail`. Still one function per contract method, never a generic channel.
 */
export type WireApi = {
  [S in keyof AppApi]: { [K in keyof AppApi[S]]: (...args: Parameters<AppApi[S][K]>) => Promise<Wire> };
} & { on(listener: (topic: string, payload: unknown) => void): () => void };

export function createWireClient(transport: Transport): WireApi {
  const api: Record<string, Record<string, (...args: unknown[]) => Promise<Wire>>> = {};
  for (const [service, methods] of Object.entries(contract)) {
    const stubs: Record<string, (...args: unknown[]) => Promise<Wire>> = {};
    for (const name of Object.keys(methods)) {
      stubs[name] = (...args: unknown[]) => {
        while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
        return transport.invoke(service, name, args);
      };
    }
    api[service] = stubs;
  }
  return { ...(api as unknown as Omit<WireApi, 'on'>), on: (listener) => transport.onEvent(listener) };
}

/** The page side of the preload: a Transport over an exposed WireApi, refusing names the contract lacks. */
export function transportFromWireApi(wire: WireApi): Transport {
  return {
    invoke: async (service, method, args) => {
      const fn = (wire as unknown as Record<string, Record<string, ((...a: unknown[]) => Promise<Wire>) | undefined> | undefined>)[service]?.[method];
      if (!fn) return { ok: false, error: { code: 'NO_METHOD', message: `No such request: ${service}.${method}` } };
      return fn(...args);
    },
    onEvent: (listener) => wire.on(listener),
  };
}
