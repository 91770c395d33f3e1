import { AppError } from '../../../shared/errors';

/**
 * The ResultsStore's rule for folder names (letters, digits, spaces, . _ - : @ [ ]; colons become underscores
 * because Windows forbids them), applied to the report, visit-sheet and run files so they sit next to the results
 * they describe under the same names.
 */
export function storeSegment(text: string, what: string): string {
  const cleaned = text.trim();
  if (!/^[A-Za-z0-9._:@\-[\] ]{1,120}$/.test(cleaned) || cleaned === '.' || cleaned === '..') {
    throw new AppError('INVALID_INPUT', `"${text}" cannot be used as a ${what} name.`, 'Use letters, digits, spaces, dots, dashes and colons.');
  }
  return cleaned.replace(/:/g, '_');
}

/** The visit a record of this time belongs to by default: its local day (as ResultsStore.defaultVisit). */
export function localDay(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** Serialises read-modify-write of one file per key: two quick edits never lose one another. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
