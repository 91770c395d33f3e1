import '@xterm/xterm/css/xterm.css';

import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { SerializeAddon } from '@xterm/addon-serialize';
import { WebglAddon } from '@xterm/addon-webgl';
import type { ITheme } from '@xterm/xterm';
import { Terminal } from '@xterm/xterm';

/**
 * Terminals stay dark in both app themes: ANSI colours (systemd, bash prompts, top) are designed for a dark
 * background, and a technician reads a dark terminal better in a bright hall.
 */
export const terminalTheme: ITheme = {
  background: '#11151b',
  foreground: '#d9dee6',
  cursor: '#d9dee6',
  selectionBackground: '#3b5a86',
  black: '#1b1f24',
  red: '#ff6b6b',
  green: '#5fd38d',
  yellow: '#f2c14e',
  blue: '#6ea8ff',
  magenta: '#d28bf0',
  cyan: '#56c8d8',
  white: '#d9dee6',
  brightBlack: '#7b8594',
  brightRed: '#ff8f8f',
  brightGreen: '#84e3a8',
  brightYellow: '#ffd77a',
  brightBlue: '#9cc3ff',
  brightMagenta: '#e2b0f7',
  brightCyan: '#86dbe6',
  brightWhite: '#ffffff',
};

export const searchDecorations = {
  matchBackground: '#5a4a12',
  matchOverviewRuler: '#f2c14e',
  activeMatchBackground: '#b8860b',
  activeMatchColorOverviewRuler: '#ff9f1a',
};

export type RendererKind = 'webgl' | 'dom';

export interface XtermHost {
  terminal: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  serialize: SerializeAddon;
  renderer: RendererKind;
  dispose(): void;
}

let gpuVerdict: boolean | undefined;

/**
 * Whether WebGL runs on a real GPU. A software rasteriser (SwiftShader, llvmpipe, Microsoft Basic Render Driver:
 * VMs, remote desktops, blocklisted drivers) draws a full terminal frame far slower than the DOM renderer, so
 * there the DOM renderer is the faster choice.
 */
export function hasHardwareWebgl(): boolean {
  if (gpuVerdict !== undefined) return gpuVerdict;
  let verdict = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
      verdict = !/swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    verdict = false;
  }
  gpuVerdict = verdict;
  return verdict;
}

/**
 * An xterm.js terminal with fit, search and serialize, drawing with WebGL on a real GPU and with the DOM renderer
 * otherwise (no GPU, a software rasteriser, blocked WebGL, or a context lost later on).
 */
export function createXterm(element: HTMLElement, options: { scrollback: number; interactive: boolean; onRendererChange?: (kind: RendererKind) => void }): XtermHost {
  const terminal = new Terminal({
    scrollback: options.scrollback,
    disableStdin: !options.interactive,
    cursorBlink: options.interactive,
    cursorStyle: options.interactive ? 'block' : 'underline',
    cursorInactiveStyle: options.interactive ? 'outline' : 'none',
    fontFamily: "'DejaVu Sans Mono', 'Cascadia Mono', 'Noto Sans Mono', 'Noto Sans Mono CJK KR', Consolas, monospace",
    fontSize: 13,
    lineHeight: 1.1,
    theme: terminalTheme,
    allowProposedApi: true,
    convertEol: false,
    rightClickSelectsWord: false,
    scrollSensitivity: 2,
  });
  const fit = new FitAddon();
  const search = new SearchAddon({ highlightLimit: 2000 });
  const serialize = new SerializeAddon();
  terminal.loadAddon(fit);
  terminal.loadAddon(search);
  terminal.loadAddon(serialize);
  terminal.open(element);

  let renderer: RendererKind = 'dom';
  if (hasHardwareWebgl()) {
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        // The GPU went away (driver reset, too many contexts): fall back to the DOM renderer, keep the buffer.
        webgl.dispose();
        host.renderer = 'dom';
        options.onRendererChange?.('dom');
      });
      terminal.loadAddon(webgl);
      renderer = 'webgl';
    } catch {
      renderer = 'dom';
    }
  }

  const host: XtermHost = {
    terminal,
    fit,
    search,
    serialize,
    renderer,
    dispose: () => terminal.dispose(),
  };
  return host;
}

/** Every line of the buffer (scrollback included) as plain text: what "save all" and "copy all" use. */
export function bufferText(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (!line) continue;
    const text = line.translateToString(true);
    // A wrapped line continues the previous one: join them, as the program printed it.
    const previous = lines[lines.length - 1];
    if (line.isWrapped && previous !== undefined) lines[lines.length - 1] = previous + text;
    else lines.push(text);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
