import WebSocket from 'ws';

import type { AppClient, Transport, Wire } from '../../src/shared/rpc';
import { createClient } from '../../src/shared/rpc';
import { decodeServerFrame, wsPath } from '../../src/shared/ws-protocol';

export interface WsAppClient {
  client: AppClient;
  close(): void;
}

/** The contract over browser mode's WebSocket, from Node (as a second window would use it). */
export async function connectWsClient(appUrl: string): Promise<WsAppClient> {
  const url = new URL(appUrl);
  const token = url.searchParams.get('token') ?? '';
  const socket = new WebSocket(`ws://${url.host}${wsPath}?token=${encodeURIComponent(token)}`, { origin: url.origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (wire: Wire) => void>();
  const listeners = new Set<(topic: string, payload: unknown) => void>();
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    const frame = decodeServerFrame(isBinary ? data : data.toString('utf8'));
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.wire);
      pending.delete(frame.id);
    } else {
      for (const listener of listeners) listener(frame.topic, frame.payload);
    }
  });
  const transport: Transport = {
    invoke: (service, method, args) =>
      new Promise<Wire>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'invoke', id, service, method, args }));
      }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { client: createClient(transport), close: () => socket.close() };
}
