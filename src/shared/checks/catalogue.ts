/** The registry of host checks (rt-checklist.md §2–§8; the L* latency runs live elsewhere). */
import { cpuChecks } from './cpu-checks';
import type { CheckDefinition } from './definition';
import { dockerChecks } from './docker-checks';
import { interruptChecks } from './interrupt-checks';
import { kernelChecks } from './kernel-checks';
import { memoryChecks } from './memory-checks';
import type { Probe } from './model';
import { platformChecks } from './platform-checks';
import * as P from './probes';
import { schedulerChecks } from './scheduler-checks';
import { timeChecks } from './time-checks';

export const catalogue: readonly CheckDefinition[] = [
  ...kernelChecks,
  ...cpuChecks,
  ...schedulerChecks,
  ...interruptChecks,
  ...memoryChecks,
  ...timeChecks,
  ...platformChecks,
  ...dockerChecks,
];

/** Probes every run collects for the controller facts, whatever checks were asked for. */
export const factProbes: readonly Probe[] = [P.uname, P.hostname];

assertConsistent(catalogue);

function assertConsistent(checks: readonly CheckDefinition[]): void {
  const ids = new Set<string>();
  for (const check of checks) {
    for (const id of [check.id, ...(check.aliases ?? [])]) {
      if (ids.has(id)) throw new Error(`duplicate check id ${id}`);
      ids.add(id);
    }
  }
  const probes = new Map<string, Probe>();
  for (const probe of allProbes(checks)) {
    const known = probes.get(probe.id);
    if (known && known !== probe) throw new Error(`two different probes named ${probe.id}`);
    probes.set(probe.id, probe);
  }
}

/** Every probe the given checks need, each once, in catalogue order. */
export function allProbes(checks: readonly CheckDefinition[] = catalogue): Probe[] {
  const seen = new Map<string, Probe>();
  for (const probe of factProbes) seen.set(probe.id, probe);
  for (const check of checks) {
    for (const probe of [...check.probes, ...(check.optionalProbes ?? [])]) if (!seen.has(probe.id)) seen.set(probe.id, probe);
  }
  return [...seen.values()];
}

/** Checks by id or alias ("I01" → K06), in catalogue order; unknown ids throw with the list of known ones. */
export function selectChecks(ids?: readonly string[]): CheckDefinition[] {
  if (!ids || ids.length === 0) return [...catalogue];
  const wanted = new Set(ids.map((id) => id.trim().toUpperCase()));
  const unknown = [...wanted].filter((id) => !catalogue.some((c) => c.id === id || c.aliases?.includes(id)));
  if (unknown.length > 0) throw new Error(`unknown check id ${unknown.join(', ')} (known: ${catalogue.map((c) => c.id).join(' ')})`);
  return catalogue.filter((c) => wanted.has(c.id) || c.aliases?.some((a) => wanted.has(a)));
}

/** A short fingerprint of the probe commands: bundles record it so drift between app and collect.sh shows. */
export function catalogueVersion(probes: readonly Probe[] = allProbes()): string {
  let hash = 0x811c9dc5;
  const text = probes.map((p) => `${p.id}\u0000${p.root ? 1 : 0}\u0000${p.command}`).join('\u0001');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
