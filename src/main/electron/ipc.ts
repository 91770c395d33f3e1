import type { WebFrameMain } from 'electron';
import { BrowserWindow, ipcMain } from 'electron';

import type { Dispatcher, Wire } from '../../shared/rpc';
import type { EventHub } from '../platform/event-hub';

export const invokeChannel = 'mxrc:invoke';
export const eventChannel = 'mxrc:event';

/**
 * The only place that talks Electron IPC. Calls are accepted only from our own page, then handed to the same
 * dispatcher browser mode uses (which validates every argument against the contract).
 */
export function bindIpc(dispatcher: Dispatcher, events: EventHub, isTrustedUrl: (url: string) => boolean): () => void {
  const trusted = (frame: WebFrameMain | null): boolean => frame !== null && isTrustedUrl(frame.url);

  ipcMain.handle(invokeChannel, async (event, service: unknown, method: unknown, args: unknown): Promise<Wire> => {
    if (!trusted(event.senderFrame)) {
      return { ok: false, error: { code: 'NO_METHOD', message: 'Request refused: it did not come from the app window.' } };
    }
    if (typeof service !== 'string' || typeof method !== 'string') {
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'Malformed request.' } };
    }
    return dispatcher(service, method, args);
  });

  const unsubscribe = events.subscribe((topic, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed() && isTrustedUrl(window.webContents.getURL())) window.webContents.send(eventChannel, topic, payload);
    }
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(invokeChannel);
  };
}
