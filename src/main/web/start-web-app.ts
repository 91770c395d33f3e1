import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDispatcher } from '../../shared/rpc';
import type { CompositionOptions } from '../composition';
import { compose } from '../composition';
import type { WebServer } from './web-server';
import { startWebServer } from './web-server';

export interface WebAppOptions {
  dataDir: string;
  port?: number;
  readOnlyKnownHosts?: string[];
  sshConfigFile?: string;
  /** Defaults to the built renderer in out/renderer. */
  staticDir?: string;
}

/** The built renderer, found from both the bundled (out/main) and the source (src/main/web) location. */
export function rendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '../renderer'), resolve(here, '../../../out/renderer')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  throw new Error('The renderer is not built: run `npm run build` first.');
}

export async function startWebApp(options: WebAppOptions): Promise<WebServer & { shutdown(): Promise<void> }> {
  const compositionOptions: CompositionOptions = { dataDir: options.dataDir, mode: 'web' };
  if (options.readOnlyKnownHosts) compositionOptions.readOnlyKnownHosts = options.readOnlyKnownHosts;
  if (options.sshConfigFile) compositionOptions.sshConfigFile = options.sshConfigFile;
  const app = compose(compositionOptions);
  const server = await startWebServer({
    dispatcher: createDispatcher(app.services),
    events: app.events,
    staticDir: options.staticDir ?? rendererDir(),
    ...(options.port ? { port: options.port } : {}),
  });
  const close = async (): Promise<void> => {
    await server.close();
    await app.shutdown();
  };
  return { ...server, close, shutdown: close };
}
