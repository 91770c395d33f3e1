/**
 * Renders the application icon set from resources/build/icon.svg (the one source):
 *   resources/build/icon.png          512×512, what electron-builder turns into the Windows .ico and macOS .icns
 *   resources/build/icons/NxN.png     the Linux sizes (AppImage, deb)
 * Chromium draws the SVG (the same engine the app uses), so the PNGs look exactly like the SVG. Run after
 * changing the SVG: `node --import tsx scripts/dist-icons.ts` (CHROMIUM=/path/to/chromium if not /usr/bin/chromium).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const buildDir = join(import.meta.dirname, '..', 'resources', 'build');
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512] as const;

async function main(): Promise<void> {
  const svg = readFileSync(join(buildDir, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    mkdirSync(join(buildDir, 'icons'), { recursive: true });
    for (const size of linuxIconSizes) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      // The SVG as an <img> scaled to the size: Chromium's own resampling, transparent corners kept.
      const html = `<!doctype html><style>html,body{margin:0;background:transparent}img{display:block;width:${size}px;height:${size}px}</style><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`;
      await page.setContent(html);
      // (typed by hand: the Node-side tsconfig has no DOM library)
      await page.locator('img').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      writeFileSync(join(buildDir, 'icons', `${size}x${size}.png`), png);
      if (size === 512) writeFileSync(join(buildDir, 'icon.png'), png);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`wrote resources/build/icon.png and icons/{${linuxIconSizes.join(',')}}`);
}

await main();
