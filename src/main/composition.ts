import { join } from 'node:path';

import pkg from '../../package.json' with { type: 'json' };
import type { AppInfo, AppServices } from '../shared/contract';
import { EventHub } from './platform/event-hub';
import { KnownHostsStore } from './platform/known-hosts';
import type { SecretStore } from './platform/secret-store';
import { NoSecretStore } from './platform/secret-store';
import { connectSsh } from './platform/ssh-connector';
import { userKnownHostsFile, userSshConfigFile } from './platform/data-dir';
import { ConnectionService } from './services/connection/connection-service';
import { ControllerStore } from './services/controllers/controller-store';
import { readSshConfigHosts } from './services/controllers/ssh-config-import';

export interface CompositionOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  secrets?: SecretStore;
  /** Extra version facts (Electron, Chromium) added by the Electron entry. */
  versions?: Record<string, string>;
  /** known_hosts files honoured but never written; default ~/.ssh/known_hosts. */
  readOnlyKnownHosts?: string[];
  sshConfigFile?: string;
}

export interface Composition {
  services: AppServices;
  events: EventHub;
  connections: ConnectionService;
  shutdown(): Promise<void>;
}

/** The one place where the Node-side services are constructed and wired. */
export function compose(options: CompositionOptions): Composition {
  const events = new EventHub();
  const secrets = options.secrets ?? new NoSecretStore();
  const controllers = new ControllerStore(options.dataDir);
  const knownHosts = new KnownHostsStore(join(options.dataDir, 'known_hosts'), options.readOnlyKnownHosts ?? [userKnownHostsFile()]);
  const connections = new ConnectionService({ controllers, knownHosts, secrets, emit: events.emit, connect: connectSsh });

  const services: AppServices = {
    app: {
      info: async () => ({
        name: pkg.name,
        version: pkg.version,
        mode: options.mode,
        versions: { node: process.versions.node, ...options.versions },
        dataDir: options.dataDir,
        canStoreSecrets: await secrets.available(),
      }),
    },
    controllers: {
      list: () => controllers.list(),
      save: (input) => controllers.save(input),
      remove: async (id) => {
        await connections.disconnect(id).catch(() => undefined);
        await connections.forgetSecrets(id).catch(() => undefined);
        await controllers.remove(id);
      },
      sshConfigHosts: (file) => readSshConfigHosts(file ?? options.sshConfigFile ?? userSshConfigFile()),
      forgetSecret: (id) => connections.forgetSecrets(id),
    },
    connection: {
      connect: (id, secretsGiven) => connections.connect(id, secretsGiven),
      disconnect: (id) => connections.disconnect(id),
      states: async () => connections.listStates(),
      trustHostKey: (id, fingerprint) => connections.trustHostKey(id, fingerprint),
      replaceHostKey: (id, fingerprint) => connections.replaceHostKey(id, fingerprint),
      probe: (id) => connections.probe(id),
    },
  };

  return { services, events, connections, shutdown: () => connections.disconnectAll() };
}
