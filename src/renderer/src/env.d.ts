import type { WireApi } from '../../shared/rpc';

declare global {
  interface Window {
    /**
     * Set by the Electron preload (contextBridge): one function per contract method, each resolving to a result
     * envelope. Absent in browser mode, where the renderer talks to the local server over a WebSocket instead.
     * Only `api/client.ts` reads it; components use `useApi()`.
     */
    readonly mxrc?: WireApi;
  }
}

export {};
