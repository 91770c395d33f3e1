import type { ErrorCode } from '../../../shared/errors';
import { AppError, errorCodes } from '../../../shared/errors';

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/**
 * Whatever a call rejected with, as an AppError. Errors that crossed Electron's contextBridge arrive as plain
 * objects or as Errors without their class, so the stable fields are read back from any object that has them.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; hint?: unknown; detail?: unknown };
    if (isErrorCode(e.code)) {
      return new AppError(
        e.code,
        typeof e.message === 'string' ? e.message : '',
        typeof e.hint === 'string' ? e.hint : undefined,
        e.detail,
      );
    }
  }
  return AppError.from(error);
}

/** The text behind "Copy details": what an engineer needs, never a stack trace. */
export function errorDetailsText(error: AppError, context?: Record<string, unknown>): string {
  return JSON.stringify(
    { code: error.code, message: error.message, hint: error.hint, detail: error.detail, ...context, at: new Date().toISOString() },
    null,
    2,
  );
}
