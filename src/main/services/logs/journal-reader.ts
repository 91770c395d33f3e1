import { AppError } from '../../../shared/errors';
import type { JournalQuery } from '../../../shared/logs/journal-command';
import { clockMarkerPattern, journalReaderScript } from '../../../shared/logs/journal-command';
import { parseJournalEntry } from '../../../shared/logs/journal-entry';
import { LineSplitter } from '../../../shared/logs/line-splitter';
import { isSudoRefusal, onHousekeeping, withSudo } from '../../../shared/remote-command';
import type { RemoteHost } from '../../platform/remote-host';
import type { LogReader, ReaderCallbacks, ReaderEnd } from './reader';
import { canSudo } from './sudo-probe';
import { openFailure } from './open-failure';

const maxStderr = 8 * 1024;

/** What went wrong, in the technician's terms, from journalctl's exit and stderr. */
export function journalFailure(exitCode: number | null, stderr: string): AppError {
  const text = stderr.trim();
  const first = text.split('\n').find((line) => line.trim() !== '') ?? `exit code ${exitCode}`;
  if (exitCode === 127 || /journalctl: (command )?not found/.test(text)) {
    return new AppError('TOOL_MISSING', 'journalctl is not installed on the controller.', 'This view needs a controller with systemd.');
  }
  if (isSudoRefusal(text)) return new AppError('SUDO_REQUIRED', 'sudo refused to run journalctl.', 'Allow the SSH user passwordless sudo, or add it to the systemd-journal group.');
  if (/Failed to parse timestamp|Failed to parse (since|until)/i.test(text)) {
    return new AppError('INVALID_INPUT', `The controller did not understand the time filter (${first}).`, 'Use a time such as 2026-11-26 14:00, -1h, today or yesterday.');
  }
  if (/Bad pattern|pattern/i.test(text) && /grep|pattern/i.test(text)) {
    return new AppError('INVALID_INPUT', `The grep pattern is not valid (${first}).`, 'Check brackets and special characters, or search for plain words.');
  }
  if (/Failed to (look up|find) boot|No boot|Data from the specified boot/i.test(text)) {
    return new AppError('NOT_FOUND', `The controller's journal has no such boot (${first}).`, 'The journal may not be persistent; choose "current boot".');
  }
  return new AppError('REMOTE_COMMAND', `journalctl stopped: ${first}`, 'Check the filter and try again.', { exitCode, stderr: text.slice(0, 2000) });
}

/**
 * `journalctl -o json` on the controller, pinned to the housekeeping cores, through sudo when allowed (system
 * units' journals need it) and otherwise as the SSH user with a visible note.
 */
export async function startJournalReader(host: RemoteHost, housekeepingCores: string, query: JournalQuery, callbacks: ReaderCallbacks): Promise<LogReader> {
  const root = await canSudo(host, housekeepingCores);
  if (!root) {
    callbacks.note({
      code: 'USER_JOURNAL_ONLY',
      message: 'sudo was refused, so this shows only the journal entries the SSH user may read; system units may be missing.',
    });
  }
  const script = journalReaderScript(query);
  const command = onHousekeeping(root ? withSudo(script) : script, housekeepingCores);
  const proc = await host.spawn(command).catch((error: unknown) => {
    throw openFailure(error, host);
  });

  const splitter = new LineSplitter();
  let stderr = '';
  let stopped = false;
  proc.stdout.on('data', (chunk: Buffer) => {
    if (stopped) return;
    for (const line of splitter.write(chunk)) {
      const marker = clockMarkerPattern.exec(line);
      if (marker?.[1]) {
        callbacks.clock?.(Number(marker[1]));
        continue;
      }
      const entry = parseJournalEntry(line);
      if (entry) callbacks.line(entry);
    }
  });
  proc.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < maxStderr) stderr += chunk.toString('utf8');
  });

  const ended: Promise<ReaderEnd> = proc.exit.then(({ exitCode, signal }) => {
    // An unterminated last line is dropped: its cursor was never kept, so a resume reads it again whole.
    splitter.discard();
    if (stopped) return { kind: 'stopped' } as const;
    if (exitCode === 0) return { kind: 'eof' } as const;
    if (exitCode === null && signal === undefined) return { kind: 'lost', message: 'the SSH channel closed' } as const;
    if (exitCode === null) return { kind: 'lost', message: `journalctl ended by signal ${signal}` } as const;
    return { kind: 'failed', error: journalFailure(exitCode, stderr) } as const;
  });

  return {
    pause: () => proc.stdout.pause(),
    resume: () => proc.stdout.resume(),
    stop: () => {
      stopped = true;
      proc.kill();
    },
    ended,
  };
}
