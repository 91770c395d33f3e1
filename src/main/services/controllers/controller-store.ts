import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { AppError } from '../../../shared/errors';
import type { ControllerProfile } from '../../../shared/model/controller';
import { controllerInputSchema } from '../../../shared/model/controller';
import { readJsonFile, writeJsonFile } from '../../platform/json-file';

interface StoreFile {
  version: 1;
  controllers: ControllerProfile[];
}

/** Controller profiles in one JSON file in the data folder. Secrets are never part of it. */
export class ControllerStore {
  private readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, private readonly now: () => Date = () => new Date()) {
    this.path = join(dataDir, 'controllers.json');
  }

  async list(): Promise<ControllerProfile[]> {
    const file = await readJsonFile<StoreFile>(this.path, { version: 1, controllers: [] });
    return file.controllers;
  }

  async get(id: string): Promise<ControllerProfile> {
    const found = (await this.list()).find((c) => c.id === id);
    if (!found) throw new AppError('NOT_FOUND', `No controller with id ${id}.`, 'It may have been removed; reload the list.');
    return found;
  }

  /** Serialised so two quick saves never lose one another. */
  private mutate<T>(fn: (controllers: ControllerProfile[]) => { controllers: ControllerProfile[]; result: T }): Promise<T> {
    const run = this.queue.then(async () => {
      const { controllers, result } = fn(await this.list());
      await writeJsonFile(this.path, { version: 1, controllers } satisfies StoreFile);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  save(input: unknown, patch: Partial<Pick<ControllerProfile, 'hasSavedSecret'>> = {}): Promise<ControllerProfile> {
    const parsed = controllerInputSchema.parse(input);
    return this.mutate((controllers) => {
      const stamp = this.now().toISOString();
      const existing = parsed.id ? controllers.find((c) => c.id === parsed.id) : undefined;
      if (parsed.id && !existing) throw new AppError('NOT_FOUND', `No controller with id ${parsed.id}.`);
      const duplicate = controllers.find((c) => c.name.toLowerCase() === parsed.name.toLowerCase() && c.id !== parsed.id);
      if (duplicate) throw new AppError('INVALID_INPUT', `A controller named "${parsed.name}" already exists.`, undefined, [{ path: '0.name', message: 'Name already used' }]);
      const profile: ControllerProfile = {
        id: existing?.id ?? randomUUID(),
        name: parsed.name,
        host: parsed.host,
        port: parsed.port,
        user: parsed.user,
        auth: parsed.auth,
        jump: parsed.jump,
        rtCores: parsed.rtCores,
        housekeepingCores: parsed.housekeepingCores,
        rtUnit: parsed.rtUnit,
        notes: parsed.notes,
        hasSavedSecret: patch.hasSavedSecret ?? existing?.hasSavedSecret ?? false,
        createdAt: existing?.createdAt ?? stamp,
        updatedAt: stamp,
      };
      const next = existing ? controllers.map((c) => (c.id === profile.id ? profile : c)) : [...controllers, profile];
      return { controllers: next, result: profile };
    });
  }

  setHasSavedSecret(id: string, value: boolean): Promise<void> {
    return this.mutate((controllers) => ({
      controllers: controllers.map((c) => (c.id === id ? { ...c, hasSavedSecret: value } : c)),
      result: undefined,
    }));
  }

  remove(id: string): Promise<void> {
    return this.mutate((controllers) => ({ controllers: controllers.filter((c) => c.id !== id), result: undefined }));
  }
}
