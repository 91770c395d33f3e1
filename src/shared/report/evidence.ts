/**
 * Facts read back from a stored check run's evidence (the raw probe outputs): kernel command line, sysctls,
 * systemd units, DMI and CPU model. The checks keep what every probe printed, so a report or a drift audit needs
 * no second connection and works on runs evaluated from an offline bundle too.
 */
import type { CheckResult, Evidence } from '../checks/model';
import { grepH, parseCmdline, sysctls } from '../checks/parse';
import { parseSystemctlShow } from '../checks/parse-proc';
import * as P from '../checks/probes';
import type { Probe } from '../checks/model';
import type { CheckRunRecord } from '../model/checks';
import type { ControllerIdentity } from '../model/report';
import { emptyIdentity } from '../model/report';

/** The runner wraps a probe in taskset/sudo/sh -c with shell quoting; compare without the quoting. */
const unquoted = (text: string): string => text.replace(/['"\\]/g, '');

export function probeEvidence(checks: readonly CheckResult[], probe: Probe): Evidence | null {
  const wanted = unquoted(probe.command);
  for (const check of checks) {
    for (const evidence of check.evidence) {
      if (evidence.exitCode === null) continue;
      if (unquoted(evidence.command).includes(wanted)) return evidence;
    }
  }
  return null;
}

/** Kernel parameters in order, `name=value` or a bare flag; null when the run has no /proc/cmdline. */
export function cmdlineParams(checks: readonly CheckResult[]): Map<string, string> | null {
  const evidence = probeEvidence(checks, P.procCmdline);
  if (!evidence || evidence.stdout.trim() === '') return null;
  const out = new Map<string, string>();
  for (const [key, value] of parseCmdline(evidence.stdout).params) out.set(key, value === true ? '' : value);
  return out;
}

export function sysctlValues(checks: readonly CheckResult[]): Map<string, string> | null {
  const evidence = probeEvidence(checks, P.sysctl);
  if (!evidence) return null;
  const out = new Map<string, string>();
  for (const [key, value] of sysctls(`${evidence.stdout}\n${evidence.stderr}`)) out.set(key, value ?? '(unreadable)');
  return out.size > 0 ? out : null;
}

/** Loaded units with the properties that matter for the RT layout, as one readable line each. */
export function unitLines(checks: readonly CheckResult[]): Map<string, string> | null {
  const evidence = probeEvidence(checks, P.units);
  if (!evidence || evidence.stdout.trim() === '') return null;
  const out = new Map<string, string>();
  for (const [unit, props] of parseSystemctlShow(evidence.stdout)) {
    if (props.get('LoadState') !== 'loaded') continue;
    const parts = [`ActiveState=${props.get('ActiveState') ?? '?'}`];
    for (const key of ['CPUAffinity', 'CPUSchedulingPolicy', 'CPUSchedulingPriority', 'LimitMEMLOCK']) {
      const value = props.get(key);
      if (value) parts.push(`${key}=${value}`);
    }
    out.set(unit, parts.join(' '));
  }
  return out;
}

/** Identity facts a check run holds: hostname and kernel (run facts), DMI and CPU model (B02's probe). */
export function identityFromChecks(record: CheckRunRecord | null): ControllerIdentity {
  if (!record) return { ...emptyIdentity };
  const dmi = probeEvidence(record.checks, P.dmi);
  const map = dmi ? grepH(dmi.stdout) : new Map<string, string>();
  const get = (name: string): string | null => map.get(`/sys/class/dmi/id/${name}`)?.trim() || null;
  const cpu = map.get('/proc/cpuinfo')?.replace(/^model name\s*:\s*/, '').trim() || null;
  return {
    ...emptyIdentity,
    hostname: record.facts.hostname ?? null,
    kernel: record.facts.kernelRelease ?? null,
    dmiVendor: get('sys_vendor'),
    dmiProduct: get('product_name'),
    cpuModel: cpu,
    source: 'checks',
    collectedAt: record.startedAt,
  };
}

/** The probe's identity wins; the check run fills what the probe could not read. */
export function mergeIdentity(probe: ControllerIdentity | null, fromChecks: ControllerIdentity): ControllerIdentity {
  if (!probe) return fromChecks;
  const merged: ControllerIdentity = { ...probe };
  for (const key of ['hostname', 'machineId', 'dmiVendor', 'dmiProduct', 'dmiSerial', 'cpuModel', 'kernel', 'os', 'hostKeyFingerprint'] as const) {
    merged[key] = probe[key] ?? fromChecks[key];
  }
  return merged;
}
