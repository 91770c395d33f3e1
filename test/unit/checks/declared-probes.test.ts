/**
 * A live run evaluates a check as soon as the probes it declares are in; a probe it reads without declaring may
 * or may not have arrived by then. Reading one makes the summary depend on timing and differ from a bundle
 * (found by the lab's bundle-vs-live comparison: M04 said "mxrc-rt.service not found" live and
 * "LoadState=not-found" from the bundle).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { catalogue } from '../../../src/shared/checks/catalogue';
import { EvidenceView } from '../../../src/shared/checks/definition';
import type { ProbeOutput } from '../../../src/shared/checks/model';
import { checkProfileSchema, resolveProfile } from '../../../src/shared/checks/model';
import type { Evidence } from './helpers';
import { debianVm, tuned, tunedProfile, untuned } from './helpers';

/** The probe outputs, remembering which ids an evaluator asked for. */
class RecordingOutputs extends Map<string, ProbeOutput> {
  readonly asked = new Set<string>();
  override get(id: string): ProbeOutput | undefined {
    this.asked.add(id);
    return super.get(id);
  }
  override has(id: string): boolean {
    this.asked.add(id);
    return super.has(id);
  }
}

describe('evaluators read only the probes their check declares', () => {
  const sets: Array<[string, () => Evidence]> = [
    ['tuned', tuned],
    ['untuned', untuned],
    ['debian vm', debianVm],
  ];
  for (const check of catalogue) {
    test(`${check.id} ${check.slug}`, () => {
      const declared = new Set([...check.probes, ...(check.optionalProbes ?? [])].map((p) => p.id));
      for (const [name, load] of sets) {
        const outputs = new RecordingOutputs(load());
        try {
          check.evaluate(new EvidenceView(outputs), resolveProfile(checkProfileSchema.parse(tunedProfile)));
        } catch {
          // A fixture the check cannot interpret still shows what it read.
        }
        const undeclared = [...outputs.asked].filter((id) => !declared.has(id));
        assert.deepEqual(undeclared, [], `${check.id} on the ${name} evidence reads undeclared probes`);
      }
    });
  }
});
