/** Loads check evidence fixtures and evaluates single checks against them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { catalogue } from '../../../src/shared/checks/catalogue';
import { evaluateCheck } from '../../../src/shared/checks/evaluate';
import type { CheckProfileInput, CheckResult, ProbeOutput, ProbeStatus } from '../../../src/shared/checks/model';
import { checkProfileSchema, resolveProfile } from '../../../src/shared/checks/model';

export type Evidence = Map<string, ProbeOutput>;

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/checks/${name}`, import.meta.url));
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

function output(stdout: string, extra: Partial<ProbeOutput> = {}): ProbeOutput {
  return { command: '(fixture)', stdout, stderr: '', exitCode: 0, status: 'ok', ...extra };
}

/**
 * `.evidence` files: `>>> <probe-id> [rc=N] [status=S]` followed by stdout, `>>> <probe-id> stderr` followed by
 * stderr. (Probe outputs use `@@@` markers themselves, hence another marker.)
 */
export function loadEvidence(name: string): Evidence {
  const map: Evidence = new Map();
  let current: { id: string; stream: 'stdout' | 'stderr'; lines: string[] } | null = null;
  const flush = (): void => {
    if (!current) return;
    const text = current.lines.length > 0 ? `${current.lines.join('\n')}\n` : '';
    const entry = map.get(current.id);
    if (entry) entry[current.stream] = text;
    current = null;
  };
  for (const line of readFixture(name).split('\n')) {
    const marker = /^>>> (\S+)(.*)$/.exec(line);
    if (marker?.[1]) {
      flush();
      const id = marker[1];
      const attrs = marker[2] ?? '';
      if (attrs.trim() === 'stderr') {
        current = { id, stream: 'stderr', lines: [] };
        continue;
      }
      const rc = /rc=(\d+)/.exec(attrs)?.[1];
      const status = (/status=([\w-]+)/.exec(attrs)?.[1] ?? 'ok') as ProbeStatus;
      map.set(id, output('', { exitCode: rc === undefined ? 0 : Number(rc), status }));
      current = { id, stream: 'stdout', lines: [] };
    } else if (current) {
      current.lines.push(line);
    }
  }
  flush();
  // Trailing newline of the file ends the last section with one empty line too many.
  return map;
}

/**
 * The shared fixture `collect-output-debian12-vm-nonrt.txt` (the older one-script format, stderr merged into
 * stdout) mapped onto probe ids.
 */
export function loadCollectOutput(name: string): Evidence {
  const sections = new Map<string, string>();
  const parts = readFixture(name).split(/\n@@@ /);
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    const id = newline < 0 ? part : part.slice(0, newline);
    let body = newline < 0 ? '' : part.slice(newline + 1);
    // Each section is followed by the empty separator line of the next marker.
    body = body.replace(/\n$/, '');
    sections.set(id, body === '' ? '' : `${body}\n`);
  }
  const map: Evidence = new Map();
  const plain = ['sys-kernel-realtime', 'proc-cmdline', 'boot-config', 'cpu-online', 'cpu-isolated', 'cpu-nohz_full', 'smt', 'siblings', 'hybrid', 'cpufreq', 'pstate', 'cpuidle-driver', 'cpuidle-states', 'pm-qos', 'idle-params', 'sysctl', 'irq-default', 'irq-affinity', 'irqbalance', 'workqueue', 'threads', 'pid1-affinity', 'swap', 'thp', 'clocksource', 'cpuflags', 'vulns', 'dmi', 'aspm', 'cgroupfs', 'docker-bin', 'units', 'system-conf', 'journald-conf', 'timesync', 'mxrc-dir', 'limits-conf', 'health'];
  for (const id of plain) {
    const body = sections.get(id);
    if (body !== undefined) map.set(id, output(body));
  }
  map.set('uname', output(`${sections.get('uname-r') ?? ''}${sections.get('uname-v') ?? ''}`));
  map.set('interrupts', output(sections.get('interrupts-1') ?? ''));
  map.set('interrupts-10s', output(`@@@ sample\n${sections.get('interrupts-1') ?? ''}@@@ sample\n${sections.get('interrupts-2') ?? ''}`));
  return map;
}

export type Override = string | Partial<ProbeOutput>;

/** A copy of the evidence with some probes replaced (a string replaces stdout, an object merges). */
export function withProbes(base: Evidence, overrides: Record<string, Override>): Evidence {
  const copy: Evidence = new Map(base);
  for (const [id, value] of Object.entries(overrides)) {
    const previous = copy.get(id) ?? output('');
    copy.set(id, typeof value === 'string' ? { ...previous, stdout: value, stderr: '', exitCode: 0, status: 'ok' } : { ...previous, ...value });
  }
  return copy;
}

export function evaluate(id: string, evidence: Evidence, profile: CheckProfileInput = {}): CheckResult {
  const def = catalogue.find((c) => c.id === id);
  if (!def) throw new Error(`no check ${id}`);
  return evaluateCheck(def, evidence, resolveProfile(checkProfileSchema.parse(profile)));
}

export const tunedProfile: CheckProfileInput = { ecatIf: 'enp3s0' };
export const tuned = (): Evidence => loadEvidence('ubuntu2404-rt-tuned.evidence');
export const untuned = (): Evidence => loadEvidence('ubuntu2404-generic-untuned.evidence');
export const debianVm = (): Evidence => loadCollectOutput('collect-output-debian12-vm-nonrt.txt');

/** One verdict expectation for the table-driven evaluator tests. */
export interface Case {
  id: string;
  name: string;
  evidence: () => Evidence;
  profile?: CheckProfileInput;
  verdict: CheckResult['verdict'];
  skipReason?: CheckResult['skipReason'];
  /** The summary must name these observed values. */
  summary?: RegExp;
}

/** A copy of the evidence with one probe's stdout rewritten. */
export function edit(base: Evidence, id: string, change: (stdout: string) => string): Evidence {
  const previous = base.get(id);
  if (!previous) throw new Error(`fixture has no probe ${id}`);
  return withProbes(base, { [id]: { stdout: change(previous.stdout) } });
}

/** Replaces the last occurrence of `search`. */
export function replaceLast(text: string, search: string, replacement: string): string {
  const index = text.lastIndexOf(search);
  if (index < 0) throw new Error(`"${search}" not found`);
  return text.slice(0, index) + replacement + text.slice(index + search.length);
}

/** thread-status lines of one task (what `grep -E '^(Name|…):' /proc/*\/task/*\/status` prints). */
export function taskStatus(pid: number, tid: number, name: string, allowed: string, opts: { ppid?: number; kthread?: boolean } = {}): string {
  const p = `/proc/${pid}/task/${tid}/status`;
  return `${p}:Name:\t${name}\n${p}:Tgid:\t${pid}\n${p}:Pid:\t${tid}\n${p}:PPid:\t${opts.ppid ?? 1}\n${p}:Kthread:\t${opts.kthread ? 1 : 0}\n${p}:Cpus_allowed_list:\t${allowed}\n`;
}

/** One `ps -eLo pid,tid,cls,rtprio,ni,psr,stat,comm` row. */
export function psRow(pid: number, tid: number, cls: string, rtprio: number | null, psr: number, comm: string): string {
  return `${String(pid).padStart(5)} ${String(tid).padStart(5)}  ${cls.padEnd(2)} ${String(rtprio ?? '-').padStart(6)} ${(cls === 'TS' ? '0' : '-').padStart(3)} ${String(psr).padStart(3)} S    ${comm}\n`;
}
