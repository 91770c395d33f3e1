import assert from 'node:assert/strict';
import { chmod, copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type Docker from 'dockerode';

import type { DeploymentRecord } from '../../src/shared/model/deploy';
import type { BuiltArchive } from '../fixtures/deploy/image-archive';
import { buildImageArchive, truncateArchive } from '../fixtures/deploy/image-archive';
import { cleanupDocker, freePort, httpdCmd, labDocker, uniqueSuffix, webapiCompose } from '../fixtures/deploy/lab-deploy';
import type { Lab } from '../support/lab';
import { ensureLab } from '../support/lab';
import { runCli } from '../support/run-cli';

interface DeployJson {
  ok: boolean;
  result?: string;
  deployment?: DeploymentRecord;
  error?: { code: string; message: string };
}

/** The command line exactly as the issue spells it, against the lab's systemd controller. */
describe('mxrc-commission deploy / rollback', () => {
  let lab: Lab;
  let docker: Docker;
  let dir: string;
  let target: string;
  let conn: string[];
  let port: number;
  const suffix = uniqueSuffix();
  const name = `mxrc-webapi-c${suffix}`;
  const tags = { v1: `mxrc/webapi-cli:${suffix}-v1`, v2: `mxrc/webapi-cli:${suffix}-v2` };
  const built: BuiltArchive[] = [];
  const paths: Record<string, string> = {};

  const cli = async (args: string[], timeoutMs = 180_000): Promise<{ code: number | null; json: DeployJson; stderr: string }> => {
    const result = await runCli(['--data-dir', join(dir, 'data'), ...args], {}, { timeoutMs });
    let json: DeployJson = { ok: false };
    try {
      json = JSON.parse(result.stdout) as DeployJson;
    } catch {
      assert.fail(`stdout is not one JSON object:\n${result.stdout}\n${result.stderr}`);
    }
    return { code: result.code, json, stderr: result.stderr };
  };

  before(async () => {
    lab = await ensureLab();
    docker = labDocker(lab);
    dir = await mkdtemp(join(tmpdir(), 'mxrc-deploy-cli-'));
    port = await freePort();
    const ctl = lab.controllers.systemd;
    target = `${ctl.user}@${ctl.host}:${ctl.port}`;
    await copyFile(lab.knownHostsFile, join(dir, 'known_hosts'));
    conn = ['--key', ctl.keyFile, '--known-hosts', join(dir, 'known_hosts'), '--profile', join(dir, 'profile.json')];
    await writeFile(join(dir, 'profile.json'), JSON.stringify({ name: 'lab', rtCores: ctl.rtCores, housekeepingCores: ctl.housekeepingCores }));
    for (const [key, tag] of Object.entries(tags)) {
      const a = await buildImageArchive({ tag, cmd: httpdCmd(port), healthBody: `ok ${key}\n`, gzip: key === 'v2' });
      built.push(a);
      paths[key] = a.path;
      paths[`${key}-compose`] = join(dir, `${key}.yml`);
      await writeFile(paths[`${key}-compose`] ?? '', webapiCompose({ image: tag, containerName: name, port, runDir: lab.docker.mxrcRunDir }));
    }
    paths.truncated = join(dir, 'truncated.tar');
    await copyFile(paths.v1 ?? '', paths.truncated);
    await truncateArchive(paths.truncated, 5000);
    for (const [file, text] of [
      ['rt', '#!/bin/sh\nexec /usr/bin/cyclictest -m -q -p80 -t1 -i1000\n'],
      ['nonrt', '#!/bin/sh\nexec sleep infinity\n'],
    ] as const) {
      paths[file] = join(dir, file);
      await writeFile(paths[file] ?? '', text);
      await chmod(paths[file] ?? '', 0o755);
    }
  });

  after(async () => {
    if (docker) await cleanupDocker(docker, name, Object.values(tags));
    for (const a of built) await a.cleanup();
    if (lab) {
      const ctl = lab.controllers.systemd;
      const { execFileSync } = await import('node:child_process');
      execFileSync('ssh', ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, 'sudo -n systemctl disable --now mxrc-rt.service mxrc-nonrt.service 2>/dev/null; sudo -n rm -rf /etc/systemd/system/mxrc-rt.service /etc/systemd/system/mxrc-nonrt.service /opt/mxrc; sudo -n systemctl daemon-reload; true'], { timeout: 30_000 });
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('deploy webapi --image --compose --json: exit 0, one JSON object, history on the laptop', async () => {
    const { code, json } = await cli(['deploy', 'webapi', target, '--image', paths.v1 ?? '', '--compose', paths['v1-compose'] ?? '', '--probe-count', '20', ...conn, '--json']);
    assert.equal(code, 0, JSON.stringify(json));
    assert.equal(json.ok, true);
    assert.equal(json.result, 'deployed');
    assert.equal(json.deployment?.webapi?.cpuset, '0');
    assert.equal(json.deployment?.controllerId, `${lab.controllers.systemd.host}:${lab.controllers.systemd.port}`);
    assert.equal((await docker.getContainer(name).inspect()).State.Health?.Status, 'healthy');
    const histDir = join(dir, 'data', 'deployments', `127.0.0.1_${lab.controllers.systemd.port}`);
    assert.equal((await readdir(histDir)).length, 1);
  });

  test('a truncated archive: exit 2, INVALID_INPUT, nothing changed', async () => {
    const before = await docker.getContainer(name).inspect();
    const { code, json } = await cli(['deploy', 'webapi', target, '--image', paths.truncated ?? '', '--compose', paths['v1-compose'] ?? '', ...conn, '--json']);
    assert.equal(code, 2);
    assert.equal(json.ok, false);
    assert.equal(json.error?.code, 'INVALID_INPUT');
    assert.match(json.error?.message ?? '', /truncated|ends too early|missing/);
    assert.equal((await docker.getContainer(name).inspect()).Id, before.Id);
  });

  test('v2 (gzip archive) deploys with progress on stderr; rollback webapi brings v1 back', async () => {
    const v1 = await docker.getContainer(name).inspect();
    const deployed = await runCli(['--data-dir', join(dir, 'data'), 'deploy', 'webapi', target, '--image', paths.v2 ?? '', '--compose', paths['v2-compose'] ?? '', '--probe-count', '0', ...conn], {}, { timeoutMs: 180_000 });
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stderr, /✓ upload: Uploaded/);
    assert.match(deployed.stdout, new RegExp(`^Deployed ${name}: ${tags.v2.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    const { code, json } = await cli(['rollback', 'webapi', target, '--compose', paths['v2-compose'] ?? '', ...conn, '--json']);
    assert.equal(code, 0, JSON.stringify(json));
    assert.equal(json.result, 'restored');
    assert.equal((await docker.getContainer(name).inspect()).Id, v1.Id);
  });

  test('deploy services --rt-bin --nonrt-bin --json, then rollback services', async () => {
    const { code, json } = await cli(['deploy', 'services', target, '--rt-bin', paths.rt ?? '', '--nonrt-bin', paths.nonrt ?? '', ...conn, '--json']);
    assert.equal(code, 0, JSON.stringify(json));
    assert.equal(json.deployment?.services?.rt?.pass, true);
    const back = await cli(['rollback', 'services', target, ...conn, '--json']);
    assert.equal(back.code, 0, JSON.stringify(back.json));
    assert.equal(back.json.result, 'restored');
    // nothing was installed before: the rollback removed the units again
    assert.ok(back.json.deployment?.services?.states.every((s) => s.loadState === 'not-found'), JSON.stringify(back.json.deployment?.services?.states));
    const ctl = lab.controllers.systemd;
    const { execFileSync } = await import('node:child_process');
    const left = execFileSync('ssh', ['-p', String(ctl.port), '-i', ctl.keyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', `${ctl.user}@${ctl.host}`, 'ls /etc/systemd/system/multi-user.target.wants/ | grep mxrc; ls /opt/mxrc/bin 2>/dev/null; true'], { encoding: 'utf8' });
    assert.equal(left.trim(), '', 'no enablement symlink or binary is left behind');
  });

  test('usage errors exit 2', async () => {
    const { code, json } = await cli(['rollback', 'everything', target, ...conn, '--json']);
    assert.equal(code, 2);
    assert.equal(json.error?.code, 'INVALID_INPUT');
    const missing = await runCli(['deploy', 'webapi', target]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--image <file>'/);
  });
});
