import { fingerprintGroups } from './host-key-text';

/** A fingerprint in large monospace, grouped for comparing by eye, copyable as one string. */
export function Fingerprint({ value, tone = 'normal', testId }: { value: string; tone?: 'normal' | 'old' | 'new'; testId?: string }) {
  return (
    <code className={`fingerprint fingerprint-${tone}`} data-testid={testId} data-fingerprint={value}>
      {fingerprintGroups(value).map((group, index) => (
        <span key={index} className="fingerprint-group">
          {group}
        </span>
      ))}
    </code>
  );
}
