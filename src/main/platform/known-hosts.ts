import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import writeFileAtomic from 'write-file-atomic';

/**
 * OpenSSH known_hosts, read and written in OpenSSH's own format so `ssh` and this tool agree about every
 * controller: plain and hashed (`|1|salt|hmac`) host fields, `[host]:port`, wildcard and negated patterns,
 * and the `@revoked` / `@cert-authority` markers.
 */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker: '@revoked' | '@cert-authority' | null;
  hostField: string;
  keyType: string;
  keyBase64: string;
}

export type HostKeyVerdict =
  | { kind: 'match'; entry: KnownHostEntry }
  | { kind: 'unknown' }
  | { kind: 'changed'; known: KnownHostEntry[] }
  | { kind: 'revoked'; entry: KnownHostEntry };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** SHA256 fingerprint as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string inside the SSH public key blob. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('host key blob too short');
  const length = keyBlob.readUInt32BE(0);
  if (length > 64 || 4 + length > keyBlob.length) throw new Error('host key blob is malformed');
  return keyBlob.subarray(4, 4 + length).toString('ascii');
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    const [hostField, keyType, keyBase64] = fields;
    if (!hostField || !keyType || !keyBase64) return;
    entries.push({ file, line: index + 1, marker, hostField, keyType, keyBase64 });
  });
  return entries;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  // |1|base64(salt)|base64(hmac-sha1(salt, name))
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  return createHmac('sha1', salt).update(name).digest('base64') === parts[3];
}

/** Does a known_hosts host field name this host and port? */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const name = hostPattern(host, port);
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (globToRegExp(body).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function judgeHostKey(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const presented = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostFieldMatches(e.hostField, host, port));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBase64 === presented);
  if (revoked) return { kind: 'revoked', entry: revoked };
  const match = forHost.find((e) => e.marker === null && e.keyBase64 === presented);
  if (match) return { kind: 'match', entry: match };
  const known = forHost.filter((e) => e.marker === null);
  return known.length === 0 ? { kind: 'unknown' } : { kind: 'changed', known };
}

export function fingerprintOfEntry(entry: KnownHostEntry): string {
  return fingerprintOf(Buffer.from(entry.keyBase64, 'base64'));
}

/**
 * The files consulted for one connection: `writable` is where accepted keys go (the app's own file, or the CLI's
 * --known-hosts); `readOnly` files (~/.ssh/known_hosts) are honoured but never changed.
 */
export class KnownHostsStore {
  constructor(
    readonly writable: string,
    readonly readOnly: readonly string[] = [],
  ) {}

  async entries(): Promise<KnownHostEntry[]> {
    const all: KnownHostEntry[] = [];
    for (const file of [this.writable, ...this.readOnly]) {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw error;
      });
      all.push(...parseKnownHosts(text, file));
    }
    return all;
  }

  async judge(host: string, port: number, keyBlob: Buffer): Promise<HostKeyVerdict> {
    return judgeHostKey(await this.entries(), host, port, keyBlob);
  }

  /** Append a trusted key, hashing the host name the way `HashKnownHosts yes` does when asked to. */
  async add(host: string, port: number, keyBlob: Buffer, opts: { hashed?: boolean } = {}): Promise<void> {
    const name = hostPattern(host, port);
    const field = opts.hashed ? hashHostName(name) : name;
    await mkdir(dirname(this.writable), { recursive: true });
    const existing = await readFile(this.writable, 'utf8').catch(() => '');
    const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
    await appendFile(this.writable, `${separator}${field} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
  }

  /** Remove every entry of this host from the writable file (the "controller was reimaged" path). */
  async removeHost(host: string, port: number): Promise<number> {
    const text = await readFile(this.writable, 'utf8').catch(() => '');
    let removed = 0;
    const kept = text.split('\n').filter((raw) => {
      const [entry] = parseKnownHosts(raw, this.writable);
      if (entry && entry.marker === null && hostFieldMatches(entry.hostField, host, port)) {
        removed++;
        return false;
      }
      return true;
    });
    if (removed > 0) await writeFileAtomic(this.writable, kept.join('\n'), { mode: 0o600 });
    return removed;
  }
}

export function hashHostName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
