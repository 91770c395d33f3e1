import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * The dev server injects an inline React refresh preamble that `script-src 'self'` blocks; relax the page's CSP
 * only while serving (`electron-vite dev`). Built pages keep the strict policy.
 */
function devServerCsp(): Plugin {
  return {
    name: 'mxrc-dev-server-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
  };
}

// Three builds: the Node side (Electron entry, CLI, browser mode share one bundle graph),
// the sandboxed preload (CommonJS, every dependency bundled) and the React renderer.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve('src/main/electron/main.ts'),
          cli: resolve('src/main/cli/cli.ts'),
          web: resolve('src/main/web/web.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), devServerCsp()],
    build: {
      minify: true,
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
