import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { DeploymentRecord } from '../../../shared/model/deploy';
import { readJsonFile, writeJsonFile } from '../../platform/json-file';

/** Profile ids are safe already; CLI ids are HOST:PORT, and ':' is not allowed in Windows file names. */
export function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || '_';
}

/**
 * Deployment history on the laptop: one JSON file per deployment under
 * `<dataDir>/deployments/<controllerId>/`, written atomically. (A later results store will take these over.)
 */
export class DeploymentHistory {
  constructor(private readonly dataDir: string) {}

  private dirFor(controllerId: string): string {
    return join(this.dataDir, 'deployments', safeSegment(controllerId));
  }

  fileFor(record: Pick<DeploymentRecord, 'controllerId' | 'startedAt' | 'kind' | 'id'>): string {
    const stamp = record.startedAt.replace(/[:.]/g, '-');
    return join(this.dirFor(record.controllerId), `${stamp}-${record.kind}-${safeSegment(record.id)}.json`);
  }

  async save(record: DeploymentRecord): Promise<string> {
    const file = this.fileFor(record);
    await writeJsonFile(file, record, 0o644);
    return file;
  }

  /** Newest first. */
  async list(controllerId: string, limit = 50): Promise<DeploymentRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dirFor(controllerId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const files = names.filter((n) => n.endsWith('.json')).sort().reverse().slice(0, limit);
    const records = await Promise.all(files.map((n) => readJsonFile<DeploymentRecord | null>(join(this.dirFor(controllerId), n), null).catch(() => null)));
    return records.filter((r): r is DeploymentRecord => r !== null);
  }
}
