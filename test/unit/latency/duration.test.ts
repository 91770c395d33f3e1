import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { describeDuration, DurationError, formatCyclictestDuration, parseDuration } from '../../../src/shared/latency/duration';

describe('parseDuration', () => {
  test('suffixes s, m, h, d and bare seconds', () => {
    assert.equal(parseDuration('60s'), 60);
    assert.equal(parseDuration('10m'), 600);
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('90'), 90);
    assert.equal(parseDuration('2d'), 172_800);
  });

  test('upper case, surrounding and inner whitespace', () => {
    assert.equal(parseDuration(' 10M '), 600);
    assert.equal(parseDuration('24 h'), 86_400);
  });

  test('clear errors for empty, zero, negative, fractional and unknown units', () => {
    assert.throws(() => parseDuration(''), { name: 'DurationError', message: 'Enter a duration such as 60s, 10m or 1h' });
    assert.throws(() => parseDuration('0'), { message: '"0": a duration must be longer than 0 s' });
    assert.throws(() => parseDuration('0h'), /longer than 0 s/);
    assert.throws(() => parseDuration('-5m'), { message: '"-5m": a duration cannot be negative' });
    assert.throws(() => parseDuration('1.5h'), { message: '"1.5h": use whole numbers (e.g. 90m instead of 1.5h)' });
    assert.throws(() => parseDuration('10 minutes'), /is not a duration: use a number with s, m, h or d/);
    assert.throws(() => parseDuration('1h30m'), /is not a duration/);
    assert.throws(() => parseDuration('abc'), DurationError);
  });

  test('longer than cyclictest can take (C int seconds) is rejected', () => {
    assert.equal(parseDuration('2147483647'), 2_147_483_647);
    assert.throws(() => parseDuration('2147483648'), /too long/);
    assert.throws(() => parseDuration('30000d'), /too long/);
  });
});

describe('formatCyclictestDuration', () => {
  test('largest exact unit, plain seconds otherwise', () => {
    assert.equal(formatCyclictestDuration(3600), '1h');
    assert.equal(formatCyclictestDuration(600), '10m');
    assert.equal(formatCyclictestDuration(60), '1m');
    assert.equal(formatCyclictestDuration(90), '90');
    assert.equal(formatCyclictestDuration(86_400), '1d');
    assert.equal(formatCyclictestDuration(5400), '90m');
  });

  test('round-trips through parseDuration', () => {
    for (const seconds of [1, 59, 61, 3599, 3600, 7200, 90_061]) assert.equal(parseDuration(formatCyclictestDuration(seconds)), seconds);
  });

  test('rejects non-positive and fractional seconds', () => {
    assert.throws(() => formatCyclictestDuration(0), DurationError);
    assert.throws(() => formatCyclictestDuration(1.5), DurationError);
  });
});

describe('describeDuration', () => {
  test('human form for reports', () => {
    assert.equal(describeDuration(3600), '1 h');
    assert.equal(describeDuration(5400), '1 h 30 min');
    assert.equal(describeDuration(45), '45 s');
    assert.equal(describeDuration(0), '0 s');
  });
});
