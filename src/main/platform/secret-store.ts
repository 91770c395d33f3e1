/**
 * Passwords and passphrases are never written in plain text. The Electron app plugs in an OS-keyring backed
 * store (safeStorage); everywhere else (CLI, browser mode, tests) secrets live in memory for the session only.
 */
export interface SecretStore {
  /** True only when secrets can be encrypted by a real OS keyring. */
  available(): Promise<boolean>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export class NoSecretStore implements SecretStore {
  async available(): Promise<boolean> {
    return false;
  }
  async get(): Promise<string | null> {
    return null;
  }
  async set(): Promise<void> {
    throw new Error('No OS keyring is available: secrets are not stored.');
  }
  async delete(): Promise<void> {}
}
