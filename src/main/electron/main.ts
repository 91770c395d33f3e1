import { join } from 'node:path';

import { app, BrowserWindow } from 'electron';

import { createDispatcher } from '../../shared/rpc';
import { compose } from '../composition';
import { appFolderName } from '../platform/data-dir';
import { installAppMenu } from './app-menu';
import { ElectronPdfPrinter } from './electron-pdf-printer';
import { bindIpc } from './ipc';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import { createMainWindow, hardenSessions, isTrustedRendererUrl } from './window';

/** The Electron entry: lifecycle, one window, the composition root wired to IPC. Nothing else. */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  void app.whenReady().then(() => {
    const dataDir = process.env.MXRC_DATA_DIR ?? join(app.getPath('appData'), appFolderName);
    const composition = compose({
      dataDir,
      mode: 'electron',
      secrets: new SafeStorageSecretStore(dataDir),
      pdfPrinter: new ElectronPdfPrinter(),
      versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '' },
    });
    hardenSessions();
    const unbind = bindIpc(createDispatcher(composition.services), composition.events, isTrustedRendererUrl);
    installAppMenu('MXRC Commissioner', app.getVersion());
    void createMainWindow(dataDir);

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createMainWindow(dataDir);
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('will-quit', () => {
      unbind();
      void composition.shutdown();
    });
  });
}
