import type { Transport, Wire } from '../../../shared/rpc';
import type { ClientFrame } from '../../../shared/ws-protocol';
import { decodeServerFrame, wsPath } from '../../../shared/ws-protocol';

/**
 * Browser-mode transport: the same contract as the Electron preload, over a WebSocket to the local server.
 * Reconnects when the socket drops (the server may restart); calls made while it is down wait for it.
 */
export function createWsTransport(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${wsPath}`): Transport {
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, (wire: Wire) => void>();
  const listeners = new Set<(topic: string, payload: unknown) => void>();

  let retry: ReturnType<typeof setTimeout> | null = null;
  const scheduleReconnect = (): void => {
    if (retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().catch(() => scheduleReconnect());
    }, 1000);
  };

  const connect = (): Promise<WebSocket> => {
    opened ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      // Terminal output arrives as binary frames (see ws-protocol).
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('The local server is not reachable.'));
      ws.onclose = () => {
        socket = null;
        opened = null;
        // Events only flow over an open socket: keep the status bar live after the local server restarts.
        if (listeners.size > 0) scheduleReconnect();
        for (const [id, settle] of pending) {
          settle({ ok: false, error: { code: 'DISCONNECTED', message: 'The local app server closed the connection.', hint: 'Reload the page.' } });
          pending.delete(id);
        }
      };
      ws.onmessage = (message: MessageEvent<string | ArrayBuffer>) => {
        const frame = decodeServerFrame(message.data);
        if (frame.type === 'result') {
          pending.get(frame.id)?.(frame.wire);
          pending.delete(frame.id);
        } else {
          for (const listener of listeners) listener(frame.topic, frame.payload);
        }
      };
    });
    return opened;
  };

  return {
    async invoke(service, method, args) {
      const ws = socket ?? (await connect());
      const id = nextId++;
      const frame: ClientFrame = { type: 'invoke', id, service, method, args };
      return new Promise<Wire>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify(frame));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      void connect().catch(() => undefined);
      return () => listeners.delete(listener);
    },
  };
}
