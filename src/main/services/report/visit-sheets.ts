import { join } from 'node:path';

import type { ControllerIdentity, VisitNote, VisitSheet, VisitSheetInput } from '../../../shared/model/report';
import { visitSheetInputSchema } from '../../../shared/model/report';
import { readJsonFile, writeJsonFile } from '../../platform/json-file';
import { KeyedQueue, storeSegment } from './store-paths';

/**
 * What a person adds to a visit — site, customer, people, deviations, open items — and the controller identity the
 * commissioning run read: `<data dir>/visits/<controller>/<visit>.json`, written atomically.
 */
export class VisitSheetStore {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private file(controller: string, visit: string): string {
    return join(this.dataDir, 'visits', storeSegment(controller, 'controller'), `${storeSegment(visit, 'visit')}.json`);
  }

  static empty(controller: string, visit: string): VisitSheet {
    return { controller, visit, site: '', customer: '', technician: '', customerRepresentative: '', deviations: [], openItems: [], identity: null, updatedAt: null };
  }

  async get(controller: string, visit: string): Promise<VisitSheet> {
    const stored = await readJsonFile<Partial<VisitSheet> | null>(this.file(controller, visit), null);
    return { ...VisitSheetStore.empty(controller, visit), ...(stored ?? {}), controller, visit };
  }

  private update(controller: string, visit: string, change: (sheet: VisitSheet) => VisitSheet): Promise<VisitSheet> {
    const file = this.file(controller, visit);
    return this.queue.run(file, async () => {
      const next = { ...change(await this.get(controller, visit)), updatedAt: this.now().toISOString() };
      await writeJsonFile(file, next, 0o644);
      return next;
    });
  }

  save(controller: string, visit: string, raw: VisitSheetInput): Promise<VisitSheet> {
    const input = visitSheetInputSchema.parse(raw);
    const at = this.now().toISOString();
    const notes = (items: NonNullable<typeof input.deviations>): VisitNote[] => items.map((n) => ({ text: n.text, source: n.source ?? 'technician', at: n.at ?? at }));
    return this.update(controller, visit, (sheet) => ({
      ...sheet,
      ...(input.site !== undefined ? { site: input.site } : {}),
      ...(input.customer !== undefined ? { customer: input.customer } : {}),
      ...(input.technician !== undefined ? { technician: input.technician } : {}),
      ...(input.customerRepresentative !== undefined ? { customerRepresentative: input.customerRepresentative } : {}),
      ...(input.deviations ? { deviations: notes(input.deviations) } : {}),
      ...(input.openItems ? { openItems: notes(input.openItems) } : {}),
    }));
  }

  addNote(controller: string, visit: string, list: 'deviations' | 'openItems', note: { text: string; source: string }): Promise<VisitSheet> {
    const at = this.now().toISOString();
    return this.update(controller, visit, (sheet) => ({ ...sheet, [list]: [...sheet[list], { text: note.text, source: note.source, at }] }));
  }

  setIdentity(controller: string, visit: string, identity: ControllerIdentity): Promise<VisitSheet> {
    return this.update(controller, visit, (sheet) => ({ ...sheet, identity }));
  }
}
