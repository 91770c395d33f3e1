import { contextBridge, ipcRenderer } from 'electron';

import type { Transport, Wire } from '../shared/rpc';
import { createWireClient } from '../shared/rpc';

// Channel names are duplicated from src/main/electron/ipc.ts on purpose: a sandboxed preload cannot import it.
const invokeChannel = 'mxrc:invoke';
const eventChannel = 'mxrc:event';

const transport: Transport = {
  invoke: (service, method, args) => ipcRenderer.invoke(invokeChannel, service, method, args) as Promise<Wire>,
  onEvent(listener) {
    // The IPC event object never reaches the page.
    const handler = (_event: Electron.IpcRendererEvent, topic: string, payload: unknown): void => listener(topic, payload);
    ipcRenderer.on(eventChannel, handler);
    return () => ipcRenderer.removeListener(eventChannel, handler);
  },
};

// The page gets one function per contract method (resolving to a result envelope), never ipcRenderer itself.
contextBridge.exposeInMainWorld('mxrc', createWireClient(transport));
