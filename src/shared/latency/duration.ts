/**
 * Test durations as technicians type them (`60s`, `10m`, `1h`, `90`) and as cyclictest `-D` accepts them.
 * cyclictest reads `-D` with strtol into an int and multiplies by the suffix (m, h, d; no suffix = seconds), so
 * only whole numbers are accepted and the result must fit in a C int.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const INT_MAX = 2_147_483_647;

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/** "60s" | "10m" | "1h" | "2d" | "90" (seconds) → seconds. Throws DurationError with a readable reason. */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === '') throw new DurationError('Enter a duration such as 60s, 10m or 1h');
  const match = /^(\d+)\s*([smhd]?)$/i.exec(input);
  if (!match) {
    if (/^\d*[.,]\d+\s*[smhd]?$/i.test(input)) {
      throw new DurationError(`"${input}": use whole numbers (e.g. 90m instead of 1.5h)`);
    }
    if (/^-/.test(input)) throw new DurationError(`"${input}": a duration cannot be negative`);
    throw new DurationError(`"${input}" is not a duration: use a number with s, m, h or d (e.g. 60s, 10m, 1h)`);
  }
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase() || 's';
  const seconds = amount * (UNIT_SECONDS[unit] ?? 1);
  if (seconds <= 0) throw new DurationError(`"${input}": a duration must be longer than 0 s`);
  if (!Number.isSafeInteger(seconds) || seconds > INT_MAX) {
    throw new DurationError(`"${input}" is too long (cyclictest accepts at most ${INT_MAX} s)`);
  }
  return seconds;
}

/**
 * Seconds → the `-D` argument in the largest unit that divides it exactly (3600 → "1h", 600 → "10m", 90 → "90"),
 * matching the checklist's command lines (`-D 10m`, `-D 1h`). No "s" suffix: cyclictest's parser ignores it, but
 * older builds are not guaranteed to.
 */
export function formatCyclictestDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > INT_MAX) {
    throw new DurationError(`invalid duration ${seconds} s`);
  }
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit] ?? 1;
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return String(seconds);
}

/** Seconds → a short human form for reports ("1 h", "10 min", "1 h 30 min", "45 s"). */
export function describeDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [size, label] of [[86_400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${label}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}
