/**
 * Text helpers shared by the evaluators. Every parser tolerates the failure lines seen on real hosts
 * ("No such file or directory", "System has not been booted with systemd", "chronyc: not found") mixed into
 * the output, because collect-style captures merge stderr into stdout.
 */
import { formatCpuList, parseCpuList, parseCpuMask } from '../cpu-list';

export function lines(text: string): string[] {
  return text.split('\n').map((line) => line.replace(/\r$/, ''));
}

const errorPattern =
  /No such file or directory|Permission denied|Operation not permitted|cannot (stat|statx|access|open)|: (command )?not found|Input\/output error|Invalid argument|No such device|not supported|System has not been booted with systemd|Failed to connect to bus|Can't operate|Failed to get unit file state/i;

export function isErrorLine(line: string): boolean {
  return errorPattern.test(line);
}

/** Non-empty lines that are not error messages. */
export function valueLines(text: string): string[] {
  return lines(text).filter((line) => line.trim() !== '' && !isErrorLine(line));
}

export function mentionsMissingFile(text: string): boolean {
  return /No such file or directory/.test(text);
}

/** "chronyc: not found" (dash), "chronyc: command not found" (bash). */
export function toolMissing(text: string, tool: string): boolean {
  const escaped = tool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s:/])${escaped}: (command )?not found`, 'm').test(text);
}

/** systemctl and friends cannot work: no systemd as PID 1, or no D-Bus. */
export function systemdUnavailable(text: string): boolean {
  return /System has not been booted with systemd|Failed to connect to bus|systemd is not running/.test(text);
}

/** `grep -H . files…` output → path → value (error lines from grep are skipped). */
export function grepH(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines(text)) {
    const match = /^(\/[^:]+):(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) map.set(match[1], match[2]);
  }
  return map;
}

/** The last path component group, e.g. cpu number of /sys/devices/system/cpu/cpu3/…. */
export function cpuOfPath(path: string): number | undefined {
  const match = /\/cpu(\d+)\//.exec(path);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** `key=value` lines (systemd show, timedatectl show, meta files). Later keys win. */
export function keyValues(text: string, separator = '='): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines(text)) {
    const index = line.indexOf(separator);
    if (index <= 0) continue;
    map.set(line.slice(0, index).trim(), line.slice(index + separator.length).trim());
  }
  return map;
}

/** `kernel.x = value` lines; a missing key reads as undefined (its line carries the error text). */
export function sysctls(text: string): Map<string, string | undefined> {
  const map = new Map<string, string | undefined>();
  for (const line of lines(text)) {
    const match = /^([a-z][\w.]*) = ?(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const value = match[2] ?? '';
    map.set(match[1], isErrorLine(value) ? undefined : value.trim());
  }
  return map;
}

export function sysctlNumber(map: Map<string, string | undefined>, key: string): number | undefined {
  const value = map.get(key);
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

export interface Section {
  name: string;
  args: string;
  body: string;
}

/** Splits output at `@@@ name [args]` marker lines (the convention of the probes and of collect.sh). */
export function sections(text: string): Section[] {
  const result: Section[] = [];
  let current: { name: string; args: string; body: string[] } | null = null;
  for (const line of lines(text)) {
    const marker = /^@@@ (\S+)(?: (.*))?$/.exec(line);
    if (marker?.[1]) {
      if (current) result.push({ name: current.name, args: current.args, body: current.body.join('\n') });
      current = { name: marker[1], args: marker[2] ?? '', body: [] };
    } else if (current) {
      current.body.push(line);
    }
  }
  if (current) result.push({ name: current.name, args: current.args, body: current.body.join('\n') });
  return result;
}

export function section(text: string, name: string): string | undefined {
  return sections(text).find((s) => s.name === name)?.body;
}

// ---------------------------------------------------------------------------------------------- kernel cmdline

export interface Cmdline {
  /** Parameter → value of its last occurrence (true for a bare flag). */
  params: Map<string, string | true>;
  raw: string;
}

/** Tokenises /proc/cmdline like the kernel: quotes group, the last occurrence wins, `--` ends the kernel part. */
export function parseCmdline(text: string): Cmdline {
  const raw = (lines(text)[0] ?? '').trim();
  const params = new Map<string, string | true>();
  const tokens = raw.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  for (const token of tokens) {
    if (token === '--') break;
    const unquoted = token.replace(/"/g, '');
    const index = unquoted.indexOf('=');
    if (index < 0) params.set(unquoted, true);
    else params.set(unquoted.slice(0, index), unquoted.slice(index + 1));
  }
  return { params, raw };
}

export function cmdlineValue(cmdline: Cmdline, name: string): string | undefined {
  const value = cmdline.params.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function cmdlineHas(cmdline: Cmdline, name: string): boolean {
  return cmdline.params.has(name);
}

/** A kernel cpu-list that may use `all` or `N` (last CPU); null when unparsable. */
export function kernelCpuList(text: string, cpuCount?: number): number[] | null {
  const trimmed = text.trim();
  const last = cpuCount === undefined ? undefined : cpuCount - 1;
  if (trimmed === 'all') return last === undefined ? null : range(0, last);
  const replaced = last === undefined ? trimmed : trimmed.replace(/(^|[,-])N(?=$|[,:-])/g, `$1${last}`);
  try {
    return parseCpuList(replaced);
  } catch {
    return null;
  }
}

export function cpuListOrNull(text: string | undefined): number[] | null {
  if (text === undefined || isErrorLine(text)) return null;
  try {
    return parseCpuList(text);
  } catch {
    return null;
  }
}

export function cpuMaskOrNull(text: string | undefined): number[] | null {
  if (text === undefined) return null;
  try {
    return parseCpuMask(text);
  } catch {
    return null;
  }
}

/** isolcpus= value: `[flag,…,]cpulist`; flags default to `domain`. */
export function parseIsolcpus(value: string, cpuCount?: number): { flags: string[]; cpus: number[] | null; list: string } {
  const parts = value.split(',');
  const flags: string[] = [];
  while (parts.length > 0 && /^[a-z_]+$/.test(parts[0] ?? '') && parts[0] !== 'all') flags.push(parts.shift() ?? '');
  const list = parts.join(',');
  return { flags: flags.length === 0 ? ['domain'] : flags, cpus: kernelCpuList(list, cpuCount), list };
}

// ---------------------------------------------------------------------------------------------- sets

export function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let cpu = first; cpu <= last; cpu++) out.push(cpu);
  return out;
}

export function intersect(a: readonly number[], b: readonly number[]): number[] {
  const set = new Set(b);
  return a.filter((x) => set.has(x));
}

export function minus(a: readonly number[], b: readonly number[]): number[] {
  const set = new Set(b);
  return a.filter((x) => !set.has(x));
}

export function isSubset(a: readonly number[], b: readonly number[]): boolean {
  return minus(a, b).length === 0;
}

export function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return isSubset(a, b) && isSubset(b, a);
}

/** "2-3", or "none" for the empty set (summaries must say something readable). */
export function cpus(list: readonly number[]): string {
  return list.length === 0 ? 'none' : formatCpuList(list);
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** At most `max` items, then "+N more". */
export function listSome(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} +${items.length - max} more`;
}

export function firstLine(text: string): string {
  return (lines(text).find((line) => line.trim() !== '') ?? '').trim();
}
