import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Timers } from '../../../src/shared/logs/batcher';
import { Batcher } from '../../../src/shared/logs/batcher';
import { FlowWindow } from '../../../src/shared/logs/flow-window';
import { ChunkRing, LineRing } from '../../../src/shared/logs/line-ring';

describe('flow window', () => {
  test('pauses above the high watermark, resumes only below the low one', () => {
    const events: string[] = [];
    const window = new FlowWindow({ highWatermark: 100, lowWatermark: 20 }, () => events.push('pause'), () => events.push('resume'));
    window.sent(60);
    window.sent(39);
    assert.deepEqual(events, []);
    window.sent(1);
    assert.deepEqual(events, ['pause']);
    window.sent(500); // data in flight still arrives; no second pause
    window.acknowledged(550);
    assert.equal(window.unacknowledged, 50);
    assert.deepEqual(events, ['pause'], 'still above the low watermark');
    window.acknowledged(30);
    assert.deepEqual(events, ['pause', 'resume']);
    assert.equal(window.paused, false);
  });

  test('over-acknowledgement (two views) never goes negative; reset on attach resumes', () => {
    const events: string[] = [];
    const window = new FlowWindow({ highWatermark: 10, lowWatermark: 5 }, () => events.push('pause'), () => events.push('resume'));
    window.acknowledged(1000);
    assert.equal(window.unacknowledged, 0);
    window.sent(10);
    window.reset();
    assert.deepEqual(events, ['pause', 'resume']);
    assert.throws(() => new FlowWindow({ highWatermark: 5, lowWatermark: 5 }, () => undefined, () => undefined));
  });
});

describe('batcher', () => {
  const manualTimers = (): Timers & { fire(): void; pending: number } => {
    let callbacks: (() => void)[] = [];
    return {
      set: (callback) => {
        callbacks.push(callback);
        return callback;
      },
      clear: (handle) => {
        callbacks = callbacks.filter((c) => c !== handle);
      },
      fire: () => {
        const due = callbacks;
        callbacks = [];
        for (const callback of due) callback();
      },
      get pending() {
        return callbacks.length;
      },
    };
  };

  test('flushes on time and on weight, one timer per batch', () => {
    const timers = manualTimers();
    const out: [string[], number][] = [];
    const batcher = new Batcher<string>((items, weight) => out.push([items, weight]), { maxDelayMs: 10, maxWeight: 10 }, timers);
    batcher.push('a', 3);
    batcher.push('b', 3);
    assert.equal(timers.pending, 1);
    timers.fire();
    assert.deepEqual(out, [[['a', 'b'], 6]]);
    batcher.push('c', 4);
    batcher.push('d', 6); // reaches the weight: sent at once, timer cancelled
    assert.deepEqual(out[1], [['c', 'd'], 10]);
    assert.equal(timers.pending, 0);
    batcher.push('e', 1);
    batcher.dispose();
    timers.fire();
    assert.equal(out.length, 2, 'disposed items are dropped');
  });
});

describe('scrollback ring', () => {
  test('keeps the newest lines in order and counts the dropped ones', () => {
    const ring = new LineRing<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    assert.deepEqual(ring.toArray(), [5, 6, 7]);
    assert.equal(ring.size, 3);
    assert.equal(ring.dropped, 4);
    assert.equal(ring.last(), 7);
    ring.clear();
    assert.deepEqual(ring.toArray(), []);
    assert.throws(() => new LineRing(0));
  });

  test('a million pushes stay at the cap (bounded memory)', () => {
    const ring = new LineRing<number>(10_000);
    for (let i = 0; i < 1_000_000; i++) ring.push(i);
    assert.equal(ring.size, 10_000);
    assert.equal(ring.toArray()[0], 990_000);
  });

  test('terminal replay keeps whole chunks up to a byte budget, and decodes them whole', () => {
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    const ring = new ChunkRing(12);
    ring.push(1, bytes('aaaa'));
    ring.push(2, bytes('bbbb'));
    ring.push(3, bytes('한국'));
    assert.equal(ring.text(), 'bbbb한국');
    assert.equal(ring.lastSeq, 3);
    ring.clear();
    assert.equal(ring.lastSeq, 3, 'sequence numbers are never reused');
  });
});
