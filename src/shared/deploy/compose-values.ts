/**
 * Compose value notations → Engine API units. Compose accepts sizes like `512m` and durations like `1m30s`; the
 * Engine API wants bytes and nanoseconds.
 */

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** `512m` → 536870912; a plain number is bytes. Returns null when the text is not a size. */
export function parseByteSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match?.[1]) return null;
  const unit = sizeUnits[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Number(match[1]) * unit;
  return Number.isFinite(bytes) ? Math.round(bytes) : null;
}

const durationUnits: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go-style durations as compose writes them (`30s`, `1m30s`, `500ms`) → nanoseconds; null if malformed. */
export function parseDurationNs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1e9) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(text); match; match = part.exec(text)) {
    total += Number(match[1]) * (durationUnits[match[2] ?? ''] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length || !Number.isFinite(total)) return null;
  return Math.round(total);
}

/** Nanoseconds → a short human string for the preview table ("30 s", "500 ms"). */
export function formatDurationNs(ns: number): string {
  if (ns >= 1e9 && ns % 1e9 === 0) return `${ns / 1e9} s`;
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(1)} s`;
  return `${Math.round(ns / 1e6)} ms`;
}

/** Bytes → "512 MiB" style for the preview table. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
