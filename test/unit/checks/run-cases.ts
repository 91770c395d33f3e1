import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Case } from './helpers';
import { evaluate } from './helpers';

/** One node:test per case: the verdict, the skip reason, and the observed values in the summary. */
export function runCases(cases: readonly Case[]): void {
  for (const c of cases) {
    test(`${c.id} ${c.verdict}${c.skipReason ? ` (${c.skipReason})` : ''}: ${c.name}`, () => {
      const result = evaluate(c.id, c.evidence(), c.profile ?? {});
      assert.equal(result.verdict, c.verdict, `${c.id}: ${result.summary}`);
      if (c.skipReason) assert.equal(result.skipReason, c.skipReason);
      if (c.summary) assert.match(result.summary, c.summary);
      if (result.verdict === 'pass') {
        assert.equal(result.remediation, null);
        assert.equal(result.why, undefined);
      } else {
        assert.ok(result.why && result.why.length > 20, `${c.id} explains why a ${result.verdict} matters`);
        if (result.verdict === 'warn' || result.verdict === 'fail') {
          assert.ok(result.remediation, `${c.id} ${result.verdict} has a remedy`);
          assert.ok(result.remediation.summary.length > 0 || result.remediation.steps.length > 0);
        }
      }
      assert.ok(!result.summary.includes('undefined'), `summary without "undefined": ${result.summary}`);
      assert.ok(!result.summary.includes('NaN'), `summary without NaN: ${result.summary}`);
    });
  }
}
