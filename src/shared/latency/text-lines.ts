/**
 * Small text helpers shared by the cyclictest and rtla parsers. Tool output arrives with CRLF when it passed
 * through a pty, with terminal escape sequences when a live screen was captured, and with stderr merged in.
 */

/** One input line with its 1-based line number, so errors can point at the exact place. */
export interface NumberedLine {
  readonly number: number;
  readonly text: string;
}

// Built from a variable rather than a regex literal: control characters in literals trip lint rules.
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
// CSI sequences (`ESC[4A`, `ESC[2;37;40m`), OSC titles, and two-character escapes such as `ESC c` (the full
// terminal reset rtla prints before every refresh).
const ANSI_PATTERN = new RegExp(
  `${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)|${ESC}[@-Z\\\\-_a-z]`,
  'g',
);

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

export function hasAnsi(text: string): boolean {
  return text.includes(ESC);
}

/** Splits into numbered lines; CR before LF is dropped, a lone CR (carriage-return redraw) also ends a line. */
export function toLines(text: string): NumberedLine[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/)
    .map((line, index) => ({ number: index + 1, text: line }));
}

/** A short, single-line excerpt for error messages: long or binary garbage must not flood a dialog. */
export function excerpt(text: string, maxLength = 80): string {
  let printable = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    // Control characters other than TAB are shown escaped so the message stays printable.
    const isControl = (code < 32 && code !== 9) || code === 127;
    printable += isControl ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return printable.length > maxLength ? `${printable.slice(0, maxLength - 1)}…` : printable;
}

/** Parses an unsigned decimal integer field; leading zeros (`%05lu`) are allowed, anything else is not. */
export function parseUnsigned(token: string): number | null {
  if (!/^\d+$/.test(token)) return null;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : null;
}

/** Whitespace-separated tokens of a line (cyclictest mixes spaces and TABs). */
export function tokens(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}
