/**
 * The kernel "cpu-list" format (`0-1,4,6-7`, `0-7:2/4`): the notation of isolcpus=, nohz_full=, sysfs cpu files
 * and the controller profile's core lists.
 */
export function parseCpuList(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '(null)') return [];
  const cpus = new Set<number>();
  for (const raw of trimmed.split(',')) {
    const item = raw.trim();
    const match = /^(\d+)(?:-(\d+)(?::(\d+)\/(\d+))?)?$/.exec(item);
    if (!match) throw new Error(`"${item}" is not a CPU number or range`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new Error(`"${item}" is a descending range`);
    const used = match[3] === undefined ? 1 : Number(match[3]);
    const group = match[4] === undefined ? 1 : Number(match[4]);
    if (group === 0 || used > group) throw new Error(`"${item}" has an invalid group`);
    for (let cpu = first; cpu <= last; cpu++) {
      if ((cpu - first) % group < used) cpus.add(cpu);
    }
  }
  return [...cpus].sort((a, b) => a - b);
}

/** Compact form: [0,1,2,5] → "0-2,5". */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Hex CPU mask (`00000000,00000003`, `f`) → CPU numbers. */
export function parseCpuMask(text: string): number[] {
  const hex = text.trim().replace(/,/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-f]*$/i.test(hex) || hex === '') throw new Error(`"${text.trim()}" is not a hex CPU mask`);
  const cpus: number[] = [];
  const digits = hex.split('').reverse();
  digits.forEach((digit, index) => {
    const value = parseInt(digit, 16);
    for (let bit = 0; bit < 4; bit++) if (value & (1 << bit)) cpus.push(index * 4 + bit);
  });
  return cpus;
}

/** CPU numbers → hex mask without padding ("3" for CPUs 0 and 1), the form /proc/irq/* accepts. */
export function formatCpuMask(cpus: readonly number[]): string {
  let mask = 0n;
  for (const cpu of cpus) mask |= 1n << BigInt(cpu);
  return mask.toString(16);
}

export function isCpuList(text: string): boolean {
  try {
    return parseCpuList(text).length > 0;
  } catch {
    return false;
  }
}
