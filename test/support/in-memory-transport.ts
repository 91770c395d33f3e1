import type { AppServices } from '../../src/shared/contract';
import type { AppClient, Transport } from '../../src/shared/rpc';
import { createClient, createDispatcher } from '../../src/shared/rpc';
import type { EventHub } from '../../src/main/platform/event-hub';

/**
 * Client ↔ dispatcher in one process with structuredClone in between, so a payload that could not cross IPC or
 * a WebSocket (functions, class instances with behaviour) fails here too.
 */
export function inMemoryClient(services: AppServices, events?: EventHub): AppClient {
  const dispatch = createDispatcher(services);
  const transport: Transport = {
    invoke: async (service, method, args) => structuredClone(await dispatch(service, method, structuredClone(args))),
    onEvent: (listener) => events?.subscribe((topic, payload) => listener(topic, structuredClone(payload))) ?? (() => undefined),
  };
  return createClient(transport);
}
