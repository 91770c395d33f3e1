import type { IncomingMessage } from 'node:http';

import type Docker from 'dockerode';

import { AppError } from '../../../shared/errors';
import type { ContainerResumePoint } from '../../../shared/logs/container-log';
import { dockerSinceParam, parseContainerLogLine, ResumeDeduplicator } from '../../../shared/logs/container-log';
import { DockerFrameDemuxer } from '../../../shared/logs/docker-frames';
import { LineSplitter } from '../../../shared/logs/line-splitter';
import { localGrep } from '../../../shared/logs/local-grep';
import type { ContainerSource } from '../../../shared/model/logs';
import { dockerodeOverSsh } from '../../platform/dockerode-engine';
import type { RemoteHost } from '../../platform/remote-host';
import type { LogReader, ReaderCallbacks, ReaderEnd } from './reader';

const dockers = new WeakMap<RemoteHost, Docker>();

function dockerFor(host: RemoteHost): Docker {
  let docker = dockers.get(host);
  if (!docker) {
    docker = dockerodeOverSsh(host);
    dockers.set(host, docker);
  }
  return docker;
}

export interface ContainerReadOptions {
  follow: boolean;
  backlog?: number;
  resumeFrom?: ContainerResumePoint;
}

/** Docker accepts Unix times and RFC 3339; journal-style words are turned into a Unix time here. */
export function dockerTime(spec: string, now: Date): string {
  const trimmed = spec.trim();
  const relative = /^-(\d+)\s*(s|sec|m|min|h|hour|d|day)s?$/i.exec(trimmed);
  if (relative?.[1] && relative[2]) {
    const unit = relative[2].toLowerCase()[0];
    const seconds = Number(relative[1]) * (unit === 's' ? 1 : unit === 'm' ? 60 : unit === 'h' ? 3600 : 86_400);
    return String(Math.floor(now.getTime() / 1000) - seconds);
  }
  if (trimmed === 'today' || trimmed === 'yesterday') {
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (trimmed === 'yesterday' ? 1 : 0));
    return String(Math.floor(day.getTime() / 1000));
  }
  if (trimmed === 'now') return String(Math.floor(now.getTime() / 1000));
  // "2026-11-26 14:00[:00]" is local time like journalctl's; RFC 3339 and Unix times pass through.
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(trimmed);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const at = new Date(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    return String(Math.floor(at.getTime() / 1000));
  }
  return trimmed;
}

function dockerError(error: unknown, container: string): AppError {
  const status = (error as { statusCode?: number }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404) {
    return new AppError('NOT_FOUND', `There is no container named "${container}" on the controller.`, 'Check the name (docker ps -a on the controller, or the Deploy screen).');
  }
  if (/refused access|open failed|ENOENT|EACCES/i.test(message)) {
    return new AppError('REMOTE_COMMAND', `The controller's Docker socket could not be opened (${message}).`, 'Check that Docker runs on the controller and that the SSH user is in the docker group.');
  }
  if (status === 400) return new AppError('INVALID_INPUT', `Docker refused the log request: ${message}`, 'Check the since/until times.');
  return AppError.from(error);
}

/**
 * `GET /containers/{name}/logs` with timestamps, over the controller's Docker socket. Lines carry the engine's
 * nanosecond timestamp, which is the resume point (Docker has no cursor); `grep` is applied here.
 */
export async function startContainerReader(host: RemoteHost, source: ContainerSource, options: ContainerReadOptions, callbacks: ReaderCallbacks, now: () => Date): Promise<LogReader> {
  const docker = dockerFor(host);
  const container = docker.getContainer(source.container);
  const info = await container.inspect().catch((error: unknown) => {
    throw dockerError(error, source.container);
  });
  const tty = info.Config.Tty;
  const matches = source.grep !== undefined ? localGrep(source.grep) : null;

  const query: Record<string, string | number | boolean> = { follow: options.follow, stdout: true, stderr: true, timestamps: true };
  const resumeSince = options.resumeFrom ? dockerSinceParam(options.resumeFrom.ts) : null;
  if (resumeSince !== null) query.since = resumeSince;
  else if (source.since !== undefined) query.since = dockerTime(source.since, now());
  else if (options.backlog !== undefined) query.tail = options.backlog;
  if (source.until !== undefined) query.until = dockerTime(source.until, now());

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(source.container)}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
        options: query,
      },
      (error, stream) => (error ? reject(dockerError(error, source.container)) : resolve(stream as IncomingMessage)),
    );
  });

  const dedupe = new ResumeDeduplicator(options.resumeFrom);
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const demux = tty ? null : new DockerFrameDemuxer();
  let stopped = false;
  let failure: AppError | null = null;

  const deliver = (stream: 'stdout' | 'stderr', lines: string[]): void => {
    for (const text of lines) {
      const line = parseContainerLogLine(text, source.container, stream);
      if (!dedupe.accept(line)) continue;
      if (matches && !matches(line.text)) continue;
      callbacks.line(line);
    }
  };

  response.on('data', (chunk: Buffer) => {
    if (stopped || failure) return;
    if (!demux) {
      deliver('stdout', splitters.stdout.write(chunk));
      return;
    }
    try {
      for (const frame of demux.write(chunk)) {
        if (frame.stream !== 'stdin') deliver(frame.stream, splitters[frame.stream].write(frame.payload));
      }
    } catch (error) {
      failure = new AppError('REMOTE_COMMAND', `The Docker log stream was not understood: ${(error as Error).message}`);
      response.destroy();
    }
  });

  const ended = new Promise<ReaderEnd>((resolve) => {
    let complete = false;
    response.once('end', () => {
      complete = true;
    });
    response.once('close', () => {
      if (stopped) return resolve({ kind: 'stopped' });
      if (failure) return resolve({ kind: 'failed', error: failure });
      if (complete && host.connected) {
        // The engine ends a follow when the container stops; the last unterminated lines still count.
        for (const stream of ['stdout', 'stderr'] as const) {
          const rest = splitters[stream].flush();
          if (rest !== null) deliver(stream, [rest]);
        }
        return resolve({ kind: 'eof' });
      }
      resolve({ kind: 'lost', message: 'the Docker log stream broke off' });
    });
    response.once('error', () => undefined);
  });

  return {
    pause: () => response.pause(),
    resume: () => response.resume(),
    stop: () => {
      stopped = true;
      response.destroy();
    },
    ended,
  };
}
