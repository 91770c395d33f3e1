/**
 * Writes resources/collect.sh from the check catalogue. Run after changing a probe:
 *   node --import tsx scripts/gen-collect.ts
 * A unit test fails when the committed file and the catalogue drift apart.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { renderCollectScript } from '../src/shared/checks/collect-script';

const target = fileURLToPath(new URL('../resources/collect.sh', import.meta.url));
writeFileSync(target, renderCollectScript(), { mode: 0o755 });
process.stdout.write(`wrote ${target}\n`);
