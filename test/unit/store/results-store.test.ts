import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { ResultsStore } from '../../../src/main/services/store/results-store';
import { AppError } from '../../../src/shared/errors';

describe('results store', () => {
  test('saves per controller and visit, with attachments, and lists history', async () => {
    let clock = new Date('2026-11-26T09:00:00Z');
    const store = new ResultsStore(mkdtempSync(join(tmpdir(), 'mxrc-store-')), () => clock);
    const a = await store.save({ controller: 'cell-7', kind: 'check-run', title: '42 checks', verdict: 'fail', data: { n: 1 } });
    clock = new Date('2026-11-26T10:00:00Z');
    const b = await store.save({ controller: 'cell-7', kind: 'latency-run', title: 'max 18 µs', verdict: 'pass', data: { max: 18 }, attachments: { 'raw.txt': '# Histogram\n' } });
    clock = new Date('2026-11-27T08:00:00Z');
    await store.save({ controller: 'cell-7', kind: 'check-run', title: '42 checks', data: { n: 2 } });
    await store.save({ controller: '10.0.0.5:22', visit: 'acceptance', kind: 'deployment', title: 'webapi', data: {} });

    assert.equal(a.visit, '2026-11-26');
    assert.deepEqual(await store.controllers(), ['10.0.0.5_22', 'cell-7']);
    assert.deepEqual((await store.visits('cell-7')).map((v) => [v.visit, v.counts]), [
      ['2026-11-26', { 'check-run': 1, 'latency-run': 1 }],
      ['2026-11-27', { 'check-run': 1 }],
    ]);
    assert.deepEqual((await store.list({ controller: 'cell-7', kind: 'check-run' })).map((r) => r.visit), ['2026-11-26', '2026-11-27']);
    assert.equal((await store.attachment(b, 'raw.txt')).toString(), '# Histogram\n');
    assert.deepEqual((await store.get<{ max: number }>(b)).data, { max: 18 });
    assert.deepEqual((await store.update(b, { data: { max: 19 }, verdict: 'warn' })).data, { max: 19 });
    assert.equal((await store.latest({ controller: 'cell-7', kind: 'latency-run' }))?.verdict, 'warn');
    await assert.rejects(store.get({ ...b, id: 'nope' }), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');
    await assert.rejects(store.save({ controller: '../etc', kind: 'log', title: '', data: {} }), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT');
  });

  test('a process killed mid-write leaves every earlier result readable', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mxrc-kill-'));
    const writer = join(root, 'writer.mts');
    const storePath = join(import.meta.dirname, '../../../src/main/services/store/results-store.ts');
    // Large records make it likely that the kill lands inside a write.
    writeFileSync(writer, `import { ResultsStore } from ${JSON.stringify(storePath)};
const store = new ResultsStore(${JSON.stringify(join(root, 'store'))});
const blob = 'x'.repeat(2_000_000);
for (let i = 0; ; i++) {
  const r = await store.save({ controller: 'ctl', kind: 'latency-run', title: String(i), data: { i, blob }, attachments: { 'raw.txt': blob } });
  process.stdout.write(r.id + '\\n');
}
`);
    const child = spawn(process.execPath, ['--import', 'tsx', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
    const written: string[] = [];
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        written.push(...chunk.toString().split('\n').filter(Boolean));
        if (written.length >= 8) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('close', resolve));

    const store = new ResultsStore(join(root, 'store'));
    const listed = await store.list({ controller: 'ctl' });
    const listedIds = new Set(listed.map((r) => r.id));
    for (const id of written) assert.ok(listedIds.has(id), `result ${id} written before the kill is listed`);
    for (const summary of listed) {
      const record = await store.get<{ i: number; blob: string }>(summary);
      assert.equal(record.data.blob.length, 2_000_000);
      assert.equal((await store.attachment(summary, 'raw.txt')).length, 2_000_000);
    }
    const visitDir = join(root, 'store', 'ctl', listed[0]?.visit ?? '');
    assert.ok(readdirSync(visitDir).length >= listed.length * 2);
  });
});
