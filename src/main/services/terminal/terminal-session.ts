import type { EventSink } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { asciicastHeaderLine, asciicastOutputLine, asciicastResizeLine } from '../../../shared/logs/asciicast';
import type { BatcherOptions } from '../../../shared/logs/batcher';
import { Batcher } from '../../../shared/logs/batcher';
import type { FlowWindowOptions } from '../../../shared/logs/flow-window';
import { defaultFlowWindow, FlowWindow } from '../../../shared/logs/flow-window';
import { ChunkRing } from '../../../shared/logs/line-ring';
import { Utf8Splitter } from '../../../shared/logs/utf8-splitter';
import type { SavedLog, TerminalAttachment, TerminalInfo, TerminalSize, TerminalState } from '../../../shared/model/logs';
import type { RemoteHost, RemoteShell } from '../../platform/remote-host';
import type { LogFiles, Recording } from '../logs/log-files';
import { openFailure } from '../logs/open-failure';

export interface TerminalSessionDeps {
  hostFor(controllerId: string): RemoteHost;
  emit: EventSink;
  files: LogFiles;
  now(): Date;
  flow?: FlowWindowOptions;
  batch?: BatcherOptions;
  /** Output kept for a re-attaching view (bytes). */
  replayBytes?: number;
}

export const defaultTerminalBatch: BatcherOptions = { maxDelayMs: 8, maxWeight: 64 * 1024 };

const crlf = '\r\n';
const utf8 = new TextDecoder();
const dim = (text: string): string => `\u001b[2m${text}\u001b[0m`;

/**
 * One interactive shell on the controller (a PTY channel on the shared SSH connection). Output is decoded with a
 * UTF-8 splitter, batched, and flow-controlled by the view's acknowledgements; the PTY follows the view's size.
 * When the shell ends or the link drops, Enter opens a new shell in the same tab.
 */
export class TerminalSession {
  private readonly window: FlowWindow;
  private readonly batcher: Batcher<Uint8Array>;
  private readonly replay: ChunkRing;
  private readonly openedAt: string;
  private shell: RemoteShell | null = null;
  private splitter = new Utf8Splitter();
  private stderrSplitter = new Utf8Splitter();
  private state: TerminalState = 'starting';
  private exitCode: number | null | undefined;
  private size: TerminalSize;
  private chunkSeq = 0;
  private recording: { file: Recording; startedMs: number } | null = null;
  private reopening: Promise<void> | null = null;

  constructor(
    readonly id: string,
    readonly controllerId: string,
    private readonly name: string,
    size: TerminalSize,
    private readonly deps: TerminalSessionDeps,
  ) {
    this.size = size;
    this.openedAt = deps.now().toISOString();
    this.replay = new ChunkRing(deps.replayBytes ?? 2 * 1024 * 1024);
    this.window = new FlowWindow(
      deps.flow ?? defaultFlowWindow,
      () => {
        this.shell?.pause();
        this.publish();
      },
      () => {
        this.shell?.resume();
        this.publish();
      },
    );
    this.batcher = new Batcher<Uint8Array>((chunks, bytes) => {
      const data = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, bytes);
      const seq = ++this.chunkSeq;
      this.replay.push(seq, data);
      this.deps.emit('terminal.data', { sessionId: this.id, seq, data, bytes });
      this.window.sent(bytes);
    }, deps.batch ?? defaultTerminalBatch);
  }

  info(): TerminalInfo {
    const info: TerminalInfo = {
      id: this.id,
      controllerId: this.controllerId,
      name: this.name,
      cols: this.size.cols,
      rows: this.size.rows,
      state: this.state,
      throttled: this.window.paused,
      openedAt: this.openedAt,
    };
    if (this.exitCode !== undefined) info.exitCode = this.exitCode;
    if (this.recording) info.recording = this.recording.file.path;
    return info;
  }

  private publish(): void {
    this.deps.emit('terminal.state', this.info());
  }

  private setState(state: TerminalState): void {
    this.state = state;
    this.publish();
  }

  /** Output towards the view: whole UTF-8 characters (so a recording can decode each chunk on its own). */
  private output(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.recording) this.recording.file.write(asciicastOutputLine((Date.now() - this.recording.startedMs) / 1000, utf8.decode(bytes)));
    this.batcher.push(bytes, bytes.length);
  }

  /** Text into the view as if the shell had printed it (notices about the connection). */
  private notice(text: string): void {
    this.output(Buffer.from(`${crlf}${dim(text)}${crlf}`, 'utf8'));
    this.batcher.flush();
  }

  async open(): Promise<void> {
    const host = this.deps.hostFor(this.controllerId);
    const shell = await host.shell(this.size, { term: 'xterm-256color' }).catch((error: unknown) => {
      throw openFailure(error, host);
    });
    this.shell = shell;
    this.splitter = new Utf8Splitter();
    this.stderrSplitter = new Utf8Splitter();
    this.exitCode = undefined;
    if (this.window.paused) shell.pause();
    let exitCode: number | null = null;
    shell.on('data', (chunk: Buffer) => this.output(this.splitter.write(chunk)));
    // Some servers put PTY errors on the extended (stderr) stream.
    (shell as unknown as { stderr?: NodeJS.ReadableStream }).stderr?.on('data', (chunk: Buffer) => this.output(this.stderrSplitter.write(chunk)));
    shell.on('exit', (code: number | null) => {
      exitCode = code;
    });
    shell.once('close', () => {
      if (this.shell !== shell) return;
      this.shell = null;
      // An unfinished character at the very end: the view shows U+FFFD rather than losing it.
      this.output(this.splitter.flush());
      if (this.state === 'closed') return;
      if (exitCode === null && !host.connected) {
        this.notice('[connection to the controller lost: press Enter for a new shell once it is back]');
        this.setState('disconnected');
      } else if (exitCode === null) {
        this.notice('[the shell channel closed: press Enter for a new shell]');
        this.setState('disconnected');
      } else {
        this.exitCode = exitCode;
        this.notice(`[shell exited with code ${exitCode}: press Enter for a new shell]`);
        this.setState('exited');
      }
    });
    shell.on('error', () => undefined);
    this.setState('open');
  }

  write(data: string): void {
    if (this.state === 'open' && this.shell) {
      this.shell.write(data);
      return;
    }
    if ((this.state === 'exited' || this.state === 'disconnected') && data.includes('\r') && !this.reopening) {
      this.reopening = this.open()
        .catch((error: unknown) => {
          const appError = AppError.from(error);
          this.notice(`[no new shell: ${appError.message}]`);
        })
        .finally(() => {
          this.reopening = null;
        });
    }
  }

  resize(size: TerminalSize): void {
    if (size.cols === this.size.cols && size.rows === this.size.rows) return;
    this.size = size;
    this.shell?.resize(size);
    if (this.recording) this.recording.file.write(asciicastResizeLine((Date.now() - this.recording.startedMs) / 1000, size.cols, size.rows));
  }

  acknowledge(bytes: number): void {
    this.window.acknowledged(bytes);
  }

  attach(): TerminalAttachment {
    this.batcher.flush();
    this.window.reset();
    return { info: this.info(), data: this.replay.text(), lastSeq: this.replay.lastSeq };
  }

  /** The view's whole buffer (xterm's own rendering, so what the technician saw), as a text file. */
  save(text: string): Promise<SavedLog> {
    const normalised = text.endsWith('\n') ? text : `${text}\n`;
    const lines = normalised.split('\n').length - 1;
    return this.deps.files.save(this.controllerId, this.name, normalised, lines, 'txt');
  }

  async record(on: boolean): Promise<TerminalInfo> {
    if (on && !this.recording) {
      const file = await this.deps.files.record(this.controllerId, `${this.name}-recording`, 'cast');
      const startedMs = Date.now();
      file.write(asciicastHeaderLine({ width: this.size.cols, height: this.size.rows, timestamp: startedMs / 1000, title: `${this.name} on ${this.controllerId}` }));
      this.recording = { file, startedMs };
      this.publish();
    } else if (!on && this.recording) {
      const { file } = this.recording;
      this.recording = null;
      await file.close();
      this.publish();
    }
    return this.info();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const shell = this.shell;
    this.shell = null;
    shell?.end();
    shell?.destroy();
    this.batcher.flush();
    this.batcher.dispose();
    await this.record(false);
    this.publish();
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }
}
