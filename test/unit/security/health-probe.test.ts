/**
 * The WebAPI health URL never reaches a command line: the controller-side probe gives it to curl as a config
 * file on stdin (`--config -`). A config file is a language of its own (`output = …`, `upload-file = …`, a
 * second `url`), so a hostile URL must not be able to add a line to it. This runs the recorded command with the
 * REAL curl (in the sandbox chroot, as nobody) against a loopback server and counts what arrives.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';

import { health as healthProbe } from '../../../src/shared/checks/probes';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import { envPrefix } from '../../../src/shared/checks/probe-env';
import { onHousekeeping } from '../../../src/shared/remote-command';
import { controllerProbe } from '../../../src/main/services/deploy/http-probe';
import { remoteRunner } from '../../../src/main/services/deploy/remote';
import { probeRequestSchema } from '../../../src/shared/model/deploy';
import { RecordingHost } from '../../support/recording-host';
import { fuzzSeed, hostileValues } from './hostile-values';
import { assertNothingEscaped, inParallel } from './literal-arguments';
import type { SandboxRun } from './shell-sandbox';
import { ShellSandbox } from './shell-sandbox';

const values = hostileValues(16);
const requests = new Map<string, string[]>();
const server = createServer((req, res) => {
  const url = req.url ?? '';
  const key = /^\/probe\/([a-z]\d+)\//.exec(url)?.[1] ?? 'other';
  requests.set(key, [...(requests.get(key) ?? []), url]);
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
});
let port = 0;
let sandbox: ShellSandbox | null = null;
let skipReason = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const created = ShellSandbox.create({ realPrograms: ['curl'] });
  if (typeof created === 'string') {
    skipReason = created;
    console.log(`# SKIP health-probe: ${skipReason}`);
  } else sandbox = created;
});
after(async () => {
  sandbox?.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The loopback server saw `count` requests for this value's path (or none, when curl refused the URL itself). */
function assertRequests(run: SandboxRun, key: string, url: string, count: number): void {
  const context = `URL ${JSON.stringify(url)}`;
  assertNothingEscaped(run, context);
  assert.deepEqual(run.calls.filter((c) => c.program === 'curl'), [], 'curl is the real one here, not a stub');
  const seen = requests.get(key) ?? [];
  const transfers = run.stdout.split('\n').filter((line) => /^\d{3} \d/.test(line));
  assert.ok(seen.length === count || (seen.length === 0 && run.exitCode !== 0), `${context}: ${seen.length} requests arrived (${JSON.stringify(seen)}); curl said ${JSON.stringify(run.stderr)}`);
  assert.ok(transfers.length <= count, `${context}: curl made ${transfers.length} transfers`);
  assert.ok(seen.every((path) => path.startsWith(`/probe/${key}/`)), `${context}: a request went elsewhere: ${JSON.stringify(seen)}`);
}

test(`deploy probe: a hostile health URL stays one URL in curl's config (${values.length} values, seed ${fuzzSeed})`, async (t) => {
  if (!sandbox) {
    t.skip(skipReason);
    return;
  }
  const shell = sandbox;
  const count = 2;
  let accepted = 0;
  await inParallel(values, 4, async (value, index) => {
    const key = `d${index}`;
    const url = `http://127.0.0.1:${port}/probe/${key}/${value}`;
    // What the contract lets through (probe requests carry z.url()); the rest never gets this far.
    if (!probeRequestSchema.safeParse({ url }).success) return;
    accepted++;
    const host = new RecordingHost();
    await controllerProbe(remoteRunner(host, '0'), url, count, 10);
    const [recorded] = host.commands;
    assert.ok(recorded?.stdin, 'the URL list goes through stdin');
    assert.ok(!recorded.command.includes(`/probe/${key}/`), 'the URL is not on the command line');
    const run = await shell.run(recorded.command, { stdin: recorded.stdin, captureStdin: [] });
    assertRequests(run, key, url, count);
    // `output = "/dev/null"` must stay the only output: nothing may appear in the working directory.
    assert.deepEqual(shell.listDir('/work'), [], `${JSON.stringify(url)}: curl wrote a file`);
  });
  assert.equal(requests.get('other'), undefined, 'no request outside the probe paths');
  assert.ok(accepted >= values.length / 2, `only ${accepted} of ${values.length} URLs passed z.url(): the test would prove little`);
});

test('checks probe: $HEALTH_URL is one request too (no URL globbing)', async (t) => {
  if (!sandbox) {
    t.skip(skipReason);
    return;
  }
  const shell = sandbox;
  let accepted = 0;
  await inParallel(values, 4, async (value, index) => {
    const key = `c${index}`;
    const url = `http://127.0.0.1:${port}/probe/${key}/${value}`;
    const parsed = checkProfileSchema.safeParse({ healthUrl: url });
    if (!parsed.success) return;
    accepted++;
    // Exactly the command the check runner sends for this probe (remote-command-fuzz.test.ts drives the runner).
    const run = await shell.run(onHousekeeping(envPrefix(parsed.data) + healthProbe.command, parsed.data.housekeepingCores.replace(/[^0-9,-]/g, '')));
    assertRequests(run, key, url, 1);
  });
  assert.ok(accepted > 10, `only ${accepted} URLs passed the check profile schema`);
});
