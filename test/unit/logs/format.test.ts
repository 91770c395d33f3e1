import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { asciicastHeaderLine, asciicastOutputLine } from '../../../src/shared/logs/asciicast';
import { describeSource, formatForTerminal, formatLogFile, formatLogLine, isoLocalMicros, neutralise } from '../../../src/shared/logs/format';
import { localGrep } from '../../../src/shared/logs/local-grep';
import type { LogLine } from '../../../src/shared/model/logs';
import { logSourceSchema } from '../../../src/shared/model/logs';

const us = Date.UTC(2026, 10, 26, 12, 40, 19) * 1000 + 197_890;
const line: LogLine = { seq: 1, us, priority: 3, source: 'mxrc-rt', pid: '812', text: 'overrun\nsecond line' };

describe('log formatting', () => {
  test('ISO time with microseconds and the offset', () => {
    assert.equal(isoLocalMicros(us, 0), '2026-11-26T12:40:19.197890+00:00');
    assert.equal(isoLocalMicros(us, 540), '2026-11-26T21:40:19.197890+09:00');
    assert.equal(isoLocalMicros(us, -330), '2026-11-26T07:10:19.197890-05:30');
  });

  test('file lines: time, origin, priority, indented continuation', () => {
    assert.equal(formatLogLine(line, { offsetMinutes: 0 }), '2026-11-26T12:40:19.197890+00:00 mxrc-rt[812] <err>: overrun\n    second line');
    assert.equal(formatLogLine({ seq: 2, us, source: 'mxrc-webapi', text: 'x', stream: 'stderr' }, { offsetMinutes: 0 }), '2026-11-26T12:40:19.197890+00:00 mxrc-webapi (stderr): x');
  });

  test('a saved file says what it is and what the cap dropped', () => {
    const source = logSourceSchema.parse({ kind: 'journal', unit: 'mxrc-rt.service', priority: 'err', since: '-1h' });
    const text = formatLogFile({ name: 'mxrc-rt', controller: 'Cell 3 (mxrc@10.0.0.5:22)', source, savedAt: new Date(us / 1000), lines: 1, dropped: 5 }, [line], { offsetMinutes: 0 });
    assert.equal(
      text,
      [
        '# mxrc-rt: journal of mxrc-rt.service, priority ≤ err, since -1h',
        '# controller: Cell 3 (mxrc@10.0.0.5:22)',
        '# saved: 2026-11-26T12:40:19.197000+00:00',
        '# lines: 1 (5 earlier lines were past the scrollback cap and are not in this file)',
        '2026-11-26T12:40:19.197890+00:00 mxrc-rt[812] <err>: overrun\n    second line',
        '',
      ].join('\n'),
    );
    assert.equal(describeSource(logSourceSchema.parse({ kind: 'container', container: 'mxrc-webapi', grep: 'err' })), 'container mxrc-webapi, grep "err"');
  });

  test('log text cannot drive the terminal: only colours survive', () => {
    const esc = '\u001b';
    assert.equal(neutralise(`${esc}[31mred${esc}[0m ${esc}]0;title\u0007 ${esc}[2J\r`), `${esc}[31mred${esc}[0m ␛]0;title� ␛[2J`);
    const out = formatForTerminal([line], { timestamps: false });
    assert.ok(out.endsWith('\r\n'));
    assert.ok(out.includes('overrun\r\n    second line'));
    assert.ok(out.includes(`${esc}[1;31m`), 'errors are red');
    assert.ok(!formatForTerminal([line], { timestamps: false }).includes('2026'), 'no timestamps when off');
    assert.ok(formatForTerminal([line], { timestamps: true }).includes(':40:19.197'));
  });

  test('local grep is smart-case and refuses a broken pattern', () => {
    assert.equal(localGrep('error')('An ERROR occurred'), true);
    assert.equal(localGrep('Error')('An ERROR occurred'), false);
    assert.throws(() => localGrep('('), (error: unknown) => (error as { code?: string }).code === 'INVALID_INPUT');
  });

  test('asciicast v2 lines', () => {
    assert.deepEqual(JSON.parse(asciicastHeaderLine({ width: 80, height: 24, timestamp: 1795696819.5 })), { version: 2, width: 80, height: 24, timestamp: 1795696819, env: { TERM: 'xterm-256color' } });
    assert.equal(asciicastOutputLine(1.2345678, 'a\r\n'), '[1.234568,"o","a\\r\\n"]\n');
  });
});
