import { BrowserWindow } from 'electron';

import type { PdfFooter, PdfPrinter } from '../services/report/pdf-printer';
import { reportPrintOptions } from '../services/report/pdf-printer';

/**
 * Reports printed by Electron's own Chromium (printToPDF): the same print path as browser mode's headless
 * Chromium, without needing a system browser on the technician's laptop. The report HTML is self-contained and
 * loads with JavaScript off, in a hidden, sandboxed window that never navigates.
 */
export class ElectronPdfPrinter implements PdfPrinter {
  async print(html: string, options: { footer: PdfFooter }): Promise<Buffer> {
    const window = new BrowserWindow({
      show: false,
      webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, disableBlinkFeatures: 'Auxclick' },
    });
    try {
      await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      return await window.webContents.printToPDF({ pageSize: 'A4', ...reportPrintOptions(options.footer) });
    } finally {
      window.destroy();
    }
  }
}
