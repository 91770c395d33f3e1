/**
 * npm run bench:deploy — upload + load of a ≥ 100 MB image archive into Docker on the lab's systemd controller:
 *   ours:    dockerode POST /images/load through a stream-local channel of one ssh2 connection (the product path,
 *            `uploadAndLoad` of the WebAPI rollout);
 *   OpenSSH: `ssh HOST 'curl --unix-socket /var/run/docker.sock -X POST -T - …/images/load' < FILE` — the same
 *            Engine API call driven by the real OpenSSH client (the controller image has no docker CLI, so
 *            `ssh HOST docker load < FILE` is done with curl; same bytes, same endpoint, same daemon).
 * Runs alternate (ours, OpenSSH, …) and the image is removed before each run so every load really loads.
 * Also printed for reference: `ssh HOST 'cat > /dev/null' < FILE` (OpenSSH transport alone).
 * The last line is one JSON object: {"throughputRatio": ours/OpenSSH, "mbPerS": ours}.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Docker from 'dockerode';

import { connectDocker } from '../src/main/platform/dockerode-engine';
import { KnownHostsStore } from '../src/main/platform/known-hosts';
import { connectSsh } from '../src/main/platform/ssh-connector';
import { readImageArchive } from '../src/main/services/deploy/archive-reader';
import { Operation } from '../src/main/services/deploy/operation';
import { uploadAndLoad } from '../src/main/services/deploy/webapi-rollout';
import { buildImageArchive } from '../test/fixtures/deploy/image-archive';
import { ensureLab } from '../test/support/lab';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const padBytes = Number(process.env.BENCH_BYTES ?? 100 * 1024 * 1024);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function sshArgs(port: number, key: string, knownHosts: string, user: string, host: string, command: string): string[] {
  return ['-p', String(port), '-i', key, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', `${user}@${host}`, command];
}

/** Runs ssh with the file on stdin; resolves with seconds and stdout. */
function timedSsh(args: string[], file: string): Promise<{ seconds: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    createReadStream(file).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`ssh exited ${code}: ${stderr}`));
      else resolve({ seconds: (performance.now() - started) / 1000, stdout });
    });
  });
}

async function main(): Promise<void> {
  const lab = await ensureLab();
  const ctl = lab.controllers.systemd;
  const local = new Docker({ socketPath: lab.docker.socket });
  const tag = `mxrc/webapi-bench:${Date.now().toString(36)}`;
  process.stderr.write(`building a ${(padBytes / 1e6).toFixed(0)} MB image archive…\n`);
  const archive = await buildImageArchive({ tag, cmd: ['sh'], healthBody: 'ok\n', padBytes });
  const info = await readImageArchive(archive.path, tag);
  const mb = archive.size / 1e6;
  process.stderr.write(`archive ${archive.path}: ${mb.toFixed(1)} MB, image ${info.configDigest.slice(0, 19)}…\n`);

  const removeImage = async (): Promise<void> => {
    await local.getImage(info.configDigest).remove({ force: true }).catch(() => undefined);
  };

  const connection = await connectSsh({
    controllerId: 'bench',
    target: { host: ctl.host, port: ctl.port, user: ctl.user, auth: { kind: 'key', keyFile: ctl.keyFile } },
    // read-only use of the lab's known_hosts; the writable file is never written (no new key is accepted)
    knownHosts: new KnownHostsStore(join(tmpdir(), 'mxrc-bench-known_hosts'), [lab.knownHostsFile]),
  });
  const engine = await connectDocker(connection.host);
  const op = new Operation('bench', 'webapi', 'bench', () => undefined, () => new Date());

  const ours: number[] = [];
  const openssh: number[] = [];
  const raw: number[] = [];
  const curlLoad = "curl -sS --fail -X POST -T - -H 'Content-Type: application/x-tar' --unix-socket /var/run/docker.sock 'http://d/v1.41/images/load?quiet=1'";
  try {
    for (let i = 0; i < runs; i++) {
      await removeImage();
      const t0 = performance.now();
      const result = await uploadAndLoad({ docker: engine, op, now: () => new Date(), probe: () => Promise.reject(new Error('unused')) }, info, tag);
      const oursS = (performance.now() - t0) / 1000;
      if (result.skipped) throw new Error('the image was still loaded; the run would measure nothing');
      if ((await engine.inspectImage(tag))?.id !== info.configDigest) throw new Error('our load did not produce the archive image');
      ours.push(oursS);

      await removeImage();
      const viaSsh = await timedSsh(sshArgs(ctl.port, ctl.keyFile, lab.knownHostsFile, ctl.user, ctl.host, curlLoad), archive.path);
      if (!/Loaded image/.test(viaSsh.stdout)) throw new Error(`OpenSSH load did not report a loaded image: ${viaSsh.stdout}`);
      if ((await local.getImage(tag).inspect()).Id !== info.configDigest) throw new Error('OpenSSH load did not produce the archive image');
      openssh.push(viaSsh.seconds);

      raw.push((await timedSsh(sshArgs(ctl.port, ctl.keyFile, lab.knownHostsFile, ctl.user, ctl.host, 'cat > /dev/null'), archive.path)).seconds);
      process.stderr.write(`run ${i + 1}/${runs}: ours ${(mb / oursS).toFixed(1)} MB/s, OpenSSH+curl ${(mb / viaSsh.seconds).toFixed(1)} MB/s, OpenSSH cat ${(mb / (raw.at(-1) ?? 1)).toFixed(1)} MB/s\n`);
    }
  } finally {
    engine.close();
    await connection.host.close();
    await removeImage();
    await archive.cleanup();
  }

  const oursRate = mb / median(ours);
  const sshRate = mb / median(openssh);
  const rawRate = mb / median(raw);
  console.log(`archive: ${mb.toFixed(1)} MB, ${runs} runs each (median)`);
  console.log(`ours (ssh2 stream-local → dockerd /images/load): ${oursRate.toFixed(1)} MB/s  [${ours.map((s) => s.toFixed(2)).join(', ')} s]`);
  console.log(`OpenSSH (ssh … curl --unix-socket … /images/load < FILE): ${sshRate.toFixed(1)} MB/s  [${openssh.map((s) => s.toFixed(2)).join(', ')} s]`);
  console.log(`OpenSSH transport only (ssh … 'cat > /dev/null' < FILE): ${rawRate.toFixed(1)} MB/s`);
  console.log(JSON.stringify({ throughputRatio: Math.round((oursRate / sshRate) * 100) / 100, mbPerS: Math.round(oursRate) }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
