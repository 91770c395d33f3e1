import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads a file of test/fixtures/cyclictest (copies of the shared captures plus synthetic samples, see README). */
export function fixture(name: string): string {
  return readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'cyclictest', name), 'utf8');
}
