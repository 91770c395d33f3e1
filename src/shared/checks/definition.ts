import type { CheckGroup, Probe, ProbeOutput, Remediation, ResolvedProfile, SkipReason } from './model';

/** What an evaluator decides; the framework adds id, title, evidence and the generic skip remedies. */
export interface Outcome {
  verdict: 'pass' | 'warn' | 'fail' | 'skip' | 'error';
  summary: string;
  remediation?: Remediation | null;
  skipReason?: SkipReason;
  /** With skipReason 'tool missing': the command that is missing (its package is suggested). */
  tool?: string;
  /** Overrides the definition's generic why (e.g. to name the failing sub-criterion). */
  why?: string;
}

export interface CheckDefinition {
  id: string;
  slug: string;
  title: string;
  group: CheckGroup;
  /** Other catalogue ids for the same check (K06 is also I01). */
  aliases?: string[];
  /** Without these the check cannot decide: a sudo refusal on one of them skips the check. */
  probes: Probe[];
  /** Extra evidence that refines the verdict; the check still decides without it. */
  optionalProbes?: Probe[];
  /** Why a deviation matters for a 100 µs SCHED_FIFO loop. */
  why: string;
  evaluate(evidence: EvidenceView, profile: ResolvedProfile): Outcome;
}

/** Read access to the collected probe outputs, by probe. */
export class EvidenceView {
  constructor(private readonly outputs: ReadonlyMap<string, ProbeOutput>) {}

  get(probe: Probe): ProbeOutput | undefined {
    return this.outputs.get(probe.id);
  }

  /** Output of a probe that ran normally (an optional probe may be absent or refused). */
  usable(probe: Probe): ProbeOutput | undefined {
    const output = this.outputs.get(probe.id);
    return output?.status === 'ok' ? output : undefined;
  }

  stdout(probe: Probe): string {
    return this.usable(probe)?.stdout ?? '';
  }

  /** stdout and stderr together: collect-style captures merge them, so error text may be in either. */
  text(probe: Probe): string {
    const output = this.usable(probe);
    if (!output) return '';
    return output.stderr === '' ? output.stdout : `${output.stdout}\n${output.stderr}`;
  }
}
