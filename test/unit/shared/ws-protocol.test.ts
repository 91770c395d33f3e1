import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { decodeServerFrame, encodeServerFrame } from '../../../src/shared/ws-protocol';

describe('browser-mode frames', () => {
  test('results and events without bytes stay JSON text', () => {
    const result = { type: 'result' as const, id: 3, wire: { ok: true as const, value: { a: [1, 2] } } };
    const encoded = encodeServerFrame(result);
    assert.equal(typeof encoded, 'string');
    assert.deepEqual(decodeServerFrame(encoded), result);
    const event = { type: 'event' as const, topic: 'logs.state', payload: { id: 'x', notes: [] } };
    assert.equal(typeof encodeServerFrame(event), 'string');
  });

  test('byte fields travel raw and come back equal, whatever the source view', () => {
    // A view into the middle of a larger buffer, like a Node Buffer from the pool.
    const backing = new TextEncoder().encode('xx한국어 로그 µs=42\r\nxx');
    const data = backing.subarray(2, backing.length - 2);
    const encoded = encodeServerFrame({ type: 'event', topic: 'terminal.data', payload: { sessionId: 's', seq: 9, data, bytes: data.length } });
    assert.ok(encoded instanceof Uint8Array);
    // Less than JSON would take: the Korean is not escaped and nothing is quoted.
    assert.ok(encoded.length < 4 + 120 + data.length, `frame of ${encoded.length} bytes`);
    const copy = new Uint8Array(encoded.length + 5).subarray(5);
    copy.set(encoded);
    for (const received of [encoded, copy, encoded.slice().buffer]) {
      const frame = decodeServerFrame(received);
      assert.equal(frame.type, 'event');
      assert.ok(frame.type === 'event');
      assert.equal(frame.topic, 'terminal.data');
      const payload = frame.payload as { sessionId: string; seq: number; data: Uint8Array; bytes: number };
      assert.equal(payload.sessionId, 's');
      assert.equal(payload.seq, 9);
      assert.equal(payload.bytes, data.length);
      assert.equal(new TextDecoder().decode(payload.data), '한국어 로그 µs=42\r\n');
    }
  });

  test('a truncated binary frame is refused, not half-read', () => {
    const encoded = encodeServerFrame({ type: 'event', topic: 'terminal.data', payload: { data: new Uint8Array([1, 2, 3, 4]) } });
    assert.ok(encoded instanceof Uint8Array);
    assert.throws(() => decodeServerFrame(encoded.subarray(0, encoded.length - 1)), /truncated/);
    assert.throws(() => decodeServerFrame(encoded.subarray(0, 3)), /truncated/);
    assert.throws(() => decodeServerFrame(encoded.subarray(0, 10)), /truncated/);
  });
});
