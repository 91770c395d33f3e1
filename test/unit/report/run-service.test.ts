import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { VisitSheetStore } from '../../../src/main/services/report/visit-sheets';
import { RunService } from '../../../src/main/services/run/run-service';
import { RunStore } from '../../../src/main/services/run/run-store';
import { ResultsStore } from '../../../src/main/services/store/results-store';
import type { AppEvents } from '../../../src/shared/contract';
import type { CheckRunRecord } from '../../../src/shared/model/checks';
import type { DeploymentRecord } from '../../../src/shared/model/deploy';
import { emptyIdentity } from '../../../src/shared/model/report';
import type { ResultRef } from '../../../src/shared/model/results';
import type { RunState } from '../../../src/shared/model/run';
import { deployment, latencyRecord, probe } from './fixture';

const controller = 'profile-1';

/** A clock that moves one second per reading, so "since" comparisons are real. */
function ticking(start: string): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

function setup(dataDir: string, now: () => Date) {
  const results = new ResultsStore(join(dataDir, 'results'), now);
  const sheets = new VisitSheetStore(dataDir, now);
  const deployments: DeploymentRecord[] = [];
  const events: RunState[] = [];
  const baselines: ResultRef[] = [];
  const connection = { connected: false };
  const service = new RunService({
    store: new RunStore(dataDir),
    results,
    sheets,
    deployments: async () => deployments,
    controllerName: async () => 'Cell 3',
    connected: () => connection.connected,
    readIdentity: async () => ({ ...emptyIdentity, hostname: 'cell3', machineId: 'abc123', hostKeyFingerprint: 'SHA256:x', source: 'probe', collectedAt: now().toISOString() }),
    probe: async (_id, request) => ({ ...probe(3.1, ''), thresholdMs: request.thresholdMs, url: request.url ?? 'default' }),
    exportReport: async (_id, visit, request) => ({ path: `/tmp/report-${visit}.${request.format}`, format: request.format, language: request.language ?? 'en', bytes: 1, sha256: 'f'.repeat(64), controller, visit }),
    setBaseline: async (ref) => void baselines.push(ref),
    emit: <T extends keyof AppEvents>(topic: T, payload: AppEvents[T]) => {
      if (topic === 'run.state') events.push(structuredClone(payload as RunState));
    },
    now,
  });
  return { service, results, sheets, deployments, events, baselines, connection };
}

const states = (state: RunState | null) => Object.fromEntries((state?.steps ?? []).map((s) => [s.id, s.state]));

function checkRun(fail: number): CheckRunRecord {
  return { status: 'finished', counts: { pass: 40, warn: 2, fail, skip: 1, error: 0 }, checks: [] } as unknown as CheckRunRecord;
}

describe('commissioning run state machine', () => {
  test('walks the protocol from stored results, resumes after a restart, repeats, accepts and skips with deviations', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mxrc-run-'));
    const now = ticking('2026-11-26T08:00:00Z');
    const a = setup(dataDir, now);

    let state = await a.service.start(controller, { site: 'Plant 2, line 4', customer: 'ACME', technician: 'J. Kim' });
    assert.equal(state.current, 'connect');
    assert.equal(state.visit, '2026-11-26');
    assert.equal((await a.sheets.get(controller, state.visit)).site, 'Plant 2, line 4');

    a.connection.connected = true;
    state = (await a.service.get(controller)) as RunState;
    assert.equal(state.current, 'checks');
    assert.deepEqual(state.steps[0]?.facts?.values, { hostname: 'cell3', fingerprint: 'SHA256:x', kernel: null });
    assert.equal((await a.sheets.get(controller, state.visit)).identity?.machineId, 'abc123');

    // Checks with a failure: the step needs attention until a re-verified run passes.
    await a.results.save({ controller, kind: 'check-run', title: 'x', data: checkRun(2) });
    state = (await a.service.get(controller)) as RunState;
    assert.equal(states(state).checks, 'attention');
    assert.deepEqual(state.steps[1]?.facts, { verdict: 'fail', values: { pass: 40, warn: 2, fail: 2, skip: 1, error: 0, total: 0 } });
    await a.results.save({ controller, kind: 'check-run', title: 'x', data: checkRun(0) });
    state = (await a.service.get(controller)) as RunState;
    assert.equal(states(state).checks, 'done');
    assert.equal(state.current, 'baseline');

    // A restart: a new service over the same data folder resumes at the same step.
    const b = setup(dataDir, now);
    b.connection.connected = true;
    state = (await b.service.get(controller)) as RunState;
    assert.equal(state.current, 'baseline');
    assert.equal((JSON.parse(readFileSync(join(dataDir, 'runs', `${controller}.json`), 'utf8')) as RunState).current, 'baseline');

    const baseline = await b.results.save({ controller, kind: 'latency-run', title: 'x', data: latencyRecord(18, now().toISOString()) });
    state = (await b.service.get(controller)) as RunState;
    assert.equal(states(state).baseline, 'done');
    assert.deepEqual(b.baselines.map((r) => r.id), [baseline.id], 'the baseline is marked for the Latency screen');

    b.deployments.push({ ...deployment('services', now().toISOString(), ''), id: 'svc-1' });
    b.deployments.push({ ...deployment('webapi', now().toISOString(), 'sha256:1'), id: 'web-1', result: 'rolled-back' });
    state = (await b.service.get(controller)) as RunState;
    assert.equal(states(state).services, 'done');
    assert.equal(states(state).webapi, 'attention');
    b.deployments.push({ ...deployment('webapi', now().toISOString(), 'sha256:2'), id: 'web-2' });
    state = (await b.service.get(controller)) as RunState;
    assert.equal(states(state).webapi, 'done');
    assert.equal(state.current, 'latencyAfter');

    // After the deployment the max rose from 18 to 20 µs: +11 %, the comparison fails.
    await b.results.save({ controller, kind: 'latency-run', title: 'x', data: latencyRecord(20, now().toISOString()) });
    state = (await b.service.get(controller)) as RunState;
    assert.equal(states(state).latencyAfter, 'done');
    assert.equal(states(state).comparison, 'attention');
    assert.equal(state.steps.find((s) => s.id === 'comparison')?.facts?.values.increasePct, 11.11);

    // Repeat the measurement: only new runs count; an 18.5 → 18 µs run passes.
    state = await b.service.repeat(controller, 'latencyAfter');
    assert.equal(state.current, 'latencyAfter');
    assert.equal(states(state).comparison, 'waiting');
    await b.results.save({ controller, kind: 'latency-run', title: 'x', data: latencyRecord(18, now().toISOString()) });
    state = (await b.service.get(controller)) as RunState;
    assert.equal(states(state).comparison, 'done');
    assert.equal(state.current, 'probe');

    state = await b.service.probe(controller, {});
    assert.equal(states(state).probe, 'done');
    const stored = await b.results.list({ controller, kind: 'probe' });
    assert.equal(stored.length, 1);
    assert.equal((await b.results.get<{ url: string }>(stored[0] as ResultRef)).data.url, 'http://localhost:8080/api/health/live', 'probes the deployed health endpoint');

    await assert.rejects(b.service.accept(controller, 'report', 'because'), /Only a step whose result did not pass/);
    state = await b.service.report(controller, { format: 'pdf', language: 'ko' });
    assert.equal(state.status, 'finished');
    assert.equal(state.current, null);
    assert.equal(state.report?.path, '/tmp/report-2026-11-26.pdf');

    // Repeating the checks reopens them and makes the report stale.
    state = await b.service.repeat(controller, 'checks');
    assert.equal(state.current, 'checks');
    assert.equal(states(state).report, 'waiting');
    await b.results.save({ controller, kind: 'check-run', title: 'x', data: checkRun(1) });
    state = await b.service.accept(controller, 'checks', 'K07 needs a BIOS change; customer will schedule it');
    assert.equal(states(state).checks, 'done');
    assert.equal(state.current, 'report');
    state = await b.service.skip(controller, 'report', 'report is made at headquarters');
    assert.equal(state.status, 'finished');
    const deviations = (await b.sheets.get(controller, state.visit)).deviations;
    assert.deepEqual(deviations.map((d) => d.source), ['run:checks', 'run:report']);
    assert.ok(b.events.length > 5, 'every change is announced');
  });

  test('a corrupt run file is reported, not silently replaced; start with restart archives the old run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mxrc-run-'));
    const a = setup(dataDir, ticking('2026-11-26T08:00:00Z'));
    const first = await a.service.start(controller, {});
    assert.equal((await a.service.start(controller, {})).startedAt, first.startedAt, 'a second start returns the run in progress');
    const second = await a.service.start(controller, { restart: true });
    assert.notEqual(second.startedAt, first.startedAt);
    writeFileSync(join(dataDir, 'runs', `${controller}.json`), '{"controllerId": "profile-1", "steps": [');
    await assert.rejects(a.service.get(controller), SyntaxError);
  });
});
