/** Parsers for /proc tables: interrupts, ps thread lists, task status files, limits, `systemctl show`. */
import { cpuListOrNull, keyValues, lines, sections } from './parse';

// ---------------------------------------------------------------------------------------------- /proc/interrupts

export interface InterruptRow {
  label: string;
  /** Per column of the header (see InterruptTable.cpus). ERR/MIS carry a single total. */
  counts: number[];
  /** Everything after the counts: chip, hwirq, action names. */
  desc: string;
  /** The action name(s): the last column, e.g. "virtio1-req.0" or "enp1s0-TxRx-0". */
  name: string;
  numeric: boolean;
}

export interface InterruptTable {
  /** CPU numbers of the count columns (offline CPUs are not printed). */
  cpus: number[];
  rows: InterruptRow[];
}

export function parseInterrupts(text: string): InterruptTable | null {
  const all = lines(text);
  const headerIndex = all.findIndex((line) => /^\s*CPU\d+/.test(line));
  if (headerIndex < 0) return null;
  const cpus = [...(all[headerIndex] ?? '').matchAll(/CPU(\d+)/g)].map((m) => Number(m[1]));
  const rows: InterruptRow[] = [];
  for (const line of all.slice(headerIndex + 1)) {
    const head = /^\s*([^\s:]+):/.exec(line);
    if (!head?.[1]) continue;
    let rest = line.slice(head[0].length);
    const counts: number[] = [];
    // The chip column may be glued to the counts, so take at most one count per CPU and keep the rest verbatim.
    while (counts.length < cpus.length) {
      const count = /^\s+(\d+)(?=\s|$)/.exec(rest);
      if (!count?.[1]) break;
      counts.push(Number(count[1]));
      rest = rest.slice(count[0].length);
    }
    const desc = rest.trim();
    const chunks = desc.split(/\s{2,}/);
    rows.push({ label: head[1], counts, desc, name: chunks[chunks.length - 1] ?? '', numeric: /^\d+$/.test(head[1]) });
  }
  return { cpus, rows };
}

/** Count of `label` on `cpu`, or undefined when the CPU or the row is absent. */
export function interruptCount(table: InterruptTable, label: string, cpu: number): number | undefined {
  const column = table.cpus.indexOf(cpu);
  if (column < 0) return undefined;
  return table.rows.find((row) => row.label === label)?.counts[column];
}

export interface InterruptSample {
  /** /proc/uptime seconds at the sample, when recorded. */
  at?: number;
  table: InterruptTable;
}

/** The interrupts-10s probe: `@@@ sample <uptime>` then a /proc/interrupts copy, twice. */
export function parseInterruptSamples(text: string): InterruptSample[] {
  const out: InterruptSample[] = [];
  for (const s of sections(text)) {
    if (s.name !== 'sample') continue;
    const table = parseInterrupts(s.body);
    if (!table) continue;
    const at = Number(s.args);
    out.push(Number.isFinite(at) && s.args !== '' ? { at, table } : { table });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- ps

export interface PsThread {
  pid: number;
  tid: number;
  /** TS, FF, RR, B, IDL, DLN. */
  cls: string;
  rtprio: number | null;
  psr: number;
  stat: string;
  comm: string;
}

/** `ps -eLo pid,tid,cls,rtprio,ni,psr,stat,comm --no-headers`. */
export function parsePsThreads(text: string): PsThread[] {
  const out: PsThread[] = [];
  for (const line of lines(text)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    out.push({
      pid: Number(m[1]),
      tid: Number(m[2]),
      cls: m[3] ?? '',
      rtprio: /^\d+$/.test(m[4] ?? '') ? Number(m[4]) : null,
      psr: Number(m[6]),
      stat: m[7] ?? '',
      comm: (m[8] ?? '').trim(),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- task status

export interface TaskStatus {
  tid: number;
  tgid: number;
  ppid?: number;
  name: string;
  /** Kthread: field (kernels ≥ 6.x); otherwise inferred from the parent. */
  kthread: boolean;
  allowed: number[] | null;
  voluntary?: number;
  nonvoluntary?: number;
}

/** `grep -E '^(Name|…):' /proc/*\/task/*\/status` (one file per thread, path-prefixed). */
export function parseTaskStatus(text: string): TaskStatus[] {
  const byPath = new Map<string, Map<string, string>>();
  for (const line of lines(text)) {
    const m = /^(\/proc\/\d+\/task\/\d+)\/status:([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    let fields = byPath.get(m[1]);
    if (!fields) byPath.set(m[1], (fields = new Map<string, string>()));
    fields.set(m[2], (m[3] ?? '').trim());
  }
  const out: TaskStatus[] = [];
  for (const [path, fields] of byPath) {
    const ids = /^\/proc\/(\d+)\/task\/(\d+)$/.exec(path);
    const tid = Number(fields.get('Pid') ?? ids?.[2]);
    const tgid = Number(fields.get('Tgid') ?? ids?.[1]);
    const ppidText = fields.get('PPid');
    const ppid = ppidText === undefined ? undefined : Number(ppidText);
    const kthreadField = fields.get('Kthread');
    const task: TaskStatus = {
      tid,
      tgid,
      name: fields.get('Name') ?? '',
      kthread: kthreadField !== undefined ? kthreadField === '1' : tgid === 2 || ppid === 2,
      allowed: cpuListOrNull(fields.get('Cpus_allowed_list')),
    };
    if (ppid !== undefined) task.ppid = ppid;
    const vol = fields.get('voluntary_ctxt_switches');
    const nonvol = fields.get('nonvoluntary_ctxt_switches');
    if (vol !== undefined) task.voluntary = Number(vol);
    if (nonvol !== undefined) task.nonvoluntary = Number(nonvol);
    out.push(task);
  }
  return out;
}

/**
 * Kernel threads bound to one CPU by design (kernel-per-CPU-kthreads.rst): they run wherever their CPU is and
 * cannot be moved, so they are expected on RT cores.
 */
export function isPerCpuKthreadName(name: string): boolean {
  return /^(cpuhp|migration|ksoftirqd|ktimers|rcuc|idle_inject|irq_work|watchdog|posixcputmr|rcu_exp_par_gp_kthread_worker|kworker)\/\d+(:\d+H?(-.*)?)?$/.test(
    name,
  );
}

// ---------------------------------------------------------------------------------------------- /proc/PID files

/** /proc/PID/status → field → value (first token kept verbatim with its unit, e.g. "123 kB"). */
export function parseStatusFile(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines(text)) {
    const m = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (m?.[1]) map.set(m[1], (m[2] ?? '').trim());
  }
  return map;
}

export function kib(value: string | undefined): number | undefined {
  const m = /^(\d+)\s*kB$/.exec(value ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Capability bit set in a CapEff hex word. */
export function hasCapability(capEff: string | undefined, bit: number): boolean {
  if (!capEff || !/^[0-9a-f]+$/i.test(capEff)) return false;
  return ((BigInt(`0x${capEff}`) >> BigInt(bit)) & 1n) === 1n;
}
export const CAP_IPC_LOCK = 14;
export const CAP_SYS_NICE = 23;

export interface Limit {
  soft: string;
  hard: string;
}

/** /proc/PID/limits: columns are fixed-width, names contain spaces. */
export function parseLimits(text: string): Map<string, Limit> {
  const map = new Map<string, Limit>();
  for (const line of lines(text)) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m?.[1] && m[2] && m[3]) map.set(m[1], { soft: m[2], hard: m[3] });
  }
  return map;
}

// ---------------------------------------------------------------------------------------------- process probe

export interface ProcThread {
  tid: number;
  cls: string;
  rtprio: number | null;
  psr: number;
  minFlt: number;
  majFlt: number;
  comm: string;
}

export interface ProcessEvidence {
  pid: number | null;
  /** 'systemd' or 'pgrep': how the PID was found. */
  source: string;
  status: Map<string, string>;
  limits: Map<string, Limit>;
  threads: ProcThread[];
  tasks: TaskStatus[];
}

/** `ps -L -o tid=,cls=,rtprio=,psr=,min_flt=,maj_flt=,comm= -p PID`. */
export function parseProcThreads(text: string): ProcThread[] {
  const out: ProcThread[] = [];
  for (const line of lines(text)) {
    const m = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    out.push({
      tid: Number(m[1]),
      cls: m[2] ?? '',
      rtprio: /^\d+$/.test(m[3] ?? '') ? Number(m[3]) : null,
      psr: Number(m[4]),
      minFlt: Number(m[5]),
      majFlt: Number(m[6]),
      comm: (m[7] ?? '').trim(),
    });
  }
  return out;
}

/** Output of the rt-process / ipc-process probes. */
export function parseProcessProbe(text: string): ProcessEvidence {
  const head = keyValues(lines(text).slice(0, 3).join('\n'));
  const pidText = head.get('pid') ?? '';
  const parts = sections(text);
  const body = (name: string): string => parts.find((s) => s.name === name)?.body ?? '';
  return {
    pid: /^\d+$/.test(pidText) ? Number(pidText) : null,
    source: head.get('source') ?? '',
    status: parseStatusFile(body('status')),
    limits: parseLimits(body('limits')),
    threads: parseProcThreads(body('threads')),
    tasks: parseTaskStatus(body('tasks')),
  };
}

export interface FaultSample {
  at?: number;
  tasks: TaskStatus[];
  faults: ProcThread[];
}

/** rt-process-10s: `@@@ sample <uptime>` (task status lines) + `@@@ faults` (ps), twice. */
export function parseProcessSamples(text: string): { pid: number | null; samples: FaultSample[] } {
  const head = keyValues(lines(text).slice(0, 3).join('\n'));
  const pidText = head.get('pid') ?? '';
  const samples: FaultSample[] = [];
  for (const s of sections(text)) {
    if (s.name === 'sample') {
      const at = Number(s.args);
      const sample: FaultSample = { tasks: parseTaskStatus(s.body), faults: [] };
      if (s.args !== '' && Number.isFinite(at)) sample.at = at;
      samples.push(sample);
    } else if (s.name === 'faults') {
      const last = samples[samples.length - 1];
      if (last) last.faults = parseFaultLines(s.body);
    }
  }
  return { pid: /^\d+$/.test(pidText) ? Number(pidText) : null, samples };
}

/** `ps -L -o tid=,cls=,min_flt=,maj_flt=`. */
function parseFaultLines(text: string): ProcThread[] {
  const out: ProcThread[] = [];
  for (const line of lines(text)) {
    const m = /^\s*(\d+)\s+(\S+)\s+(\d+)\s+(\d+)/.exec(line);
    if (!m) continue;
    out.push({ tid: Number(m[1]), cls: m[2] ?? '', rtprio: null, psr: -1, minFlt: Number(m[3]), majFlt: Number(m[4]), comm: '' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- systemctl show

/** `systemctl show -p … unit…`: blocks separated by blank lines, keyed by Id=. */
export function parseSystemctlShow(text: string): Map<string, Map<string, string>> {
  const units = new Map<string, Map<string, string>>();
  for (const block of text.split(/\n\s*\n/)) {
    const props = keyValues(block);
    const id = props.get('Id');
    if (id) units.set(id, props);
  }
  return units;
}

export function unitFileName(unit: string): string {
  return /\.(service|socket|scope|slice|target|timer)$/.test(unit) ? unit : `${unit}.service`;
}

/** Loaded and known to systemd (LoadState=loaded). */
export function unitLoaded(props: Map<string, string> | undefined): boolean {
  return props?.get('LoadState') === 'loaded';
}

/** systemd CPUAffinity= value ("0-1", "0-2 5", "") → CPUs; empty = not set. */
export function systemdCpuSet(value: string | undefined): number[] | null {
  if (value === undefined || value.trim() === '') return null;
  return cpuListOrNull(value.trim().split(/\s+/).join(','));
}
