/**
 * Fields that are refused instead of quoted: CPU lists (they become taskset/cyclictest/systemd arguments whose
 * syntax is their own), unit and container names, run and operation ids, journal cursors, compose names and
 * config file names. Each hostile value must stop at the contract (the same dispatcher browser mode and IPC
 * use) or at the builder with a message that tells the technician what is allowed, before anything runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { remoteRunner } from '../../../src/main/services/deploy/remote';
import { Operation } from '../../../src/main/services/deploy/operation';
import { deployServices } from '../../../src/main/services/deploy/services-deployer';
import { planRun, resolveSettings, runDirFor } from '../../../src/main/services/latency/run-plan';
import type { AppServices } from '../../../src/shared/contract';
import { checkProfileSchema } from '../../../src/shared/checks/model';
import { mapCompose } from '../../../src/shared/deploy/compose';
import { systemdCpuList } from '../../../src/shared/deploy/unit-template';
import { AppError } from '../../../src/shared/errors';
import { journalctlCommand } from '../../../src/shared/logs/journal-command';
import { onHousekeeping } from '../../../src/shared/remote-command';
import type { Wire } from '../../../src/shared/rpc';
import { createDispatcher } from '../../../src/shared/rpc';
import { RecordingHost } from '../../support/recording-host';
import { hostileValues } from './hostile-values';

const values = hostileValues(16);

/**
 * Characters that mean something to a shell, non-ASCII, or a leading "-" that makes a value look like an option.
 * (A backslash alone is allowed in unit names: systemd escapes with it, e.g. dev-disk-by\x2duuid.device.)
 */
const shellSignificant = (value: string): boolean => value === '' || value.startsWith('-') || /[\s'"`$(){}[\];&|<>*?~!#%^,=]/u.test(value) || /[^\u0021-\u007e]/u.test(value);

/** A dispatcher over services that only record that they were reached (they must not be, for refused input). */
function recordingDispatcher(): { dispatch: (service: string, method: string, args: unknown[]) => Promise<Wire>; reached: string[] } {
  const reached: string[] = [];
  const services = new Proxy({}, { get: (_t, service: string) => new Proxy({}, { get: (_s, method: string) => () => reached.push(`${service}.${method}`) }) }) as AppServices;
  const dispatcher = createDispatcher(services);
  return { dispatch: (service, method, args) => dispatcher(service, method, args), reached };
}

function refused(wire: Wire, what: string, message: RegExp): void {
  assert.equal(wire.ok, false, `${what} was accepted`);
  if (wire.ok) return;
  assert.equal(wire.error.code, 'INVALID_INPUT', what);
  assert.match(wire.error.message, message, what);
}

const controller = { name: 'Cell 4', host: '127.0.0.1', user: 'mxrc', auth: { kind: 'agent' as const } };
const cpuListMessage = /Use a CPU list such as 2,3 or 2-3/;

describe('CPU lists are refused, never quoted', () => {
  test('controller profile: RT and housekeeping cores', async () => {
    const { dispatch, reached } = recordingDispatcher();
    for (const value of values) {
      refused(await dispatch('controllers', 'save', [{ ...controller, rtCores: value }]), `rtCores ${JSON.stringify(value)}`, cpuListMessage);
      refused(await dispatch('controllers', 'save', [{ ...controller, housekeepingCores: value }]), `housekeepingCores ${JSON.stringify(value)}`, cpuListMessage);
    }
    assert.deepEqual(reached, [], 'the controller store never saw a hostile core list');
  });

  test('latency start request and check profile file', async () => {
    const { dispatch, reached } = recordingDispatcher();
    for (const value of values) {
      for (const field of ['rtCores', 'housekeepingCores']) {
        refused(await dispatch('latency', 'start', [{ controllerId: 'c1', safeStateConfirmed: true, [field]: value }]), `latency ${field} ${JSON.stringify(value)}`, cpuListMessage);
        const parsed = checkProfileSchema.safeParse({ [field]: value });
        assert.equal(parsed.success, false, `check profile ${field} ${JSON.stringify(value)}`);
      }
    }
    assert.deepEqual(reached, []);
  });

  test('the builders refuse them too (defence in depth): core pinning, latency plan, systemd CPUAffinity', () => {
    for (const value of values) {
      assert.throws(() => onHousekeeping('true', value), /invalid housekeeping core list/, `onHousekeeping ${JSON.stringify(value)}`);
      const plan = (rtCores: string, housekeepingCores: string): unknown => planRun('r1', resolveSettings({ preset: 'quick', defaultSystem: false, rtla: false, stopRtService: false }, { rtCores, housekeepingCores, rtUnit: 'mxrc-rt.service' }));
      assert.throws(() => plan(value, '0,1'), Error, `latency rtCores ${JSON.stringify(value)}`);
      assert.throws(() => plan('2,3', value), Error, `profile housekeeping ${JSON.stringify(value)}`);
      assert.throws(() => systemdCpuList(value), Error, `docker pin ${JSON.stringify(value)}`);
    }
  });
});

describe('names and ids are refused unless they are plain words', () => {
  test('RT unit of a controller profile and of a check profile; "-…" never passes (systemctl would read an option)', async () => {
    const { dispatch, reached } = recordingDispatcher();
    for (const value of values) {
      const wire = await dispatch('controllers', 'save', [{ ...controller, rtUnit: value }]);
      if (value.trim() !== '' && !shellSignificant(value.trim())) continue;
      refused(wire, `rtUnit ${JSON.stringify(value)}`, value.trim() === '' ? /./ : /systemd unit name/);
      for (const field of ['rtUnit', 'ipcUnit']) assert.equal(checkProfileSchema.safeParse({ [field]: value }).success, false, `check profile ${field} ${JSON.stringify(value)}`);
    }
    assert.deepEqual(reached.filter((r) => r !== 'controllers.save'), []);
    for (const option of ['-Hcontroller.example', '--help', '-']) {
      refused(await dispatch('controllers', 'save', [{ ...controller, rtUnit: option }]), option, /does not start with "-"/);
      assert.equal(checkProfileSchema.safeParse({ rtUnit: option }).success, false, option);
    }
    // Real unit names still pass, escapes included.
    for (const unit of ['mxrc-rt.service', 'robot@1.service', 'dev-disk-by\\x2duuid.device']) {
      assert.equal((await dispatch('controllers', 'save', [{ ...controller, rtUnit: unit }])).ok, true, unit);
    }
  });

  test('check profile: container, interface and health URL', () => {
    for (const value of values) {
      // The schema trims first: " lead" becomes the plain word "lead".
      if (!shellSignificant(value.trim())) continue;
      assert.equal(checkProfileSchema.safeParse({ webapiContainer: value }).success, false, `webapiContainer ${JSON.stringify(value)}`);
      // Blank means "no EtherCAT interface".
      if (value.trim() !== '') assert.equal(checkProfileSchema.safeParse({ ecatIf: value }).success, false, `ecatIf ${JSON.stringify(value)}`);
      if (/[\s'"]/.test(value.trim())) assert.equal(checkProfileSchema.safeParse({ healthUrl: `http://localhost:8080/${value}` }).success, false, `healthUrl ${JSON.stringify(value)}`);
    }
  });

  test('log sources: unit, tag, times and container; the grep pattern is the one free-text field (quoted, see the fuzz test)', async () => {
    const { dispatch, reached } = recordingDispatcher();
    for (const value of values) {
      if (/[`$'";&|<>(){}*?!#\n\r]/.test(value)) {
        const journal = (extra: object): unknown[] => ['c1', { source: { kind: 'journal', ...extra } }];
        refused(await dispatch('logs', 'open', journal({ unit: value })), `unit ${JSON.stringify(value)}`, /unit name/);
        refused(await dispatch('logs', 'open', journal({ identifier: value })), `identifier ${JSON.stringify(value)}`, /journal tag/);
        refused(await dispatch('logs', 'open', journal({ since: value })), `since ${JSON.stringify(value)}`, /Use a time such as/);
        refused(await dispatch('logs', 'open', journal({ until: value })), `until ${JSON.stringify(value)}`, /Use a time such as/);
        refused(await dispatch('logs', 'open', ['c1', { source: { kind: 'container', container: value } }]), `container ${JSON.stringify(value)}`, /container name/);
      }
    }
    assert.deepEqual(reached, []);
    assert.equal((await dispatch('logs', 'open', ['c1', { source: { kind: 'journal', grep: `$(touch /tmp/pwned)'"` } }])).ok, true, 'a grep pattern is free text');
  });

  test('journal cursors, run ids and operation ids', async () => {
    const { dispatch, reached } = recordingDispatcher();
    for (const value of values) {
      if (!/^[A-Za-z0-9=;_-]+$/.test(value)) assert.throws(() => journalctlCommand({ boot: 'any', follow: false, afterCursor: value }), /invalid journal cursor/, JSON.stringify(value));
      if (!/^[0-9A-Za-z-]{1,64}$/.test(value)) {
        assert.throws(() => runDirFor(value), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /is not a run id/.test(e.message), JSON.stringify(value));
        assert.throws(() => planRun(value, resolveSettings({ preset: 'quick', defaultSystem: false, rtla: false, stopRtService: false }, { rtCores: '2,3', housekeepingCores: '0,1', rtUnit: 'x' })), /is not a run id/);
        refused(await dispatch('latency', 'result', [{ controller: 'c', visit: 'v', kind: 'latency-run', id: value }]), `run id ${JSON.stringify(value)}`, /./);
      }
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
        refused(await dispatch('deploy', 'cancel', [value]), `operation id ${JSON.stringify(value)}`, /Not an operation id/);
        refused(await dispatch('deploy', 'deployServices', ['c1', { rtBin: '/a', nonrtBin: '/b', operationId: value }]), `operation id ${JSON.stringify(value)}`, /Not an operation id/);
      }
      refused(await dispatch('deploy', 'serviceAction', ['c1', value, 'restart']), `unit ${JSON.stringify(value)}`, /./);
      refused(await dispatch('deploy', 'serviceAction', ['c1', 'mxrc-rt.service', value]), `action ${JSON.stringify(value)}`, /./);
    }
    assert.deepEqual(reached, []);
  });
});

describe('deployment inputs that become names on the controller', () => {
  const compose = (service: string, extra = '', image = 'mxrc/webapi:1.0'): string => `services:\n  ${JSON.stringify(service)}:\n    image: ${JSON.stringify(image)}\n    network_mode: host\n${extra}`;

  test('compose: a container name, given or taken from the service name, must be a Docker container name', () => {
    for (const value of values) {
      if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(value)) continue;
      for (const text of [compose(value), compose('webapi', `    container_name: ${JSON.stringify(value)}\n`)]) {
        assert.throws(() => mapCompose(text, { housekeepingCores: '0,1', composeHash: 'h' }), (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /not a valid container name/.test(`${e.message} ${JSON.stringify(e.detail)}`), JSON.stringify(value));
      }
    }
    assert.equal(mapCompose(compose('webapi'), { housekeepingCores: '0,1', composeHash: 'h' }).options.name, 'webapi');
  });

  test('compose: the image must be a Docker image reference (it goes into Docker API paths as it is)', () => {
    for (const value of [...values, '../containers/mxrc-webapi', 'mxrc/webapi:1?force=1', 'reg..local/x']) {
      // Anything with a character a reference never has, or "..", must be refused ("" is "image is required").
      if (value.trim() === '' || (/^[A-Za-z0-9._/:@-]+$/.test(value) && !value.includes('..'))) continue;
      assert.throws(() => mapCompose(compose('webapi', '', value), { housekeepingCores: '0,1', composeHash: 'h' }), (e: unknown) => e instanceof AppError && /not a Docker image reference/.test(JSON.stringify(e.detail)), JSON.stringify(value));
    }
    for (const image of ['mxrc/webapi:1.4.2', 'registry.local:5000/mxrc/webapi:1.4.2-rc1', `busybox@sha256:${'0'.repeat(64)}`]) {
      assert.equal(mapCompose(compose('webapi', '', image), { housekeepingCores: '0,1', composeHash: 'h' }).options.Image, image);
    }
  });

  test('config files: a name that cannot be one word of the rollback manifest is refused before anything runs', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mxrc-config-'));
    const binary = join(dir, 'bin');
    writeFileSync(binary, 'x');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const names = [...values.filter((v) => v !== '' && !v.includes('/') && v !== '.' && v !== '..' && !/^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(v)), 'manifest', 'mxrc-rt.service'];
    for (const name of names) {
      const file = join(dir, name);
      writeFileSync(file, 'key: value\n');
      const host = new RecordingHost();
      const op = new Operation('0a1b2c3d4e5f', 'services', 'c1', () => undefined, () => new Date());
      await assert.rejects(
        deployServices(remoteRunner(host, '0'), { rtCores: '2,3', housekeepingCores: '0,1' }, { rtBin: binary, nonrtBin: binary, configFiles: [file], includeWebapiUnit: false, settleS: 1 }, op),
        (e: unknown) => e instanceof AppError && e.code === 'INVALID_INPUT' && /config file/.test(e.message) && e.hint !== undefined,
        JSON.stringify(name),
      );
      assert.deepEqual(host.commands, [], `nothing ran on the controller for ${JSON.stringify(name)}`);
    }
  });
});
