import { AppError } from '../errors';
import type { ArchiveLayerCheck } from '../model/deploy';

/**
 * Verification of a `docker save` archive before a single byte goes to the controller: the manifest must name a
 * tagged image whose config and layers are all present and hash to the digests the image itself records. Portainer
 * reported success for corrupt tars (portainer#3766); this refuses them on the laptop.
 *
 * The caller reads the tar (main side) and hands over one entry per file with its SHA-256; small files carry their
 * text so the manifest and config can be parsed here.
 */
export interface ArchiveEntry {
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes as stored. */
  sha256: string;
  /** Hex SHA-256 after gunzip, for gzip-compressed layers. */
  uncompressedSha256?: string;
  /** UTF-8 text of small files (manifest, configs). */
  text?: string;
}

export interface VerifiedArchive {
  format: 'docker' | 'oci';
  repoTags: string[];
  configDigest: string;
  alternateIds: string[];
  layers: ArchiveLayerCheck[];
  architecture?: string;
  os?: string;
}

interface ManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

function invalid(message: string, detail?: unknown): AppError {
  return new AppError('INVALID_INPUT', `The image archive is not usable: ${message}`, 'Export it again on the build machine with `docker save IMAGE:TAG -o FILE.tar` (optionally gzip it) and choose the new file.', detail);
}

function parseJson(entry: ArchiveEntry | undefined, what: string): unknown {
  if (!entry) throw invalid(`${what} is missing.`);
  if (entry.text === undefined) throw invalid(`${what} is too large to be what it claims.`);
  try {
    return JSON.parse(entry.text) as unknown;
  } catch {
    throw invalid(`${what} is not valid JSON (the archive may be damaged).`);
  }
}

/** `name` → `name:latest`; strips `docker.io/` and `library/` the way `docker save` writes RepoTags. */
export function normalizeImageRef(ref: string): string {
  let name = ref.trim().replace(/^docker\.io\//, '').replace(/^library\//, '');
  if (name.includes('@')) return name;
  const lastSlash = name.lastIndexOf('/');
  if (name.lastIndexOf(':') <= lastSlash) name += ':latest';
  return name;
}

function isManifestItem(value: unknown): value is ManifestItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.Config === 'string' &&
    Array.isArray(item.Layers) &&
    item.Layers.every((l) => typeof l === 'string') &&
    (item.RepoTags === null || item.RepoTags === undefined || (Array.isArray(item.RepoTags) && item.RepoTags.every((t) => typeof t === 'string')))
  );
}

const blobPath = /^blobs\/sha256\/([0-9a-f]{64})$/;

/** Checks an archive's table of contents; `expectImage` picks (and requires) the image the compose file names. */
export function verifyArchiveEntries(entries: readonly ArchiveEntry[], expectImage?: string): VerifiedArchive {
  const byPath = new Map(entries.map((e) => [e.path.replace(/^\.\//, ''), e]));
  const manifestRaw = parseJson(byPath.get('manifest.json'), 'manifest.json (the table of contents docker save writes)');
  if (!Array.isArray(manifestRaw) || manifestRaw.length === 0 || !manifestRaw.every(isManifestItem)) {
    throw invalid('manifest.json does not list any image.');
  }
  const items = manifestRaw;
  let item: ManifestItem | undefined;
  if (expectImage) {
    const wanted = normalizeImageRef(expectImage);
    item = items.find((i) => (i.RepoTags ?? []).some((t) => normalizeImageRef(t) === wanted));
    if (!item) {
      const tags = items.flatMap((i) => i.RepoTags ?? []);
      throw new AppError(
        'INVALID_INPUT',
        `The archive holds ${tags.length > 0 ? tags.join(', ') : 'an image without a name'}, but the compose file names ${expectImage}.`,
        'Choose the archive of that image, or change image: in the compose file to the tag in the archive.',
        { repoTags: tags, expected: expectImage },
      );
    }
  } else {
    if (items.length > 1) throw invalid(`it holds ${items.length} images; the WebAPI archive must hold one.`);
    item = items[0];
  }
  if (!item) throw invalid('manifest.json does not list any image.');
  const repoTags = item.RepoTags ?? [];
  if (repoTags.length === 0) throw invalid('the image has no name (RepoTags is empty): it was saved by ID.');

  const configPath = item.Config.replace(/^\.\//, '');
  const configEntry = byPath.get(configPath);
  if (!configEntry) throw invalid(`the image config ${configPath} named in manifest.json is missing.`);
  const fromName = /^(?:blobs\/sha256\/)?([0-9a-f]{64})(?:\.json)?$/.exec(configPath)?.[1];
  if (fromName && fromName !== configEntry.sha256) {
    throw invalid(`the image config ${configPath} does not match its digest (sha256 ${configEntry.sha256.slice(0, 12)}…): the file is damaged.`);
  }
  const config = parseJson(configEntry, `the image config ${configPath}`) as { rootfs?: { diff_ids?: unknown }; architecture?: unknown; os?: unknown };
  const diffIds = config.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string' && /^sha256:[0-9a-f]{64}$/.test(d))) {
    throw invalid('the image config has no layer digests (rootfs.diff_ids).');
  }
  if (diffIds.length !== item.Layers.length) {
    throw invalid(`manifest.json lists ${item.Layers.length} layers but the image config expects ${diffIds.length}.`);
  }

  const layers: ArchiveLayerCheck[] = item.Layers.map((rawPath, index) => {
    const path = rawPath.replace(/^\.\//, '');
    const entry = byPath.get(path);
    const diffId = diffIds[index] as string;
    if (!entry) throw invalid(`layer ${index + 1} (${path}) is missing: the archive is incomplete.`);
    const blobDigest = blobPath.exec(path)?.[1];
    if (blobDigest && blobDigest !== entry.sha256) {
      throw invalid(`layer ${index + 1} (${path}) does not match its digest: the file is damaged.`, { path, expected: blobDigest, actual: entry.sha256 });
    }
    const content = entry.uncompressedSha256 ?? entry.sha256;
    if (`sha256:${content}` !== diffId) {
      throw invalid(`layer ${index + 1} (${path}) does not match the digest the image records (${diffId.slice(0, 19)}…): the file is damaged.`, { path, expected: diffId, actual: `sha256:${content}` });
    }
    return { path, size: entry.size, digest: `sha256:${entry.sha256}`, diffId };
  });

  const format: VerifiedArchive['format'] = byPath.has('oci-layout') || byPath.has('index.json') ? 'oci' : 'docker';
  const alternateIds: string[] = [];
  if (format === 'oci') {
    const index = parseJson(byPath.get('index.json'), 'index.json') as { manifests?: { digest?: unknown }[] };
    for (const m of index.manifests ?? []) if (typeof m.digest === 'string') alternateIds.push(m.digest);
  }
  const result: VerifiedArchive = { format, repoTags, configDigest: `sha256:${configEntry.sha256}`, alternateIds, layers };
  if (typeof config.architecture === 'string') result.architecture = config.architecture;
  if (typeof config.os === 'string') result.os = config.os;
  return result;
}
