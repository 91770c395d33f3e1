import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { CheckRunRecord } from '../../../shared/model/checks';
import type { DeploymentRecord, ProbeResult } from '../../../shared/model/deploy';
import type { LatencyRunRecord } from '../../../shared/model/latency';
import type { HistoryController, VisitOverview } from '../../../shared/model/report';
import type { ResultKind, ResultSummary, StoredResult } from '../../../shared/model/results';
import type { VisitRecords } from '../../../shared/report';
import type { ResultsStore } from '../store/results-store';
import { localDay, storeSegment } from './store-paths';

/** Deployments kept outside the ResultsStore (the Deploy history folder), per controller id. */
export interface DeploymentHistoryReader {
  list(controllerId: string, limit?: number): Promise<DeploymentRecord[]>;
}

/**
 * Controller ids that have deployments in `<data dir>/deployments/` (folder names lose colons, so the id is read
 * from a record): a visit in which only `mxrc-commission deploy` ran still shows up in the history.
 */
export async function deploymentControllers(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'deployments');
  const out: string[] = [];
  for (const folder of await readdir(root).catch(() => [] as string[])) {
    const files = (await readdir(join(root, folder)).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
    for (const file of files) {
      const id = await readFile(join(root, folder, file), 'utf8')
        .then((text) => (JSON.parse(text) as Partial<DeploymentRecord>).controllerId)
        .catch(() => undefined);
      if (typeof id === 'string' && id !== '') {
        out.push(id);
        break;
      }
    }
  }
  return out;
}

const verdictRank: Readonly<Record<NonNullable<ResultSummary['verdict']>, number>> = { info: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/**
 * Everything the laptop holds about a controller's visits, offline: the ResultsStore (check runs, latency runs,
 * deployments, probes) plus deployments the Deploy screen keeps in its own history folder, placed in the visit of
 * the local day they started on. Controllers are ResultsStore keys: a profile id for the app's runs, the CLI's
 * --name (default HOST:PORT) for its runs.
 */
export class VisitRecordsReader {
  constructor(
    private readonly store: ResultsStore,
    private readonly deployHistory: DeploymentHistoryReader | null,
    private readonly profileName: (key: string) => Promise<string | null>,
    private readonly extraControllers: () => Promise<string[]> = async () => [],
  ) {}

  private async historyDeployments(controller: string): Promise<DeploymentRecord[]> {
    if (!this.deployHistory) return [];
    return this.deployHistory.list(controller, 10_000).catch(() => []);
  }

  /** Every controller with stored results, by its original key (folder names lose colons). */
  async controllers(): Promise<HistoryController[]> {
    const keys = new Set<string>();
    for (const folder of await this.store.controllers()) {
      const summaries = await this.store.list({ controller: folder });
      keys.add(summaries[0]?.controller ?? folder);
    }
    const folders = new Set([...keys].map((k) => k.replace(/:/g, '_')));
    for (const id of await this.extraControllers()) if (!folders.has(id.replace(/:/g, '_'))) keys.add(id);
    const out: HistoryController[] = [];
    for (const key of keys) {
      const visits = await this.visits(key);
      const last = visits.at(-1);
      const name = await this.profileName(key);
      out.push({ key, name: name ?? key, isProfile: name !== null, visits: visits.length, lastVisit: last?.visit ?? null, lastAt: last?.lastAt ?? null });
    }
    return out.sort((a, b) => (b.lastAt ?? '').localeCompare(a.lastAt ?? '') || a.name.localeCompare(b.name));
  }

  async visits(controller: string): Promise<VisitOverview[]> {
    const summaries = await this.store.list({ controller });
    const extra = await this.historyDeployments(controller);
    const storedIds = new Set(summaries.filter((s) => s.kind === 'deployment').map((s) => s.id));
    const byVisit = new Map<string, { summaries: ResultSummary[]; extra: DeploymentRecord[] }>();
    const entry = (visit: string) => {
      let found = byVisit.get(visit);
      if (!found) byVisit.set(visit, (found = { summaries: [], extra: [] }));
      return found;
    };
    for (const summary of summaries) entry(summary.visit).summaries.push(summary);
    for (const record of extra) if (!storedIds.has(record.id)) entry(localDay(new Date(record.startedAt))).extra.push(record);

    const out: VisitOverview[] = [];
    for (const [visit, { summaries: items, extra: deployments }] of byVisit) {
      const times = [...items.map((s) => s.createdAt), ...deployments.flatMap((d) => [d.startedAt, d.finishedAt])].sort();
      const counts: VisitOverview['counts'] = {};
      const verdicts: VisitOverview['verdicts'] = {};
      for (const s of items) {
        counts[s.kind] = (counts[s.kind] ?? 0) + 1;
        // The latest record of each kind speaks for the visit (a fixed-and-re-verified check run replaces the first).
        verdicts[s.kind] = s.verdict;
      }
      if (deployments.length > 0) {
        counts.deployment = (counts.deployment ?? 0) + deployments.length;
        const last = [...deployments].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)).at(-1);
        if (last) verdicts.deployment = last.result === 'deployed' || last.result === 'restored' ? 'pass' : last.result === 'cancelled' ? 'info' : 'fail';
      }
      out.push({ controller, visit, firstAt: times[0] ?? '', lastAt: times.at(-1) ?? '', counts, verdicts, extraDeployments: deployments.length });
    }
    return out.sort((a, b) => a.firstAt.localeCompare(b.firstAt) || a.visit.localeCompare(b.visit));
  }

  /** The worst of the latest verdicts, for one-word history lines. */
  static worst(overview: VisitOverview): ResultSummary['verdict'] {
    let worst: ResultSummary['verdict'];
    for (const verdict of Object.values(overview.verdicts)) {
      if (verdict && (worst === undefined || verdictRank[verdict] > verdictRank[worst])) worst = verdict;
    }
    return worst;
  }

  async summaries(controller: string, visit: string): Promise<ResultSummary[]> {
    return this.store.list({ controller, visit });
  }

  private async load<T>(controller: string, visit: string, kind: ResultKind): Promise<StoredResult<T>[]> {
    const out: StoredResult<T>[] = [];
    for (const summary of await this.store.list({ controller, visit, kind })) {
      try {
        out.push(await this.store.get<T>(summary));
      } catch {
        // A record that cannot be read is left out of the report rather than failing it; the list shows it.
        continue;
      }
    }
    return out;
  }

  async records(controller: string, visit: string): Promise<VisitRecords> {
    // Validates the names the same way the store does (a report request names them).
    storeSegment(controller, 'controller');
    storeSegment(visit, 'visit');
    const stored = await this.load<DeploymentRecord>(controller, visit, 'deployment');
    const ids = new Set(stored.map((s) => s.data.id));
    const extra = (await this.historyDeployments(controller)).filter((d) => !ids.has(d.id) && localDay(new Date(d.startedAt)) === visit);
    return {
      checkRuns: await this.load<CheckRunRecord>(controller, visit, 'check-run'),
      latencyRuns: await this.load<LatencyRunRecord>(controller, visit, 'latency-run'),
      deployments: [...stored.map((s) => s.data), ...extra],
      probes: await this.load<ProbeResult>(controller, visit, 'probe'),
    };
  }
}
