import type { ChipTone } from '../../components/StatusChip';
import type { DeployProgress, DeployResult } from '../../../../shared/model/deploy';

export { formatBytes, formatDurationNs } from '../../../../shared/deploy/compose-values';
export { formatEta, formatRate } from '../../../../shared/deploy/measure';

export function stateTone(state: DeployProgress['state']): ChipTone {
  switch (state) {
    case 'running':
      return 'busy';
    case 'done':
      return 'pass';
    case 'failed':
      return 'fail';
    case 'skipped':
      return 'skip';
  }
}

export function resultTone(result: DeployResult): ChipTone {
  switch (result) {
    case 'deployed':
    case 'restored':
      return 'pass';
    case 'rolled-back':
      return 'warn';
    case 'failed':
      return 'fail';
    case 'cancelled':
      return 'skip';
  }
}

/** Twelve hex characters: an operation id the UI chooses so it can cancel before the request returns. */
export function newOperationId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function shortDigest(digest: string): string {
  return digest.startsWith('sha256:') ? `${digest.slice(0, 19)}…` : digest;
}
