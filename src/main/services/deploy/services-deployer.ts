import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';

import { formatBytes } from '../../../shared/deploy/compose-values';
import { RateMeter } from '../../../shared/deploy/measure';
import { describeRtFailure, rtMarkers, verifyRtProcess } from '../../../shared/deploy/rt-verify';
import { describeUnitFailure, parseSystemctlShow, unitShowProperties, unitVerdict } from '../../../shared/deploy/systemd-state';
import { defaultInstallDir, renderTemplate, rtPriority, templateValues, unifiedDiff } from '../../../shared/deploy/unit-template';
import { AppError } from '../../../shared/errors';
import type { DeployStepName, RtVerification, UnitPreview, UnitState } from '../../../shared/model/deploy';
import { sh } from '../../../shared/remote-command';
import type { Operation } from './operation';
import type { RemoteRunner } from './remote';
import { readResource } from './resources';

/**
 * Native services (seed §5.3): mxrc-rt and mxrc-nonrt under systemd. Artifacts go up over SFTP and are checked
 * with SHA-256, units are rendered from resources/templates, checked with `systemd-analyze verify` (any output is
 * a failure), installed atomically, started, and the running RT process is verified (FIFO 80, RT cores, memory
 * locked). Every file replaced is backed up first; any failure restores the previous files and unit states.
 */
export const systemdDir = '/etc/systemd/system';
export const rtUnit = 'mxrc-rt.service';
export const nonrtUnit = 'mxrc-nonrt.service';
export const webapiUnit = 'mxrc-webapi-docker.service';

export interface ServicesProfile {
  rtCores: string;
  housekeepingCores: string;
  installDir?: string;
  containerName?: string;
}

export interface RenderedUnit {
  unit: string;
  path: string;
  content: string;
}

export async function renderUnits(profile: ServicesProfile, includeWebapiUnit: boolean): Promise<RenderedUnit[]> {
  const values = templateValues({
    rtCores: profile.rtCores,
    housekeepingCores: profile.housekeepingCores,
    rtPriority,
    installDir: profile.installDir ?? defaultInstallDir,
    containerName: profile.containerName ?? 'mxrc-webapi',
    dockerCli: '/usr/bin/docker',
  });
  const units = [nonrtUnit, rtUnit, ...(includeWebapiUnit ? [webapiUnit] : [])];
  return Promise.all(
    units.map(async (unit) => {
      const template = await readResource(`templates/${unit}`);
      return { unit, path: `${systemdDir}/${unit}`, content: renderTemplate(template.text, values) };
    }),
  );
}

export async function previewUnits(runner: RemoteRunner, units: readonly RenderedUnit[]): Promise<UnitPreview[]> {
  return Promise.all(
    units.map(async (u) => {
      const result = await runner.run(sh`cat -- ${u.path}`, { allowFail: true, timeoutMs: 15_000 });
      const installed = result.exitCode === 0 ? result.stdout : null;
      const diff = unifiedDiff(installed, u.content, { from: `${u.path} (installed)`, to: `${u.path} (new)` });
      return { unit: u.unit, path: u.path, content: u.content, installed, diff, changed: diff !== '' };
    }),
  );
}

export async function unitStates(runner: RemoteRunner, units: readonly string[]): Promise<UnitState[]> {
  const result = await runner.run(sh`systemctl show ${units} -p ${unitShowProperties.join(',')}`, { what: 'Reading the unit states', timeoutMs: 15_000 });
  const states = parseSystemctlShow(result.stdout);
  return units.map((unit) => states.find((s) => s.unit === unit) ?? { unit, loadState: 'unknown', activeState: 'unknown', subState: '', unitFileState: '', mainPid: 0, execMainStatus: 0, execMainCode: 0, nRestarts: 0, result: '' });
}

export async function journalTail(runner: RemoteRunner, unit: string, lines = 15): Promise<string> {
  const result = await runner.run(sh`journalctl -u ${unit} -n ${lines} --no-pager -o cat`, { sudo: true, allowFail: true, timeoutMs: 15_000 });
  return result.stdout.trim();
}

export async function verifyRt(runner: RemoteRunner, profile: ServicesProfile): Promise<RtVerification | null> {
  const [state] = await unitStates(runner, [rtUnit]);
  if (!state || state.mainPid <= 0) return null;
  const pid = state.mainPid;
  const result = await runner.run(
    sh`echo ${rtMarkers.chrt}; chrt -p ${pid} 2>&1; echo ${rtMarkers.taskset}; taskset -pc ${pid} 2>&1; echo ${rtMarkers.status}; grep -E '^(Name|VmRSS|VmLck|Cpus_allowed_list|Threads):' /proc/${pid}/status 2>&1; echo ${rtMarkers.threads}; ps -L -o tid=,cls=,rtprio=,psr=,comm= -p ${pid} 2>&1`,
    { allowFail: true, timeoutMs: 15_000 },
  );
  return verifyRtProcess(rtUnit, pid, result.stdout, { rtCores: profile.rtCores, priority: rtPriority });
}

/** Polls until the unit has run for `settleS` with the same PID, or fails (exit status, restarts, not loaded). */
export async function waitUnitRunning(runner: RemoteRunner, unit: string, settleS: number, op?: Operation, timeoutS = 30): Promise<{ ok: true; state: UnitState } | { ok: false; state: UnitState }> {
  const deadline = Date.now() + (timeoutS + settleS) * 1000;
  let since: number | null = null;
  let pid = 0;
  for (;;) {
    op?.throwIfCancelled();
    const [state] = await unitStates(runner, [unit]);
    if (!state) throw new AppError('INTERNAL', `no state for ${unit}`);
    const verdict = unitVerdict(state);
    if (verdict === 'failed') return { ok: false, state };
    if (verdict === 'running') {
      if (since === null || state.mainPid !== pid) {
        since = Date.now();
        pid = state.mainPid;
      }
      if (Date.now() - since >= settleS * 1000) return { ok: true, state };
    } else since = null;
    if (Date.now() > deadline) return { ok: false, state };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Backup manifest: what existed before the deployment, so a rollback puts exactly that back

export interface BackupManifest {
  files: { key: string; path: string; present: boolean }[];
  units: { unit: string; enabled: string; active: string }[];
}

export function parseBackupManifest(text: string): BackupManifest {
  const manifest: BackupManifest = { files: [], units: [] };
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'file' && parts.length === 4) manifest.files.push({ key: parts[1] ?? '', present: parts[2] === 'present', path: parts[3] ?? '' });
    if (parts[0] === 'unit' && parts.length >= 2) manifest.units.push({ unit: parts[1] ?? '', enabled: parts[2] ?? 'absent', active: parts[3] ?? 'inactive' });
  }
  return manifest;
}

interface Target {
  key: string;
  path: string;
  staged: string;
  mode: string;
}

async function backup(runner: RemoteRunner, backupDir: string, targets: readonly Target[], units: readonly string[]): Promise<void> {
  const lines = [sh`set -e; mkdir -p -m 0700 ${backupDir}; : > ${`${backupDir}/manifest`}`];
  for (const t of targets) {
    lines.push(sh`if [ -e ${t.path} ]; then cp -a ${t.path} ${`${backupDir}/${t.key}`}; echo ${`file ${t.key} present ${t.path}`} >> ${`${backupDir}/manifest`}; else echo ${`file ${t.key} absent ${t.path}`} >> ${`${backupDir}/manifest`}; fi`);
  }
  for (const unit of units) {
    lines.push(sh`e=$(systemctl is-enabled ${unit} 2>/dev/null) || true; a=$(systemctl is-active ${unit} 2>/dev/null) || true; echo unit ${unit} "\${e:-absent}" "\${a:-inactive}" >> ${`${backupDir}/manifest`}`);
  }
  await runner.run(lines.join('\n'), { sudo: true, what: 'Backing up the installed files', timeoutMs: 60_000 });
}

async function installFiles(runner: RemoteRunner, targets: readonly Target[]): Promise<void> {
  const lines = ['set -e'];
  for (const t of targets) {
    const temp = `${t.path}.mxrc-new`;
    // install + rename: a reader sees the old file or the new one, never half of one
    lines.push(sh`install -D -m ${t.mode} ${t.staged} ${temp}`, sh`mv -f ${temp} ${t.path}`);
  }
  await runner.run(lines.join('\n'), { sudo: true, what: 'Installing files', timeoutMs: 120_000 });
}

/** Puts back what the manifest says existed, and the unit states (enabled, active) of before. */
export async function restoreFromBackup(runner: RemoteRunner, backupDir: string, manifest: BackupManifest, op?: Operation): Promise<string[]> {
  const problems: string[] = [];
  const units = manifest.units.map((u) => u.unit);
  const lines = [sh`systemctl stop ${units} 2>/dev/null || true`];
  // disable while the new unit files are still there, so no enablement symlink is left dangling
  for (const u of manifest.units) if (u.enabled !== 'enabled') lines.push(sh`systemctl disable ${u.unit} 2>/dev/null || true`);
  for (const f of manifest.files) {
    if (f.present) lines.push(sh`cp -a ${`${backupDir}/${f.key}`} ${`${f.path}.mxrc-restore`} && mv -f ${`${f.path}.mxrc-restore`} ${f.path} || echo ${`restore failed: ${f.path}`} >&2`);
    else lines.push(sh`rm -f ${f.path}`);
  }
  lines.push('systemctl daemon-reload');
  for (const u of manifest.units) {
    if (u.enabled === 'enabled') lines.push(sh`systemctl enable ${u.unit} 2>&1 || true`);
    lines.push(sh`systemctl reset-failed ${u.unit} 2>/dev/null || true`);
  }
  for (const u of manifest.units) if (u.active === 'active' || u.active === 'activating') lines.push(sh`systemctl start ${u.unit} || echo ${`start failed: ${u.unit}`} >&2`);
  const result = await runner.run(lines.join('\n'), { sudo: true, allowFail: true, what: 'Restoring the previous files', timeoutMs: 120_000 });
  for (const line of result.stderr.split('\n')) if (/restore failed|start failed/.test(line)) problems.push(line.trim());
  for (const u of manifest.units) {
    if (u.active !== 'active' && u.active !== 'activating') continue;
    const back = await waitUnitRunning(runner, u.unit, 1, op, 20);
    if (!back.ok) problems.push(`${u.unit} did not come back: ${describeUnitFailure(back.state)}`);
  }
  return problems;
}

async function sha256Local(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Names of config files installed into INSTALL_DIR/config. A name is also a word of the rollback manifest (one
 * line per file, fields separated by spaces): a space or a line break there would lose the file on rollback or
 * forge a manifest line.
 */
const configFileName = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/** Names the staging and backup folders already use (binaries, units, the manifest itself). */
const reservedNames = ['mxrc-rt', 'mxrc-nonrt', 'units', 'manifest', nonrtUnit, rtUnit, webapiUnit];

function checkConfigFileNames(files: readonly string[]): void {
  const seen = new Set<string>(reservedNames);
  for (const file of files) {
    const name = basename(file);
    if (!configFileName.test(name)) {
      throw new AppError('INVALID_INPUT', `The config file name "${name}" cannot be installed on the controller.`, 'Rename the file to letters, digits, dots, dashes and underscores only (e.g. mxrc-rt.yaml) and choose it again.');
    }
    if (seen.has(name)) {
      throw new AppError('INVALID_INPUT', reservedNames.includes(name) ? `A config file may not be named "${name}": the deployment uses that name itself.` : `Two config files are both named "${name}".`, 'Give each config file its own name.');
    }
    seen.add(name);
  }
}

export interface ServicesInput {
  rtBin: string;
  nonrtBin: string;
  configFiles: string[];
  includeWebapiUnit: boolean;
  settleS: number;
}

export interface ServicesOutcome {
  result: 'deployed' | 'rolled-back' | 'failed';
  reason?: string;
  failedStep?: DeployStepName;
  artifacts: { name: string; path: string; sha256: string; size: number }[];
  units: string[];
  backupDir: string;
  states: UnitState[];
  rt?: RtVerification;
  journalTail?: string;
}

/** The whole native deployment; returns a verdict (deployed / rolled back) or throws before anything changed. */
export async function deployServices(runner: RemoteRunner, profile: ServicesProfile, input: ServicesInput, op: Operation): Promise<ServicesOutcome> {
  const installDir = profile.installDir ?? defaultInstallDir;
  const backupRoot = `${installDir}/.rollback`;
  const backupDir = `${backupRoot}/${op.id}`;
  const staging = `/tmp/mxrc-deploy-${op.id}`;

  checkConfigFileNames(input.configFiles);
  op.step('prepare', 'Checking sudo and the systemd tools on the controller');
  await runner.requireSudo();
  const tools = await runner.run(sh`for t in systemctl systemd-analyze sha256sum install chrt taskset; do command -v "$t" >/dev/null || echo "$t"; done`, { timeoutMs: 15_000 });
  const missing = tools.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (missing.length > 0) throw new AppError('TOOL_MISSING', `The controller lacks ${missing.join(', ')}.`, 'Install systemd, coreutils and util-linux on the controller.');
  const units = await renderUnits(profile, input.includeWebapiUnit);
  const artifacts = [
    { name: 'mxrc-rt', local: input.rtBin, path: `${installDir}/bin/mxrc-rt`, mode: '0755' },
    { name: 'mxrc-nonrt', local: input.nonrtBin, path: `${installDir}/bin/mxrc-nonrt`, mode: '0755' },
    ...input.configFiles.map((f) => ({ name: basename(f), local: f, path: `${installDir}/config/${basename(f)}`, mode: '0644' })),
  ];
  const sized = await Promise.all(
    artifacts.map(async (a) => {
      const info = await stat(a.local).catch(() => null);
      if (!info?.isFile()) throw new AppError('INVALID_INPUT', `${a.local} is not a readable file.`, 'Choose the built binary on this laptop.');
      return { ...a, size: info.size, sha256: await sha256Local(a.local) };
    }),
  );
  op.done('prepare', `${units.length} units rendered, ${sized.length} files to install`);

  // Upload over SFTP into a private staging directory, then check every file's SHA-256 on the controller.
  op.step('upload-artifacts', `Uploading ${sized.length} files`);
  const files = await runner.host.sftp();
  await runner.run(sh`rm -rf ${staging} && mkdir -m 0700 ${staging} ${`${staging}/units`}`, { what: 'Creating the staging directory' });
  const total = sized.reduce((n, a) => n + a.size, 0);
  const meter = new RateMeter(total);
  let done = 0;
  for (const a of sized) {
    const base = done;
    await files.upload(a.local, `${staging}/${a.name}`, {
      signal: op.signal,
      mode: 0o600,
      onProgress: (sent) => op.transfer('upload-artifacts', meter.update(base + sent, Date.now()), a.name),
    });
    done += a.size;
  }
  for (const u of units) await files.writeFile(`${staging}/units/${u.unit}`, u.content, 0o644);
  const sums = await runner.run(sh`cd ${staging} && sha256sum -- ${sized.map((a) => a.name)}`, { what: 'Checking the uploaded files' });
  for (const a of sized) {
    const remote = new RegExp(`^([0-9a-f]{64})\\s+\\*?${a.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(sums.stdout)?.[1];
    if (remote !== a.sha256) {
      await runner.run(sh`rm -rf ${staging}`, { allowFail: true });
      throw new AppError('REMOTE_COMMAND', `${a.name} arrived damaged on the controller (SHA-256 ${remote?.slice(0, 12) ?? 'missing'}… instead of ${a.sha256.slice(0, 12)}…).`, 'Nothing was installed. Try again; check the link if it repeats.');
    }
  }
  op.done('upload-artifacts', `${formatBytes(total)} uploaded, SHA-256 verified`);

  const targets: Target[] = [
    ...sized.map((a) => ({ key: a.name, path: a.path, staged: `${staging}/${a.name}`, mode: a.mode })),
    ...units.map((u) => ({ key: u.unit, path: u.path, staged: `${staging}/units/${u.unit}`, mode: '0644' })),
  ];
  const unitNames = units.map((u) => u.unit);
  const outcome: ServicesOutcome = { result: 'failed', artifacts: sized.map((a) => ({ name: a.name, path: a.path, sha256: a.sha256, size: a.size })), units: unitNames, backupDir, states: [] };

  op.step('install-artifacts', `Backing up and installing into ${installDir}`);
  await backup(runner, backupDir, targets, unitNames);

  const fail = async (step: DeployStepName, why: string, journalUnit?: string): Promise<ServicesOutcome> => {
    let reason = why;
    op.failed(step, reason);
    outcome.failedStep = step;
    outcome.reason = reason;
    if (journalUnit) {
      outcome.journalTail = await journalTail(runner, journalUnit).catch(() => undefined);
      // systemd's own sentence ("Failed at step EXEC spawning …: Exec format error") says the most
      const failedAt = outcome.journalTail?.split('\n').filter((l) => /Failed at step|Failed to /.test(l)).at(-1);
      if (failedAt) outcome.reason = reason = `${reason} — ${failedAt.replace(/^[\w.@-]+: /, '')}`;
    }
    op.step('rollback', `Restoring the previous files and units: ${reason}`);
    const manifestText = await runner.run(sh`cat ${`${backupDir}/manifest`}`, { sudo: true });
    const problems = await restoreFromBackup(runner, backupDir, parseBackupManifest(manifestText.stdout), op);
    outcome.states = await unitStates(runner, unitNames).catch(() => []);
    await runner.run(sh`rm -rf ${staging}`, { allowFail: true });
    if (problems.length > 0) {
      outcome.result = 'failed';
      outcome.reason = `${reason}; the rollback was incomplete: ${problems.join('; ')}`;
      op.failed('rollback', outcome.reason);
    } else {
      outcome.result = 'rolled-back';
      op.done('rollback', 'The previous files and unit states are back');
    }
    return outcome;
  };

  try {
    await installFiles(runner, targets.filter((t) => !t.key.endsWith('.service')));
    op.done('install-artifacts', `Installed ${sized.map((a) => a.path).join(', ')}`);

    op.step('verify-units', 'systemd-analyze verify');
    const verify = await runner.run(sh`cd ${`${staging}/units`} && systemd-analyze verify ${unitNames} 2>&1`, { allowFail: true, timeoutMs: 60_000 });
    const said = verify.stdout.trim();
    if (verify.exitCode !== 0 || said !== '') return await fail('verify-units', `systemd-analyze verify rejected the units: ${said.split('\n').slice(0, 8).join(' | ') || `exit ${verify.exitCode}`}`);
    op.done('verify-units', 'No warnings');

    op.step('install-units', `Installing ${unitNames.join(', ')} into ${systemdDir}`);
    await installFiles(runner, targets.filter((t) => t.key.endsWith('.service')));
    await runner.run(sh`systemctl daemon-reload && systemctl enable ${unitNames} 2>&1`, { sudo: true, what: 'Enabling the units' });
    op.done('install-units', 'Installed and enabled');

    op.step('start-units', `Starting ${nonrtUnit} and ${rtUnit}`);
    for (const unit of [nonrtUnit, rtUnit]) {
      await runner.run(sh`systemctl reset-failed ${unit} 2>/dev/null; systemctl restart ${unit}`, { sudo: true, what: `Starting ${unit}` });
      const started = await waitUnitRunning(runner, unit, input.settleS, op);
      if (!started.ok) return await fail('start-units', describeUnitFailure(started.state), unit);
    }
    outcome.states = await unitStates(runner, unitNames);
    op.done('start-units', 'Both services run');

    op.step('verify-scheduling', 'Checking policy, priority, affinity and locked memory of mxrc-rt');
    const rt = await verifyRt(runner, profile);
    if (!rt) return await fail('verify-scheduling', `${rtUnit} has no main process`, rtUnit);
    outcome.rt = rt;
    if (!rt.pass) return await fail('verify-scheduling', `mxrc-rt does not run as required: ${describeRtFailure(rt)}`, rtUnit);
    op.done('verify-scheduling', `SCHED_FIFO ${rtPriority} on cores ${profile.rtCores}, memory locked`);
  } catch (error) {
    const e = AppError.from(error);
    if (e.code === 'DISCONNECTED' || e.code === 'NOT_CONNECTED') throw e;
    return fail(op.current, e.code === 'CANCELLED' ? 'cancelled by the technician' : e.message);
  }

  op.step('cleanup', 'Keeping the backup for "rollback services"');
  await runner.run(sh`ln -sfn ${op.id} ${`${backupRoot}/latest`} && cd ${backupRoot} && ls -1t | grep -v '^latest$' | tail -n +4 | xargs -r rm -rf --`, { sudo: true, allowFail: true });
  await runner.run(sh`rm -rf ${staging}`, { allowFail: true });
  op.done('cleanup', `Backup of the previous state: ${backupDir}`);
  outcome.result = 'deployed';
  return outcome;
}

/** `rollback services`: put back what the last successful deployment replaced. */
export async function rollbackServices(runner: RemoteRunner, profile: ServicesProfile, op: Operation): Promise<{ backupDir: string; problems: string[]; states: UnitState[] }> {
  const installDir = profile.installDir ?? defaultInstallDir;
  const latest = `${installDir}/.rollback/latest`;
  op.step('prepare', 'Looking for the backup of the last deployment');
  await runner.requireSudo();
  const target = await runner.run(sh`readlink ${latest}`, { sudo: true, allowFail: true });
  const id = target.stdout.trim();
  if (target.exitCode !== 0 || !/^[0-9a-f]{6,64}$/.test(id)) {
    throw new AppError('NOT_FOUND', 'There is no earlier state to roll back to on this controller.', 'Roll back is possible once, after a successful "deploy services".');
  }
  const backupDir = `${installDir}/.rollback/${id}`;
  const manifest = parseBackupManifest((await runner.run(sh`cat ${`${backupDir}/manifest`}`, { sudo: true, what: 'Reading the backup' })).stdout);
  op.done('prepare', `Backup ${backupDir}`);
  op.step('rollback', 'Restoring the files and unit states from before the last deployment');
  const problems = await restoreFromBackup(runner, backupDir, manifest, op);
  await runner.run(sh`rm -f ${latest}`, { sudo: true, allowFail: true });
  const states = await unitStates(runner, manifest.units.map((u) => u.unit));
  if (problems.length > 0) op.failed('rollback', problems.join('; '));
  else op.done('rollback', 'Restored');
  return { backupDir, problems, states };
}
