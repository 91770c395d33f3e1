import { AppError } from '../../../shared/errors';
import type { RemoteHost } from '../../platform/remote-host';

/**
 * A channel refused on a live connection is almost always sshd's MaxSessions (10 by default): terminals and log
 * streams each hold one. Say so instead of "connection not usable".
 */
export function openFailure(error: unknown, host: RemoteHost): AppError {
  const appError = AppError.from(error);
  if (host.connected && /Channel open failure|open failed/i.test(appError.message)) {
    return new AppError(
      'REMOTE_COMMAND',
      'The controller refused another SSH channel: its SSH server allows only a few at once (MaxSessions, usually 10).',
      'Close a log or shell tab you no longer need and try again.',
      { cause: appError.message },
    );
  }
  return appError;
}
