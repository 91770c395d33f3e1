import { join } from 'node:path';

import { app, BrowserWindow, session } from 'electron';

import { loadWindowState, trackWindowState } from './window-state';

export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** Where the renderer comes from: the dev server in `electron-vite dev`, the packaged file otherwise. */
export function rendererUrl(): string {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl && !app.isPackaged) return devUrl;
  return `file://${join(import.meta.dirname, '../renderer/index.html')}`;
}

export function isTrustedRendererUrl(url: string): boolean {
  const base = rendererUrl();
  const origin = base.startsWith('file://') ? base : new URL(base).origin;
  return url === base || url.startsWith(`${origin}/`) || url.startsWith(`${base}#`) || url.startsWith(`${base}?`);
}

/** Process-wide hardening: no new windows, no navigation away, no permissions, no webviews. */
export function hardenSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  app.on('web-contents-created', (_event, contents) => {
    // The app links nowhere outside itself: every new window is refused, nothing is handed to the OS browser.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedRendererUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedRendererUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

export async function createMainWindow(dataDir: string): Promise<BrowserWindow> {
  const state = await loadWindowState(dataDir);
  const window = new BrowserWindow({
    width: 1366,
    height: 768,
    ...state.bounds,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'MXRC Commissioner',
    // Spelled out literally (not spread from a constant) so reviewers, electronegativity and the unit test that
    // reads this file all see exactly what the window gets.
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  trackWindowState(window, dataDir);
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(rendererUrl());
  return window;
}
