import { formatCpuList, parseCpuList } from '../cpu-list';
import { AppError } from '../errors';

/**
 * systemd unit templates (resources/templates/*) filled from the controller profile. A small template function
 * instead of an INI library: `ini` loses duplicate keys, and units are written, not edited (libraries.md §12).
 */
export interface UnitValues {
  rtCores: string;
  housekeepingCores: string;
  rtPriority: number;
  installDir: string;
  containerName: string;
  dockerCli: string;
}

export const defaultInstallDir = '/opt/mxrc';
export const rtPriority = 80;

/** `{{name}}` placeholders; every one must have a value and no value may break a unit line. */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  const missing = new Set<string>();
  const out = template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    const text = String(value);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must never reach a unit file
    if (/[\u0000-\u001f\u007f]/.test(text)) throw new AppError('INVALID_INPUT', `The value for ${name} contains a line break or control character.`);
    return text;
  });
  if (missing.size > 0) throw new AppError('INTERNAL', `The unit template needs values for: ${[...missing].join(', ')}.`);
  return out;
}

/** systemd's CPUAffinity= takes the kernel cpu-list syntax without strides; normalise to "1-3,5". */
export function systemdCpuList(list: string): string {
  const cpus = parseCpuList(list);
  if (cpus.length === 0) throw new AppError('INVALID_INPUT', `"${list}" is not a CPU list.`);
  return formatCpuList(cpus);
}

export function templateValues(values: UnitValues, extra: Record<string, string> = {}): Record<string, string | number> {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(values.installDir)) throw new AppError('INVALID_INPUT', `Install directory "${values.installDir}" is not an absolute path.`);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(values.containerName)) throw new AppError('INVALID_INPUT', `"${values.containerName}" is not a container name.`);
  const rt = systemdCpuList(values.rtCores);
  const hk = systemdCpuList(values.housekeepingCores);
  return {
    rtCores: rt,
    housekeepingCores: hk,
    rtPriority: values.rtPriority,
    installDir: values.installDir.replace(/\/+$/, ''),
    containerName: values.containerName,
    dockerCli: values.dockerCli,
    profileNote: `RT cores ${rt}, housekeeping cores ${hk}`,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Unified diff (units are tens of lines: a plain LCS table is fast enough and has no dependency)

export function unifiedDiff(before: string | null, after: string, names: { from: string; to: string }, context = 3): string {
  const a = before === null ? [] : splitLines(before);
  const b = splitLines(after);
  if (before !== null && a.length === b.length && a.every((line, i) => line === b[i])) return '';
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const next = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
  }
  type Op = { kind: ' ' | '-' | '+'; text: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', ai: i++, bi: j++ });
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      ops.push({ kind: '+', text: b[j] ?? '', ai: i, bi: j++ });
    } else {
      ops.push({ kind: '-', text: a[i] ?? '', ai: i++, bi: j });
    }
  }
  const out = [`--- ${before === null ? '/dev/null' : names.from}`, `+++ ${names.to}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]?.kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while changes are closer than 2*context lines apart
    for (let x = k; x < ops.length; x++) {
      if (ops[x]?.kind !== ' ') end = x;
      else if (x - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const first = hunk[0];
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    const aStart = first ? (aCount === 0 ? first.ai : first.ai + 1) : 0;
    const bStart = first ? (bCount === 0 ? first.bi : first.bi + 1) : 0;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.text}`);
    k = stop;
  }
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
