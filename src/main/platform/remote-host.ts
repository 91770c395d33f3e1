import type { Duplex, Readable, Writable } from 'node:stream';

/**
 * Everything a service may do on a controller, over one shared SSH connection. Services depend on this
 * interface, never on ssh2, so they run against the lab's real sshd in tests and against fakes in unit tests.
 */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the command ended by a signal or the channel closed without a status. */
  exitCode: number | null;
  signal?: string;
}

export interface ExecOptions {
  /** Kill the remote command (closing its channel) after this long; rejects with TIMEOUT. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
}

export interface RemoteProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable;
  /** Resolves when the remote command ends. */
  readonly exit: Promise<{ exitCode: number | null; signal?: string }>;
  /** Closes the channel (and so signals the remote side); idempotent. */
  kill(): void;
}

export interface PtySize {
  cols: number;
  rows: number;
}

export interface RemoteShell extends Duplex {
  resize(size: PtySize): void;
}

export interface RemoteFileStat {
  size: number;
  mode: number;
  isDirectory: boolean;
}

export interface RemoteFiles {
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: Buffer | string, mode?: number): Promise<void>;
  /** Streams a local file up; reports bytes as they are acknowledged. */
  upload(localPath: string, remotePath: string, opts?: { onProgress?: (sent: number, total: number) => void; signal?: AbortSignal; mode?: number }): Promise<void>;
  stat(path: string): Promise<RemoteFileStat | null>;
  mkdirp(path: string, mode?: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  close(): void;
}

export interface RemoteHost {
  /** Controller profile id this connection belongs to. */
  readonly controllerId: string;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  spawn(command: string, opts?: { signal?: AbortSignal; pty?: PtySize }): Promise<RemoteProcess>;
  shell(size: PtySize, opts?: { term?: string }): Promise<RemoteShell>;
  sftp(): Promise<RemoteFiles>;
  /** A stream to a UNIX socket on the controller (OpenSSH direct-streamlocal), e.g. /var/run/docker.sock. */
  openUnixSocket(path: string): Promise<Duplex>;
  /** A TCP stream to host:port as seen from the controller (OpenSSH direct-tcpip), e.g. the WebAPI on localhost:8080. */
  openTcp(host: string, port: number): Promise<Duplex>;
  /** True while the underlying connection is usable. */
  readonly connected: boolean;
  /** Called once when the connection closes (expected or not). Returns an unsubscribe function. */
  onClose(listener: (reason: { expected: boolean; message?: string }) => void): () => void;
  close(): Promise<void>;
}
