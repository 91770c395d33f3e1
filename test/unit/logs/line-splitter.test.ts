import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LineSplitter } from '../../../src/shared/logs/line-splitter';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('line splitter', () => {
  test('lines across chunks, CRLF, multi-byte characters cut anywhere', () => {
    const input = enc('first\r\n둘째 줄\nthird 😀\npartial');
    for (let cut = 0; cut <= input.length; cut++) {
      const splitter = new LineSplitter();
      const lines = [...splitter.write(input.subarray(0, cut)), ...splitter.write(input.subarray(cut))];
      assert.deepEqual(lines, ['first', '둘째 줄', 'third 😀'], `cut at ${cut}`);
      assert.equal(splitter.flush(), 'partial');
    }
  });

  test('the caller may reuse its buffer after write', () => {
    const splitter = new LineSplitter();
    const buffer = enc('abc');
    splitter.write(buffer);
    buffer.fill(0x78);
    assert.deepEqual(splitter.write(enc('\n')), ['abc']);
  });

  test('an endless line is cut at the limit, on a character boundary', () => {
    const splitter = new LineSplitter({ maxLineBytes: 10 });
    const lines = splitter.write(enc('aaaaaaaa한한한'));
    assert.equal(lines[0], 'aaaaaaaa');
    assert.ok(splitter.pendingBytes <= 10);
    assert.deepEqual([...lines.slice(1), ...splitter.write(enc('\n'))].join(''), '한한한');
  });

  test('discard drops a half-received line', () => {
    const splitter = new LineSplitter();
    splitter.write(enc('{"half":'));
    splitter.discard();
    assert.equal(splitter.flush(), null);
    assert.deepEqual(splitter.write(enc('ok\n')), ['ok']);
  });
});
