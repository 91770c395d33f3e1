import { compareToBaseline } from '../../../shared/latency';
import type { LatencyHistoryItem, LatencyResultRef, LatencyRunRecord } from '../../../shared/model/latency';
import type { ResultRef, StoredResult } from '../../../shared/model/results';
import type { ResultsStore } from '../store/results-store';
import { recordTitle, worstMaxUs } from './collect';

export type StoredLatencyRun = StoredResult<LatencyRunRecord>;

function summaryVerdict(record: LatencyRunRecord): StoredResult['verdict'] {
  if (record.status === 'cancelled') return 'info';
  return record.verdict;
}

/** Latency runs in the laptop's ResultsStore (kind 'latency-run'), with the controller's marked baseline. */
export class LatencyRecords {
  constructor(readonly store: ResultsStore) {}

  async save(controller: string, record: LatencyRunRecord, attachments: Record<string, string>): Promise<StoredLatencyRun> {
    return this.store.save({ controller, kind: 'latency-run', title: recordTitle(record), verdict: summaryVerdict(record), data: record, attachments });
  }

  async update(stored: StoredLatencyRun, record: LatencyRunRecord): Promise<StoredLatencyRun> {
    return this.store.update<LatencyRunRecord>(stored, { title: recordTitle(record), verdict: summaryVerdict(record), data: record });
  }

  async get(ref: ResultRef): Promise<StoredLatencyRun> {
    return this.store.get<LatencyRunRecord>(ref);
  }

  /** Every latency run of a controller, oldest first (unreadable records are skipped by the store). */
  async all(controller: string): Promise<StoredLatencyRun[]> {
    const out: StoredLatencyRun[] = [];
    for (const summary of await this.store.list({ controller, kind: 'latency-run' })) {
      try {
        out.push(await this.get(summary));
      } catch {
        continue;
      }
    }
    return out;
  }

  async findRun(controller: string, runId: string): Promise<StoredLatencyRun | null> {
    return (await this.all(controller)).find((stored) => stored.data.runId === runId) ?? null;
  }

  async markedBaseline(controller: string): Promise<StoredLatencyRun | null> {
    return (await this.all(controller)).filter((stored) => stored.data.isBaseline).at(-1) ?? null;
  }

  /** One baseline per controller: marking a run clears the mark of any other. */
  async setBaseline(ref: ResultRef, on: boolean): Promise<void> {
    const target = await this.get(ref);
    if (on && !target.data.result) throw new Error('A run without results cannot be a baseline.');
    for (const stored of await this.all(ref.controller)) {
      const mark = stored.id === ref.id && stored.visit === ref.visit ? on : on ? false : stored.data.isBaseline;
      if (stored.data.isBaseline !== mark) await this.update(stored, { ...stored.data, isBaseline: mark });
    }
  }

  /** Compares a record with a stored baseline run; null when either lacks results. */
  static compare(record: LatencyRunRecord, baseline: StoredLatencyRun): LatencyRunRecord['comparison'] {
    if (!record.result || !baseline.data.result) return null;
    const result = compareToBaseline(baseline.data.result, record.result, {
      maxIncreasePct: record.settings.maxIncreasePct,
      spreadTolerancePct: record.settings.spreadTolerancePct,
    });
    const ref: LatencyResultRef = { controller: baseline.controller, visit: baseline.visit, kind: 'latency-run', id: baseline.id };
    return { baseline: ref, baselineStartedAt: baseline.data.startedAt, result };
  }

  async history(controller: string): Promise<LatencyHistoryItem[]> {
    return (await this.all(controller)).map((stored) => ({
      ref: { controller: stored.controller, visit: stored.visit, kind: 'latency-run', id: stored.id },
      createdAt: stored.createdAt,
      title: stored.title,
      preset: stored.data.settings.preset,
      status: stored.data.status,
      verdict: stored.data.verdict,
      maxUs: worstMaxUs(stored.data.result),
      durationS: stored.data.durationS,
      isBaseline: stored.data.isBaseline,
    }));
  }
}
