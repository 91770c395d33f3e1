import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { incompleteTailLength, Utf8ChunkDecoder, Utf8Splitter } from '../../../src/shared/logs/utf8-splitter';

const sample = 'a é 한국어 € 😀 z';
const bytes = new TextEncoder().encode(sample);

describe('UTF-8 splitter', () => {
  test('every cut position of a mixed 1/2/3/4-byte string decodes to the original', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new Utf8ChunkDecoder();
      const text = decoder.write(bytes.subarray(0, cut)) + decoder.write(bytes.subarray(cut)) + decoder.end();
      assert.equal(text, sample, `cut at ${cut}`);
    }
  });

  test('byte-by-byte chunks decode without replacement characters', () => {
    const decoder = new Utf8ChunkDecoder();
    let text = '';
    for (const byte of bytes) text += decoder.write(Uint8Array.of(byte));
    assert.equal(text + decoder.end(), sample);
    assert.ok(!text.includes('\uFFFD'));
  });

  test('naive per-chunk decoding would break it (the case the splitter exists for)', () => {
    const han = new TextEncoder().encode('한');
    const naive = new TextDecoder().decode(han.subarray(0, 1)) + new TextDecoder().decode(han.subarray(1));
    assert.notEqual(naive, '한');
    const splitter = new Utf8Splitter();
    assert.equal(splitter.write(han.subarray(0, 2)).length, 0);
    assert.equal(splitter.holding, 2);
    assert.deepEqual([...splitter.write(han.subarray(2))], [...han]);
  });

  test('tail lengths', () => {
    assert.equal(incompleteTailLength(Uint8Array.of(0x61)), 0);
    assert.equal(incompleteTailLength(Uint8Array.of(0xed)), 1); // lead of a 3-byte char
    assert.equal(incompleteTailLength(Uint8Array.of(0xed, 0x95)), 2);
    assert.equal(incompleteTailLength(Uint8Array.of(0xed, 0x95, 0x9c)), 0); // 한 complete
    assert.equal(incompleteTailLength(Uint8Array.of(0xf0, 0x9f, 0x98)), 3);
    assert.equal(incompleteTailLength(Uint8Array.of(0x80, 0x80, 0x80)), 0); // garbage: let the decoder replace it
    assert.equal(incompleteTailLength(new Uint8Array(0)), 0);
  });

  test('an unfinished character at the end of the stream becomes U+FFFD, not silence', () => {
    const decoder = new Utf8ChunkDecoder();
    assert.equal(decoder.write(Uint8Array.of(0x61, 0xe2, 0x82)), 'a');
    assert.equal(decoder.end(), '\uFFFD');
  });
});
