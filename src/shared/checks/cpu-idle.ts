/** Idle-state analysis shared by K07 (command-line limits) and C06 (states really enabled on RT CPUs). */
import type { EvidenceView } from './definition';
import type { ResolvedProfile } from './model';
import { lines, isErrorLine, listSome } from './parse';
import { pmQosOf } from './facts';
import * as P from './probes';
import { tmpfilesWrite } from './remedies';

export interface IdleState {
  cpu: number;
  dir: string;
  name: string;
  latencyUs: number;
  disabled: boolean;
}

/** `<statedir>|name|latency|disable|usage` lines of the cpuidle-states probe. */
export function parseIdleStates(text: string): IdleState[] {
  const out: IdleState[] = [];
  for (const line of lines(text)) {
    const m = /^(\/sys\/devices\/system\/cpu\/cpu(\d+)\/cpuidle\/state\d+)\|([^|]*)\|(\d+)\|(\d+)\|/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    out.push({ dir: m[1], cpu: Number(m[2]), name: m[3] ?? '', latencyUs: Number(m[4]), disabled: m[5] !== '0' });
  }
  return out;
}

/** current_driver, or null when cpuidle is not exposed at all. */
export function idleDriver(ev: EvidenceView): string | null {
  const first = lines(ev.text(P.cpuidleDriver)).find((line) => line.trim() !== '');
  if (first === undefined || isErrorLine(first)) return null;
  return first.trim();
}

export interface CstateAssessment {
  verdict: 'pass' | 'warn' | 'fail';
  summary: string;
  /** Enabled states on RT CPUs slower than the pass limit (candidates to disable). */
  slow: IdleState[];
}

/** C06 criteria, with per-CPU PM QoS limits applied (a state slower than the limit is never entered). */
export function assessCstates(ev: EvidenceView, profile: ResolvedProfile): CstateAssessment {
  const { cstatePassUs, cstateFailUs } = profile.thresholds;
  const driver = idleDriver(ev);
  if (driver === null || driver === 'none') {
    return { verdict: 'pass', summary: `cpuidle driver ${driver ?? 'absent'}: no idle states to enter`, slow: [] };
  }
  const qos = pmQosOf(ev);
  const states = parseIdleStates(ev.stdout(P.cpuidleStates)).filter((s) => profile.rt.includes(s.cpu) && !s.disabled);
  if (states.length === 0) {
    return { verdict: 'pass', summary: `driver ${driver}: no enabled idle states listed for CPUs ${profile.rtList}`, slow: [] };
  }
  const usable = states.filter((s) => {
    const limit = qos.get(s.cpu);
    if (limit === 'n/a') return s.latencyUs === 0;
    return limit === undefined || limit === 0 || s.latencyUs <= limit;
  });
  const slow = states.filter((s) => s.latencyUs > cstatePassUs);
  const worst = usable.reduce<IdleState | undefined>((max, s) => (max && max.latencyUs >= s.latencyUs ? max : s), undefined);
  const maxUs = worst?.latencyUs ?? 0;
  const held = slow.length > 0 && slow.every((s) => !usable.includes(s));
  const list = listSome([...new Set(states.map((s) => `${s.name} ${s.latencyUs} µs`))], 6);
  const qosNote = held ? ' (deeper states held off by PM QoS)' : '';
  const summary = `driver ${driver}, enabled on CPUs ${profile.rtList}: ${list}; worst usable exit latency ${maxUs} µs${qosNote}`;
  if (maxUs <= cstatePassUs) return { verdict: 'pass', summary, slow: [] };
  return { verdict: maxUs > cstateFailUs ? 'fail' : 'warn', summary, slow: slow.filter((s) => usable.includes(s)) };
}

export function disableStateLines(states: IdleState[]): string[] {
  return states.map((s) => tmpfilesWrite(`${s.dir}/disable`, '1'));
}
