import type { MenuItemConstructorOptions } from 'electron';
import { app, BrowserWindow, dialog, Menu } from 'electron';

/** The usual menu roles (copy/paste in the terminal need them) plus an About box with the versions support asks for. */
export function installAppMenu(appName: string, version: string): void {
  const about = (): void => {
    const window = BrowserWindow.getFocusedWindow();
    const detail = [
      `Version ${version}`,
      `Electron ${process.versions.electron ?? '?'}`,
      `Chromium ${process.versions.chrome ?? '?'}`,
      `Node.js ${process.versions.node}`,
      `V8 ${process.versions.v8}`,
      `${process.platform} ${process.arch}`,
    ].join('\n');
    const options = { type: 'info' as const, title: `About ${appName}`, message: appName, detail, buttons: ['OK'] };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  };
  const devTools: MenuItemConstructorOptions[] = app.isPackaged ? [] : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ label: appName, submenu: [{ label: `About ${appName}`, click: about }, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'quit' as const }] }] : []),
    { label: 'File', submenu: [{ role: process.platform === 'darwin' ? 'close' : 'quit' }] },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: [...devTools, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
    { label: 'Help', submenu: [{ label: `About ${appName}`, click: about }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
