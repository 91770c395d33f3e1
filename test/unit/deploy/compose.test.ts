import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { mapCompose, splitShellWords } from '../../../src/shared/deploy/compose';
import { formatBytes, parseByteSize, parseDurationNs } from '../../../src/shared/deploy/compose-values';
import { AppError } from '../../../src/shared/errors';

const seedCompose = readFileSync(join(import.meta.dirname, '../../../resources/docker-compose.yml'), 'utf8');
const ctx = { housekeepingCores: '0,1', composeHash: 'abc' };

function problemsOf(fn: () => unknown): { key: string; line?: number; message: string }[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, 'INVALID_INPUT');
    return (error.detail as { problems?: { key: string; line?: number; message: string }[] } | undefined)?.problems ?? [{ key: '', message: error.message }];
  }
  assert.fail('expected the compose file to be refused');
}

describe('compose → Docker Engine create options', () => {
  test("the shipped seed compose maps to exactly the seed's settings", () => {
    const m = mapCompose(seedCompose, ctx);
    assert.equal(m.service, 'mxrc-webapi');
    assert.equal(m.options.name, 'mxrc-webapi');
    assert.equal(m.options.Image, 'mxrc-webapi:latest');
    assert.deepEqual(m.options.HostConfig, {
      NetworkMode: 'host',
      RestartPolicy: { Name: 'unless-stopped' },
      CpusetCpus: '0,1',
      Memory: 512 * 1024 * 1024,
      MemoryReservation: 256 * 1024 * 1024,
      Binds: ['/var/run/mxrc:/var/run/mxrc:ro', '/opt/mxrc/config:/opt/mxrc/config:ro'],
      LogConfig: { Type: 'journald', Config: { tag: 'mxrc-webapi' } },
    });
    assert.deepEqual(m.options.Env, [
      'NODE_ENV=production',
      'PORT=8080',
      'HOST=0.0.0.0',
      'LOG_LEVEL=info',
      'IPC_SOCKET_PATH=/var/run/mxrc/ipc.sock',
      'IPC_TIMEOUT_MS=5000',
      'SYSTEMD_NOTIFY=false',
    ]);
    assert.deepEqual(m.options.Healthcheck, { Test: ['CMD', 'curl', '-f', 'http://localhost:8080/api/health/live'], Interval: 30e9, Timeout: 5e9, Retries: 3, StartPeriod: 10e9 });
    assert.equal(m.healthUrl, 'http://localhost:8080/api/health/live');
    assert.deepEqual(m.adaptations, [], 'cpuset 0,1 equals the housekeeping cores: nothing to adapt');
    // build and version are read, reported, and not applied
    assert.deepEqual(m.notes.map((n) => n.key), ['version', 'services.mxrc-webapi.build']);
    assert.ok(m.notes.every((n) => typeof n.line === 'number'));
  });

  test("the profile's housekeeping cores replace cpuset when they differ", () => {
    const m = mapCompose(seedCompose, { housekeepingCores: '0', composeHash: 'x' });
    assert.equal(m.options.HostConfig.CpusetCpus, '0');
    assert.equal(m.adaptations.length, 1);
    assert.match(m.adaptations[0]?.message ?? '', /cpuset "0,1" replaced by the profile's housekeeping cores 0/);
    assert.equal(m.adaptations[0]?.line, 19);
    // "0-1" and "0,1" are the same set: no adaptation
    assert.equal(mapCompose(seedCompose.replace('cpuset: "0,1"', 'cpuset: "0-1"'), ctx).adaptations.length, 0);
  });

  test('unsupported keys are errors that name the key and its line, never dropped', () => {
    const text = seedCompose.replace('    restart: unless-stopped\n', '    restart: unless-stopped\n    ports:\n      - "8080:8080"\n    privileged: true\n');
    const problems = problemsOf(() => mapCompose(text, ctx));
    assert.deepEqual(problems.map((p) => p.key), ['services.mxrc-webapi.ports', 'services.mxrc-webapi.privileged']);
    assert.deepEqual(problems.map((p) => p.line), [17, 19]);
    assert.throws(() => mapCompose(text, ctx), /services\.mxrc-webapi\.ports \(line 17\) is not supported/);
    const nested = seedCompose.replace('      start_period: 10s', '      start_period: 10s\n      start_interval: 1s');
    assert.deepEqual(problemsOf(() => mapCompose(nested, ctx)).map((p) => p.key), ['services.mxrc-webapi.healthcheck.start_interval']);
    const topLevel = `${seedCompose}\nnetworks:\n  default: {}\n`;
    assert.deepEqual(problemsOf(() => mapCompose(topLevel, ctx)).map((p) => p.key), ['networks']);
  });

  test('values that cannot be mapped are refused with the reason', () => {
    const cases: [string, string, RegExp][] = [
      ['mem_limit: 512m', 'mem_limit: 512x', /mem_limit.*not a size/],
      ['network_mode: host', 'network_mode: bridge', /network_mode.*must run with network_mode: host/],
      ['restart: unless-stopped', 'restart: sometimes', /restart.*not a restart policy/],
      ['interval: 30s', 'interval: soon', /interval.*not a duration/],
      ['- /var/run/mxrc:/var/run/mxrc:ro', '- mxrcdata:/var/run/mxrc:ro', /named volumes are not supported/],
      ['- /var/run/mxrc:/var/run/mxrc:ro', '- /var/run/mxrc:/var/run/mxrc:z', /mode "z" is not supported/],
      ['LOG_LEVEL: info', 'LOG_LEVEL: ${LEVEL}', /variable substitution/],
      ['LOG_LEVEL: info', 'LOG_LEVEL:', /has no value/],
      ['cpuset: "0,1"', 'cpuset: "zero"', /not a CPU list/],
    ];
    for (const [from, to, expected] of cases) {
      assert.ok(seedCompose.includes(from), from);
      assert.throws(() => mapCompose(seedCompose.replace(from, to), ctx), expected, to);
    }
    assert.throws(() => mapCompose('services: [', ctx), /not valid YAML/);
    assert.throws(() => mapCompose('services:\n  a: {image: x, network_mode: host}\n  b: {image: y, network_mode: host}\n', ctx), /exactly one service .*found 2/);
  });

  test('other compose forms: list environment, long volume syntax, string command, health URL sources', () => {
    const text = [
      'services:',
      '  api:',
      '    image: mxrc/test:1',
      '    network_mode: host',
      '    restart: "on-failure:3"',
      '    environment: ["PORT=18080", "A=b=c", "PRICE=$$5"]',
      '    command: httpd -f -p "127.0.0.1:18080" -h /www',
      '    volumes:',
      '      - type: bind',
      '        source: /srv/run',
      '        target: /var/run/mxrc',
      '        read_only: true',
      '    healthcheck:',
      '      test: wget -q -O /dev/null http://127.0.0.1:18080/api/health/live',
      '      interval: 1s',
      '      retries: 2',
      '    stop_grace_period: 1m30s',
      '',
    ].join('\n');
    const m = mapCompose(text, { housekeepingCores: '0', composeHash: 'h' });
    assert.equal(m.options.name, 'api');
    assert.deepEqual(m.options.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.deepEqual(m.options.Env, ['PORT=18080', 'A=b=c', 'PRICE=$5']);
    assert.deepEqual(m.options.Cmd, ['httpd', '-f', '-p', '127.0.0.1:18080', '-h', '/www']);
    assert.deepEqual(m.options.HostConfig.Binds, ['/srv/run:/var/run/mxrc:ro']);
    assert.deepEqual(m.options.Healthcheck, { Test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:18080/api/health/live'], Interval: 1e9, Retries: 2 });
    assert.equal(m.options.StopTimeout, 90);
    assert.equal(m.options.HostConfig.CpusetCpus, '0');
    assert.equal(m.healthUrl, 'http://localhost:18080/api/health/live', 'PORT from the environment');
    assert.match(m.adaptations.map((a) => a.message).join('\n'), /named after the service/);
    const withExt = text.replace('    image: mxrc/test:1', '    image: mxrc/test:1\n    x-mxrc:\n      health_url: http://127.0.0.1:18081/healthz');
    assert.equal(mapCompose(withExt, { housekeepingCores: '0', composeHash: 'h' }).healthUrl, 'http://127.0.0.1:18081/healthz');
    assert.equal(mapCompose(withExt, { housekeepingCores: '0', composeHash: 'h', healthUrl: 'http://localhost:9/x' }).healthUrl, 'http://localhost:9/x');
    assert.throws(() => mapCompose(withExt.replace('http://127.0.0.1:18081/healthz', 'http://10.0.0.5/x'), { housekeepingCores: '0', composeHash: 'h' }), /health_url/);
  });

  test('labels reserved for the history cannot be set by the compose file', () => {
    assert.throws(() => mapCompose(seedCompose.replace('    restart: unless-stopped', '    restart: unless-stopped\n    labels:\n      org.mxrc.deploy.id: fake'), ctx), /written by the tool itself/);
  });
});

describe('compose value notations', () => {
  test('sizes and durations', () => {
    assert.equal(parseByteSize('512m'), 536870912);
    assert.equal(parseByteSize('1g'), 1073741824);
    assert.equal(parseByteSize('256MB'), 268435456);
    assert.equal(parseByteSize(1024), 1024);
    assert.equal(parseByteSize('12 parsecs'), null);
    assert.equal(parseDurationNs('30s'), 30e9);
    assert.equal(parseDurationNs('1m30s'), 90e9);
    assert.equal(parseDurationNs('500ms'), 500e6);
    assert.equal(parseDurationNs('1h'), 3600e9);
    assert.equal(parseDurationNs('0'), 0);
    assert.equal(parseDurationNs('30'), null);
    assert.equal(parseDurationNs('30s junk'), null);
    assert.equal(formatBytes(536870912), '512 MiB');
  });

  test('shell words like compose splits a string command', () => {
    assert.deepEqual(splitShellWords(`sh -c 'echo "a b"; exit 1'`), ['sh', '-c', 'echo "a b"; exit 1']);
    assert.deepEqual(splitShellWords('a\\ b "c\\"d" \'\''), ['a b', 'c"d', '']);
    assert.throws(() => splitShellWords('"open'), /unterminated/);
  });
});
