/**
 * Browser mode, attacked the way a web page could: the built renderer served by the product's own server
 * (startWebApp) in Debian's Chromium. The page gets a strict CSP (header and meta), no Node or IPC objects, no
 * inline script or eval; the contract's WebSocket answers only the page's own origin (also from another page in
 * the same browser, which carries the cookie); and the server listens on 127.0.0.1 only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';

import { startWebApp } from '../../src/main/web/start-web-app';
import { tokenCookie, wsPath } from '../../src/shared/ws-protocol';
import { launchChromium } from '../support/browser';

const root = join(import.meta.dirname, '..', '..');
const screensDir = join(root, 'test-results', 'screens');
const timeout = 30_000;

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
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

/** Opens the contract WebSocket from Node with chosen headers: 'open' or the HTTP status of the refusal. */
function tryWebSocket(url: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (error) => (/Unexpected server response: (\d+)/.test(error.message) ? undefined : reject(error)));
  });
}

/** Listening TCP sockets on `port` from /proc/net/tcp{,6}: [hex address, family]. */
function listeners(port: number): Array<{ family: 'tcp' | 'tcp6'; address: string }> {
  const found: Array<{ family: 'tcp' | 'tcp6'; address: string }> = [];
  for (const family of ['tcp', 'tcp6'] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${family}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, portHex] = (fields[1] ?? '').split(':');
      // st 0A = LISTEN
      if (fields[3] === '0A' && portHex && parseInt(portHex, 16) === port && address) found.push({ family, address });
    }
  }
  return found;
}

describe('browser mode under attack', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let foreign: Server;
  let foreignOrigin: string;
  let cookie: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'mxrc-sec-web-'));

  before(async () => {
    mkdirSync(screensDir, { recursive: true });
    app = await startWebApp({ dataDir, readOnlyKnownHosts: [] });
    origin = `http://127.0.0.1:${app.port}`;
    // Another site on this machine (same host, other port): what a malicious page in the technician's browser is.
    foreign = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title><p>elsewhere</p>'));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignOrigin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    const login = await get(app.url);
    cookie = (login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    assert.match(cookie, new RegExp(`^${tokenCookie}=`));

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.goto(app.url);
    await page.getByTestId('status-connection').or(page.locator('nav')).first().waitFor({ timeout });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the page comes with a strict CSP header and the same policy in a meta tag; the Electron window uses the header policy', async () => {
    const served = await get(`${origin}/`, { Cookie: cookie });
    assert.equal(served.status, 200);
    const header = String(served.headers['content-security-policy'] ?? '');
    const directives = new Map(header.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...v]) => [name ?? '', v]));
    assert.deepEqual(directives.get('script-src'), ["'self'"], 'scripts only from the app itself: no inline, no eval');
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.equal(served.headers['x-content-type-options'], 'nosniff');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(served.body)?.[1] ?? '';
    assert.match(meta, /script-src 'self';/, 'the built page keeps its own CSP meta (file:// in Electron has no header)');
    assert.doesNotMatch(meta, /unsafe-(inline|eval)[^;]*;\s*style|script-src[^;]*unsafe/, 'no unsafe script sources in the meta policy');
    // The Electron window sets its policy from the same string the browser-mode server sends.
    const windowSource = readFileSync(join(root, 'src/main/electron/window.ts'), 'utf8');
    const electronPolicy = /contentSecurityPolicy =\s*"([^"]+)"/.exec(windowSource)?.[1];
    assert.equal(electronPolicy, header);
    // Without the token or cookie there is nothing to see.
    assert.equal((await get(`${origin}/`)).status, 401);
  });

  test('no Node, module or IPC objects are reachable from the page', async () => {
    const globals = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return {
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
        exports: typeof g.exports,
        ipcRenderer: typeof g.ipcRenderer,
        electron: typeof g.electron,
        Buffer: typeof g.Buffer,
        mxrc: typeof g.mxrc,
      };
    });
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined', module: 'undefined', exports: 'undefined', ipcRenderer: 'undefined', electron: 'undefined', Buffer: 'undefined', mxrc: 'undefined' });
  });

  test('an injected inline script, inline handler, foreign or data: script, or eval does not run (CSP); the browser reports it', async () => {
    // A same-origin script (allowed by script-src 'self') that tries eval: page code, so the page's CSP governs it.
    // (Code sent through the DevTools protocol itself is exempt from CSP, hence this detour.)
    await page.route(`${origin}/assets/security-probe.js`, (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: "try { (0, eval)('1 + 1'); window.__evalResult = 'ran'; } catch (e) { window.__evalResult = e.name; } try { new Function('return 1')(); window.__functionResult = 'ran'; } catch (e) { window.__functionResult = e.name; }",
      }),
    );
    const outcome = await page.evaluate(
      async ({ foreignScript }) => {
        // Typed by hand: the Node-side tsconfig has no DOM library.
        interface El {
          textContent: string;
          src: string;
          innerHTML: string;
          onload: unknown;
          onerror: unknown;
          setAttribute(name: string, value: string): void;
        }
        const g = globalThis as unknown as Record<string, unknown> & {
          document: {
            createElement(tag: string): El;
            body: { appendChild(el: El): void };
            addEventListener(type: string, listener: (event: { effectiveDirective: string; blockedURI: string }) => void): void;
          };
        };
        const doc = g.document;
        const violations: string[] = [];
        doc.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective} ${event.blockedURI}`));
        // No named helper functions in here: the test runner's transpiler would wrap them in a helper the page lacks.
        const script = doc.createElement('script');
        script.textContent = 'window.__pwnedByScript = true;';
        doc.body.appendChild(script);
        const image = doc.createElement('img');
        image.setAttribute('onerror', 'window.__pwnedByHandler = true;');
        image.src = 'data:,not-an-image';
        doc.body.appendChild(image);
        const holder = doc.createElement('div');
        holder.innerHTML = '<img src="data:,x" onerror="window.__pwnedByHtml = true">';
        doc.body.appendChild(holder);
        const dataScript = doc.createElement('script');
        dataScript.src = 'data:text/javascript,window.__pwnedByData=true';
        doc.body.appendChild(dataScript);
        const remote = doc.createElement('script');
        remote.src = foreignScript;
        doc.body.appendChild(remote);
        const probe = doc.createElement('script');
        const loaded = new Promise((resolve) => (probe.onload = probe.onerror = resolve));
        probe.src = '/assets/security-probe.js';
        doc.body.appendChild(probe);
        await loaded;
        // Violation events are queued; give the browser a moment to deliver them all.
        for (let i = 0; i < 100 && violations.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 20));
        return {
          ran: ['__pwnedByScript', '__pwnedByHandler', '__pwnedByHtml', '__pwnedByData', '__pwnedByRemote'].filter((name) => g[name] === true),
          evalResult: g.__evalResult,
          functionResult: g.__functionResult,
          violations,
        };
      },
      { foreignScript: `${foreignOrigin}/remote.js` },
    );
    assert.deepEqual(outcome.ran, [], 'injected code ran');
    assert.equal(outcome.evalResult, 'EvalError', 'eval is refused');
    assert.equal(outcome.functionResult, 'EvalError', 'new Function is refused');
    const directives = outcome.violations.map((v) => v.split(' ')[0] ?? '');
    assert.ok(directives.filter((d) => d.startsWith('script-src')).length >= 4, `the browser reported the blocked scripts: ${JSON.stringify(outcome.violations)}`);
    assert.ok(outcome.violations.some((v) => v.includes(foreignOrigin)), 'the foreign script was blocked by the policy');
    await page.screenshot({ path: join(screensDir, 'security-browser.png') });
  });

  test('the contract WebSocket refuses a foreign Origin, even with a valid cookie and token', async () => {
    const url = `ws://127.0.0.1:${app.port}${wsPath}`;
    assert.equal(await tryWebSocket(url, { Origin: origin, Cookie: cookie }), 'open', 'control: the page origin with the cookie opens');
    assert.equal(await tryWebSocket(url, { Origin: foreignOrigin, Cookie: cookie }), 403);
    assert.equal(await tryWebSocket(`${url}?token=${app.token}`, { Origin: 'http://evil.invalid' }), 403);
    assert.equal(await tryWebSocket(url, { Cookie: cookie }), 403, 'no Origin at all');
    assert.equal(await tryWebSocket(url, { Origin: origin }), 403, 'the right origin without the cookie');
    assert.equal(await tryWebSocket(url, { Origin: `http://localhost:${app.port}`, Cookie: cookie }), 403, 'localhost is another origin');

    // The same from a real page on another local site, in the browser that holds the cookie.
    const attacker = await context.newPage();
    try {
      await attacker.goto(foreignOrigin);
      const result = await attacker.evaluate(
        (target) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(target);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
            setTimeout(() => resolve('timeout'), 5000);
          }),
        url,
      );
      assert.equal(result, 'refused');
    } finally {
      await attacker.close();
    }
  });

  test('the server listens on 127.0.0.1 only', () => {
    const found = listeners(app.port);
    assert.ok(found.length > 0, `no listening socket found for port ${app.port} in /proc/net/tcp`);
    // /proc/net/tcp prints the IPv4 address as a little-endian hex word: 0100007F = 127.0.0.1.
    assert.deepEqual(found, [{ family: 'tcp', address: '0100007F' }], 'one IPv4 listener on 127.0.0.1, none on other addresses or IPv6');
    assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+\//);
  });
});
