import { isCpuList } from './cpu-list';

/**
 * Remote commands are built from fixed templates; every value that comes from a person or a file is quoted as
 * ONE literal shell word. Use `sh` for templates, never string concatenation.
 */
const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one value as a single POSIX shell word. */
export function quote(value: string | number): string {
  const text = String(value);
  if (text !== '' && safeWord.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Template tag: `sh\`journalctl -u ${unit}\`` quotes each interpolation; arrays become several words. */
export function sh(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number | ReadonlyArray<string | number>>): string {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += Array.isArray(value) ? value.map((v) => quote(v as string | number)).join(' ') : quote(value as string | number);
    out += strings[index + 1] ?? '';
  });
  return out;
}

/**
 * Run a command on the housekeeping cores at low priority: the tool must never disturb the RT cores.
 * `cores` must be a validated cpu list (digits, commas, dashes).
 */
export function onHousekeeping(command: string, cores: string): string {
  // The characters alone are not enough: "-" or "--" would become taskset's options.
  if (!/^[0-9,-]+$/.test(cores) || !isCpuList(cores)) throw new Error(`invalid housekeeping core list "${cores}"`);
  return `taskset -c ${cores} nice -n 10 sh -c ${quote(command)}`;
}

/** Run as root without ever prompting: sudo fails at once when a password would be needed. */
export function withSudo(command: string): string {
  return `sudo -n sh -c ${quote(command)}`;
}

/** Did this stderr come from `sudo -n` refusing to run without a password? */
export function isSudoRefusal(stderr: string): boolean {
  return /sudo: (a password is required|a terminal is required|.*is not in the sudoers file|.*not allowed to execute|sorry, you must have a tty)/i.test(stderr)
    || /sudo: command not found|sudo: not found/i.test(stderr);
}
