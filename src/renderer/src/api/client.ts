import type { AppClient } from '../../../shared/rpc';
import { createClient, transportFromWireApi } from '../../../shared/rpc';
import { createWsTransport } from './ws-transport';

let shared: AppClient | null = null;

/**
 * The one client for this window: over the Electron preload's per-method envelope API (`window.mxrc`) in the
 * desktop app, otherwise over a WebSocket to the browser-mode server that served this page. Both go through the
 * same `createClient`, so errors arrive as AppError with code, hint and detail. Components use `useApi()`.
 */
export function getClient(): AppClient {
  shared ??= createClient(window.mxrc ? transportFromWireApi(window.mxrc) : createWsTransport());
  return shared;
}
