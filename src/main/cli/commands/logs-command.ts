import type { Command } from 'commander';

import type { AppEvents, EventSink, EventTopic } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { formatLogLine, isoLocalMicros } from '../../../shared/logs/format';
import type { LogSourceInput, LogStreamRequest } from '../../../shared/model/logs';
import { logStreamRequestSchema } from '../../../shared/model/logs';
import type { RemoteHost } from '../../platform/remote-host';
import type { SshConnectRequest } from '../../platform/ssh-connector';
import { connectSsh } from '../../platform/ssh-connector';
import { StreamRegistry } from '../../services/logs/stream-registry';
import { defaultDataDir } from '../../platform/data-dir';
import { exitCodes } from '../output';
import type { ConnectionFlags } from '../target';
import { cliConnectRequest } from '../target';
import { connectionOptions } from './connect-command';

interface LogsFlags extends ConnectionFlags {
  unit?: string;
  container?: string;
  kernel?: boolean;
  since?: string;
  follow?: boolean;
  json?: boolean;
  housekeepingCores?: string;
}

/** Errors no reconnect can fix without the technician (same list as the app's connection service). */
const fatalCodes = new Set(['HOST_KEY_UNKNOWN', 'HOST_KEY_CHANGED', 'AUTH_FAILED', 'KEY_FILE', 'SECRET_REQUIRED']);

export function logsRequest(flags: LogsFlags): LogStreamRequest {
  const chosen = [flags.unit !== undefined, flags.container !== undefined, flags.kernel === true].filter(Boolean).length;
  if (chosen !== 1) {
    throw new AppError('INVALID_INPUT', 'Choose exactly one of --unit NAME, --container NAME or --kernel.', 'Example: mxrc-commission logs mxrc@10.0.0.5 --unit mxrc-rt --follow');
  }
  const since = flags.since !== undefined ? { since: flags.since } : {};
  let source: LogSourceInput;
  if (flags.unit !== undefined) source = { kind: 'journal', unit: flags.unit, ...since };
  else if (flags.container !== undefined) source = { kind: 'container', container: flags.container, ...since };
  else source = { kind: 'kernel', ...since };
  const request: LogStreamRequest = { source, follow: flags.follow === true };
  const parsed = logStreamRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', issue?.message ?? 'Invalid options.');
  }
  return request;
}

async function connectWithRetry(request: SshConnectRequest, stopped: () => boolean, onAttempt: (attempt: number, error: AppError) => void): Promise<RemoteHost | null> {
  for (let attempt = 1; !stopped(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 1000 * 2 ** (attempt - 1))));
    if (stopped()) return null;
    try {
      return (await connectSsh(request)).host;
    } catch (error) {
      const appError = AppError.from(error);
      if (fatalCodes.has(appError.code)) throw appError;
      onAttempt(attempt, appError);
    }
  }
  return null;
}

/**
 * `mxrc-commission logs USER@HOST[:PORT] --unit NAME|--container NAME|--kernel [--since TIME] [--follow]`:
 * the same log streams as the app, printed to stdout (journalctl's short-iso-precise style, or one JSON object
 * per line with --json). With --follow a dropped link is reconnected and the journal resumes after the last
 * printed line; Ctrl-C stops cleanly (exit 0).
 */
export function registerLogs(program: Command, run: (action: () => Promise<number>, json: boolean) => Promise<void>): void {
  connectionOptions(
    program
      .command('logs')
      .argument('<target>', 'USER@HOST[:PORT]')
      .description('print a unit\'s journal, a container\'s logs or the kernel messages; --follow keeps printing new lines'),
  )
    .option('--unit <name>', 'systemd unit (journal), e.g. mxrc-rt')
    .option('--container <name>', 'Docker container, e.g. mxrc-webapi')
    .option('--kernel', 'kernel messages')
    .option('--since <time>', 'from this time: "2026-11-26 14:00", -1h, today, yesterday')
    .option('--follow', 'keep printing new lines until Ctrl-C')
    .option('--housekeeping-cores <list>', 'cores the reader may run on (the RT cores are never used)', '0')
    .option('--json', 'one JSON object per line')
    .action(async (target: string, flags: LogsFlags) => {
      const globals = program.opts<{ dataDir?: string }>();
      await run(async () => {
        const request = logsRequest(flags);
        const connectRequest = cliConnectRequest(target, { ...flags, ...(globals.dataDir ? { dataDir: globals.dataDir } : {}) });
        let host: RemoteHost = (await connectSsh(connectRequest)).host;
        const controllerId = connectRequest.controllerId;
        const json = flags.json === true;
        const note = (text: string): void => {
          if (!json) process.stderr.write(`${text}\n`);
        };

        let settle: (code: number) => void = () => undefined;
        let fail: (error: unknown) => void = () => undefined;
        const done = new Promise<number>((resolve, reject) => {
          settle = resolve;
          fail = reject;
        });
        // A failure can arrive while `open` is still pending (e.g. the link drops at once); `open` reports it then.
        done.catch(() => undefined);
        let finished = false;
        const connectListeners = new Set<(id: string) => void>();
        const notesShown = new Set<string>();
        let registry: StreamRegistry | null = null;

        const emit: EventSink = <T extends EventTopic>(topic: T, payload: AppEvents[T]): void => {
          if (topic === 'logs.lines') {
            const event = payload as AppEvents['logs.lines'];
            const text = event.lines
              .map((line) =>
                json
                  ? JSON.stringify({ seq: line.seq, time: line.us > 0 ? isoLocalMicros(line.us) : null, source: line.source, pid: line.pid ?? null, priority: line.priority ?? null, stream: line.stream ?? null, message: line.text })
                  : formatLogLine(line),
              )
              .join('\n');
            // Acknowledged once stdout took it: a slow pipe slows the reader on the controller, not our memory.
            process.stdout.write(`${text}\n`, () => registry?.acknowledge(event.streamId, event.bytes));
          } else if (topic === 'logs.state') {
            const info = payload as AppEvents['logs.state'];
            for (const n of info.notes) {
              if (!notesShown.has(n.code)) {
                notesShown.add(n.code);
                note(`note: ${n.message}`);
              }
            }
            if (info.state === 'ended') settle(exitCodes.ok);
            if (info.state === 'failed') fail(info.error ? AppError.fromWire(info.error) : new AppError('REMOTE_COMMAND', 'The log reader stopped.'));
          }
        };

        registry = new StreamRegistry({
          hostFor: () => {
            if (!host.connected) throw new AppError('NOT_CONNECTED', 'The controller is not connected.');
            return host;
          },
          controller: async () => ({ housekeepingCores: flags.housekeepingCores ?? '0', label: target }),
          onDidConnect: (listener) => {
            connectListeners.add(listener);
            return () => connectListeners.delete(listener);
          },
          emit,
          dataDir: globals.dataDir ?? defaultDataDir(),
        });

        const stop = (): void => {
          finished = true;
          settle(exitCodes.ok);
        };
        const onStdoutError = (error: NodeJS.ErrnoException): void => {
          // `| head` closed the pipe: the reader is no longer wanted.
          if (error.code === 'EPIPE') stop();
          else fail(error);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.stdout.on('error', onStdoutError);

        const watch = (current: RemoteHost): void => {
          current.onClose((reason) => {
            if (finished || reason.expected) return;
            if (!request.follow) {
              fail(new AppError('DISCONNECTED', `The connection to the controller dropped (${reason.message ?? 'closed'}).`, 'Run the command again.'));
              return;
            }
            note(`connection lost (${reason.message ?? 'closed'}); reconnecting…`);
            connectWithRetry(connectRequest, () => finished, (attempt, error) => note(`reconnect attempt ${attempt} failed: ${error.message}`)).then(
              (next) => {
                if (!next) return;
                if (finished) {
                  void next.close();
                  return;
                }
                host = next;
                watch(next);
                note('reconnected; continuing after the last printed line');
                for (const listener of connectListeners) listener(controllerId);
              },
              (error: unknown) => fail(error),
            );
          });
        };
        watch(host);

        try {
          await registry.open(controllerId, request);
          return await done;
        } finally {
          finished = true;
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
          process.stdout.removeListener('error', onStdoutError);
          await registry.dispose();
          await host.close();
        }
      }, flags.json === true);
    });
}
