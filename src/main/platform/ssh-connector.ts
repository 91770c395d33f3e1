import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';

import type { Client as SshClient, ConnectConfig } from 'ssh2';
import ssh2 from 'ssh2';

import { AppError } from '../../shared/errors';
import type { Auth, HostKeyChange, HostKeyInfo } from '../../shared/model/controller';
import type { KnownHostsStore } from './known-hosts';
import { fingerprintOf, fingerprintOfEntry, keyTypeOf } from './known-hosts';
import { classifySshError } from './ssh-errors';
import { setUpSession } from './session-setup';
import { Ssh2RemoteHost } from './ssh2-remote-host';

// ssh2 is CommonJS; Node's ESM loader cannot see its named exports.
const { Client, utils } = ssh2;
type Client = SshClient;

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  auth: Auth;
}

export interface SshSecrets {
  password?: string;
  passphrase?: string;
  jumpPassword?: string;
}

export interface PresentedHostKey extends HostKeyInfo {
  keyBlob: Buffer;
}

export interface SshConnectRequest {
  controllerId: string;
  target: SshEndpoint;
  jump?: SshEndpoint | null;
  secrets?: SshSecrets;
  knownHosts: KnownHostsStore;
  /** Record an unknown key and go on (the CLI's --accept-new-host-key). A changed key is never accepted. */
  acceptNewHostKey?: boolean;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK. */
  agentSocket?: string;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** The controller's housekeeping cores: this session's own processes are pinned there (session-setup.ts). */
  housekeepingCores?: string;
  /** Told about every key a server presents, trusted or not (the UI shows it in the fingerprint dialog). */
  onHostKey?: (key: PresentedHostKey, verdict: 'match' | 'unknown' | 'changed' | 'revoked' | 'accepted') => void;
}

export interface SshConnection {
  host: Ssh2RemoteHost;
  hostKey: HostKeyInfo;
  serverIdent: string;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

async function authConfig(endpoint: SshEndpoint, password: string | undefined, passphrase: string | undefined, agentSocket: string | undefined, role: 'target' | 'jump'): Promise<Partial<ConnectConfig>> {
  switch (endpoint.auth.kind) {
    case 'agent': {
      if (!agentSocket) {
        throw new AppError('AUTH_FAILED', 'No SSH agent is running on this laptop (SSH_AUTH_SOCK is not set).', 'Start ssh-agent and add your key, or choose a key file.');
      }
      return { agent: agentSocket };
    }
    case 'key': {
      const path = expandHome(endpoint.auth.keyFile);
      const data = await readFile(path).catch((error: unknown) => {
        const err = error as NodeJS.ErrnoException;
        throw new AppError('KEY_FILE', `The key file ${path} cannot be read (${err.code ?? err.message}).`, 'Choose an existing private key file.');
      });
      const parsed = utils.parseKey(data, passphrase);
      if (parsed instanceof Error) {
        if (/no passphrase given|encrypted/i.test(parsed.message) && !passphrase) {
          throw new AppError('SECRET_REQUIRED', `The key ${path} is protected by a passphrase.`, 'Enter the passphrase.', { kind: 'passphrase', role });
        }
        if (passphrase && /bad decrypt|passphrase|integrity|decrypt/i.test(parsed.message)) {
          throw new AppError('KEY_FILE', `The passphrase for ${path} is wrong.`, 'Enter the passphrase again.', { kind: 'passphrase', role });
        }
        throw new AppError('KEY_FILE', `${path} is not a usable private key: ${parsed.message}.`, 'Choose the private key (not the .pub file).');
      }
      return passphrase === undefined ? { privateKey: data } : { privateKey: data, passphrase };
    }
    case 'password': {
      if (password === undefined) {
        throw new AppError('SECRET_REQUIRED', `Enter the password for ${endpoint.user}@${endpoint.host}.`, undefined, { kind: 'password', role });
      }
      return { password, tryKeyboard: true };
    }
  }
}

/** Connect one ssh2 client, verifying the host key before anything else is sent. */
async function connectClient(endpoint: SshEndpoint, auth: Partial<ConnectConfig>, req: SshConnectRequest, sock?: NodeJS.ReadableStream): Promise<{ client: Client; hostKey: HostKeyInfo; serverIdent: string }> {
  const client = new Client();
  let presented: PresentedHostKey | null = null;
  let rejection: AppError | null = null;
  let serverIdent = '';

  const verify = (keyBlob: Buffer, done: (ok: boolean) => void): void => {
    const info: PresentedHostKey = { host: endpoint.host, port: endpoint.port, keyType: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob), keyBlob };
    presented = info;
    req.knownHosts
      .judge(endpoint.host, endpoint.port, keyBlob)
      .then(async (verdict) => {
        const publicInfo: HostKeyInfo = { host: info.host, port: info.port, keyType: info.keyType, fingerprint: info.fingerprint };
        if (verdict.kind === 'match') {
          req.onHostKey?.(info, 'match');
          return done(true);
        }
        if (verdict.kind === 'unknown' && req.acceptNewHostKey) {
          await req.knownHosts.add(endpoint.host, endpoint.port, keyBlob);
          req.onHostKey?.(info, 'accepted');
          return done(true);
        }
        if (verdict.kind === 'unknown') {
          req.onHostKey?.(info, 'unknown');
          rejection = new AppError(
            'HOST_KEY_UNKNOWN',
            `${endpoint.host}:${endpoint.port} is not known yet. Its ${info.keyType} key has the fingerprint ${info.fingerprint}.`,
            'Compare the fingerprint with the one on the controller (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before you trust it.',
            publicInfo,
          );
          return done(false);
        }
        const known = verdict.kind === 'changed' ? verdict.known : [verdict.entry];
        const change: HostKeyChange = { ...publicInfo, knownFingerprints: known.map(fingerprintOfEntry), knownHostsFile: known[0]?.file ?? req.knownHosts.writable };
        req.onHostKey?.(info, verdict.kind);
        rejection = new AppError(
          'HOST_KEY_CHANGED',
          verdict.kind === 'revoked'
            ? `The key of ${endpoint.host}:${endpoint.port} is marked revoked in ${change.knownHostsFile}.`
            : `The host key of ${endpoint.host}:${endpoint.port} has CHANGED (now ${info.fingerprint}, recorded ${change.knownFingerprints.join(', ')}). Nothing was sent.`,
          'If this controller was reimaged, confirm with the person responsible and replace its key deliberately. Otherwise someone may be intercepting the connection.',
          change,
        );
        return done(false);
      })
      .catch((error: unknown) => {
        rejection = AppError.from(error);
        done(false);
      });
  };

  const config: ConnectConfig = {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.user,
    readyTimeout: req.readyTimeoutMs ?? 15_000,
    keepaliveInterval: req.keepaliveIntervalMs ?? 5_000,
    keepaliveCountMax: 3,
    hostVerifier: verify,
    ...auth,
  };
  if (sock) config.sock = sock as ConnectConfig['sock'];

  return new Promise((resolve, reject) => {
    let settled = false;
    // ssh2 may emit several errors for one failure (e.g. a timeout, then "Connection lost before handshake");
    // an unhandled 'error' would crash the process, so the listener stays until the connection is handed over.
    const onError = (error: Error): void => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.end();
      reject(rejection ?? classifySshError(error, endpoint));
    };
    client.on('error', onError);
    client.once('ready', () => {
      settled = true;
      client.removeListener('error', onError);
      // Small interactive packets (terminal keys, health probes through a forward) must not wait for Nagle.
      client.setNoDelay(true);
      const key: PresentedHostKey | null = presented;
      if (!key) {
        client.end();
        reject(new AppError('INTERNAL', 'The server did not present a host key.'));
        return;
      }
      // ssh2 keeps the server's software version only on a private field.
      serverIdent = (client as unknown as { _remoteVer?: string })._remoteVer ?? '';
      resolve({ client, hostKey: { host: key.host, port: key.port, keyType: key.keyType, fingerprint: key.fingerprint }, serverIdent });
    });
    try {
      client.connect(config);
    } catch (error) {
      reject(classifySshError(error, endpoint));
    }
  });
}

/** Open the one shared connection to a controller, through its jump host when it has one. */
export async function connectSsh(req: SshConnectRequest): Promise<SshConnection> {
  const secrets = req.secrets ?? {};
  const agentSocket = req.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const targetAuth = await authConfig(req.target, secrets.password, secrets.passphrase, agentSocket, 'target');
  let jumpClient: Client | null = null;
  let sock: NodeJS.ReadableStream | undefined;
  if (req.jump) {
    const jumpAuth = await authConfig(req.jump, secrets.jumpPassword, secrets.passphrase, agentSocket, 'jump');
    const jump = await connectClient(req.jump, jumpAuth, req);
    jumpClient = jump.client;
    sock = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
      jump.client.forwardOut('127.0.0.1', 0, req.target.host, req.target.port, (error, stream) => {
        if (error) {
          jump.client.end();
          reject(new AppError('HOST_UNREACHABLE', `The jump host ${req.jump?.host} could not reach ${req.target.host}:${req.target.port}: ${error.message}.`, 'Check the controller address as seen from the jump host.'));
        } else resolve(stream);
      });
    });
  }
  try {
    const { client, hostKey, serverIdent } = await connectClient(req.target, targetAuth, req, sock);
    const host = new Ssh2RemoteHost(req.controllerId, client, jumpClient);
    await setUpSession(host, req.housekeepingCores);
    return { host, hostKey, serverIdent };
  } catch (error) {
    jumpClient?.end();
    throw error;
  }
}
