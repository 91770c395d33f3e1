import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { before, describe, test } from 'node:test';

import * as tar from 'tar-stream';

import { CheckRunner } from '../../../src/main/services/checks/check-runner';
import type { EvidenceBundle } from '../../../src/main/services/checks/bundle-reader';
import { evaluateBundle, readBundle } from '../../../src/main/services/checks/bundle-reader';
import { allProbes, catalogue, catalogueVersion } from '../../../src/shared/checks/catalogue';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import { AppError } from '../../../src/shared/errors';
import { FakeHost } from './fake-host';

const scriptPath = fileURLToPath(new URL('../../../resources/collect.sh', import.meta.url));
/** This machine: CPU 0 keeps housekeeping, CPU 1 plays the RT core. */
const profile = checkProfileSchema.parse({ rtCores: '1', housekeepingCores: '0' });

function collect(): Promise<{ bundle: Buffer; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [scriptPath, 'HK_CPUS=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ bundle: Buffer.concat(out), stderr, code }));
  });
}

async function makeBundle(files: Record<string, string>, extra: Array<Partial<tar.Header> & { name: string; content?: string }> = []): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name: `./${name}` }, content);
  for (const { content, ...header } of extra) pack.entry(header, content ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

const meta = (extra = ''): string => `format=mxrc-evidence/1\ncollect_version=${catalogueVersion()}\nstarted=2026-11-26T12:00:00Z\nfinished=2026-11-26T12:00:12Z\nhostname=ctl\nuid=1000\n${extra}`;

async function rejectsWith(data: Buffer, pattern: RegExp): Promise<void> {
  await assert.rejects(readBundle(data), (error: unknown) => error instanceof AppError && error.code === 'INVALID_INPUT' && pattern.test(error.message));
}

describe('collect.sh on this host → bundle → checks', () => {
  let collected: { bundle: Buffer; stderr: string; code: number | null };
  let bundle: EvidenceBundle;

  before(async () => {
    collected = await collect();
    bundle = await readBundle(collected.bundle);
  });

  test('the script runs and writes a readable bundle', () => {
    assert.equal(collected.code, 0, collected.stderr);
    assert.equal(bundle.meta.get('format'), 'mxrc-evidence/1');
    assert.equal(bundle.meta.get('collect_version'), catalogueVersion());
    assert.equal(bundle.meta.get('hk_cpus'), '0');
    assert.deepEqual(bundle.warnings, []);
    const root = bundle.meta.get('uid') === '0';
    for (const probe of allProbes()) {
      const output = bundle.outputs.get(probe.id);
      assert.ok(output, `${probe.id} collected`);
      if (probe.root && !root) assert.equal(output.status, 'needs-sudo');
    }
    assert.match(bundle.outputs.get('interrupts-10s')?.stdout ?? '', /^@@@ sample [\d.]+\n\s+CPU0/);
  });

  test('every check evaluates the bundle', () => {
    const run = evaluateBundle(bundle, profile);
    assert.equal(run.source, 'bundle');
    assert.deepEqual(run.checks.map((c) => c.id), catalogue.map((c) => c.id));
    for (const result of run.checks) {
      assert.doesNotMatch(result.summary, /no evidence from|could not interpret/, `${result.id}: ${result.summary}`);
      assert.ok(result.summary.length > 0);
    }
    assert.equal(run.controller.hostname, bundle.outputs.get('hostname')?.stdout.trim());
  });

  test('a live run on the same probe outputs gives identical verdicts and summaries', async () => {
    const fromBundle = evaluateBundle(bundle, profile);
    const uid = Number(bundle.meta.get('uid'));
    const host = new FakeHost({ profile, outputs: bundle.outputs, uid, sudoRefused: uid !== 0 });
    const live = await new CheckRunner({ host, profile }).run();
    assert.deepEqual(
      live.checks.map((c) => [c.id, c.verdict, c.skipReason, c.summary]),
      fromBundle.checks.map((c) => [c.id, c.verdict, c.skipReason, c.summary]),
    );
    for (const [index, result] of live.checks.entries()) {
      assert.deepEqual(result.evidence.map((e) => e.stdout), fromBundle.checks[index]?.evidence.map((e) => e.stdout), result.id);
    }
  });
});

describe('bundle reader', () => {
  test('corrupt input is refused with a clear error', async () => {
    await rejectsWith(Buffer.from('hello, not a bundle'), /not gzip data/);
    await rejectsWith(gzipSync(Buffer.from('x'.repeat(2000))), /not a readable evidence bundle/);
    const good = await makeBundle({ meta: meta(), 'probes/uname.out': '6.8.1-1015-realtime\n', 'probes/uname.rc': '0\n' });
    await rejectsWith(good.subarray(0, Math.floor(good.length / 2)), /gzip/);
    await rejectsWith(await makeBundle({ 'probes/uname.out': 'x' }), /no meta file/);
    await rejectsWith(await makeBundle({ meta: 'format=something-else\n', 'probes/uname.rc': '0' }), /format "something-else"/);
    await rejectsWith(await makeBundle({ meta: meta() }, [{ name: '../evil', content: 'x' }]), /unsafe path \.\.\/evil/);
    await rejectsWith(await makeBundle({ meta: meta() }, [{ name: 'probes/uname.out', type: 'symlink', linkname: '/etc/shadow' }]), /is a symlink/);
    await rejectsWith(await makeBundle({ meta: meta() }), /no probe outputs/);
  });

  test('a bundle collected without sudo: root probes skipped, journal refused → needs sudo', async () => {
    const data = await makeBundle({
      meta: meta('rt_unit=mxrc-rt.service\n'),
      'probes/smi-count.cmd': 'x\n',
      'probes/smi-count.skipped': 'needs root: run collect.sh with sudo\n',
      'probes/kernel-log.out': '',
      'probes/kernel-log.err': 'dmesg: read kernel buffer failed: Operation not permitted\n',
      'probes/kernel-log.rc': '1\n',
      'probes/swap.out': 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n',
      'probes/swap.err': '',
      'probes/swap.rc': '0\n',
    });
    const parsed = await readBundle(data);
    assert.ok(parsed.warnings.includes('probe smi-count was collected with a different command'));
    const run = evaluateBundle(parsed, profile, { only: ['B01', 'T04', 'M01', 'K01'] });
    const byId = new Map(run.checks.map((c) => [c.id, c]));
    assert.equal(byId.get('B01')?.skipReason, 'needs sudo');
    assert.equal(byId.get('T04')?.skipReason, 'needs sudo');
    assert.equal(byId.get('M01')?.verdict, 'pass');
    assert.equal(byId.get('K01')?.verdict, 'error');
    assert.match(byId.get('K01')?.summary ?? '', /no evidence from uname/);
    assert.equal(run.controller.uid, 1000);
  });

  test('names come from the bundle when the profile differs, with a warning', async () => {
    const data = await makeBundle({ meta: meta('rt_unit=cyclictest\necat_if=\n'), 'probes/rt-process.out': 'pid=\n', 'probes/rt-process.rc': '0\n', 'probes/units.out': '', 'probes/units.rc': '1\n' });
    const run = evaluateBundle(await readBundle(data), profile, { only: ['S04'] });
    assert.match(run.checks[0]?.summary ?? '', /cyclictest\.service not found/);
    assert.ok(run.warnings.some((w) => /rtUnit: the bundle was collected for "cyclictest"/.test(w)));
  });
});
