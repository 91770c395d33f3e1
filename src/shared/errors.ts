/**
 * Errors cross every boundary (IPC, WebSocket, CLI JSON) as data with a stable code, so the UI can say what
 * happened in the technician's terms and the CLI can print a machine-readable `code`.
 */
export const errorCodes = [
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'AUTH_FAILED',
  'DNS',
  'CONNECTION_REFUSED',
  'TIMEOUT',
  'HOST_UNREACHABLE',
  'DISCONNECTED',
  'NOT_CONNECTED',
  'KEY_FILE',
  'SECRET_REQUIRED',
  'SUDO_REQUIRED',
  'TOOL_MISSING',
  'INVALID_INPUT',
  'NOT_FOUND',
  'NO_METHOD',
  'CANCELLED',
  'REMOTE_COMMAND',
  /** The controller's RT service runs; a latency test needs the technician's consent to stop it. */
  'RT_SERVICE_ACTIVE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  /** What the technician can do next. */
  hint?: string;
  /** Structured facts for the engineer ("copy details") and for dialogs (e.g. a fingerprint). */
  detail?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message };
    if (this.hint !== undefined) wire.hint = this.hint;
    if (this.detail !== undefined) wire.detail = this.detail;
    return wire;
  }

  static fromWire(wire: WireError): AppError {
    return new AppError(wire.code, wire.message, wire.hint, wire.detail);
  }

  /** Anything thrown becomes an AppError; unexpected errors keep their message but never their stack. */
  static from(error: unknown): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof Error) return new AppError('INTERNAL', error.message);
    return new AppError('INTERNAL', String(error));
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
