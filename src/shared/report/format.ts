/**
 * Deterministic formatting for the report template: no Intl, no system time zone, so the same document renders
 * to the same bytes on every laptop (which `report verify` relies on).
 */
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "+09:00" for 540. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "2026-11-26 14:05" in the report's UTC offset; the text itself when it is not a date. */
export function formatDateTime(iso: string | null, offsetMinutes: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function formatDate(iso: string | null, offsetMinutes: number): string {
  return formatDateTime(iso, offsetMinutes).slice(0, 10);
}

/** Whole numbers as they are, others with up to `digits` decimals and no trailing zeros. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/** Thousands separated by a thin space (neutral in English and Korean). */
export function formatCount(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

export function formatPct(value: number | null): string {
  if (value === null) return '–';
  return `${value > 0 ? '+' : ''}${formatNumber(value)} %`;
}

const htmlEscapes: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}
