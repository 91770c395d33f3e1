import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import writeFileAtomic from 'write-file-atomic';

import { AppError } from '../../../shared/errors';
import type { ResultKind, ResultRef, ResultSummary, StoredResult, VisitSummary } from '../../../shared/model/results';
import { resultKinds } from '../../../shared/model/results';

/**
 * Results on the laptop, offline: `<root>/<controller>/<visit>/<kind>.<id>.json` plus attachments
 * `<kind>.<id>.<name>`. Every file is written to a temporary name and renamed, so a crash or power loss leaves
 * either the old state or the new one, never half a record; there is no index file that could be torn.
 */
export class ResultsStore {
  constructor(
    readonly root: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A visit groups one controller's runs of one (local) day unless the caller names another. */
  defaultVisit(at: Date = this.now()): string {
    const pad = (n: number): string => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  }

  private static safeSegment(text: string, what: string): string {
    const cleaned = text.trim();
    if (!/^[A-Za-z0-9._:@\-[\] ]{1,120}$/.test(cleaned) || cleaned === '.' || cleaned === '..') {
      throw new AppError('INVALID_INPUT', `"${text}" cannot be used as a ${what} name.`, 'Use letters, digits, spaces, dots, dashes and colons.');
    }
    // Colons are not allowed in Windows file names; keep names readable on every laptop.
    return cleaned.replace(/:/g, '_');
  }

  private dir(controller: string, visit: string): string {
    return join(this.root, ResultsStore.safeSegment(controller, 'controller'), ResultsStore.safeSegment(visit, 'visit'));
  }

  async save<T>(input: { controller: string; visit?: string; kind: ResultKind; title: string; verdict?: ResultSummary['verdict']; data: T; attachments?: Record<string, string | Buffer> }): Promise<StoredResult<T>> {
    const createdAt = this.now();
    const visit = input.visit ?? this.defaultVisit(createdAt);
    const dir = this.dir(input.controller, visit);
    await mkdir(dir, { recursive: true });
    const id = `${createdAt.toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
    const attachments = Object.keys(input.attachments ?? {}).map((name) => ResultsStore.safeSegment(name, 'attachment'));
    // Attachments first: a record never points at a file that is not there yet.
    for (const [name, content] of Object.entries(input.attachments ?? {})) {
      await writeFileAtomic(join(dir, `${input.kind}.${id}.${ResultsStore.safeSegment(name, 'attachment')}`), content);
    }
    const record: StoredResult<T> = {
      schemaVersion: 1,
      controller: input.controller,
      visit,
      kind: input.kind,
      id,
      createdAt: createdAt.toISOString(),
      title: input.title,
      ...(input.verdict ? { verdict: input.verdict } : {}),
      attachments,
      data: input.data,
    };
    await writeFileAtomic(join(dir, `${input.kind}.${id}.json`), `${JSON.stringify(record, null, 1)}\n`);
    return record;
  }

  /** Replace a record's data (e.g. a latency run that finished); atomic like save. */
  async update<T>(ref: ResultRef, patch: { title?: string; verdict?: ResultSummary['verdict']; data: T }): Promise<StoredResult<T>> {
    const existing = await this.get<T>(ref);
    const next: StoredResult<T> = { ...existing, ...patch };
    await writeFileAtomic(join(this.dir(ref.controller, ref.visit), `${ref.kind}.${ref.id}.json`), `${JSON.stringify(next, null, 1)}\n`);
    return next;
  }

  async get<T = unknown>(ref: ResultRef): Promise<StoredResult<T>> {
    const path = join(this.dir(ref.controller, ref.visit), `${ref.kind}.${ref.id}.json`);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as StoredResult<T>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `No stored ${ref.kind} ${ref.id} for ${ref.controller}.`);
      throw error;
    }
  }

  async attachment(ref: ResultRef, name: string): Promise<Buffer> {
    return readFile(join(this.dir(ref.controller, ref.visit), `${ref.kind}.${ref.id}.${ResultsStore.safeSegment(name, 'attachment')}`));
  }

  async controllers(): Promise<string[]> {
    return (await readdir(this.root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  }

  async visits(controller: string): Promise<VisitSummary[]> {
    const base = join(this.root, ResultsStore.safeSegment(controller, 'controller'));
    const names = (await readdir(base, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name);
    const visits: VisitSummary[] = [];
    for (const visit of names.sort()) {
      const records = await this.list({ controller, visit });
      if (records.length === 0) continue;
      const counts: VisitSummary['counts'] = {};
      for (const r of records) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
      visits.push({ controller, visit, firstAt: records[0]?.createdAt ?? '', lastAt: records.at(-1)?.createdAt ?? '', counts });
    }
    return visits;
  }

  /**
   * Summaries, oldest first. A file that cannot be parsed (only possible if written by something else) is skipped,
   * never fatal: one bad file must not hide a visit's history.
   */
  async list(filter: { controller?: string; visit?: string; kind?: ResultKind } = {}): Promise<ResultSummary[]> {
    const controllers = filter.controller ? [ResultsStore.safeSegment(filter.controller, 'controller')] : await this.controllers();
    const out: ResultSummary[] = [];
    for (const controller of controllers) {
      const base = join(this.root, controller);
      const visits = filter.visit ? [ResultsStore.safeSegment(filter.visit, 'visit')] : await readdir(base).catch(() => []);
      for (const visit of visits) {
        const files = await readdir(join(base, visit)).catch(() => []);
        for (const file of files) {
          const match = /^([a-z-]+)\.([0-9A-Za-z-]+)\.json$/.exec(file);
          if (!match || !(resultKinds as readonly string[]).includes(match[1] ?? '')) continue;
          if (filter.kind && match[1] !== filter.kind) continue;
          try {
            const record = JSON.parse(await readFile(join(base, visit, file), 'utf8')) as StoredResult;
            const { data: _data, schemaVersion: _v, ...summary } = record;
            out.push(summary);
          } catch {
            continue;
          }
        }
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async latest(filter: { controller: string; kind: ResultKind; visit?: string }): Promise<StoredResult | null> {
    const all = await this.list(filter);
    const last = all.at(-1);
    return last ? this.get(last) : null;
  }

  async exists(): Promise<boolean> {
    return (await stat(this.root).catch(() => null))?.isDirectory() ?? false;
  }
}
