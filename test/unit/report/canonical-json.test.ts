import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { canonicalJson, CanonicalJsonError, stableJson } from '../../../src/shared/report';

describe('canonical JSON', () => {
  test('sorts keys by code units at every depth, no whitespace, undefined members left out', () => {
    const value = { b: 1, a: [{ z: true, y: null, x: undefined }], '10': 'ten', '9': 'nine', 'é': 'e', A: 'upper' };
    assert.equal(canonicalJson(value), '{"10":"ten","9":"nine","A":"upper","a":[{"y":null,"z":true}],"b":1,"é":"e"}');
  });

  test('numbers and strings as JSON.stringify writes them (JCS), Hangul kept as is', () => {
    assert.equal(canonicalJson({ n: [1e21, 0.1, -0, 5e-7, 100] }), '{"n":[1e+21,0.1,0,5e-7,100]}');
    assert.equal(canonicalJson('합격 "ok"\n'), '"합격 \\"ok\\"\\n"');
  });

  test('refuses values JSON cannot hold instead of writing null', () => {
    assert.throws(() => canonicalJson({ a: { b: Number.NaN } }), (e: unknown) => e instanceof CanonicalJsonError && /\$\.a\.b/.test(e.message));
    assert.throws(() => canonicalJson({ f: () => 1 }), CanonicalJsonError);
  });

  test('the indented form has the same order and parses back to the same canonical bytes', () => {
    const value = { b: { d: [1, 2], c: {} }, a: [] };
    const pretty = stableJson(value);
    assert.equal(pretty, '{\n  "a": [],\n  "b": {\n    "c": {},\n    "d": [\n      1,\n      2\n    ]\n  }\n}');
    assert.equal(canonicalJson(JSON.parse(pretty)), canonicalJson(value));
  });
});
