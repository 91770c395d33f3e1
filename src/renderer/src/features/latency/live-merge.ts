import type { LatencySample } from '../../../../shared/latency';
import type { LatencyCpuLive } from '../../../../shared/model/latency';

/** A maximum on screen never goes down (ux.md; machinekit #72), whatever order updates arrive in. */
export function mergeCpus(previous: readonly LatencyCpuLive[], next: readonly LatencyCpuLive[]): LatencyCpuLive[] {
  return next.map((cpu) => {
    const before = previous.find((p) => p.thread === cpu.thread);
    return before ? { ...cpu, max: Math.max(cpu.max, before.max) } : cpu;
  });
}

/** Appends samples newer than the last one held, keeping the running maximum monotonic. */
export function mergeSamples(series: readonly LatencySample[], added: readonly LatencySample[]): LatencySample[] {
  const out = [...series];
  for (const sample of added) {
    const last = out.at(-1);
    if (last && sample.t <= last.t) continue;
    out.push(last ? { ...sample, max: sample.max.map((value, i) => Math.max(value, last.max[i] ?? 0)) } : sample);
  }
  return out;
}
