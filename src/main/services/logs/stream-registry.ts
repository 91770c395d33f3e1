import { randomBytes } from 'node:crypto';

import type { EventSink } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { BatcherOptions } from '../../../shared/logs/batcher';
import { defaultStreamName } from '../../../shared/logs/format';
import type { FlowWindowOptions } from '../../../shared/logs/flow-window';
import type { LogAttachment, LogStreamInfo, LogStreamRequest, SavedLog } from '../../../shared/model/logs';
import { logStreamRequestSchema } from '../../../shared/model/logs';
import { onHousekeeping } from '../../../shared/remote-command';
import type { RemoteHost } from '../../platform/remote-host';
import { LogFiles } from './log-files';
import { LogStream } from './log-stream';

export interface ControllerFacts {
  housekeepingCores: string;
  /** How saved files name the controller: "<name> (<user>@<host>:<port>)". */
  label: string;
}

export interface StreamRegistryDeps {
  hostFor(controllerId: string): RemoteHost;
  controller(controllerId: string): Promise<ControllerFacts>;
  /** Subscribe to every (re)established connection; returns an unsubscribe function. */
  onDidConnect(listener: (controllerId: string) => void): () => void;
  emit: EventSink;
  dataDir: string;
  now?: () => Date;
  flow?: FlowWindowOptions;
  batch?: BatcherOptions;
  retryDelayMs?: number;
}

export function newStreamId(prefix: 'log' | 'term'): string {
  return `${prefix}-${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/**
 * Every open log stream by id. Streams outlive their views (a screen change only detaches), and they outlive a
 * dropped connection: after `ConnectionService` reconnects, each stream that lost its reader resumes from the
 * last line it kept.
 */
export class StreamRegistry {
  private readonly streams = new Map<string, LogStream>();
  private readonly files: LogFiles;
  private readonly now: () => Date;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: StreamRegistryDeps) {
    this.now = deps.now ?? (() => new Date());
    this.files = new LogFiles(deps.dataDir, this.now);
    this.unsubscribe = deps.onDidConnect((controllerId) => {
      for (const stream of this.streams.values()) if (stream.controllerId === controllerId) stream.onConnected();
    });
  }

  private get(streamId: string): LogStream {
    const stream = this.streams.get(streamId);
    if (!stream) throw new AppError('NOT_FOUND', 'This log stream is closed.', 'Open it again from the Logs screen.');
    return stream;
  }

  async open(controllerId: string, request: LogStreamRequest): Promise<LogStreamInfo> {
    const spec = logStreamRequestSchema.parse(request);
    const facts = await this.deps.controller(controllerId);
    const id = newStreamId('log');
    const stream = new LogStream(id, controllerId, spec.name ?? defaultStreamName(spec.source), spec, {
      hostFor: (cid) => this.deps.hostFor(cid),
      housekeepingCores: async () => facts.housekeepingCores,
      emit: this.deps.emit,
      files: this.files,
      now: this.now,
      ...(this.deps.flow ? { flow: this.deps.flow } : {}),
      ...(this.deps.batch ? { batch: this.deps.batch } : {}),
      ...(this.deps.retryDelayMs !== undefined ? { retryDelayMs: this.deps.retryDelayMs } : {}),
    });
    this.streams.set(id, stream);
    try {
      await stream.run(true);
    } catch (error) {
      this.streams.delete(id);
      await stream.close();
      throw error;
    }
    return stream.info();
  }

  list(controllerId?: string): LogStreamInfo[] {
    return [...this.streams.values()].filter((s) => controllerId === undefined || s.controllerId === controllerId).map((s) => s.info());
  }

  attach(streamId: string): LogAttachment {
    return this.get(streamId).attach();
  }

  pause(streamId: string): LogStreamInfo {
    return this.get(streamId).pause();
  }

  resume(streamId: string): Promise<LogStreamInfo> {
    return this.get(streamId).resume();
  }

  acknowledge(streamId: string, bytes: number): void {
    // A late acknowledgement for a stream that was just closed is harmless.
    this.streams.get(streamId)?.acknowledge(bytes);
  }

  async save(streamId: string): Promise<SavedLog> {
    const stream = this.get(streamId);
    return stream.save((await this.deps.controller(stream.controllerId)).label);
  }

  async record(streamId: string, on: boolean): Promise<LogStreamInfo> {
    const stream = this.get(streamId);
    return stream.record(on, (await this.deps.controller(stream.controllerId)).label);
  }

  async close(streamId: string): Promise<void> {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.streams.delete(streamId);
    await stream.close();
  }

  /** Service units on the controller, for the unit filter's suggestions. */
  async units(controllerId: string): Promise<string[]> {
    const host = this.deps.hostFor(controllerId);
    const facts = await this.deps.controller(controllerId);
    const result = await host.exec(onHousekeeping('systemctl list-units --all --type=service --no-legend --plain --no-pager', facts.housekeepingCores), { timeoutMs: 15_000 });
    if (result.exitCode !== 0) {
      throw new AppError('REMOTE_COMMAND', `systemctl could not list the units (${result.stderr.trim() || `exit ${result.exitCode}`}).`, 'Type the unit name instead.');
    }
    const names = result.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((name) => /^[A-Za-z0-9@._:\\-]+\.service$/.test(name));
    return [...new Set(names)].sort();
  }

  async dispose(): Promise<void> {
    this.unsubscribe();
    await Promise.all([...this.streams.keys()].map((id) => this.close(id)));
  }
}
