import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

import { allProbes, catalogueVersion } from '../../../src/shared/checks/catalogue';
import { renderCollectScript } from '../../../src/shared/checks/collect-script';
import { quote } from '../../../src/shared/remote-command';

const scriptPath = fileURLToPath(new URL('../../../resources/collect.sh', import.meta.url));
const committed = readFileSync(scriptPath, 'utf8');

function has(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

describe('resources/collect.sh', () => {
  test('is exactly what the catalogue generates (regenerate: node --import tsx scripts/gen-collect.ts)', () => {
    assert.equal(committed, renderCollectScript());
    assert.ok((statSync(scriptPath).mode & 0o111) !== 0, 'executable');
  });

  test('parses as POSIX sh', () => {
    for (const shell of ['sh', 'dash', 'busybox sh']) {
      if (!has(shell.split(' ')[0] ?? shell)) continue;
      const [cmd, ...args] = shell.split(' ');
      const result = spawnSync(cmd ?? 'sh', [...args, '-n', scriptPath], { encoding: 'utf8' });
      assert.equal(result.status, 0, `${shell}: ${result.stderr}`);
    }
  });

  test('runs every probe with its exact command text, pinned at nice 10', () => {
    assert.match(committed, new RegExp(`catalogue ${catalogueVersion()}`));
    for (const probe of allProbes()) {
      assert.ok(committed.includes(`run ${probe.id} ${probe.root ? 1 : 0} `), probe.id);
      assert.ok(committed.includes(quote(probe.command)), `${probe.id} command verbatim`);
    }
    assert.match(committed, /PIN="taskset -c \$HK_CPUS nice -n 10"/);
    assert.match(committed, /tar -czf - -C "\$tmp" \./);
    assert.match(committed, /^run interrupts-10s 0 30 .* &$/m);
  });

  test('refuses unknown arguments and bad core lists, explains itself on --help', () => {
    const help = spawnSync('sh', [scriptPath, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stderr, /usage: sudo sh collect\.sh/);
    const unknown = spawnSync('sh', [scriptPath, 'FOO=1'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown argument 'FOO=1'/);
    const cores = spawnSync('sh', [scriptPath, 'HK_CPUS=0;reboot'], { encoding: 'utf8' });
    assert.equal(cores.status, 2);
    assert.match(cores.stderr, /HK_CPUS must be a CPU list/);
  });
});
