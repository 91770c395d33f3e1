import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

import { WebSocketServer } from 'ws';

import type { Dispatcher } from '../../shared/rpc';
import type { ClientFrame, ServerFrame } from '../../shared/ws-protocol';
import { encodeServerFrame, tokenCookie, wsPath } from '../../shared/ws-protocol';
import type { EventHub } from '../platform/event-hub';

export interface WebServerOptions {
  dispatcher: Dispatcher;
  events: EventHub;
  /** The built renderer (index.html + assets). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

// Same policy as the Electron window, sent as a header so it cannot be dropped from the page.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === tokenCookie) return rest.join('=');
  }
  return undefined;
}

/**
 * Browser mode: the built renderer and the contract on 127.0.0.1 only. Every request needs the per-launch token
 * (query once, then an HttpOnly SameSite=Strict cookie); the WebSocket also needs our own Origin.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let origin = '';

  const authorised = (req: IncomingMessage, url: URL): boolean => sameToken(url.searchParams.get('token') ?? undefined, token) || sameToken(cookieToken(req), token);

  const serveFile = async (url: URL, res: ServerResponse): Promise<void> => {
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const path = normalize(join(options.staticDir, relative));
    if (!path.startsWith(normalize(options.staticDir) + sep)) {
      res.writeHead(403).end();
      return;
    }
    const info = await stat(path).catch(() => null);
    const file = info?.isFile() ? path : join(options.staticDir, 'index.html');
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    if (!authorised(req, url)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Open the URL printed by `npm run start:web` (it carries the access token).\n');
      return;
    }
    if (url.searchParams.has('token')) {
      // Trade the token for a cookie and drop it from the address bar and from history.
      res.writeHead(303, { 'Set-Cookie': `${tokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/`, Location: '/' }).end();
      return;
    }
    void serveFile(url, res).catch(() => res.writeHead(500).end());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== wsPath || req.headers.origin !== origin || !authorised(req, url)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws) => {
    const send = (frame: ServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeServerFrame(frame));
    };
    const unsubscribe = options.events.subscribe((topic, payload) => send({ type: 'event', topic, payload }));
    ws.on('close', unsubscribe);
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse((data as Buffer).toString('utf8')) as ClientFrame;
      } catch {
        ws.close(1003, 'malformed frame');
        return;
      }
      if (frame?.type !== 'invoke' || typeof frame.id !== 'number' || typeof frame.service !== 'string' || typeof frame.method !== 'string') {
        ws.close(1003, 'malformed frame');
        return;
      }
      void options.dispatcher(frame.service, frame.method, frame.args).then((wire) => send({ type: 'result', id: frame.id, wire }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
