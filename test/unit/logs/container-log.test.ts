import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ContainerResumePoint } from '../../../src/shared/logs/container-log';
import { advanceResumePoint, compareTimestamps, dockerSinceParam, parseContainerLogLine, ResumeDeduplicator } from '../../../src/shared/logs/container-log';
import { DockerFrameDemuxer } from '../../../src/shared/logs/docker-frames';

describe('container log lines', () => {
  test('engine timestamps with nanoseconds', () => {
    const line = parseContainerLogLine('2026-11-26T12:40:19.197890123Z GET /health 200', 'mxrc-webapi', 'stdout');
    assert.deepEqual(line, { ts: '2026-11-26T12:40:19.197890123Z', us: Date.UTC(2026, 10, 26, 12, 40, 19) * 1000 + 197890, source: 'mxrc-webapi', text: 'GET /health 200', stream: 'stdout' });
    assert.equal(dockerSinceParam(line.ts), `${Date.UTC(2026, 10, 26, 12, 40, 19) / 1000}.197890123`);
    assert.equal(dockerSinceParam('2026-11-26T12:40:19.5Z'), `${Date.UTC(2026, 10, 26, 12, 40, 19) / 1000}.500000000`);
    assert.equal(parseContainerLogLine('no time here', 'c', 'stderr').text, 'no time here');
  });

  test('docker trims trailing zeros, so times compare as numbers, not strings', () => {
    assert.equal(compareTimestamps('2026-11-26T12:40:19.5Z', '2026-11-26T12:40:19.49Z'), 1);
    assert.equal(compareTimestamps('2026-11-26T12:40:19.5Z', '2026-11-26T12:40:19.500000000Z'), 0);
    assert.equal(compareTimestamps('2026-11-26T12:40:18Z', '2026-11-26T12:40:19.1Z'), -1);
  });

  test('a resume skips exactly the lines already kept at the resume instant', () => {
    const ts = '2026-11-26T12:40:19.1Z';
    const kept = ['a', 'b'].map((text) => parseContainerLogLine(`${ts} ${text}`, 'c', 'stdout'));
    let point: ContainerResumePoint | undefined;
    for (const line of kept) point = advanceResumePoint(point, line);
    assert.deepEqual(point, { ts, seenAtTs: 2 });
    // The engine repeats everything at `since` (inclusive): a, b, then a new c at the same instant, then d.
    const dedupe = new ResumeDeduplicator(point);
    const replay = ['2026-11-26T12:40:19Z old', `${ts} a`, `${ts} b`, `${ts} c`, '2026-11-26T12:40:20Z d'].map((l) => parseContainerLogLine(l, 'c', 'stdout'));
    assert.deepEqual(replay.filter((l) => dedupe.accept(l)).map((l) => l.text), ['c', 'd']);
  });
});

describe('docker stream frames', () => {
  const frame = (type: number, text: string): Uint8Array => {
    const payload = new TextEncoder().encode(text);
    const out = new Uint8Array(8 + payload.length);
    out[0] = type;
    new DataView(out.buffer).setUint32(4, payload.length);
    out.set(payload, 8);
    return out;
  };

  test('frames cut at every byte come out whole and in order', () => {
    const all = new Uint8Array([...frame(1, 'out 한\n'), ...frame(2, 'err\n'), ...frame(1, '')]);
    for (let cut = 0; cut <= all.length; cut++) {
      const demux = new DockerFrameDemuxer();
      const frames = [...demux.write(all.subarray(0, cut)), ...demux.write(all.subarray(cut))];
      assert.deepEqual(frames.map((f) => [f.stream, new TextDecoder().decode(f.payload)]), [['stdout', 'out 한\n'], ['stderr', 'err\n'], ['stdout', '']], `cut ${cut}`);
      assert.equal(demux.pendingBytes, 0);
    }
  });

  test('a TTY stream (no frames) is refused rather than misread', () => {
    assert.throws(() => new DockerFrameDemuxer().write(new TextEncoder().encode('plain text output\n')), /not a multiplexed/);
  });
});
