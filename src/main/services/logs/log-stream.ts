import type { EventSink } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { BatcherOptions } from '../../../shared/logs/batcher';
import { Batcher } from '../../../shared/logs/batcher';
import type { ContainerResumePoint } from '../../../shared/logs/container-log';
import { advanceResumePoint } from '../../../shared/logs/container-log';
import type { FlowWindowOptions } from '../../../shared/logs/flow-window';
import { defaultFlowWindow, FlowWindow } from '../../../shared/logs/flow-window';
import { formatLogFile, formatLogLine } from '../../../shared/logs/format';
import { journalFollows, journalQueryFor } from '../../../shared/logs/journal-command';
import { LineRing } from '../../../shared/logs/line-ring';
import type { LogAttachment, LogLine, LogNote, LogStreamInfo, LogStreamSpec, LogStreamState, SavedLog } from '../../../shared/model/logs';
import type { RemoteHost } from '../../platform/remote-host';
import { startContainerReader } from './container-reader';
import { startJournalReader } from './journal-reader';
import type { LogFiles, Recording } from './log-files';
import type { LogReader, ReaderCallbacks, ReaderEnd, ReaderLine } from './reader';

export interface LogStreamDeps {
  /** The live connection; throws NOT_CONNECTED while there is none. */
  hostFor(controllerId: string): RemoteHost;
  housekeepingCores(controllerId: string): Promise<string>;
  emit: EventSink;
  files: LogFiles;
  now(): Date;
  flow?: FlowWindowOptions;
  batch?: BatcherOptions;
  /** Wait before re-reading when the reader died but the connection is still up. */
  retryDelayMs?: number;
}

export const defaultLogBatch: BatcherOptions = { maxDelayMs: 16, maxWeight: 64 * 1024 };

/** Roughly what the view has to render for a line; the unit of flow control for log streams. */
function weightOf(line: LogLine): number {
  return line.text.length + line.source.length + 40;
}

const maxQuickRetries = 3;

/**
 * One log view's stream: the remote reader, the kept lines (scrollback cap), batching to the view, flow control,
 * and the resume point (journal cursor / container timestamp) that makes pause, reconnect and resume exact.
 */
export class LogStream {
  readonly id: string;
  readonly controllerId: string;
  readonly spec: LogStreamSpec;
  private readonly name: string;
  private readonly ring: LineRing<LogLine>;
  private readonly window: FlowWindow;
  private readonly batcher: Batcher<LogLine>;
  private readonly openedAt: string;
  private state: LogStreamState = 'starting';
  private notes: LogNote[] = [];
  private error: AppError | undefined;
  private seq = 0;
  private resumes = 0;
  private quickRetries = 0;
  private reader: LogReader | null = null;
  private generation = 0;
  private cursor: string | undefined;
  private containerPoint: ContainerResumePoint | undefined;
  private openedClock: number | undefined;
  private recording: Recording | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    id: string,
    controllerId: string,
    name: string,
    spec: LogStreamSpec,
    private readonly deps: LogStreamDeps,
  ) {
    this.id = id;
    this.controllerId = controllerId;
    this.name = name;
    this.spec = spec;
    this.ring = new LineRing(spec.scrollback);
    this.openedAt = deps.now().toISOString();
    if (spec.follow && !this.follows()) {
      this.notes.push({ code: 'NO_FOLLOW', message: 'The time window is closed (an end time or the previous boot), so new lines are not followed.' });
    }
    if (spec.source.kind === 'container' && spec.source.grep !== undefined) {
      this.notes.push({ code: 'LOCAL_GREP', message: 'Docker cannot filter on the controller: every line crosses the link and grep is applied on this laptop.' });
    }
    this.window = new FlowWindow(
      deps.flow ?? defaultFlowWindow,
      () => {
        this.reader?.pause();
        this.publish();
      },
      () => {
        this.reader?.resume();
        this.publish();
      },
    );
    this.batcher = new Batcher<LogLine>((lines, bytes) => {
      this.deps.emit('logs.lines', { streamId: this.id, lines, bytes });
      this.window.sent(bytes);
    }, deps.batch ?? defaultLogBatch);
  }

  info(): LogStreamInfo {
    const info: LogStreamInfo = {
      id: this.id,
      controllerId: this.controllerId,
      name: this.name,
      source: this.spec.source,
      follow: this.follows(),
      scrollback: this.spec.scrollback,
      state: this.state,
      throttled: this.window.paused,
      received: this.seq,
      buffered: this.ring.size,
      dropped: this.ring.dropped,
      resumes: this.resumes,
      notes: [...this.notes],
      openedAt: this.openedAt,
    };
    if (this.error) info.error = this.error.toWire();
    if (this.recording) info.recording = this.recording.path;
    return info;
  }

  private follows(): boolean {
    const source = this.spec.source;
    if (source.kind === 'container') return this.spec.follow && source.until === undefined;
    return journalFollows({ follow: this.spec.follow, until: source.until, boot: source.boot });
  }

  private publish(): void {
    this.deps.emit('logs.state', this.info());
  }

  private setState(state: LogStreamState, error?: AppError): void {
    this.state = state;
    this.error = error;
    this.publish();
  }

  private addNote(note: LogNote): void {
    if (this.notes.some((existing) => existing.code === note.code)) return;
    this.notes.push(note);
    this.publish();
  }

  private accept(parsed: ReaderLine): void {
    const { cursor, ts, ...fields } = parsed;
    const line: LogLine = { seq: ++this.seq, ...fields };
    this.ring.push(line);
    if (cursor !== undefined) this.cursor = cursor;
    if (ts !== undefined) this.containerPoint = advanceResumePoint(this.containerPoint, { ...line, ts });
    this.recording?.write(`${formatLogLine(line)}\n`);
    this.batcher.push(line, weightOf(line));
  }

  private async startReader(host: RemoteHost, callbacks: ReaderCallbacks): Promise<LogReader> {
    const source = this.spec.source;
    const resuming = this.seq > 0 || this.resumes > 0 || this.cursor !== undefined;
    if (source.kind === 'container') {
      return startContainerReader(
        host,
        source,
        {
          follow: this.follows(),
          ...(this.spec.backlog !== undefined ? { backlog: this.spec.backlog } : {}),
          ...(this.containerPoint ? { resumeFrom: this.containerPoint } : {}),
        },
        callbacks,
        this.deps.now,
      );
    }
    const query = journalQueryFor(source, {
      follow: this.spec.follow,
      ...(this.spec.backlog !== undefined ? { backlog: this.spec.backlog } : {}),
      ...(this.cursor !== undefined ? { afterCursor: this.cursor } : {}),
      // Resumed before any entry arrived: from the moment the stream was opened, so nothing is skipped.
      ...(this.cursor === undefined && resuming && this.openedClock !== undefined ? { sinceEpoch: this.openedClock } : {}),
    });
    return startJournalReader(host, await this.deps.housekeepingCores(this.controllerId), query, callbacks);
  }

  /**
   * Starts (or restarts after a pause or a lost connection) the remote reader from the resume point. Resolves
   * once the reader runs; rejects only for the first start so `open` can report e.g. an unknown container.
   */
  async run(first = false): Promise<void> {
    if (this.closed) return;
    this.clearRetry();
    const generation = ++this.generation;
    let host: RemoteHost;
    try {
      host = this.deps.hostFor(this.controllerId);
    } catch (error) {
      if (first) throw error;
      this.setState('reconnecting');
      return;
    }
    this.state = 'starting';
    const current = (): boolean => generation === this.generation && !this.closed;
    const callbacks: ReaderCallbacks = {
      line: (line) => {
        if (current()) this.accept(line);
      },
      note: (note) => {
        if (current()) this.addNote(note);
      },
      clock: (epoch) => {
        this.openedClock ??= epoch;
      },
    };
    let reader: LogReader;
    try {
      reader = await this.startReader(host, callbacks);
    } catch (error) {
      const appError = AppError.from(error);
      if (first) throw appError;
      if (!host.connected || appError.code === 'DISCONNECTED' || appError.code === 'NOT_CONNECTED') this.setState('reconnecting');
      else this.setState('failed', appError);
      return;
    }
    if (!current()) {
      reader.stop();
      return;
    }
    this.reader = reader;
    if (this.window.paused) reader.pause();
    this.setState('live');
    void reader.ended.then((end) => {
      if (current()) this.onEnd(end, host);
    });
  }

  private onEnd(end: ReaderEnd, host: RemoteHost): void {
    this.reader = null;
    this.batcher.flush();
    switch (end.kind) {
      case 'stopped':
        return;
      case 'eof':
        this.quickRetries = 0;
        this.setState('ended');
        return;
      case 'failed':
        this.setState('failed', end.error);
        return;
      case 'lost':
        this.setState('reconnecting');
        // The connection service notices a dead link a moment after its channels; look again shortly. If the
        // link is still up only the reader died: read again from the resume point (a few times at most).
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (this.state !== 'reconnecting' || this.closed) return;
          if (host.connected && this.quickRetries < maxQuickRetries) {
            this.quickRetries++;
            this.resumes++;
            void this.run();
          } else if (host.connected) {
            this.setState('failed', new AppError('REMOTE_COMMAND', `The log reader on the controller keeps stopping (${end.message ?? 'no reason given'}).`, 'Resume to try again.'));
          }
        }, this.deps.retryDelayMs ?? 1000);
        return;
    }
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A new connection to this stream's controller: a stream that lost its reader continues where it stopped. */
  onConnected(): void {
    if (this.state !== 'reconnecting' || this.closed) return;
    this.resumes++;
    this.quickRetries = 0;
    void this.run();
  }

  /** Stops the reader on the controller (not just the display); resume continues from the resume point. */
  pause(): LogStreamInfo {
    if (this.state === 'live' || this.state === 'starting' || this.state === 'reconnecting') {
      this.generation++;
      this.clearRetry();
      this.reader?.stop();
      this.reader = null;
      this.batcher.flush();
      this.setState('paused');
    }
    return this.info();
  }

  async resume(): Promise<LogStreamInfo> {
    if (this.state === 'paused' || this.state === 'ended' || this.state === 'failed') {
      this.quickRetries = 0;
      await this.run();
    }
    return this.info();
  }

  acknowledge(bytes: number): void {
    this.window.acknowledged(bytes);
  }

  /** A view (re-)attaches: it gets every kept line and owes no acknowledgements for earlier batches. */
  attach(): LogAttachment {
    this.window.reset();
    return { info: this.info(), lines: this.ring.toArray() };
  }

  /** The whole kept buffer, with full timestamps, not just what is on screen. */
  async save(controllerLabel: string): Promise<SavedLog> {
    const lines = this.ring.toArray();
    const text = formatLogFile({ name: this.name, controller: controllerLabel, source: this.spec.source, savedAt: this.deps.now(), lines: lines.length, dropped: this.ring.dropped }, lines);
    return this.deps.files.save(this.controllerId, this.name, text, lines.length);
  }

  async record(on: boolean, controllerLabel: string): Promise<LogStreamInfo> {
    if (on && !this.recording) {
      const recording = await this.deps.files.record(this.controllerId, `${this.name}-recording`, 'log');
      recording.write(formatLogFile({ name: this.name, controller: controllerLabel, source: this.spec.source, savedAt: this.deps.now(), lines: 0, dropped: 0 }, []).replace('# lines: 0\n', '# recording: every line received from now on\n'));
      this.recording = recording;
      this.publish();
    } else if (!on && this.recording) {
      const recording = this.recording;
      this.recording = null;
      await recording.close();
      this.publish();
    }
    return this.info();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.generation++;
    this.clearRetry();
    this.reader?.stop();
    this.reader = null;
    this.batcher.flush();
    this.batcher.dispose();
    this.closed = true;
    const recording = this.recording;
    this.recording = null;
    await recording?.close();
    this.state = 'closed';
    this.publish();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
