/** Parsed views of the shared probes, used by several checks. */
import type { EvidenceView } from './definition';
import type { ResolvedProfile } from './model';
import type { Cmdline } from './parse';
import { cpuListOrNull, grepH, isErrorLine, lines, parseCmdline, sysctls, valueLines } from './parse';
import type { ProcessEvidence } from './parse-proc';
import { parseProcessProbe, parseSystemctlShow, unitFileName } from './parse-proc';
import * as P from './probes';

export function cmdlineOf(ev: EvidenceView): Cmdline {
  return parseCmdline(ev.stdout(P.procCmdline));
}

/** Online CPUs (first line of cpu-online), or null when unreadable. */
export function onlineCpus(ev: EvidenceView): number[] | null {
  return cpuListOrNull(valueLines(ev.text(P.cpuOnline))[0]);
}

export function presentCpus(ev: EvidenceView): number[] | null {
  return cpuListOrNull(valueLines(ev.text(P.cpuOnline))[1]);
}

export function cpuCount(ev: EvidenceView): number | undefined {
  const online = onlineCpus(ev);
  const present = presentCpus(ev);
  const all = [...(online ?? []), ...(present ?? [])];
  return all.length === 0 ? undefined : Math.max(...all) + 1;
}

export function sysctlsOf(ev: EvidenceView): Map<string, string | undefined> {
  return sysctls(ev.text(P.sysctl));
}

/**
 * A sysfs cpu-list file read with cat: the set, `[]` for an empty file, or null when the file is missing.
 * (An empty `isolated` file prints one empty line.)
 */
export function sysfsCpuList(ev: EvidenceView, probe: typeof P.cpuIsolated): number[] | null {
  const output = ev.usable(probe);
  if (!output) return null;
  const all = `${output.stdout}\n${output.stderr}`;
  if (lines(all).some((line) => isErrorLine(line))) return null;
  return cpuListOrNull(lines(output.stdout)[0] ?? '');
}

export function unitsOf(ev: EvidenceView): Map<string, Map<string, string>> {
  return parseSystemctlShow(ev.stdout(P.units));
}

export function unitProps(ev: EvidenceView, unit: string): Map<string, string> | undefined {
  return unitsOf(ev).get(unitFileName(unit));
}

export function rtProcessOf(ev: EvidenceView): ProcessEvidence {
  return parseProcessProbe(ev.stdout(P.rtProcess));
}

export function ipcProcessOf(ev: EvidenceView): ProcessEvidence {
  return parseProcessProbe(ev.stdout(P.ipcProcess));
}

/** "mxrc-rt.service (ActiveState=inactive)" — for summaries when the process is not running. */
export function unitState(ev: EvidenceView, unit: string): string {
  const props = unitProps(ev, unit);
  const name = unitFileName(unit);
  if (!props) return `${name} not found`;
  if (props.get('LoadState') !== 'loaded') return `${name} LoadState=${props.get('LoadState') ?? '?'}`;
  return `${name} ActiveState=${props.get('ActiveState') ?? '?'}`;
}

/** cpufreq grep -H lines → cpu → file → value. */
export function cpufreqOf(ev: EvidenceView): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const [path, value] of grepH(ev.stdout(P.cpufreq))) {
    const m = /\/cpu(\d+)\/cpufreq\/(\w+)$/.exec(path);
    if (!m?.[1] || !m[2]) continue;
    const cpu = Number(m[1]);
    let files = out.get(cpu);
    if (!files) out.set(cpu, (files = new Map<string, string>()));
    files.set(m[2], value.trim());
  }
  return out;
}

/** pm_qos_resume_latency_us per CPU: a number, or 'n/a' (no latency tolerated). */
export function pmQosOf(ev: EvidenceView): Map<number, number | 'n/a'> {
  const out = new Map<number, number | 'n/a'>();
  for (const [path, value] of grepH(ev.stdout(P.pmQos))) {
    const m = /\/cpu(\d+)\/power\//.exec(path);
    if (!m?.[1]) continue;
    const v = value.trim();
    if (v === 'n/a') out.set(Number(m[1]), 'n/a');
    else if (/^\d+$/.test(v)) out.set(Number(m[1]), Number(v));
  }
  return out;
}

/** The RT CPUs whose resume-latency limit keeps out states slower than `maxUs` (0 = no constraint). */
export function pmQosProtected(ev: EvidenceView, profile: ResolvedProfile, maxUs: number): { ok: boolean; values: string } {
  const qos = pmQosOf(ev);
  const parts: string[] = [];
  let ok = profile.rt.length > 0;
  for (const cpu of profile.rt) {
    const value = qos.get(cpu);
    parts.push(`cpu${cpu}=${value ?? '?'}`);
    if (!(value === 'n/a' || (typeof value === 'number' && value > 0 && value <= maxUs))) ok = false;
  }
  return { ok, values: parts.join(' ') };
}
