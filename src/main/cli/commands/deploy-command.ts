import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';
import { z } from 'zod';

import pkg from '../../../../package.json' with { type: 'json' };
import type { EventSink } from '../../../shared/contract';
import { progressLine } from '../../../shared/deploy/measure';
import { AppError } from '../../../shared/errors';
import { defaultHousekeepingCores, defaultRtCores } from '../../../shared/model/controller';
import type { DeploymentRecord, DeployProgress } from '../../../shared/model/deploy';
import { isCpuList } from '../../../shared/cpu-list';
import { defaultDataDir } from '../../platform/data-dir';
import type { SshConnection } from '../../platform/ssh-connector';
import { connectSsh } from '../../platform/ssh-connector';
import type { DeployProfile } from '../../services/deploy/deploy-service';
import { DeployService } from '../../services/deploy/deploy-service';
import { DeploymentHistory } from '../../services/deploy/history-store';
import { Operation } from '../../services/deploy/operation';
import { exitCodes, printJson } from '../output';
import type { ConnectionFlags } from '../target';
import { cliConnectRequest } from '../target';
import { connectionOptions } from './connect-command';

/**
 * `mxrc-commission deploy webapi|services USER@HOST[:PORT] …` and `mxrc-commission rollback webapi|services …`:
 * the app's DeployService over one SSH connection, progress on stderr, the result on stdout.
 * Exit codes: 0 deployed (and the acceptance probe passed), 1 not deployed (rolled back) or probe failed,
 * 2 usage, input or connection error (nothing was changed).
 */
interface DeployFlags extends ConnectionFlags {
  json?: boolean;
  profile?: string;
  image?: string;
  compose?: string;
  rtBin?: string;
  nonrtBin?: string;
  probeCount?: string;
  toNative?: boolean;
}

type Run = (action: () => Promise<number>, json: boolean) => Promise<void>;

const cpuList = z.string().refine(isCpuList, 'not a CPU list such as 2,3 or 2-3');
const profileFileSchema = z
  .object({
    rtCores: cpuList.default(defaultRtCores),
    housekeepingCores: cpuList.default(defaultHousekeepingCores),
    healthUrl: z.url().optional(),
    dockerSocket: z.string().startsWith('/').optional(),
    dockerTransport: z.enum(['auto', 'streamlocal', 'dial-stdio']).optional(),
    installDir: z.string().regex(/^\/[A-Za-z0-9._/-]+$/).optional(),
  })
  .loose();

/** `--profile FILE`: a JSON controller profile; only the fields deployment needs are read. */
export async function readProfileFile(path: string | undefined): Promise<DeployProfile> {
  if (!path) return { rtCores: defaultRtCores, housekeepingCores: defaultHousekeepingCores };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AppError('INVALID_INPUT', `The profile ${path} cannot be read as JSON (${(error as Error).message}).`, 'Give a JSON file such as {"rtCores": "2,3", "housekeepingCores": "0,1"}.');
  }
  const parsed = profileFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', `The profile ${path} is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const { rtCores, housekeepingCores, healthUrl, dockerSocket, dockerTransport, installDir } = parsed.data;
  const profile: DeployProfile = { rtCores, housekeepingCores };
  if (healthUrl) profile.healthUrl = healthUrl;
  if (dockerSocket) profile.dockerSocket = dockerSocket;
  if (dockerTransport) profile.dockerTransport = dockerTransport;
  if (installDir) profile.installDir = installDir;
  return profile;
}

/** Step lines and a live progress bar on stderr (the bar redraws in place on a terminal). */
function progressPrinter(quiet: boolean): { emit: EventSink; finish(): void } {
  const tty = process.stderr.isTTY;
  let barShown = false;
  let lastBarAt = 0;
  const clearBar = (): void => {
    if (barShown && tty) process.stderr.write('\r\x1b[K');
    barShown = false;
  };
  const emit: EventSink = (topic, payload) => {
    if (quiet || topic !== 'deploy.progress') return;
    const p = payload as DeployProgress;
    if (p.transfer && p.state === 'running') {
      const now = Date.now();
      if (!tty && now - lastBarAt < 2000 && p.transfer.sent < p.transfer.total) return;
      lastBarAt = now;
      if (tty) {
        process.stderr.write(`\r\x1b[K  ${progressLine(p.transfer)}`);
        barShown = true;
      } else process.stderr.write(`  ${progressLine(p.transfer)}\n`);
      return;
    }
    clearBar();
    const mark = { running: '…', done: '✓', failed: '✕', skipped: '–' }[p.state];
    process.stderr.write(`${mark} ${p.step}: ${p.message}\n`);
  };
  return { emit, finish: clearBar };
}

interface Session {
  service: DeployService;
  controllerId: string;
  connection: SshConnection;
  finish(): void;
}

async function openSession(program: Command, target: string, flags: DeployFlags): Promise<Session> {
  const globals = program.opts<{ dataDir?: string }>();
  const dataDir = globals.dataDir ?? defaultDataDir();
  const profile = await readProfileFile(flags.profile);
  const request = cliConnectRequest(target, { ...flags, dataDir, ...(flags.profile ? { housekeepingCores: profile.housekeepingCores } : {}) });
  const connection = await connectSsh(request);
  const printer = progressPrinter(flags.json === true);
  const service = new DeployService({
    hostFor: () => connection.host,
    profileFor: async () => profile,
    history: new DeploymentHistory(dataDir),
    emit: printer.emit,
    toolVersion: pkg.version,
    tcpDialer: () => (host, port) => connection.host.openTcp(host, port),
  });
  return { service, controllerId: request.controllerId, connection, finish: printer.finish };
}

/** One deploy operation over one SSH session: Ctrl-C cancels it (it rolls back), the session always closes. */
async function cancellableOperation(program: Command, target: string, flags: DeployFlags, start: (session: Session, operationId: string) => Promise<DeploymentRecord>): Promise<DeploymentRecord> {
  const session = await openSession(program, target, flags);
  const operationId = Operation.newId();
  const stop = cancelOnInterrupt(session.service, operationId);
  try {
    return await start(session, operationId);
  } finally {
    session.finish();
    stop();
    await session.connection.host.close();
  }
}

/** Ctrl-C cancels the running operation (which rolls back) instead of killing the tool mid-change. */
function cancelOnInterrupt(service: DeployService, operationId: string): () => void {
  const handler = (): void => {
    process.stderr.write('\nCancelling… (the controller is put back as it was)\n');
    void service.cancel(operationId);
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

function verdictCode(record: DeploymentRecord): number {
  if (record.result === 'deployed') return record.webapi?.probe && !record.webapi.probe.pass ? exitCodes.failed : exitCodes.ok;
  if (record.result === 'restored') return exitCodes.ok;
  return exitCodes.failed;
}

function report(record: DeploymentRecord, json: boolean): number {
  const code = verdictCode(record);
  if (json) {
    printJson({ ok: code === exitCodes.ok, result: record.result, deployment: record });
    return code;
  }
  const lines: string[] = [];
  if (record.result === 'deployed' || record.result === 'restored') {
    if (record.webapi) lines.push(`${record.result === 'deployed' ? 'Deployed' : 'Restored'} ${record.webapi.containerName}: ${record.webapi.image} (${record.webapi.imageDigest.slice(0, 19)}…)${record.webapi.cpuset ? ` on cores ${record.webapi.cpuset}` : ''}`);
    if (record.webapi?.probe) {
      const p = record.webapi.probe;
      lines.push(`Acceptance probe (${p.via}): ${p.count} requests, p50 ${p.p50Ms.toFixed(2)} ms, p99 ${p.p99Ms.toFixed(2)} ms — ${p.pass ? 'PASS' : 'FAIL'} (p99 < ${p.thresholdMs} ms)`);
    }
    if (record.services?.rt) lines.push(`mxrc-rt: ${record.services.rt.checks.map((c) => `${c.name} ${c.observed}`).join(', ')}`);
    if (record.services && !record.services.rt) lines.push(`Restored ${record.services.units.join(', ')}`);
  } else {
    lines.push(`Not deployed (${record.result}): ${record.reason ?? 'unknown reason'}`);
    if (record.services?.journalTail) lines.push('Journal:', ...record.services.journalTail.split('\n').slice(-6).map((l) => `  ${l}`));
    if (record.webapi?.logsTail) lines.push('Container log:', ...record.webapi.logsTail.trim().split('\n').slice(-6).map((l) => `  ${l}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}

export function registerDeploy(program: Command, run: Run): void {
  const deploy = program.command('deploy').description('deploy the WebAPI container or the native RT services');

  connectionOptions(deploy.command('webapi').argument('<target>', 'USER@HOST[:PORT]').description('load an image archive and roll out the WebAPI container (health-gated, automatic rollback)'))
    .requiredOption('--image <file>', 'docker save archive (.tar or .tar.gz) on this laptop')
    .option('--compose <file>', 'docker-compose.yml (default: the seed compose shipped with the tool)')
    .option('--profile <file>', 'JSON profile with rtCores/housekeepingCores (healthUrl, dockerSocket optional)')
    .option('--probe-count <n>', 'requests of the acceptance probe (seed 6.2)', '200')
    .option('--json', 'print one JSON object')
    .action(async (target: string, flags: DeployFlags) => {
      await run(async () => {
        const probeCount = Number(flags.probeCount ?? '200');
        if (!Number.isInteger(probeCount) || probeCount < 0) throw new AppError('INVALID_INPUT', '--probe-count must be a whole number.');
        const record = await cancellableOperation(program, target, flags, (session, operationId) =>
          session.service.deployWebapi(session.controllerId, { imagePath: flags.image ?? '', compose: flags.compose ? { path: flags.compose } : {}, operationId, probeCount }),
        );
        return report(record, flags.json === true);
      }, flags.json === true);
    });

  connectionOptions(deploy.command('services').argument('<target>', 'USER@HOST[:PORT]').description('install mxrc-rt and mxrc-nonrt as systemd services and verify the RT scheduling'))
    .requiredOption('--rt-bin <file>', 'the mxrc-rt binary on this laptop')
    .requiredOption('--nonrt-bin <file>', 'the mxrc-nonrt binary on this laptop')
    .option('--profile <file>', 'JSON profile with rtCores/housekeepingCores')
    .option('--json', 'print one JSON object')
    .action(async (target: string, flags: DeployFlags) => {
      await run(async () => {
        const record = await cancellableOperation(program, target, flags, (session, operationId) =>
          session.service.deployServices(session.controllerId, { rtBin: flags.rtBin ?? '', nonrtBin: flags.nonrtBin ?? '', operationId }),
        );
        return report(record, flags.json === true);
      }, flags.json === true);
    });

  connectionOptions(program.command('rollback').argument('<what>', 'webapi or services').argument('<target>', 'USER@HOST[:PORT]').description('put back the previous WebAPI container or the previous native services'))
    .option('--compose <file>', 'webapi: the compose file that names the container (default: the shipped one)')
    .option('--to-native', 'webapi: the seed\'s rollback (6.3): stop the container and start the native mxrc-webapi.service')
    .option('--profile <file>', 'JSON profile with rtCores/housekeepingCores')
    .option('--json', 'print one JSON object')
    .action(async (what: string, target: string, flags: DeployFlags) => {
      await run(async () => {
        if (what !== 'webapi' && what !== 'services') throw new AppError('INVALID_INPUT', `Cannot roll back "${what}".`, 'Use: rollback webapi USER@HOST or rollback services USER@HOST');
        const session = await openSession(program, target, flags);
        try {
          const compose = flags.compose ? { path: flags.compose } : {};
          let record: DeploymentRecord;
          if (what === 'services') record = await session.service.rollbackServices(session.controllerId);
          else if (flags.toNative) record = await session.service.restoreNativeWebapi(session.controllerId, compose);
          else record = await session.service.rollbackWebapi(session.controllerId, compose);
          session.finish();
          return report(record, flags.json === true);
        } finally {
          session.finish();
          await session.connection.host.close();
        }
      }, flags.json === true);
    });
}
