import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { AppError } from '../../shared/errors';
import type { Auth } from '../../shared/model/controller';
import { KnownHostsStore } from '../platform/known-hosts';
import { defaultDataDir, userKnownHostsFile } from '../platform/data-dir';
import type { SshConnectRequest, SshEndpoint } from '../platform/ssh-connector';

export interface ConnectionFlags {
  key?: string;
  knownHosts?: string;
  acceptNewHostKey?: boolean;
  dataDir?: string;
  /** From --profile, when given: the session's own processes are pinned to these cores. */
  housekeepingCores?: string;
}

/** `USER@HOST[:PORT]`, with `[v6]` brackets for IPv6 addresses. */
export function parseTarget(text: string): { user: string; host: string; port: number } {
  const match = /^([A-Za-z0-9._][A-Za-z0-9._-]*)@(\[[0-9A-Fa-f:.%]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new AppError('INVALID_INPUT', `"${text}" is not USER@HOST[:PORT].`, 'Example: mxrc@192.168.10.5:22');
  }
  const port = match[3] === undefined ? 22 : Number(match[3]);
  if (port < 1 || port > 65535) throw new AppError('INVALID_INPUT', `Port ${port} is out of range.`);
  return { user: match[1], host: match[2].replace(/^\[|\]$/g, ''), port };
}

/** Same preference order as OpenSSH: an explicit key, the agent, the default identity files, a password. */
export function cliAuth(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Auth {
  if (flags.key) return { kind: 'key', keyFile: flags.key };
  if (env.SSH_AUTH_SOCK) return { kind: 'agent' };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = join(homedir(), '.ssh', name);
    if (existsSync(file)) return { kind: 'key', keyFile: file };
  }
  if (env.MXRC_SSH_PASSWORD !== undefined) return { kind: 'password' };
  throw new AppError('AUTH_FAILED', 'No way to log in: give --key FILE, run an ssh-agent, or set MXRC_SSH_PASSWORD.');
}

export function cliKnownHosts(flags: ConnectionFlags): KnownHostsStore {
  if (flags.knownHosts) return new KnownHostsStore(flags.knownHosts, []);
  return new KnownHostsStore(join(flags.dataDir ?? defaultDataDir(), 'known_hosts'), [userKnownHostsFile()]);
}

export function cliConnectRequest(targetText: string, flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): SshConnectRequest {
  const target = parseTarget(targetText);
  const endpoint: SshEndpoint = { ...target, auth: cliAuth(flags, env) };
  const secrets: SshConnectRequest['secrets'] = {};
  if (env.MXRC_SSH_PASSWORD !== undefined) secrets.password = env.MXRC_SSH_PASSWORD;
  if (env.MXRC_SSH_PASSPHRASE !== undefined) secrets.passphrase = env.MXRC_SSH_PASSPHRASE;
  return {
    controllerId: `${target.host}:${target.port}`,
    target: endpoint,
    secrets,
    knownHosts: cliKnownHosts(flags),
    acceptNewHostKey: flags.acceptNewHostKey === true,
    readyTimeoutMs: 15_000,
    ...(flags.housekeepingCores ? { housekeepingCores: flags.housekeepingCores } : {}),
  };
}
