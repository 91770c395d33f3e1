import { AppError } from '../../shared/errors';

/** Exit codes shared by every command: 0 success/pass, 1 a check or verdict failed, 2 usage or connection error. */
export const exitCodes = { ok: 0, failed: 1, error: 2 } as const;

export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Errors: one JSON object on stdout with --json (so scripts can read `error.code`), a sentence on stderr otherwise. */
export function reportError(error: unknown, json: boolean): number {
  const appError = AppError.from(error);
  if (json) {
    printJson({ ok: false, error: appError.toWire() });
  } else {
    process.stderr.write(`error [${appError.code}]: ${appError.message}\n`);
    if (appError.hint) process.stderr.write(`  ${appError.hint}\n`);
  }
  return exitCodes.error;
}
