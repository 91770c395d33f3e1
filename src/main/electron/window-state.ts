import { join } from 'node:path';

import type { BrowserWindow, Rectangle } from 'electron';
import { screen } from 'electron';

import { readJsonFile, writeJsonFile } from '../platform/json-file';

interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const fallback: WindowState = { bounds: { x: 0, y: 0, width: 1366, height: 768 }, maximized: false };

/** A saved position is used only if it is still on a connected display (laptops move between docks and projectors). */
function visible(bounds: Rectangle): boolean {
  return screen.getAllDisplays().some(({ workArea: a }) => bounds.x < a.x + a.width && bounds.x + bounds.width > a.x && bounds.y < a.y + a.height && bounds.y + bounds.height > a.y);
}

export async function loadWindowState(dataDir: string): Promise<{ bounds: Partial<Rectangle>; maximized: boolean }> {
  const saved = await readJsonFile<WindowState>(join(dataDir, 'window-state.json'), fallback).catch(() => fallback);
  if (!visible(saved.bounds)) return { bounds: { width: saved.bounds.width, height: saved.bounds.height }, maximized: saved.maximized };
  return saved;
}

export function trackWindowState(window: BrowserWindow, dataDir: string): void {
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    void writeJsonFile(join(dataDir, 'window-state.json'), state).catch(() => undefined);
  });
}
