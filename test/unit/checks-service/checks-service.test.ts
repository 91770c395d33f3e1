/**
 * ChecksService with a real ResultsStore on a temporary folder and the runner's FakeHost (the lab tests drive
 * the same service over SSH): events, storage, "re-run one", cancel, interrupted runs, export, compare.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';

import type { ExecOptions, ExecResult } from '../../../src/main/platform/remote-host';
import { ChecksService, profileFromBundle } from '../../../src/main/services/checks/checks-service';
import { ResultsStore } from '../../../src/main/services/store/results-store';
import { catalogue } from '../../../src/shared/checks/catalogue';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import type { AppEvents, EventTopic } from '../../../src/shared/contract';
import { AppError } from '../../../src/shared/errors';
import type { CheckDoneEvent, CheckResultEvent, CheckRunRecord } from '../../../src/shared/model/checks';
import { onHousekeeping, sh } from '../../../src/shared/remote-command';
import { waitFor } from '../../support/wait-for';
import { FakeHost } from '../checks/fake-host';
import { tuned, untuned } from '../checks/helpers';

const controller = { id: 'ctl-1', name: 'Cell 3', rtCores: '2,3', housekeepingCores: '0,1', rtUnit: 'mxrc-rt.service' };
const profile = checkProfileSchema.parse({ rtCores: '2,3', housekeepingCores: '0,1' });

/** FakeHost that also answers the export's `cat` of the files it would install. */
class HostWithFiles extends FakeHost {
  constructor(
    options: ConstructorParameters<typeof FakeHost>[0],
    private readonly files: Record<string, string>,
  ) {
    super(options);
  }
  override async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (!command.includes("sh -c 'cat -- ")) return super.exec(command, opts);
    this.commands.push(command);
    for (const [path, content] of Object.entries(this.files)) {
      if (command === onHousekeeping(sh`cat -- ${path}`, '0,1')) return { stdout: content, stderr: '', exitCode: 0 };
    }
    return { stdout: '', stderr: 'cat: x: No such file or directory\n', exitCode: 1 };
  }
}

describe('ChecksService', () => {
  const dirs: string[] = [];
  let events: Array<{ topic: EventTopic; payload: unknown }>;
  let host: FakeHost;
  let dataDir: string;
  let service: ChecksService;
  let connected: boolean;

  const make = (hostToUse: FakeHost): ChecksService =>
    new ChecksService({
      hostFor: () => {
        if (!connected) throw new AppError('NOT_CONNECTED', 'The controller is not connected.');
        return hostToUse;
      },
      controller: async (id) => {
        if (id !== controller.id) throw new AppError('NOT_FOUND', `No controller with id ${id}.`);
        return controller;
      },
      results: new ResultsStore(join(dataDir, 'results')),
      emit: <T extends EventTopic>(topic: T, payload: AppEvents[T]) => events.push({ topic, payload }),
      dataDir,
    });
  const results = (runId: string): CheckResultEvent[] => events.filter((e) => e.topic === 'checks.result').map((e) => e.payload as CheckResultEvent).filter((e) => e.runId === runId);
  const doneOf = (runId: string): CheckDoneEvent | undefined => events.filter((e) => e.topic === 'checks.done').map((e) => e.payload as CheckDoneEvent).find((e) => e.runId === runId);
  const finish = async (run: CheckRunRecord): Promise<CheckDoneEvent> => {
    await waitFor(() => doneOf(run.runId) !== undefined, 'checks.done');
    return doneOf(run.runId) as CheckDoneEvent;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mxrc-checks-service-'));
    dirs.push(dataDir);
    events = [];
    connected = true;
    host = new HostWithFiles({ profile, outputs: untuned(), uid: 0 }, { '/etc/default/irqbalance': '# irqbalance defaults\n#IRQBALANCE_BANNED_CPULIST=\nIRQBALANCE_ONESHOT=0\n' });
    service = make(host);
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('run: answers at once, streams every result with n of m, stores the run when it ends', async () => {
    const run = await service.run(controller.id, {});
    assert.equal(run.status, 'running');
    assert.equal(run.planned.length, catalogue.length);
    assert.match(run.runId, /^\d{8}-\d{6}-[0-9a-f]{6}$/);
    const done = await finish(run);
    assert.equal(done.status, 'finished');
    const streamed = results(run.runId);
    assert.equal(streamed.length, catalogue.length);
    assert.deepEqual(streamed.map((e) => e.done), catalogue.map((_c, i) => i + 1));
    const stored = await service.get(run.runId);
    assert.equal(stored.status, 'finished');
    assert.deepEqual(stored.checks.map((c) => c.id), catalogue.map((c) => c.id), 'catalogue order once finished');
    assert.equal(stored.counts.fail, done.counts.fail);
    assert.ok(stored.counts.fail > 0);
    assert.equal(stored.facts.hostname, 'mxrc-fresh');
    const runs = await service.runs(controller.id);
    assert.equal(runs[0]?.runId, run.runId);
    assert.equal(runs[0]?.partial, false);
    // A fresh service (app restart) finds it by id alone.
    assert.equal((await make(host).get(run.runId)).checks.length, catalogue.length);
  });

  test('re-run one carries the other results over; compare says what changed', async () => {
    const first = await service.run(controller.id, {});
    await finish(first);
    // The controller got isolcpus in between (tuned evidence): only K03 is measured again.
    const fixed = new FakeHost({ profile, outputs: tuned(), uid: 0 });
    const second = await make(fixed).run(controller.id, { only: ['K03'], baseRunId: first.runId });
    assert.equal(second.carried.length, catalogue.length - 1);
    assert.equal(second.checks.length, catalogue.length - 1, 'carried results are there from the start');
    await finish(second);
    assert.deepEqual(results(second.runId).map((e) => [e.result.id, e.done, e.total]), [['K03', 1, 1]]);
    const record = await service.get(second.runId);
    assert.equal(record.checks.length, catalogue.length);
    assert.equal(record.baseRunId, first.runId);
    const comparison = await service.compare(first.runId, second.runId);
    assert.equal(comparison.counts.fixed, 1);
    assert.deepEqual(comparison.changes.find((c) => c.id === 'K03')?.kind, 'fixed');
    assert.equal(comparison.counts.same, catalogue.length - 1);
    assert.equal((await service.runs(controller.id))[0]?.partial, false);
  });

  test('one run per controller; cancel keeps what was measured; not connected and unknown ids are clear errors', async () => {
    const slow = new FakeHost({ profile, outputs: untuned(), uid: 0, delay: (id) => (id.endsWith('-10s') || id === 'smi-count' ? 2_000 : 5) });
    const busy = make(slow);
    const run = await busy.run(controller.id, {});
    await assert.rejects(busy.run(controller.id, {}), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT');
    await waitFor(() => results(run.runId).length > 5, 'some results');
    assert.equal((await busy.current(controller.id))?.runId, run.runId);
    assert.equal(await busy.cancel(run.runId), true);
    assert.equal(doneOf(run.runId)?.status, 'cancelled');
    const stored = await busy.get(run.runId);
    assert.equal(stored.status, 'cancelled');
    assert.ok(stored.checks.length > 5 && stored.checks.length < catalogue.length);
    assert.equal(await busy.current(controller.id), null);

    connected = false;
    await assert.rejects(service.run(controller.id, {}), (e: unknown) => e instanceof AppError && e.code === 'NOT_CONNECTED');
    connected = true;
    await assert.rejects(service.run(controller.id, { only: ['X01'] }), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT');
    await assert.rejects(service.run('nope', {}), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND');
  });

  test('a run the app did not live to finish is reported as interrupted, not as running forever', async () => {
    const slow = new FakeHost({ profile, outputs: untuned(), uid: 0, delay: () => 10_000 });
    const first = make(slow);
    const run = await first.run(controller.id, {});
    try {
      // Another process (the app after a restart) reads the store.
      const restarted = make(host);
      const seen = await restarted.get(run.runId);
      assert.equal(seen.status, 'failed');
      assert.match(seen.error?.message ?? '', /interrupted/);
      assert.equal((await restarted.runs(controller.id))[0]?.status, 'failed');
    } finally {
      await first.shutdown();
    }
    assert.equal((await first.get(run.runId)).status, 'cancelled', 'shutdown cancels and saves');
  });

  test('export remediation: script, files and a diff against the controller; changes nothing there', async () => {
    const run = await service.run(controller.id, {});
    await finish(run);
    const before = host.commands.length;
    const exported = await service.exportRemediation(run.runId);
    const newCommands = host.commands.slice(before);
    assert.ok(newCommands.length > 0 && newCommands.every((c) => /^taskset -c 0,1 nice -n 10 sh -c 'cat -- /.test(c)), newCommands.join('\n'));
    assert.equal(exported.folder, join(dataDir, 'remediation', controller.id, run.runId));
    assert.equal(readFileSync(join(exported.folder, 'remediation.sh'), 'utf8'), exported.script);
    assert.equal(readFileSync(join(exported.folder, 'changes.diff'), 'utf8'), exported.diff);
    const irqbalance = exported.files.find((f) => f.target === '/etc/default/irqbalance');
    assert.equal(irqbalance?.merge, 'set-keys');
    assert.equal(irqbalance.state, 'changed');
    assert.equal(irqbalance.content, '# irqbalance defaults\n#IRQBALANCE_BANNED_CPULIST=\nIRQBALANCE_ONESHOT=0\nIRQBALANCE_BANNED_CPULIST=2-3\n');
    assert.match(irqbalance.diff, /^\+IRQBALANCE_BANNED_CPULIST=2-3$/m);
    assert.equal(exported.files.find((f) => f.target === '/etc/default/grub.d/60-mxrc-rt.cfg')?.state, 'new');
    assert.ok(existsSync(join(exported.folder, 'files/etc/default/grub.d/60-mxrc-rt.cfg')));

    // Not connected any more: the files are still exported, the diff against the controller is unknown.
    connected = false;
    const offline = await service.exportRemediation(run.runId);
    assert.ok(offline.files.every((f) => f.state === 'unknown'));
    assert.match(offline.currentFilesNote ?? '', /not connected/);
  });

  test('importing a bundle without a controller derives the cores from it', () => {
    const outputs = untuned();
    const bundle = { meta: new Map([['hk_cpus', '0']]), outputs, warnings: [] };
    outputs.set('cpu-online', { ...(outputs.get('cpu-online') ?? { command: '', stderr: '', exitCode: 0, status: 'ok' as const }), stdout: '0-3\n0-3\n' });
    const derived = profileFromBundle(bundle);
    assert.equal(derived.profile.housekeepingCores, '0');
    assert.equal(derived.profile.rtCores, '1-3');
    const fallback = profileFromBundle({ meta: new Map([['hk_cpus', '2']]), outputs, warnings: [] });
    assert.equal(fallback.profile.rtCores, '2,3', 'housekeeping without CPU 0 is refused: the reference cores');
    assert.match(fallback.note, /reference cores/);
  });
});
