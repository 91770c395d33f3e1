import type { ChipTone } from '../../components/StatusChip';

/** Seconds as a clock: "0:45", "12:05", "1:00:00" (language-neutral, tabular). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** A latency value for display: whole µs stay whole, averages keep up to two decimals. */
export function us(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}

export function verdictTone(verdict: string | undefined): ChipTone {
  if (verdict === 'pass' || verdict === 'warn') return verdict;
  if (verdict === 'fail' || verdict === 'error') return 'fail';
  return 'info';
}

/** "60s" / "10m" / "1h" / "90" as the technician types a duration → seconds, or null. */
export function parseDurationText(text: string): number | null {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(text);
  if (!match) return null;
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? '').toLowerCase()] ?? 1;
  const seconds = Number(match[1]) * factor;
  return seconds > 0 && seconds <= 7 * 86_400 ? seconds : null;
}
