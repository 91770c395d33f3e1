import { createReadStream } from 'node:fs';
import { stat as localStat } from 'node:fs/promises';
import type { Duplex } from 'node:stream';


import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';

import { AppError } from '../../shared/errors';
import type { ExecOptions, ExecResult, PtySize, RemoteFiles, RemoteFileStat, RemoteHost, RemoteProcess, RemoteShell } from './remote-host';

/**
 * OpenSSH allows 10 session channels per connection (MaxSessions); short commands queue behind this limit so a
 * burst of checks never fails with "Channel open failure" while terminals and log streams hold their own channels.
 */
const maxConcurrentExec = 6;

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

function channelError(error: Error, what: string): AppError {
  if (/not connected|No response from server|Channel open failure/i.test(error.message)) {
    return new AppError('DISCONNECTED', `${what} failed: the connection to the controller is not usable (${error.message}).`, 'Reconnect and try again.');
  }
  return AppError.from(error);
}

/** http.Agent and docker-modem call socket methods an ssh2 channel lacks (lab.md §3.4). */
function asSocketLike(channel: ClientChannel): Duplex {
  const socketLike = channel as unknown as Record<string, unknown>;
  for (const name of ['setNoDelay', 'setKeepAlive', 'ref', 'unref']) socketLike[name] ??= () => channel;
  socketLike.setTimeout ??= (_ms: number, cb?: () => void) => {
    if (cb) channel.once('timeout', cb);
    return channel;
  };
  return channel;
}

export class Ssh2RemoteHost implements RemoteHost {
  private readonly execSlots = new Semaphore(maxConcurrentExec);
  private readonly closeListeners = new Set<(reason: { expected: boolean; message?: string }) => void>();
  private closing = false;
  private isConnected = true;
  private lastError: string | undefined;
  private sftpSession: Promise<SFTPWrapper> | null = null;

  constructor(
    readonly controllerId: string,
    private readonly client: Client,
    private readonly jump: Client | null = null,
  ) {
    client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    client.once('close', () => {
      this.isConnected = false;
      this.jump?.end();
      const reason = this.closing ? { expected: true } : { expected: false, message: this.lastError ?? 'connection closed' };
      for (const listener of this.closeListeners) listener(reason);
      this.closeListeners.clear();
    });
  }

  get connected(): boolean {
    return this.isConnected;
  }

  onClose(listener: (reason: { expected: boolean; message?: string }) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private requireConnected(what: string): void {
    if (!this.isConnected) throw new AppError('NOT_CONNECTED', `${what}: the controller is not connected.`, 'Connect to the controller first.');
  }

  /**
   * Opens an exec channel and starts recording its exit status at once: for a fast command ssh2 can deliver data,
   * exit and close in the same tick as the open confirmation, before an awaiting caller could attach listeners.
   */
  private openExec(command: string, pty?: PtySize): Promise<{ channel: ClientChannel; exited: Promise<{ exitCode: number | null; signal?: string }> }> {
    return new Promise((resolve, reject) => {
      const options = pty ? { pty: { cols: pty.cols, rows: pty.rows, term: 'xterm-256color' } } : {};
      this.client.exec(command, options, (error, channel) => {
        if (error) {
          reject(channelError(error, 'Running a command'));
          return;
        }
        let exitCode: number | null = null;
        let signal: string | undefined;
        channel.on('exit', (code: number | null, sig?: string) => {
          exitCode = code;
          signal = sig ?? undefined;
        });
        const exited = new Promise<{ exitCode: number | null; signal?: string }>((done) => {
          channel.once('close', () => done(signal ? { exitCode, signal } : { exitCode }));
        });
        resolve({ channel, exited });
      });
    });
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.requireConnected('Running a command');
    const release = await this.execSlots.acquire();
    try {
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Cancelled.');
      const { channel, exited } = await this.openExec(command);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      // The channel is a paused stream until a 'data' listener attaches, so no output is lost by attaching here.
      channel.on('data', (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      if (opts.stdin !== undefined) channel.end(opts.stdin);
      else channel.end();
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const interrupted = new Promise<never>((_resolve, reject) => {
        onAbort = (): void => {
          channel.close();
          reject(new AppError('CANCELLED', 'Cancelled.'));
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        if (opts.timeoutMs) {
          timer = setTimeout(() => {
            channel.close();
            reject(new AppError('TIMEOUT', `The command did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s.`, undefined, { command }));
          }, opts.timeoutMs);
        }
      });
      try {
        const status = await Promise.race([exited, interrupted]);
        const result: ExecResult = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: status.exitCode };
        if (status.signal) result.signal = status.signal;
        if (!this.isConnected && status.exitCode === null && !status.signal) {
          throw new AppError('DISCONNECTED', 'The connection dropped while a command was running.', 'Reconnect and run it again.', { command });
        }
        return result;
      } finally {
        if (timer) clearTimeout(timer);
        if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      release();
    }
  }

  async spawn(command: string, opts: { signal?: AbortSignal; pty?: PtySize } = {}): Promise<RemoteProcess> {
    this.requireConnected('Starting a command');
    const { channel, exited: exit } = await this.openExec(command, opts.pty);
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      // OpenSSH ignores "signal" requests from most clients; closing the channel hangs up the remote command.
      channel.signal('TERM');
      channel.close();
    };
    opts.signal?.addEventListener('abort', kill, { once: true });
    return { stdout: channel, stderr: channel.stderr, stdin: channel, exit, kill };
  }

  async shell(size: PtySize, opts: { term?: string } = {}): Promise<RemoteShell> {
    this.requireConnected('Opening a shell');
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      this.client.shell({ term: opts.term ?? 'xterm-256color', cols: size.cols, rows: size.rows }, (error, ch) => (error ? reject(channelError(error, 'Opening a shell')) : resolve(ch)));
    });
    const shell = channel as unknown as RemoteShell;
    shell.resize = (next: PtySize) => channel.setWindow(next.rows, next.cols, 0, 0);
    return shell;
  }

  private sftpWrapper(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) {
          this.sftpSession = null;
          reject(channelError(error, 'Opening SFTP'));
          return;
        }
        sftp.once('close', () => {
          this.sftpSession = null;
        });
        resolve(sftp);
      });
    });
    return this.sftpSession;
  }

  async sftp(): Promise<RemoteFiles> {
    this.requireConnected('File transfer');
    const sftp = await this.sftpWrapper();
    const call = <T>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> =>
      new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));
    const files: RemoteFiles = {
      readFile: (path) => call<Buffer>((cb) => sftp.readFile(path, cb)),
      writeFile: (path, data, mode = 0o644) => call<void>((cb) => sftp.writeFile(path, data, { mode }, (error) => cb(error))),
      upload: async (localPath, remotePath, opts = {}) => {
        const { size } = await localStat(localPath);
        await new Promise<void>((resolve, reject) => {
          const source = createReadStream(localPath, { highWaterMark: 256 * 1024 });
          const sink = sftp.createWriteStream(remotePath, { mode: opts.mode ?? 0o644 });
          let sent = 0;
          const abort = (): void => {
            source.destroy();
            sink.destroy();
            reject(new AppError('CANCELLED', 'Upload cancelled.'));
          };
          opts.signal?.addEventListener('abort', abort, { once: true });
          source.on('data', (chunk) => {
            sent += chunk.length;
            opts.onProgress?.(sent, size);
          });
          source.on('error', reject);
          sink.on('error', (error: Error) => reject(channelError(error, 'Upload')));
          sink.on('close', () => {
            opts.signal?.removeEventListener('abort', abort);
            resolve();
          });
          source.pipe(sink);
        });
      },
      stat: async (path) => {
        try {
          const st = await call<{ size: number; mode: number; isDirectory(): boolean }>((cb) => sftp.stat(path, cb));
          const result: RemoteFileStat = { size: st.size, mode: st.mode, isDirectory: st.isDirectory() };
          return result;
        } catch (error) {
          if ((error as { code?: number }).code === 2) return null;
          throw error;
        }
      },
      mkdirp: async (path, mode = 0o755) => {
        const parts = path.split('/').filter(Boolean);
        let current = path.startsWith('/') ? '' : '.';
        for (const part of parts) {
          current += `/${part}`;
          const existing = await files.stat(current);
          if (!existing) await call<void>((cb) => sftp.mkdir(current, { mode }, (error) => cb(error)));
        }
      },
      rename: (from, to) => call<void>((cb) => sftp.rename(from, to, (error) => cb(error))),
      remove: (path) => call<void>((cb) => sftp.unlink(path, (error) => cb(error))),
      close: () => undefined,
    };
    return files;
  }

  async openUnixSocket(path: string): Promise<Duplex> {
    this.requireConnected('Opening a socket');
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(path, (error, ch) =>
        error ? reject(new AppError('REMOTE_COMMAND', `The controller refused access to ${path} (${error.message}).`, 'Check that the socket exists and that the SSH user may use it (e.g. member of the docker group).')) : resolve(ch),
      );
    });
    return asSocketLike(channel);
  }

  async openTcp(host: string, port: number): Promise<Duplex> {
    this.requireConnected('Opening a tunnel');
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (error, ch) =>
        error ? reject(new AppError('REMOTE_COMMAND', `The controller could not open ${host}:${port} (${error.message}).`, 'Check that the service listens there and that the SSH server allows TCP forwarding.')) : resolve(ch),
      );
    });
    return asSocketLike(channel);
  }

  async close(): Promise<void> {
    if (!this.isConnected) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
    });
  }
}

