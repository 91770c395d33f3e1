/**
 * Terminal recordings in asciicast v2 (asciinema's format): a JSON header line, then one `[seconds, "o", data]`
 * line per output chunk. Plays back with `asciinema play`, keeps the timing, and stays greppable text.
 */
export interface AsciicastHeader {
  width: number;
  height: number;
  /** Start, seconds since the epoch. */
  timestamp: number;
  title?: string;
}

export function asciicastHeaderLine(header: AsciicastHeader): string {
  return `${JSON.stringify({ version: 2, width: header.width, height: header.height, timestamp: Math.floor(header.timestamp), ...(header.title ? { title: header.title } : {}), env: { TERM: 'xterm-256color' } })}\n`;
}

export function asciicastOutputLine(elapsedSeconds: number, data: string): string {
  return `${JSON.stringify([Math.round(elapsedSeconds * 1e6) / 1e6, 'o', data])}\n`;
}

export function asciicastResizeLine(elapsedSeconds: number, cols: number, rows: number): string {
  return `${JSON.stringify([Math.round(elapsedSeconds * 1e6) / 1e6, 'r', `${cols}x${rows}`])}\n`;
}
