import type { TransferProgress } from '../model/deploy';
import { formatBytes } from './compose-values';

/** Nearest-rank percentile (p in 0..100) of a sample; NaN for an empty one. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/**
 * Bytes/s over a sliding window, so the rate and ETA follow what the link does now rather than an average since
 * the start (which hides a stall for minutes).
 */
export class RateMeter {
  private readonly points: { t: number; bytes: number }[] = [];

  constructor(
    private readonly total: number,
    private readonly windowMs = 3000,
  ) {}

  update(sent: number, nowMs: number): TransferProgress {
    this.points.push({ t: nowMs, bytes: sent });
    while (this.points.length > 2 && (this.points[0]?.t ?? nowMs) < nowMs - this.windowMs) this.points.shift();
    const first = this.points[0];
    const dt = first ? (nowMs - first.t) / 1000 : 0;
    const rate = first && dt > 0.05 ? (sent - first.bytes) / dt : 0;
    const etaS = rate > 0 ? Math.max(0, (this.total - sent) / rate) : null;
    return { sent, total: this.total, rate, etaS };
  }
}

/** "12.3 MiB/s" (binary units, like every size the tool shows) */
export function formatRate(bytesPerS: number): string {
  return `${formatBytes(Math.max(0, Math.round(bytesPerS)))}/s`;
}

/** "1:05" (m:ss) or "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A text progress bar for the CLI: `[#####.....]  52 %  54.1/104.0 MB  85.2 MB/s  ETA 0:01`. */
export function progressLine(p: TransferProgress, width = 24): string {
  const fraction = p.total > 0 ? Math.min(1, p.sent / p.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  return `${bar} ${String(Math.floor(fraction * 100)).padStart(3)} %  ${formatBytes(p.sent)} of ${formatBytes(p.total)}  ${formatRate(p.rate)}  ETA ${formatEta(p.etaS)}`;
}
