import { AppError } from '../../shared/errors';

/** Turns what ssh2 and the socket layer throw into one clear, specific message per failure. */
export function classifySshError(error: unknown, target: { host: string; port: number; user: string }): AppError {
  if (error instanceof AppError) return error;
  const err = error as NodeJS.ErrnoException & { level?: string };
  const message = err?.message ?? String(error);
  const where = `${target.host}:${target.port}`;
  const code = err?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new AppError('DNS', `The name "${target.host}" could not be resolved.`, 'Check the controller address, or use its IP address.', { cause: message });
  }
  if (code === 'ECONNREFUSED') {
    return new AppError('CONNECTION_REFUSED', `${where} refused the connection: no SSH server is listening there.`, 'Check the port and that the SSH service runs on the controller.', { cause: message });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return new AppError('HOST_UNREACHABLE', `${where} cannot be reached from this laptop.`, 'Check the cable or Wi-Fi and the laptop\'s IP address on the controller network.', { cause: message });
  }
  if (code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return new AppError('TIMEOUT', `${where} did not answer in time.`, 'Check that the controller is powered and on this network; a firewall may drop SSH.', { cause: message });
  }
  if (err?.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new AppError('AUTH_FAILED', `The controller rejected the login for "${target.user}".`, 'Check the user name, key or password. The host key was verified before any credential was sent.', { cause: message });
  }
  if (/passphrase|privateKey|parse.*key|Unsupported key format/i.test(message)) {
    return new AppError('KEY_FILE', `The private key could not be used: ${message}.`, 'Check the key file and its passphrase.', { cause: message });
  }
  if (code === 'ECONNRESET' || /socket hang up|Connection lost|ended/i.test(message)) {
    return new AppError('DISCONNECTED', `The connection to ${where} was dropped.`, 'Check the link; the tool reconnects by itself when it can.', { cause: message });
  }
  return new AppError('INTERNAL', `SSH to ${where} failed: ${message}`, undefined, { cause: message, code });
}
