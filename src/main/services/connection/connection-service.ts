import { AppError, isAppError } from '../../../shared/errors';
import type { ConnectionState, GivenSecrets, ControllerProfile, HostKeyChange, HostKeyInfo } from '../../../shared/model/controller';
import type { EventSink } from '../../../shared/contract';
import { onHousekeeping } from '../../../shared/remote-command';
import type { KnownHostsStore } from '../../platform/known-hosts';
import { fingerprintOfEntry, hostFieldMatches } from '../../platform/known-hosts';
import type { RemoteHost } from '../../platform/remote-host';
import type { SecretStore } from '../../platform/secret-store';
import type { PresentedHostKey, SshConnectRequest, SshConnection, SshSecrets } from '../../platform/ssh-connector';
import type { ControllerStore } from '../controllers/controller-store';

export interface ConnectionServiceDeps {
  controllers: ControllerStore;
  knownHosts: KnownHostsStore;
  secrets: SecretStore;
  emit: EventSink;
  connect: (req: SshConnectRequest) => Promise<SshConnection>;
  now?: () => Date;
  /** Waits between reconnect attempts; replaced in tests to run fast. */
  backoffMs?: (attempt: number) => number;
}

interface Live {
  host: RemoteHost;
  state: ConnectionState;
}

/** Errors that another attempt cannot fix without the technician. */
const fatalCodes = new Set(['HOST_KEY_UNKNOWN', 'HOST_KEY_CHANGED', 'AUTH_FAILED', 'KEY_FILE', 'SECRET_REQUIRED']);

/**
 * One SSH connection per controller, shared by every service. Owns host-key trust decisions, session secrets,
 * keepalive-driven reconnects and the connection state the status bar shows.
 */
export class ConnectionService {
  private readonly live = new Map<string, Live>();
  private readonly states = new Map<string, ConnectionState>();
  private readonly presented = new Map<string, { key: PresentedHostKey; verdict: string }>();
  /** Secrets typed in this session, so a reconnect never has to ask again; memory only. */
  private readonly sessionSecrets = new Map<string, SshSecrets>();
  private readonly stopped = new Set<string>();
  private readonly connecting = new Map<string, Promise<ConnectionState>>();
  private readonly connectListeners = new Set<(controllerId: string, host: RemoteHost) => void>();
  private readonly now: () => Date;

  constructor(private readonly deps: ConnectionServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private setState(controllerId: string, patch: Omit<ConnectionState, 'controllerId' | 'since'>): ConnectionState {
    const previous = this.states.get(controllerId);
    const since = previous?.status === patch.status && patch.status === 'reconnecting' ? previous.since : this.now().toISOString();
    const state: ConnectionState = { controllerId, since, ...patch };
    this.states.set(controllerId, state);
    this.deps.emit('connection.state', state);
    return state;
  }

  listStates(): ConnectionState[] {
    return [...this.states.values()];
  }

  /** Called with every (re)established connection, e.g. to re-attach a running latency test. */
  onDidConnect(listener: (controllerId: string, host: RemoteHost) => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /** The live connection of a controller, for other services. */
  hostFor(controllerId: string): RemoteHost {
    const live = this.live.get(controllerId);
    if (!live?.host.connected) throw new AppError('NOT_CONNECTED', 'The controller is not connected.', 'Connect to it on the Controllers screen.');
    return live.host;
  }

  async connect(controllerId: string, given: GivenSecrets = { remember: false }): Promise<ConnectionState> {
    const existing = this.live.get(controllerId);
    if (existing?.host.connected) return existing.state;
    const inFlight = this.connecting.get(controllerId);
    if (inFlight) return inFlight;
    const attempt = this.connectOnce(controllerId, given).finally(() => this.connecting.delete(controllerId));
    this.connecting.set(controllerId, attempt);
    return attempt;
  }

  private async resolveSecrets(profile: ControllerProfile, given: GivenSecrets): Promise<SshSecrets> {
    const secrets: SshSecrets = { ...this.sessionSecrets.get(profile.id) };
    if (given.password !== undefined) secrets.password = given.password;
    if (given.passphrase !== undefined) secrets.passphrase = given.passphrase;
    if (given.jumpPassword !== undefined) secrets.jumpPassword = given.jumpPassword;
    if (profile.hasSavedSecret) {
      for (const kind of ['password', 'passphrase', 'jumpPassword'] as const) {
        if (secrets[kind] === undefined) {
          const stored = await this.deps.secrets.get(`${profile.id}:${kind}`).catch(() => null);
          if (stored !== null) secrets[kind] = stored;
        }
      }
    }
    return secrets;
  }

  private async connectOnce(controllerId: string, given: GivenSecrets, reconnectAttempt?: number): Promise<ConnectionState> {
    const profile = await this.deps.controllers.get(controllerId);
    this.stopped.delete(controllerId);
    const secrets = await this.resolveSecrets(profile, given);
    this.setState(controllerId, reconnectAttempt ? { status: 'reconnecting', attempt: reconnectAttempt } : { status: 'connecting' });
    try {
      const connection = await this.deps.connect({
        controllerId,
        target: { host: profile.host, port: profile.port, user: profile.user, auth: profile.auth },
        jump: profile.jump,
        housekeepingCores: profile.housekeepingCores,
        secrets,
        knownHosts: this.deps.knownHosts,
        onHostKey: (key, verdict) => {
          if (verdict === 'unknown' || verdict === 'changed' || verdict === 'revoked') this.presented.set(controllerId, { key, verdict });
        },
      });
      this.sessionSecrets.set(controllerId, secrets);
      if (given.remember) await this.remember(profile, given);
      const state = this.setState(controllerId, { status: 'connected', hostKeyFingerprint: connection.hostKey.fingerprint, serverIdent: connection.serverIdent });
      this.live.set(controllerId, { host: connection.host, state });
      connection.host.onClose((reason) => {
        this.live.delete(controllerId);
        if (reason.expected || this.stopped.has(controllerId)) return;
        void this.reconnectLoop(controllerId, reason.message);
      });
      for (const listener of this.connectListeners) listener(controllerId, connection.host);
      return state;
    } catch (error) {
      const appError = AppError.from(error);
      if (!reconnectAttempt || fatalCodes.has(appError.code)) {
        this.setState(controllerId, { status: 'failed', error: { code: appError.code, message: appError.message, ...(appError.hint ? { hint: appError.hint } : {}) } });
      }
      throw appError;
    }
  }

  private async remember(profile: ControllerProfile, given: GivenSecrets): Promise<void> {
    if (!(await this.deps.secrets.available())) return;
    for (const kind of ['password', 'passphrase', 'jumpPassword'] as const) {
      const value = given[kind];
      if (value !== undefined) await this.deps.secrets.set(`${profile.id}:${kind}`, value);
    }
    await this.deps.controllers.setHasSavedSecret(profile.id, true);
  }

  private async reconnectLoop(controllerId: string, reason?: string): Promise<void> {
    const backoff = this.deps.backoffMs ?? ((n: number) => Math.min(15_000, 1000 * 2 ** (n - 1)));
    for (let attempt = 1; !this.stopped.has(controllerId); attempt++) {
      this.setState(controllerId, { status: 'reconnecting', attempt, ...(reason ? { error: { code: 'DISCONNECTED', message: reason } } : {}) });
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
      if (this.stopped.has(controllerId)) return;
      try {
        await this.connectOnce(controllerId, { remember: false }, attempt);
        return;
      } catch (error) {
        if (isAppError(error) && fatalCodes.has(error.code)) return;
      }
    }
  }

  async disconnect(controllerId: string): Promise<ConnectionState> {
    this.stopped.add(controllerId);
    const live = this.live.get(controllerId);
    this.live.delete(controllerId);
    await live?.host.close();
    return this.setState(controllerId, { status: 'disconnected' });
  }

  async disconnectAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.disconnect(id)));
  }

  async trustHostKey(controllerId: string, fingerprint: string): Promise<HostKeyInfo> {
    const pending = this.presented.get(controllerId);
    if (!pending || pending.verdict !== 'unknown') {
      throw new AppError('INVALID_INPUT', 'There is no new host key waiting to be trusted for this controller.', 'Connect first; the fingerprint dialog appears when the key is new.');
    }
    if (pending.key.fingerprint !== fingerprint) {
      throw new AppError('HOST_KEY_CHANGED', 'The fingerprint you confirmed is not the one the controller presented.', 'Connect again and compare the fingerprint once more.');
    }
    await this.deps.knownHosts.add(pending.key.host, pending.key.port, pending.key.keyBlob);
    this.presented.delete(controllerId);
    return { host: pending.key.host, port: pending.key.port, keyType: pending.key.keyType, fingerprint };
  }

  async replaceHostKey(controllerId: string, fingerprint: string): Promise<HostKeyChange> {
    const pending = this.presented.get(controllerId);
    if (!pending || pending.verdict !== 'changed') {
      throw new AppError('INVALID_INPUT', 'This controller has not presented a changed host key.', 'Connect first; the changed-key page appears when the key differs.');
    }
    if (pending.key.fingerprint !== fingerprint) {
      throw new AppError('HOST_KEY_CHANGED', 'The fingerprint you confirmed is not the one the controller presented.', 'Connect again and compare the fingerprint once more.');
    }
    const { host, port, keyType, keyBlob } = pending.key;
    const previous = (await this.deps.knownHosts.entries())
      .filter((entry) => entry.marker === null && hostFieldMatches(entry.hostField, host, port))
      .map(fingerprintOfEntry);
    // Only the app's own file is rewritten; a stale line in ~/.ssh/known_hosts stays, and the new trusted
    // line is enough for OpenSSH semantics (any matching key is accepted).
    await this.deps.knownHosts.removeHost(host, port);
    await this.deps.knownHosts.add(host, port, keyBlob);
    this.presented.delete(controllerId);
    return { host, port, keyType, fingerprint, knownFingerprints: previous, knownHostsFile: this.deps.knownHosts.writable };
  }

  async probe(controllerId: string): Promise<{ uname: string; ms: number }> {
    const profile = await this.deps.controllers.get(controllerId);
    const host = this.hostFor(controllerId);
    const started = performance.now();
    const result = await host.exec(onHousekeeping('uname -a', profile.housekeepingCores), { timeoutMs: 10_000 });
    if (result.exitCode !== 0) throw new AppError('REMOTE_COMMAND', `uname failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    return { uname: result.stdout.trim(), ms: Math.round(performance.now() - started) };
  }

  async forgetSecrets(controllerId: string): Promise<void> {
    this.sessionSecrets.delete(controllerId);
    for (const kind of ['password', 'passphrase', 'jumpPassword']) await this.deps.secrets.delete(`${controllerId}:${kind}`);
    await this.deps.controllers.setHasSavedSecret(controllerId, false);
  }
}
