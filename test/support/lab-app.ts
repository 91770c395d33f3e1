import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Composition } from '../../src/main/composition';
import { compose } from '../../src/main/composition';
import type { ControllerInput } from '../../src/shared/model/controller';
import { controllerInputSchema } from '../../src/shared/model/controller';
import type { AppClient } from '../../src/shared/rpc';
import { inMemoryClient } from './in-memory-transport';
import type { Lab } from './lab';

export type LabControllerName = keyof Lab['controllers'];

/** A controller profile for one of the lab's controllers, key login, its own cores; tests override what they need. */
export function labProfileInput(lab: Lab, name: LabControllerName, over: Partial<ControllerInput> = {}): ControllerInput {
  const ctl = lab.controllers[name];
  if (!ctl) throw new Error(`the lab has no ${name} controller`);
  return {
    name: `Lab ${name} controller`,
    host: ctl.host,
    port: ctl.port,
    user: ctl.user,
    auth: { kind: 'key', keyFile: ctl.keyFile },
    rtCores: ctl.rtCores,
    housekeepingCores: ctl.housekeepingCores,
    ...over,
  };
}

export interface LabApp {
  app: Composition;
  client: AppClient;
  dataDir: string;
}

/**
 * The app's services on a fresh data dir, driven like the UI drives them (contract over an in-memory transport).
 * The lab's known_hosts is honoured read-only: the Controllers tests cover the first-visit fingerprint dialog.
 */
export function openLabApp(lab: Lab, prefix: string, dataDir = mkdtempSync(join(tmpdir(), prefix))): LabApp {
  const app = compose({ dataDir, mode: 'web', readOnlyKnownHosts: [lab.knownHostsFile] });
  return { app, client: inMemoryClient(app.services, app.events), dataDir };
}

/** Saves a lab controller as a profile and (unless told not to) connects; returns the profile id. */
export async function addLabController(client: AppClient, lab: Lab, name: LabControllerName, over: Partial<ControllerInput> = {}, opts: { connect?: boolean } = {}): Promise<string> {
  const profile = await client.controllers.save(labProfileInput(lab, name, over));
  if (opts.connect !== false) await client.connection.connect(profile.id);
  return profile.id;
}

/**
 * For browser tests: a data dir that already has this lab controller saved and its key trusted, as after a first
 * visit (the Controllers e2e covers the fingerprint dialog). Start browser mode on it afterwards.
 */
export async function seedLabController(dataDir: string, lab: Lab, name: LabControllerName, over: Partial<ControllerInput> = {}): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(lab.knownHostsFile, join(dataDir, 'known_hosts'));
  const seed = compose({ dataDir, mode: 'web', readOnlyKnownHosts: [] });
  try {
    return (await seed.services.controllers.save(controllerInputSchema.parse(labProfileInput(lab, name, over)))).id;
  } finally {
    await seed.shutdown();
  }
}
