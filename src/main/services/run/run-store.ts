import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { RunState } from '../../../shared/model/run';
import { readJsonFile, writeJsonFile } from '../../platform/json-file';
import { storeSegment } from '../report/store-paths';

/**
 * The commissioning run of each controller: `<data dir>/runs/<controller>.json`, written atomically (temp file and
 * rename), so an app restart — or a crash in the middle of a write — resumes the run where it was. Runs that were
 * started over are kept under runs/archive/.
 */
export class RunStore {
  constructor(private readonly dataDir: string) {}

  private file(controllerId: string): string {
    return join(this.dataDir, 'runs', `${storeSegment(controllerId, 'controller')}.json`);
  }

  async get(controllerId: string): Promise<RunState | null> {
    return readJsonFile<RunState | null>(this.file(controllerId), null);
  }

  async save(state: RunState): Promise<void> {
    await writeJsonFile(this.file(state.controllerId), state, 0o644);
  }

  async archive(state: RunState): Promise<void> {
    const stamp = state.startedAt.replace(/[:.]/g, '-');
    const target = join(this.dataDir, 'runs', 'archive', `${storeSegment(state.controllerId, 'controller')}-${stamp}.json`);
    await writeJsonFile(target, state, 0o644);
  }

  async list(): Promise<RunState[]> {
    const names = await readdir(join(this.dataDir, 'runs')).catch(() => [] as string[]);
    const out: RunState[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const state = await readJsonFile<RunState | null>(join(this.dataDir, 'runs', name), null).catch(() => null);
      if (state) out.push(state);
    }
    return out;
  }

  /** Which stored latency runs a run used as baseline and after-deployment measurement, for its visit's report. */
  async rolesFor(controllerId: string, visit: string): Promise<{ baselineRunId: string | null; afterRunId: string | null } | null> {
    const state = await this.get(controllerId).catch(() => null);
    if (!state || state.visit !== visit) return null;
    const id = (step: string): string | null => state.steps.find((s) => s.id === step && s.result?.kind === 'latency-run')?.result?.id ?? null;
    return { baselineRunId: id('baseline'), afterRunId: id('latencyAfter') };
  }
}

