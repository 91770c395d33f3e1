import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clockMarkerPattern, journalctlCommand, journalFollows, journalQueryFor, journalReaderScript } from '../../../src/shared/logs/journal-command';
import { isJournalCursor, journalFieldText, parseJournalEntry } from '../../../src/shared/logs/journal-entry';
import { logSourceSchema } from '../../../src/shared/model/logs';

// Captured from the lab's systemd controller (systemd 252) with --output-fields.
const sshdLine =
  '{"SYSLOG_IDENTIFIER":"sudo","PRIORITY":"6","_BOOT_ID":"b721ec8bc6cf484582350575adc39e27","_SYSTEMD_UNIT":"ssh.service","__CURSOR":"s=7612dc1a659042938061a04c462edbe8;i=52;b=b721ec8bc6cf484582350575adc39e27;m=496a18cd;t=6612d3f085842;x=81f1acf0a11110c8","_PID":"98","MESSAGE":"pam_unix(sudo:session): session opened for user root(uid=0) by (uid=1000)","__MONOTONIC_TIMESTAMP":"1231689933","__REALTIME_TIMESTAMP":"1795696819198018"}';

describe('journal entries', () => {
  test('a real entry', () => {
    const entry = parseJournalEntry(sshdLine);
    assert.deepEqual(entry, {
      cursor: 's=7612dc1a659042938061a04c462edbe8;i=52;b=b721ec8bc6cf484582350575adc39e27;m=496a18cd;t=6612d3f085842;x=81f1acf0a11110c8',
      us: 1795696819198018,
      priority: 6,
      source: 'sudo',
      pid: '98',
      bootId: 'b721ec8bc6cf484582350575adc39e27',
      text: 'pam_unix(sudo:session): session opened for user root(uid=0) by (uid=1000)',
    });
  });

  test('binary MESSAGE (byte array), repeated fields, kernel lines, missing message', () => {
    const bytes = [...new TextEncoder().encode('한글 \u001b[31mred')];
    const kernel = parseJournalEntry(JSON.stringify({ __CURSOR: 's=1;i=2', __REALTIME_TIMESTAMP: '1000000', _TRANSPORT: 'kernel', PRIORITY: '3', MESSAGE: bytes, _PID: '1' }));
    assert.equal(kernel?.text, '한글 \u001b[31mred');
    assert.equal(kernel?.source, 'kernel');
    assert.equal(kernel?.pid, undefined, 'kernel lines have no meaningful pid');
    assert.equal(journalFieldText(['a', 'b']), 'a\nb');
    assert.equal(journalFieldText(null), undefined);
    assert.equal(parseJournalEntry(JSON.stringify({ __CURSOR: 's=1;i=3', MESSAGE: null }))?.text, '');
  });

  test('not entries: noise, broken JSON, no cursor, a cursor with shell characters', () => {
    assert.equal(parseJournalEntry('-- No entries --'), null);
    assert.equal(parseJournalEntry('{"MESSAGE":"x"'), null);
    assert.equal(parseJournalEntry('{"MESSAGE":"x"}'), null);
    assert.equal(parseJournalEntry('{"__CURSOR":"s=1;$(reboot)","MESSAGE":"x"}'), null);
    assert.equal(isJournalCursor('s=1;i=2;b=3'), true);
    assert.equal(isJournalCursor("s=1'; rm -rf /"), false);
  });
});

describe('journalctl command', () => {
  const journal = (input: unknown) => {
    const source = logSourceSchema.parse(input);
    if (source.kind === 'container') throw new Error('not a journal source');
    return source;
  };

  test('unit, tag, priority, boot, grep, backlog, follow', () => {
    const query = journalQueryFor(journal({ kind: 'journal', unit: 'mxrc-rt.service', priority: 'warning', boot: 'current', grep: "can't open" }), { follow: true, backlog: 1000 });
    assert.equal(
      journalctlCommand(query),
      `journalctl --no-pager -q -o json --output-fields=MESSAGE,PRIORITY,SYSLOG_IDENTIFIER,_COMM,_PID,_SYSTEMD_UNIT,_TRANSPORT -u mxrc-rt.service -p warning -b 0 --grep='can'\\''t open' -n 1000 -f`,
    );
    const tag = journalctlCommand(journalQueryFor(journal({ kind: 'journal', identifier: 'mxrc-webapi', since: '2026-11-26 14:00' }), { follow: true, backlog: 10 }));
    assert.match(tag, / -t mxrc-webapi --since='2026-11-26 14:00' -f$/, 'since wins over the backlog');
  });

  test('kernel messages by transport, previous boot does not follow', () => {
    const kernel = journalctlCommand(journalQueryFor(journal({ kind: 'kernel', boot: 'previous' }), { follow: true }));
    assert.match(kernel, / _TRANSPORT=kernel -b -1$/);
    assert.equal(journalFollows({ follow: true, boot: 'previous' }), false);
    assert.equal(journalFollows({ follow: true, boot: 'any', until: '-1h' }), false);
    assert.equal(journalFollows({ follow: true, boot: 'current' }), true);
    assert.equal(journal({ kind: 'kernel' }).boot, 'current', 'kernel defaults to the current boot');
  });

  test('resume: the cursor wins over since and backlog; before any entry, the open time', () => {
    const source = journal({ kind: 'journal', unit: 'mxrc-rt.service', since: '-1h' });
    const resumed = journalctlCommand(journalQueryFor(source, { follow: true, backlog: 50, afterCursor: 's=ab;i=3f;b=cd;m=1;t=2;x=3' }));
    assert.match(resumed, / --after-cursor='s=ab;i=3f;b=cd;m=1;t=2;x=3' -f$/);
    assert.doesNotMatch(resumed, /--since|-n /);
    const early = journalctlCommand(journalQueryFor(source, { follow: true, sinceEpoch: 1795696819 }));
    assert.match(early, / --since=@1795696819 -f$/);
    assert.throws(() => journalctlCommand({ boot: 'any', follow: false, afterCursor: 'x;$(id)' }));
  });

  test('the reader script reports the controller clock first and cannot outlive its channel', () => {
    const script = journalReaderScript({ boot: 'any', follow: true });
    const lines = script.split('\n');
    assert.equal(lines[0], 'date +@%s');
    assert.match(lines[2] ?? '', /^journalctl .* -f <\/dev\/null 3<&- &$/);
    assert.ok(lines.includes('( while read -r _; do :; done <&3; kill $r 2>/dev/null ) >/dev/null 2>&1 &'), 'a watchdog ends journalctl when the channel closes');
    assert.equal(lines.at(-1), 'exit $s');
    assert.equal(clockMarkerPattern.exec('@1795696819')?.[1], '1795696819');
    assert.equal(clockMarkerPattern.exec('{"__CURSOR":"x"}'), null);
  });

  test('filters are validated before any command exists', () => {
    assert.throws(() => logSourceSchema.parse({ kind: 'journal', unit: 'x; reboot' }));
    assert.throws(() => logSourceSchema.parse({ kind: 'journal', since: '$(reboot)' }));
    assert.throws(() => logSourceSchema.parse({ kind: 'journal', priority: 'loud' }));
    assert.throws(() => logSourceSchema.parse({ kind: 'container', container: '../x' }));
  });
});
