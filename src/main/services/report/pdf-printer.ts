
import { AppError } from '../../../shared/errors';
import { findChromium, headlessChromiumArgs } from '../../platform/chromium';
import { escapeHtml } from '../../../shared/report/format';
import { fill } from '../../../shared/report';

export interface PdfFooter {
  /** Template with {controller}, {visit}, {page}, {pages}. */
  text: string;
  controller: string;
  visit: string;
}

/**
 * Turns the report's HTML into a PDF with Chromium's print path. The Electron layer can plug in
 * `webContents.printToPDF` behind this interface; browser mode, the CLI and tests use headless Chromium.
 */
export interface PdfPrinter {
  print(html: string, options: { footer: PdfFooter }): Promise<Buffer>;
}

/** Chromium's header/footer templates fill elements of these classes with the page numbers. */
export function footerTemplate(footer: PdfFooter): string {
  const text = escapeHtml(fill(footer.text, { controller: footer.controller, visit: footer.visit, page: '\u0000page\u0000', pages: '\u0000pages\u0000' }))
    .replace('\u0000page\u0000', '<span class="pageNumber"></span>')
    .replace('\u0000pages\u0000', '<span class="totalPages"></span>');
  return `<div style="width:100%;font-size:7pt;color:#333;text-align:center;font-family:'DejaVu Sans','Noto Sans CJK KR',sans-serif;padding:0 12mm;">${text}</div>`;
}

/** The print settings both printers (headless Chromium here, Electron's printToPDF) use for a report. */
export function reportPrintOptions(footer: PdfFooter): { printBackground: true; preferCSSPageSize: true; displayHeaderFooter: true; headerTemplate: string; footerTemplate: string } {
  return { printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: footerTemplate(footer) };
}

/** Headless Chromium through playwright-core: one browser per PDF (reports are rare; nothing stays running). */
export class ChromiumPdfPrinter implements PdfPrinter {
  constructor(private readonly options: { executablePath?: string; timeoutMs?: number } = {}) {}

  async print(html: string, options: { footer: PdfFooter }): Promise<Buffer> {
    const executablePath = this.options.executablePath ?? findChromium();
    if (!executablePath) {
      throw new AppError('TOOL_MISSING', 'No Chromium or Google Chrome was found to print the PDF.', 'Install Chromium (or set MXRC_CHROMIUM_PATH to a Chrome/Chromium executable), or export the report as HTML and print it from a browser.');
    }
    // Loaded only when a PDF is wanted: the rest of the CLI starts without it.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, headless: true, args: headlessChromiumArgs(), timeout: this.options.timeoutMs ?? 60_000 });
    try {
      const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
      // The report is self-contained; anything it might try to fetch is refused rather than waited for.
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load', timeout: this.options.timeoutMs ?? 60_000 });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({ format: 'A4', ...reportPrintOptions(options.footer) });
    } finally {
      await browser.close();
    }
  }
}

