/**
 * A RemoteHost that runs nothing: it records every command string the services hand to exec/spawn (with the
 * stdin they send) and answers from a responder. The security tests drive the real services and builders with
 * it, then execute the recorded strings in a sandbox to see what a controller's shell would make of them.
 */
import { readFile } from 'node:fs/promises';
import { PassThrough, Writable } from 'node:stream';
import type { Duplex } from 'node:stream';

import type { ExecOptions, ExecResult, RemoteFiles, RemoteFileStat, RemoteHost, RemoteProcess, RemoteShell } from '../../src/main/platform/remote-host';

export interface RecordedCommand {
  kind: 'exec' | 'spawn';
  command: string;
  /** What the service wrote to the command's stdin (exec's `stdin`, or what it wrote to a spawned process). */
  stdin?: Buffer;
}

/** The answer to one command; missing fields default to success with no output. */
export type Responder = (command: string, kind: RecordedCommand['kind']) => Partial<ExecResult> | undefined;

export interface RecordingHostOptions {
  controllerId?: string;
  respond?: Responder;
  /** Files the in-memory SFTP serves (path → content). */
  files?: Record<string, string | Buffer>;
}

function sftpMissing(path: string): Error {
  // ssh2 reports a missing file with SFTP status 2 (NO_SUCH_FILE); services check `code`.
  return Object.assign(new Error(`No such file: ${path}`), { code: 2 });
}

export class RecordingHost implements RemoteHost {
  readonly controllerId: string;
  connected = true;
  readonly commands: RecordedCommand[] = [];
  /** The in-memory SFTP file system (also what uploads and writeFile leave behind). */
  readonly files = new Map<string, Buffer>();
  private readonly respond: Responder;
  private readonly closeListeners = new Set<(reason: { expected: boolean; message?: string }) => void>();

  constructor(options: RecordingHostOptions = {}) {
    this.controllerId = options.controllerId ?? 'recording';
    this.respond = options.respond ?? (() => undefined);
    for (const [path, content] of Object.entries(options.files ?? {})) this.files.set(path, Buffer.from(content));
  }

  /** The command strings only, in the order the services sent them. */
  get commandStrings(): string[] {
    return this.commands.map((c) => c.command);
  }

  private answer(command: string, kind: RecordedCommand['kind']): ExecResult {
    const given = this.respond(command, kind) ?? {};
    return { stdout: given.stdout ?? '', stderr: given.stderr ?? '', exitCode: given.exitCode === undefined ? 0 : given.exitCode, ...(given.signal ? { signal: given.signal } : {}) };
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const record: RecordedCommand = { kind: 'exec', command };
    if (opts.stdin !== undefined) record.stdin = Buffer.from(opts.stdin);
    this.commands.push(record);
    return Promise.resolve(this.answer(command, 'exec'));
  }

  spawn(command: string): Promise<RemoteProcess> {
    const record: RecordedCommand = { kind: 'spawn', command };
    this.commands.push(record);
    const result = this.answer(command, 'spawn');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    const stdin = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        record.stdin = Buffer.concat(chunks);
        done();
      },
    });
    let finish: (value: { exitCode: number | null; signal?: string }) => void = () => undefined;
    const exit = new Promise<{ exitCode: number | null; signal?: string }>((resolve) => (finish = resolve));
    // Output first, then the exit, as a real channel delivers them.
    setImmediate(() => {
      stdout.end(result.stdout);
      stderr.end(result.stderr);
      setImmediate(() => finish(result.signal ? { exitCode: result.exitCode, signal: result.signal } : { exitCode: result.exitCode }));
    });
    return Promise.resolve({
      stdout,
      stderr,
      stdin,
      exit,
      kill: () => finish({ exitCode: null, signal: 'TERM' }),
    });
  }

  shell(): Promise<RemoteShell> {
    return Promise.reject(new Error('the recording host has no interactive shell'));
  }

  sftp(): Promise<RemoteFiles> {
    const files = this.files;
    const remote: RemoteFiles = {
      readFile: (path) => {
        const content = files.get(path);
        return content ? Promise.resolve(content) : Promise.reject(sftpMissing(path));
      },
      writeFile: (path, data) => {
        files.set(path, Buffer.from(data));
        return Promise.resolve();
      },
      upload: async (localPath, remotePath, opts) => {
        const content = await readFile(localPath);
        files.set(remotePath, content);
        opts?.onProgress?.(content.length, content.length);
      },
      stat: (path): Promise<RemoteFileStat | null> => {
        const content = files.get(path);
        return Promise.resolve(content ? { size: content.length, mode: 0o100644, isDirectory: false } : null);
      },
      mkdirp: () => Promise.resolve(),
      rename: (from, to) => {
        const content = files.get(from);
        if (!content) return Promise.reject(sftpMissing(from));
        files.delete(from);
        files.set(to, content);
        return Promise.resolve();
      },
      remove: (path) => {
        files.delete(path);
        return Promise.resolve();
      },
      close: () => undefined,
    };
    return Promise.resolve(remote);
  }

  openUnixSocket(path: string): Promise<Duplex> {
    return Promise.reject(new Error(`the recording host opens no sockets (${path})`));
  }

  openTcp(host: string, port: number): Promise<Duplex> {
    return Promise.reject(new Error(`the recording host opens no TCP channels (${host}:${port})`));
  }

  onClose(listener: (reason: { expected: boolean; message?: string }) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): Promise<void> {
    if (this.connected) {
      this.connected = false;
      for (const listener of this.closeListeners) listener({ expected: true });
    }
    return Promise.resolve();
  }
}
