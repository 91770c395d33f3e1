import { AppError } from '../../../shared/errors';
import type { BatcherOptions } from '../../../shared/logs/batcher';
import type { FlowWindowOptions } from '../../../shared/logs/flow-window';
import type { SavedLog, TerminalAttachment, TerminalInfo, TerminalSize } from '../../../shared/model/logs';
import type { EventSink } from '../../../shared/contract';
import type { RemoteHost } from '../../platform/remote-host';
import { LogFiles } from '../logs/log-files';
import { newStreamId } from '../logs/stream-registry';
import { TerminalSession } from './terminal-session';

export interface TerminalServiceDeps {
  hostFor(controllerId: string): RemoteHost;
  emit: EventSink;
  dataDir: string;
  now?: () => Date;
  flow?: FlowWindowOptions;
  batch?: BatcherOptions;
}

/** Interactive shells by session id; sessions outlive their views so a screen change does not end a shell. */
export class TerminalService {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly files: LogFiles;
  private readonly now: () => Date;

  constructor(private readonly deps: TerminalServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.files = new LogFiles(deps.dataDir, this.now);
  }

  private get(sessionId: string): TerminalSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new AppError('NOT_FOUND', 'This shell is closed.', 'Open a new shell tab.');
    return session;
  }

  async open(controllerId: string, size: TerminalSize): Promise<TerminalInfo> {
    const id = newStreamId('term');
    const count = [...this.sessions.values()].filter((s) => s.controllerId === controllerId).length;
    const session = new TerminalSession(id, controllerId, count === 0 ? 'shell' : `shell-${count + 1}`, size, {
      hostFor: (cid) => this.deps.hostFor(cid),
      emit: this.deps.emit,
      files: this.files,
      now: this.now,
      ...(this.deps.flow ? { flow: this.deps.flow } : {}),
      ...(this.deps.batch ? { batch: this.deps.batch } : {}),
    });
    await session.open();
    this.sessions.set(id, session);
    return session.info();
  }

  list(controllerId?: string): TerminalInfo[] {
    return [...this.sessions.values()].filter((s) => controllerId === undefined || s.controllerId === controllerId).map((s) => s.info());
  }

  attach(sessionId: string): TerminalAttachment {
    return this.get(sessionId).attach();
  }

  write(sessionId: string, data: string): void {
    this.get(sessionId).write(data);
  }

  resize(sessionId: string, size: TerminalSize): void {
    this.get(sessionId).resize(size);
  }

  acknowledge(sessionId: string, bytes: number): void {
    this.sessions.get(sessionId)?.acknowledge(bytes);
  }

  save(sessionId: string, text: string): Promise<SavedLog> {
    return this.get(sessionId).save(text);
  }

  record(sessionId: string, on: boolean): Promise<TerminalInfo> {
    return this.get(sessionId).record(on);
  }

  async close(sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    await session.close();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
