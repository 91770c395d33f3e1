import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import WebSocket from 'ws';

import { EventHub } from '../../../src/main/platform/event-hub';
import type { WebServer } from '../../../src/main/web/web-server';
import { startWebServer } from '../../../src/main/web/web-server';
import type { ServerFrame } from '../../../src/shared/ws-protocol';
import { decodeServerFrame } from '../../../src/shared/ws-protocol';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openWs(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('browser-mode server', () => {
  const events = new EventHub();
  let server: WebServer;
  let origin: string;
  const staticDir = mkdtempSync(join(tmpdir(), 'mxrc-web-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');

  before(async () => {
    server = await startWebServer({
      staticDir,
      events,
      dispatcher: async (service, method, args) => ({ ok: true, value: { service, method, args } }),
    });
    origin = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  test('binds to loopback and prints a URL with a token', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  test('no token, no page; the token becomes an HttpOnly cookie', async () => {
    assert.equal((await get(`${origin}/`)).status, 401);
    assert.equal((await get(`${origin}/?token=wrong`)).status, 401);
    const login = await get(server.url);
    assert.equal(login.status, 303);
    const cookie = String(login.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const page = await get(`${origin}/`, { cookie: cookie.split(';')[0] ?? '' });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.equal((await get(`${origin}/../../etc/passwd`, { cookie: cookie.split(';')[0] ?? '' })).status, 200, 'traversal falls back to index.html');
  });

  test('the WebSocket needs the token and our own origin, then carries calls and events', async () => {
    const wsUrl = `ws://127.0.0.1:${server.port}/rpc`;
    const cookie = `mxrc_token=${server.token}`;
    await assert.rejects(openWs(wsUrl, { origin }), /403/);
    await assert.rejects(openWs(wsUrl, { origin: 'http://evil.example', cookie }), /403/);
    await assert.rejects(openWs(wsUrl, { cookie }), /403/);
    const ws = await openWs(wsUrl, { origin, cookie });
    const frames: ServerFrame[] = [];
    let binaryFrames = 0;
    const got = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        frames.push(decodeServerFrame(isBinary ? data : data.toString()));
        binaryFrames += isBinary ? 1 : 0;
        if (frames.length === 3) resolve();
      });
    });
    ws.send(JSON.stringify({ type: 'invoke', id: 7, service: 'app', method: 'info', args: [] }));
    events.emit('connection.state', { controllerId: 'c', status: 'connected', since: 't' });
    const output = Buffer.from('한국어 µs\r\n');
    events.emit('terminal.data', { sessionId: 's', seq: 1, data: output, bytes: output.length });
    await got;
    // Terminal output travels as bytes in a binary frame, not as escaped JSON.
    assert.equal(binaryFrames, 1);
    const data = frames.find((f) => f.type === 'event' && f.topic === 'terminal.data');
    assert.ok(data?.type === 'event');
    const payload = data.payload as { seq: number; data: Uint8Array };
    assert.equal(payload.seq, 1);
    assert.equal(Buffer.from(payload.data).toString('utf8'), '한국어 µs\r\n');
    assert.deepEqual(
      frames.find((f) => f.type === 'result'),
      { type: 'result', id: 7, wire: { ok: true, value: { service: 'app', method: 'info', args: [] } } },
    );
    assert.ok(frames.some((f) => f.type === 'event' && f.topic === 'connection.state'));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    assert.equal(await closed, 1003);
  });
});
