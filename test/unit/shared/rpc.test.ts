import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { AppServices } from '../../../src/shared/contract';
import { contract, eventTopics } from '../../../src/shared/contract';
import { AppError } from '../../../src/shared/errors';
import { createDispatcher } from '../../../src/shared/rpc';
import { EventHub } from '../../../src/main/platform/event-hub';
import { inMemoryClient } from '../../support/in-memory-transport';

function fakeServices(calls: unknown[][]): AppServices {
  const services: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const [service, methods] of Object.entries(contract)) {
    services[service] = {};
    for (const name of Object.keys(methods)) {
      services[service][name] = async (...args: unknown[]) => {
        calls.push([`${service}.${name}`, ...args]);
        if (name === 'remove') throw new AppError('NOT_FOUND', 'gone', 'reload');
        if (name === 'probe') throw new Error('boom');
        return { echoed: args };
      };
    }
  }
  return services as unknown as AppServices;
}

describe('contract over a transport', () => {
  test('a valid call reaches the service with defaults applied', async () => {
    const calls: unknown[][] = [];
    const client = inMemoryClient(fakeServices(calls));
    await client.controllers.save({ name: 'Cell 7', host: '10.0.0.5', user: 'mxrc', auth: { kind: 'agent' } });
    const [name, input] = calls[0] ?? [];
    assert.equal(name, 'controllers.save');
    assert.deepEqual(input, {
      name: 'Cell 7',
      host: '10.0.0.5',
      port: 22,
      user: 'mxrc',
      auth: { kind: 'agent' },
      jump: null,
      rtCores: '2,3',
      housekeepingCores: '0,1',
      rtUnit: 'mxrc-rt.service',
      notes: '',
    });
  });

  test('invalid input is refused before the service, naming the field', async () => {
    const calls: unknown[][] = [];
    const client = inMemoryClient(fakeServices(calls));
    await assert.rejects(
      client.controllers.save({ name: 'x', host: 'bad host; rm -rf /', user: 'mxrc', auth: { kind: 'agent' } }),
      (error: unknown) => error instanceof AppError && error.code === 'INVALID_INPUT' && /letters, digits/.test(error.message),
    );
    await assert.rejects(
      client.controllers.save({ name: 'x', host: 'h', user: 'mxrc', auth: { kind: 'agent' }, rtCores: '0,1', housekeepingCores: '0,1' }),
      (error: unknown) => error instanceof AppError && /must not overlap/.test(error.message),
    );
    await assert.rejects(client.connection.trustHostKey('id', 'MD5:aa'), (error: unknown) => error instanceof AppError && error.code === 'INVALID_INPUT');
    assert.equal(calls.length, 0);
  });

  test('service errors keep their code and hint; unexpected ones lose their stack', async () => {
    const client = inMemoryClient(fakeServices([]));
    await assert.rejects(client.controllers.remove('x'), (error: unknown) => error instanceof AppError && error.code === 'NOT_FOUND' && error.hint === 'reload');
    await assert.rejects(client.connection.probe('x'), (error: unknown) => error instanceof AppError && error.code === 'INTERNAL' && error.message === 'boom' && !('stack' in error.toWire()));
  });

  test('unknown services and methods are refused, including prototype names', async () => {
    const dispatch = createDispatcher(fakeServices([]));
    for (const [service, method] of [['nope', 'list'], ['controllers', 'nope'], ['controllers', 'constructor'], ['__proto__', 'toString'], ['controllers', 'hasOwnProperty']] as const) {
      const wire = await dispatch(service, method, []);
      assert.equal(wire.ok, false);
      assert.equal(wire.ok ? '' : wire.error.code, 'NO_METHOD');
    }
    const notArray = await dispatch('controllers', 'list', { length: 0 });
    assert.equal(notArray.ok ? '' : notArray.error.code, 'INVALID_INPUT');
  });

  test('events are delivered by topic', async () => {
    const hub = new EventHub();
    const client = inMemoryClient(fakeServices([]), hub);
    const seen: string[] = [];
    const off = client.on('connection.state', (state) => seen.push(`${state.controllerId}:${state.status}`));
    hub.emit('connection.state', { controllerId: 'a', status: 'connected', since: 'now' });
    off();
    hub.emit('connection.state', { controllerId: 'a', status: 'disconnected', since: 'later' });
    assert.deepEqual(seen, ['a:connected']);
    assert.ok(eventTopics.includes('connection.state'));
    assert.equal(new Set(eventTopics).size, eventTopics.length, 'every topic listed once');
  });
});
