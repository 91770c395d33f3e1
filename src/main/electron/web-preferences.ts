import type { WebPreferences } from 'electron';

/**
 * The renderer's security settings, kept apart from window.ts (which imports Electron at run time) so a plain
 * Node unit test can assert them. contextIsolation and sandbox are Electron's defaults; they are spelled out for
 * reviewers and for electronegativity.
 */
export const secureWebPreferences = {
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
  enableBlinkFeatures: '',
} as const satisfies WebPreferences;
