import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { readImageArchive } from '../../../src/main/services/deploy/archive-reader';
import { normalizeImageRef, verifyArchiveEntries } from '../../../src/shared/deploy/docker-archive';
import { AppError } from '../../../src/shared/errors';
import type { BuiltArchive } from '../../fixtures/deploy/image-archive';
import { buildImageArchive, corruptLayerByte, truncateArchive } from '../../fixtures/deploy/image-archive';

function rejectsWith(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('image archive verification (docker save format)', () => {
  let good: BuiltArchive;
  let gz: BuiltArchive;

  before(async () => {
    good = await buildImageArchive({ tag: 'mxrc/webapi-test:unit', cmd: ['httpd', '-f', '-p', '127.0.0.1:18080', '-h', '/www'], healthBody: 'ok\n' });
    gz = await buildImageArchive({ tag: 'mxrc/webapi-test:unit-gz', cmd: ['sh'], healthBody: 'ok\n', gzip: true });
  });
  after(async () => {
    await good.cleanup();
    await gz.cleanup();
  });

  test('a good archive: tags, config digest (= image ID), layer digests, file hash', async () => {
    const info = await readImageArchive(good.path, 'mxrc/webapi-test:unit');
    assert.deepEqual(info.repoTags, ['mxrc/webapi-test:unit']);
    assert.equal(info.configDigest, good.imageId);
    assert.equal(info.format, 'docker');
    assert.equal(info.gzip, false);
    assert.equal(info.layers.length, 1);
    assert.equal(info.layers[0]?.diffId, good.layerDiffId);
    assert.equal(info.layers[0]?.digest, good.layerDiffId);
    assert.equal(info.size, (await stat(good.path)).size);
    assert.equal(info.fileSha256, createHash('sha256').update(await readFile(good.path)).digest('hex'));
    assert.equal(info.architecture, 'amd64');
  });

  test('gzip archives are read through and verified the same way', async () => {
    const info = await readImageArchive(gz.path);
    assert.equal(info.gzip, true);
    assert.equal(info.configDigest, gz.imageId);
  });

  test('a truncated archive is rejected before upload, saying it is truncated', async () => {
    const copy = join(good.dir, 'truncated.tar');
    await copyFile(good.path, copy);
    await truncateArchive(copy, Math.floor(good.size / 2));
    await assert.rejects(readImageArchive(copy), rejectsWith(/ends too early|truncated|missing/));
    const gzCopy = join(gz.dir, 'truncated.tar.gz');
    await copyFile(gz.path, gzCopy);
    await truncateArchive(gzCopy, Math.floor(gz.size / 2));
    await assert.rejects(readImageArchive(gzCopy), rejectsWith(/truncated|ends too early/));
  });

  test('a layer whose bytes changed is rejected by its digest', async () => {
    const copy = join(good.dir, 'corrupt.tar');
    await copyFile(good.path, copy);
    await corruptLayerByte(copy);
    await assert.rejects(readImageArchive(copy), rejectsWith(/layer 1 .* does not match the digest the image records/));
  });

  test('not a tar at all, a wrong tag, a missing file', async () => {
    const junk = join(good.dir, 'junk.tar');
    await writeFile(junk, 'this is not an archive'.repeat(100));
    await assert.rejects(readImageArchive(junk), rejectsWith(/not a readable tar|manifest\.json/));
    await assert.rejects(readImageArchive(good.path, 'mxrc-webapi:latest'), rejectsWith(/holds mxrc\/webapi-test:unit, but the compose file names mxrc-webapi:latest/));
    await assert.rejects(readImageArchive(join(good.dir, 'nope.tar')), rejectsWith(/cannot be read \(ENOENT\)/));
  });
});

describe('manifest checks (pure)', () => {
  const layer = { path: 'aa/layer.tar', size: 10, sha256: 'a'.repeat(64) };
  const config = JSON.stringify({ rootfs: { diff_ids: [`sha256:${'a'.repeat(64)}`] } });
  const configHex = createHash('sha256').update(config).digest('hex');
  const entries = (manifest: unknown) => [layer, { path: `${configHex}.json`, size: config.length, sha256: configHex, text: config }, { path: 'manifest.json', size: 1, sha256: 'x', text: JSON.stringify(manifest) }];

  test('RepoTags must name the image; a config file must match its name', () => {
    assert.throws(() => verifyArchiveEntries(entries([{ Config: `${configHex}.json`, RepoTags: null, Layers: ['aa/layer.tar'] }])), /no name \(RepoTags is empty\)/);
    assert.throws(() => verifyArchiveEntries(entries([{ Config: `${'b'.repeat(64)}.json`, RepoTags: ['a:b'], Layers: ['aa/layer.tar'] }])), /config .* is missing/);
    assert.throws(() => verifyArchiveEntries(entries([{ Config: `${configHex}.json`, RepoTags: ['a:b'], Layers: [] }])), /lists 0 layers but the image config expects 1/);
    assert.throws(() => verifyArchiveEntries(entries([{ Config: `${configHex}.json`, RepoTags: ['a:b'], Layers: ['bb/layer.tar'] }])), /layer 1 \(bb\/layer\.tar\) is missing/);
    const ok = verifyArchiveEntries(entries([{ Config: `${configHex}.json`, RepoTags: ['a:b'], Layers: ['aa/layer.tar'] }]), 'docker.io/library/a:b');
    assert.equal(ok.configDigest, `sha256:${configHex}`);
  });

  test('image references normalise like docker save writes them', () => {
    assert.equal(normalizeImageRef('mxrc-webapi'), 'mxrc-webapi:latest');
    assert.equal(normalizeImageRef('docker.io/library/busybox:1'), 'busybox:1');
    assert.equal(normalizeImageRef('registry:5000/x/y'), 'registry:5000/x/y:latest');
  });
});
