import { defaultDataDir } from '../platform/data-dir';
import { startWebApp } from './start-web-app';

/** `npm run start:web`: the app in a browser on this laptop, served on 127.0.0.1 only. */
const port = process.env.MXRC_WEB_PORT ? Number(process.env.MXRC_WEB_PORT) : undefined;
const app = await startWebApp({ dataDir: defaultDataDir(), ...(port ? { port } : {}) });
process.stdout.write(`MXRC Commissioner (browser mode) is running.\nOpen: ${app.url}\nPress Ctrl-C to stop.\n`);
const stop = (): void => {
  void app.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
