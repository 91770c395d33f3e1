import { formatCpuList, parseCpuList } from '../cpu-list';
import type { RtVerification, SchedulingCheck } from '../model/deploy';

/**
 * Is the running RT process really what the unit asked for? Reads the outputs of `chrt -p`, `taskset -pc` and
 * /proc/PID/status (collected in one remote command, separated by marker lines) and compares them with the
 * profile: SCHED_FIFO, priority 80, affinity = RT cores, locked memory close to the resident set.
 */
export const rtMarkers = { chrt: '--- chrt', taskset: '--- taskset', status: '--- status', threads: '--- threads' } as const;

/** Locked memory must cover at least this share of the resident set (mlockall(MCL_CURRENT|MCL_FUTURE) → ~100 %). */
export const memlockRatio = 0.9;

function section(text: string, marker: string): string {
  const start = text.indexOf(`${marker}\n`);
  if (start < 0) return '';
  const rest = text.slice(start + marker.length + 1);
  const next = rest.search(/^--- [a-z]+$/m);
  return (next < 0 ? rest : rest.slice(0, next)).trim();
}

function kib(status: string, key: string): number | null {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) : null;
}

export interface RtExpectations {
  rtCores: string;
  priority: number;
}

export function verifyRtProcess(unit: string, pid: number, output: string, expected: RtExpectations): RtVerification {
  const chrt = section(output, rtMarkers.chrt);
  const taskset = section(output, rtMarkers.taskset);
  const status = section(output, rtMarkers.status);
  const checks: SchedulingCheck[] = [];

  const policy = /scheduling policy:\s*(SCHED_[A-Z_]+)/.exec(chrt)?.[1] ?? 'unknown';
  checks.push({ name: 'policy', expected: 'SCHED_FIFO', observed: policy, pass: policy === 'SCHED_FIFO' });

  const priorityText = /scheduling priority:\s*(\d+)/.exec(chrt)?.[1];
  const priority = priorityText === undefined ? null : Number(priorityText);
  checks.push({ name: 'priority', expected: String(expected.priority), observed: priority === null ? 'unknown' : String(priority), pass: priority === expected.priority });

  const affinityText = /affinity list:\s*([0-9,\- ]+)/.exec(taskset)?.[1]?.trim() ?? /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
  let affinity: string | null;
  try {
    affinity = affinityText ? formatCpuList(parseCpuList(affinityText.replace(/\s+/g, ''))) : null;
  } catch {
    affinity = null;
  }
  const wanted = formatCpuList(parseCpuList(expected.rtCores));
  checks.push({ name: 'affinity', expected: wanted, observed: affinity ?? 'unknown', pass: affinity === wanted });

  const rss = kib(status, 'VmRSS');
  const lck = kib(status, 'VmLck');
  const memPass = rss !== null && lck !== null && rss > 0 && lck >= rss * memlockRatio;
  checks.push({
    name: 'memlock',
    expected: `VmLck ≥ ${Math.round(memlockRatio * 100)} % of VmRSS`,
    observed: rss === null || lck === null ? 'unknown' : `VmLck ${lck} kB, VmRSS ${rss} kB`,
    pass: memPass,
  });

  return { unit, pid, checks, pass: checks.every((c) => c.pass), evidence: output.trim() };
}

export function describeRtFailure(result: RtVerification): string {
  const failed = result.checks.filter((c) => !c.pass);
  return failed.map((c) => `${c.name}: expected ${c.expected}, found ${c.observed}`).join('; ');
}
