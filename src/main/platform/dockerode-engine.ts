import http from 'node:http';
import type { Readable } from 'node:stream';
import { Duplex } from 'node:stream';

import Docker from 'dockerode';

import { AppError, isAppError } from '../../shared/errors';
import type { ContainerCreateOptions } from '../../shared/model/deploy';
import { sh } from '../../shared/remote-command';
import type { ContainerInspect, DockerEngine, LoadImageResult } from './docker-engine';
import type { RemoteHost } from './remote-host';

/**
 * dockerode over the controller's SSH connection: every HTTP socket is a `direct-streamlocal` channel to
 * /var/run/docker.sock on the same ssh2 connection (lab.md §3.4), or, when the server refuses stream-local
 * forwarding, an exec channel running `docker system dial-stdio`. Nothing but the SSH connection is needed.
 */
export type DockerTransport = 'streamlocal' | 'dial-stdio';

export interface DockerConnectOptions {
  socketPath?: string;
  /** 'auto' tries stream-local first, then dial-stdio. */
  transport?: DockerTransport | 'auto';
}

type Opener = () => Promise<Duplex>;

/** The agent hands out tunnelled sockets; createConnection must return undefined (lab.md §3.4, gotcha 3). */
function tunnelAgent(open: Opener): http.Agent {
  const agent = new http.Agent({ keepAlive: false, maxSockets: 8 });
  const patched = agent as unknown as { createConnection: (options: unknown, done: (error: Error | null, socket?: Duplex) => void) => undefined };
  patched.createConnection = (_options, done) => {
    open().then(
      (socket) => done(null, socket),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  };
  return agent;
}

/** http.Agent and docker-modem call socket methods a plain Duplex lacks (lab.md §3.4, gotcha 2). */
function socketLike(stream: Duplex): Duplex {
  const target = stream as unknown as Record<string, unknown>;
  for (const name of ['setNoDelay', 'setKeepAlive', 'ref', 'unref']) target[name] ??= () => stream;
  target.setTimeout ??= () => stream;
  return stream;
}

function dialStdioOpener(host: RemoteHost, stderrTail: { text: string }): Opener {
  return async () => {
    const proc = await host.spawn(sh`docker system dial-stdio`);
    proc.stderr.on('data', (chunk: Buffer) => {
      stderrTail.text = (stderrTail.text + chunk.toString()).slice(-2000);
    });
    const duplex = Duplex.from({ readable: proc.stdout, writable: proc.stdin });
    duplex.on('close', () => proc.kill());
    return socketLike(duplex);
  };
}

function streamlocalOpener(host: RemoteHost, socketPath: string): Opener {
  return async () => socketLike(await host.openUnixSocket(socketPath));
}

/** host is a placeholder: every socket comes from the agent. Pinned API version 1.41 = Docker 20.10, the oldest
 * engine a controller may have; newer engines accept it. */
function dockerodeWith(agent: http.Agent): Docker {
  return new Docker({ protocol: 'http', host: 'docker.invalid', port: 80, agent, version: 'v1.41' } as Docker.DockerOptions);
}

/** A raw dockerode client over the SSH connection (stream-local to the Docker socket), for streaming endpoints. */
export function dockerodeOverSsh(host: RemoteHost, socketPath = '/var/run/docker.sock'): Docker {
  return dockerodeWith(tunnelAgent(streamlocalOpener(host, socketPath)));
}

interface ModemError extends Error {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
}

function engineError(error: unknown, what: string): AppError {
  if (isAppError(error)) return error;
  const e = error as ModemError;
  const detail = e.json?.message ?? e.message;
  if (e.name === 'AbortError' || /aborted/i.test(e.message ?? '')) return new AppError('CANCELLED', `${what}: cancelled.`);
  if (/socket hang up|ECONNRESET|not connected|Channel open failure|No response/i.test(detail)) {
    return new AppError('DISCONNECTED', `${what}: the connection to the controller's Docker engine dropped (${detail}).`, 'Check the link to the controller and try again; nothing after this step was changed.');
  }
  return new AppError('REMOTE_COMMAND', `${what}: Docker answered ${e.statusCode ? `${e.statusCode} ` : ''}${detail}`, undefined, { statusCode: e.statusCode });
}

/** Docker's multiplexed log frames (8-byte header: stream, 0, 0, 0, big-endian length) → text. */
export function demuxDockerLogs(buffer: Buffer): string {
  if (buffer.length < 8 || (buffer[0] !== 1 && buffer[0] !== 2 && buffer[0] !== 0) || buffer[1] !== 0 || buffer[2] !== 0 || buffer[3] !== 0) return buffer.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

export class DockerodeEngine implements DockerEngine {
  private readonly docker: Docker;

  constructor(
    readonly transport: DockerTransport,
    private readonly agent: http.Agent,
  ) {
    this.docker = dockerodeWith(agent);
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw engineError(error, 'Reaching Docker');
    }
  }

  async version(): Promise<{ version: string; apiVersion: string }> {
    try {
      const v = await this.docker.version();
      return { version: v.Version, apiVersion: v.ApiVersion };
    } catch (error) {
      throw engineError(error, 'Reading the Docker version');
    }
  }

  async loadImage(body: Readable, opts: { signal?: AbortSignal } = {}): Promise<LoadImageResult> {
    let response: NodeJS.ReadableStream;
    // on cancel the request is destroyed by docker-modem; the file stream must close too
    opts.signal?.addEventListener('abort', () => body.destroy(), { once: true });
    try {
      const options: Record<string, unknown> = { quiet: true };
      if (opts.signal) options.abortSignal = opts.signal;
      response = (await this.docker.loadImage(body, options));
    } catch (error) {
      body.destroy();
      // an aborted request surfaces as "socket hang up"; it was the technician, not the link
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Loading the image: cancelled.');
      throw engineError(error, 'Loading the image');
    }
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onAbort = (): void => reject(new AppError('CANCELLED', 'Loading the image: cancelled.'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error: Error) => reject(opts.signal?.aborted ? new AppError('CANCELLED', 'Loading the image: cancelled.') : engineError(error, 'Loading the image')));
      response.on('end', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
    });
    const result: LoadImageResult = { loadedRefs: [], loadedIds: [], messages: [] };
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      let message: { stream?: string; error?: string; errorDetail?: { message?: string }; status?: string };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        result.messages.push(line);
        continue;
      }
      if (message.error || message.errorDetail) {
        throw new AppError('REMOTE_COMMAND', `Docker could not load the image: ${message.errorDetail?.message ?? message.error ?? 'unknown error'}`, 'The archive reached the controller but Docker rejected it; check the archive and the free disk space on the controller.', { messages: [...result.messages, line] });
      }
      const streamText = (message.stream ?? message.status ?? '').trim();
      if (streamText) result.messages.push(streamText);
      const ref = /^Loaded image: (.+)$/.exec(streamText)?.[1];
      if (ref) result.loadedRefs.push(ref.trim());
      const id = /^Loaded image ID: (sha256:[0-9a-f]{64})$/.exec(streamText)?.[1];
      if (id) result.loadedIds.push(id);
    }
    if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Loading the image: cancelled.');
    if (result.loadedRefs.length === 0 && result.loadedIds.length === 0) {
      throw new AppError('REMOTE_COMMAND', 'Docker finished reading the archive but reported no loaded image.', 'The archive may be incomplete; export it again.', { messages: result.messages });
    }
    return result;
  }

  async inspectImage(ref: string): Promise<{ id: string; repoTags: string[] } | null> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return { id: info.Id, repoTags: info.RepoTags ?? [] };
    } catch (error) {
      if ((error as ModemError).statusCode === 404) return null;
      throw engineError(error, `Inspecting image ${ref}`);
    }
  }

  async removeImage(ref: string): Promise<void> {
    try {
      await this.docker.getImage(ref).remove({ force: true });
    } catch (error) {
      if ((error as ModemError).statusCode === 404) return;
      throw engineError(error, `Removing image ${ref}`);
    }
  }

  async inspectContainer(nameOrId: string): Promise<ContainerInspect | null> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(nameOrId).inspect();
    } catch (error) {
      if ((error as ModemError).statusCode === 404) return null;
      throw engineError(error, `Inspecting container ${nameOrId}`);
    }
    const hc = info.HostConfig;
    const health = info.State.Health;
    const result: ContainerInspect = {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      imageId: info.Image,
      state: {
        status: info.State.Status,
        running: info.State.Running,
        restarting: info.State.Restarting,
        exitCode: info.State.ExitCode,
        error: info.State.Error,
        startedAt: info.State.StartedAt,
        finishedAt: info.State.FinishedAt,
      },
      restartCount: info.RestartCount,
      labels: info.Config.Labels ?? {},
      hostConfig: {
        networkMode: hc.NetworkMode ?? '',
        cpusetCpus: hc.CpusetCpus ?? '',
        memory: hc.Memory ?? 0,
        memoryReservation: hc.MemoryReservation ?? 0,
        binds: hc.Binds ?? [],
        restartPolicy: { name: hc.RestartPolicy?.Name ?? '', maximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0 },
        logType: hc.LogConfig?.Type ?? '',
      },
    };
    const config = info.Config as Docker.ContainerInspectInfo['Config'] & { Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number }; StopTimeout?: number };
    if (config.Healthcheck?.Test) {
      const h = config.Healthcheck;
      result.healthcheck = { Test: h.Test ?? [] };
      if (h.Interval) result.healthcheck.Interval = h.Interval;
      if (h.Timeout) result.healthcheck.Timeout = h.Timeout;
      if (h.Retries) result.healthcheck.Retries = h.Retries;
      if (h.StartPeriod) result.healthcheck.StartPeriod = h.StartPeriod;
    }
    if (typeof config.StopTimeout === 'number') result.stopTimeout = config.StopTimeout;
    if (health) {
      result.state.health = {
        status: health.Status,
        failingStreak: health.FailingStreak,
        log: (health.Log ?? []).map((l) => ({ start: l.Start, end: l.End, exitCode: l.ExitCode, output: l.Output })),
      };
    }
    return result;
  }

  async createContainer(options: ContainerCreateOptions): Promise<string> {
    const { name, ...body } = options;
    try {
      // _query/_body keep the body out of the URL (docker-modem otherwise sends every option twice).
      const container = await this.docker.createContainer({ _query: { name }, _body: body } as unknown as Docker.ContainerCreateOptions);
      return container.id;
    } catch (error) {
      const e = error as ModemError;
      if (e.statusCode === 404) throw new AppError('NOT_FOUND', `Docker has no image ${options.Image} (it is never pulled).`, 'Load the image archive first.');
      if (e.statusCode === 409) throw new AppError('REMOTE_COMMAND', `A container named ${name} already exists.`, 'Remove or rename it, then deploy again.');
      throw engineError(error, `Creating container ${name}`);
    }
  }

  private async containerCall(id: string, what: string, call: (c: Docker.Container) => Promise<unknown>, ignore: number[] = []): Promise<void> {
    try {
      await call(this.docker.getContainer(id));
    } catch (error) {
      if (ignore.includes((error as ModemError).statusCode ?? 0)) return;
      throw engineError(error, what);
    }
  }

  startContainer(id: string): Promise<void> {
    // 304 = already running
    return this.containerCall(id, 'Starting the container', (c) => c.start(), [304]);
  }

  stopContainer(id: string, timeoutS: number): Promise<void> {
    return this.containerCall(id, 'Stopping the container', (c) => c.stop({ t: timeoutS }), [304]);
  }

  removeContainer(id: string): Promise<void> {
    return this.containerCall(id, 'Removing the container', (c) => c.remove({ force: true }), [404]);
  }

  renameContainer(id: string, name: string): Promise<void> {
    return this.containerCall(id, `Renaming the container to ${name}`, (c) => c.rename({ name }));
  }

  setRestartPolicy(id: string, policy: { Name: string; MaximumRetryCount?: number }): Promise<void> {
    return this.containerCall(id, 'Changing the restart policy', (c) => c.update({ RestartPolicy: policy }));
  }

  async logs(id: string, tail: number): Promise<string> {
    try {
      const data = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer | string;
      return typeof data === 'string' ? data : demuxDockerLogs(data);
    } catch (error) {
      throw engineError(error, 'Reading the container logs');
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Docker on the controller, through the SSH connection only. */
export async function connectDocker(host: RemoteHost, options: DockerConnectOptions = {}): Promise<DockerEngine> {
  const socketPath = options.socketPath ?? '/var/run/docker.sock';
  const wanted = options.transport ?? 'auto';
  const failures: string[] = [];

  const stderrTail = { text: '' };
  const attempts: Array<{ transport: DockerTransport; open: Opener; describe: (e: AppError) => string }> = [
    { transport: 'streamlocal', open: streamlocalOpener(host, socketPath), describe: (e) => `stream-local forwarding to ${socketPath}: ${e.message}` },
    { transport: 'dial-stdio', open: dialStdioOpener(host, stderrTail), describe: (e) => `docker system dial-stdio: ${stderrTail.text.trim() || e.message}` },
  ];
  for (const attempt of attempts) {
    if (wanted !== 'auto' && wanted !== attempt.transport) continue;
    const engine = new DockerodeEngine(attempt.transport, tunnelAgent(attempt.open));
    try {
      await engine.ping();
      return engine;
    } catch (error) {
      engine.close();
      const e = AppError.from(error);
      if (e.code === 'NOT_CONNECTED') throw e;
      failures.push(attempt.describe(e));
    }
  }
  throw new AppError(
    'REMOTE_COMMAND',
    `Docker on the controller cannot be reached over SSH (${failures.join('; ')}).`,
    'Check that Docker runs on the controller and that the SSH user may use its socket (member of the docker group), and that sshd allows stream-local forwarding.',
    { failures },
  );
}
