import { join } from 'node:path';

import { safeStorage } from 'electron';

import { readJsonFile, writeJsonFile } from '../platform/json-file';
import type { SecretStore } from '../platform/secret-store';

/**
 * Secrets encrypted by the OS keyring (Electron safeStorage, async API). On Linux without a keyring Electron
 * falls back to a hard-coded key ('basic_text'); that is plain text in disguise, so nothing is stored then.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.json');
  }

  async available(): Promise<boolean> {
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false;
    return safeStorage.isAsyncEncryptionAvailable();
  }

  private read(): Promise<Record<string, string>> {
    return readJsonFile<Record<string, string>>(this.path, {});
  }

  async get(key: string): Promise<string | null> {
    const encrypted = (await this.read())[key];
    if (encrypted === undefined) return null;
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(encrypted, 'base64'));
    if (shouldReEncrypt) await this.set(key, result);
    return result;
  }

  async set(key: string, value: string): Promise<void> {
    if (!(await this.available())) throw new Error('No OS keyring is available: secrets are not stored.');
    const all = await this.read();
    all[key] = (await safeStorage.encryptStringAsync(value)).toString('base64');
    await writeJsonFile(this.path, all);
  }

  async delete(key: string): Promise<void> {
    const all = await this.read();
    if (!(key in all)) return;
    await writeJsonFile(this.path, Object.fromEntries(Object.entries(all).filter(([name]) => name !== key)));
  }
}
