/**
 * npm run bench:checks — the full host checklist against a lab controller (default: the systemd controller, with
 * sudo; BENCH_CONTROLLER=tuned|untuned for a fake), median of BENCH_RUNS (default 3) runs of each:
 *   ours:      connect with ssh2, CheckRunner over that one connection (probes concurrently, each pinned to the
 *              housekeeping cores at nice 10, root probes through sudo -n), disconnect — what `check` does;
 *   (a) ssh:   each check's commands, one OpenSSH `ssh` invocation per command (the same pinned command text our
 *              runner sends, root probes through sudo -n), check after check — the naive script;
 *   (b) collect.sh: one `ssh HOST sudo -n sh -s < resources/collect.sh > bundle` (the offline collector).
 * Runs alternate (ours, collect.sh, separate ssh, …) so load drifts hit all three alike. OpenSSH runs with
 * BatchMode, the lab key and the lab's known_hosts, no connection sharing.
 * Printed ratios are our time divided by theirs; the last line is one JSON object:
 *   {"vsCollectScript": ours/collect.sh, "vsSeparateSsh": ours/separate-ssh, …}
 * Goals (issue): vsCollectScript ≤ 1.3, vsSeparateSsh ≤ 0.1 (10× faster).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { KnownHostsStore } from '../src/main/platform/known-hosts';
import { connectSsh } from '../src/main/platform/ssh-connector';
import { CheckRunner } from '../src/main/services/checks/check-runner';
import { catalogue, factProbes } from '../src/shared/checks/catalogue';
import type { Probe } from '../src/shared/checks/model';
import { checkProfileSchema } from '../src/shared/checks/model';
import { envPrefix } from '../src/shared/checks/probe-env';
import { onHousekeeping, withSudo } from '../src/shared/remote-command';
import { ensureLab } from '../test/support/lab';

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const which = (process.env.BENCH_CONTROLLER ?? 'systemd') as 'systemd' | 'tuned' | 'untuned';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const lab = await ensureLab();
  const ctl = lab.controllers[which];
  const profile = checkProfileSchema.parse({ rtCores: ctl.rtCores, housekeepingCores: ctl.housekeepingCores });
  const collectScript = readFileSync(join(import.meta.dirname, '..', 'resources', 'collect.sh'));
  const sshBase = ['-F', 'none', '-p', String(ctl.port), '-i', ctl.keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ControlMaster=no', '-o', 'ControlPath=none', `${ctl.user}@${ctl.host}`];

  /** One OpenSSH invocation; resolves with seconds and the size of its stdout. */
  const ssh = (command: string, stdin?: Buffer): Promise<{ seconds: number; bytes: number; head: Buffer }> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn('ssh', [...sshBase, command], { stdio: ['pipe', 'pipe', 'pipe'] });
      let bytes = 0;
      let head = Buffer.alloc(0);
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        if (head.length < 2) head = Buffer.concat([head, chunk]).subarray(0, 2);
        bytes += chunk.length;
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end(stdin ?? Buffer.alloc(0));
      child.on('error', reject);
      child.on('close', (code) => {
        // 255 is ssh's own failure (connection, auth); a probe's non-zero exit is a normal answer.
        if (code === 255) reject(new Error(`ssh failed: ${stderr.trim()}`));
        else resolve({ seconds: (performance.now() - started) / 1000, bytes, head });
      });
    });

  const wire = (probe: Probe): string => {
    const body = envPrefix(profile) + probe.command;
    return onHousekeeping(probe.root && ctl.sudo ? withSudo(body) : body, profile.housekeepingCores);
  };

  const ours = async (): Promise<{ total: number; beforeSamplers: number }> => {
    const started = performance.now();
    const connection = await connectSsh({
      controllerId: 'bench',
      target: { host: ctl.host, port: ctl.port, user: ctl.user, auth: { kind: 'key', keyFile: ctl.keyFile } },
      knownHosts: new KnownHostsStore(join(lab.labDir, 'bench-known_hosts-unused'), [lab.knownHostsFile]),
    });
    let lastQuick = 0;
    const sampled = new Set(catalogue.filter((c) => [...c.probes, ...(c.optionalProbes ?? [])].some((p) => p.sampling)).map((c) => c.id));
    try {
      const run = await new CheckRunner({ host: connection.host, profile }).run({
        onResult: (result) => {
          if (!sampled.has(result.id)) lastQuick = performance.now();
        },
      });
      if (run.checks.length !== catalogue.length) throw new Error(`only ${run.checks.length} results`);
    } finally {
      await connection.host.close();
    }
    return { total: (performance.now() - started) / 1000, beforeSamplers: (lastQuick - started) / 1000 };
  };

  const collect = async (): Promise<number> => {
    const result = await ssh(`${ctl.sudo ? 'sudo -n ' : ''}sh -s -- HK_CPUS=${profile.housekeepingCores}`, collectScript);
    if (result.head[0] !== 0x1f || result.head[1] !== 0x8b) throw new Error('collect.sh did not produce a gzip bundle');
    return result.seconds;
  };

  const separate = async (): Promise<{ total: number; withoutSamplers: number; invocations: number }> => {
    let total = 0;
    let samplers = 0;
    let invocations = 0;
    const once = async (probe: Probe): Promise<void> => {
      const { seconds } = await ssh(wire(probe));
      total += seconds;
      invocations++;
      if (probe.sampling) samplers += seconds;
    };
    await ssh(onHousekeeping('id -u', profile.housekeepingCores)).then(({ seconds }) => {
      total += seconds;
      invocations++;
    });
    for (const probe of factProbes) await once(probe);
    for (const check of catalogue) for (const probe of [...check.probes, ...(check.optionalProbes ?? [])]) await once(probe);
    return { total, withoutSamplers: total - samplers, invocations };
  };

  process.stderr.write(`bench:checks on the lab's ${which} controller (${ctl.user}@${ctl.host}:${ctl.port}, RT ${ctl.rtCores}, housekeeping ${ctl.housekeepingCores}${ctl.sudo ? ', sudo' : ''}), ${runs} run(s) each\n`);
  const oursTimes: number[] = [];
  const oursQuick: number[] = [];
  const collectTimes: number[] = [];
  const separateTimes: number[] = [];
  const separateQuick: number[] = [];
  let invocations = 0;
  for (let i = 0; i < runs; i++) {
    const a = await ours();
    oursTimes.push(a.total);
    oursQuick.push(a.beforeSamplers);
    const b = await collect();
    collectTimes.push(b);
    const c = await separate();
    separateTimes.push(c.total);
    separateQuick.push(c.withoutSamplers);
    invocations = c.invocations;
    process.stderr.write(`  run ${i + 1}: ours ${a.total.toFixed(2)} s, collect.sh ${b.toFixed(2)} s, separate ssh ${c.total.toFixed(2)} s (${c.invocations} invocations)\n`);
  }

  const o = median(oursTimes);
  const b = median(collectTimes);
  const s = median(separateTimes);
  const oq = median(oursQuick);
  const sq = median(separateQuick);
  const vsCollectScript = round(o / b);
  const vsSeparateSsh = round(o / s);
  console.log(`checklist: ${catalogue.length} checks, ${runs} run(s) each, median seconds`);
  console.log(`  ours (one ssh2 connection, concurrent probes) ${o.toFixed(2)} s`);
  console.log(`  (b) one ssh running collect.sh                ${b.toFixed(2)} s   ours/collect.sh = ${vsCollectScript} (goal ≤ 1.3: ${vsCollectScript <= 1.3 ? 'met' : 'NOT met'})`);
  console.log(`  (a) one ssh per check command (${invocations} calls)    ${s.toFixed(2)} s   ours/separate = ${vsSeparateSsh}, ${round(s / o, 1)}× faster (goal ≥ 10×: ${vsSeparateSsh <= 0.1 ? 'met' : 'NOT met'})`);
  console.log(`  without the 10 s samplers (I03, S05, B01), which both of them must wait out: ours ${oq.toFixed(2)} s to the last other result, separate ssh ${sq.toFixed(2)} s → ${round(sq / oq, 1)}× faster`);
  console.log(JSON.stringify({ vsCollectScript, vsSeparateSsh, oursS: round(o), collectScriptS: round(b), separateSshS: round(s), separateSshInvocations: invocations, vsSeparateSshWithoutSamplers: round(oq / sq), runs, controller: which }));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:checks failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
