import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';

import type { Command } from 'commander';

import { checkProfileSchema } from '../../../shared/checks/model';
import { AppError } from '../../../shared/errors';
import {
  compareToBaseline,
  CyclictestParseError,
  describeDuration,
  DurationError,
  evaluateLatency,
  latencyThresholdsForCycle,
  parseDuration,
  readLatencyFile,
  toLatencyJson,
  toMicroseconds,
  type BaselineComparison,
  type CyclictestResult,
  type LatencyFile,
  type LatencyVerdict,
  type Verdict,
} from '../../../shared/latency';
import { latencyProfileSchema, type LatencyProfile } from '../../../shared/model/latency';
import { defaultDataDir } from '../../platform/data-dir';
import type { RemoteHost } from '../../platform/remote-host';
import { connectSsh, type SshConnectRequest } from '../../platform/ssh-connector';
import { collectRun } from '../../services/latency/collect';
import { isActiveState, LatencyControllerOps } from '../../services/latency/controller-ops';
import { checkPreflight, launchRun, stopRun } from '../../services/latency/launch';
import { LatencyRecords } from '../../services/latency/latency-records';
import { resolveSettings, type LatencyDefaults, type RunManifest } from '../../services/latency/run-plan';
import { watchRun } from '../../services/latency/run-monitor';
import { ResultsStore } from '../../services/store/results-store';
import { exitCodes, printJson } from '../output';
import type { ConnectionFlags } from '../target';
import { cliConnectRequest } from '../target';
import { connectionOptions } from './connect-command';

/**
 * `mxrc-commission latency USER@HOST[:PORT] [--profile FILE] [--preset quick|acceptance] [--duration 60s|10m|1h]
 * [--baseline FILE] [--json]` runs a cyclictest detached on the controller (it survives a dropped link; the CLI
 * reconnects and collects), stores raw output and results under <data dir>/results, and prints the result.
 * `mxrc-commission latency import FILE [--baseline FILE] [--json]` reads any cyclictest output offline.
 * Exit codes: 0 pass (or warn), 1 a threshold or the baseline comparison failed, 2 usage, connection or run error.
 */
type Run = (action: () => Promise<number>, json: boolean) => Promise<void>;

interface LiveFlags extends ConnectionFlags {
  profile?: string;
  preset?: string;
  duration?: string;
  baseline?: string;
  json?: boolean;
}

interface ImportFlags {
  baseline?: string;
  json?: boolean;
}

interface CliProfile {
  defaults: LatencyDefaults;
  latency: LatencyProfile;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('INVALID_INPUT', `The ${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

/** `--profile FILE`: the check profile JSON (rtCores, housekeepingCores, rtUnit, rtPrio, cycleUs) + a `latency` part. */
export async function readLatencyProfile(path: string | undefined): Promise<CliProfile> {
  let raw: unknown = {};
  if (path) {
    try {
      raw = JSON.parse(await readText(path, 'profile'));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('INVALID_INPUT', `The profile ${path} is not JSON (${(error as Error).message}).`, 'Give a JSON file such as {"rtCores": "2,3", "housekeepingCores": "0,1"}.');
    }
  }
  const base = checkProfileSchema.safeParse(raw);
  const latency = latencyProfileSchema.safeParse((raw as { latency?: unknown } | null)?.latency ?? {});
  const issue = base.error?.issues[0] ?? latency.error?.issues[0];
  if (!base.success || !latency.success) {
    throw new AppError('INVALID_INPUT', `The profile ${path ?? ''} is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const profile = base.data;
  return {
    defaults: {
      rtCores: profile.rtCores,
      housekeepingCores: profile.housekeepingCores,
      rtUnit: profile.rtUnit,
      rtPrio: profile.rtPrio,
      cycleUs: profile.cycleUs,
      latency: latency.data,
    },
    latency: latency.data,
  };
}

async function readBaseline(path: string | undefined): Promise<LatencyFile | null> {
  if (!path) return null;
  const text = await readText(path, 'baseline file');
  try {
    return readLatencyFile(text);
  } catch (error) {
    const message = error instanceof CyclictestParseError ? error.message : error instanceof Error ? error.message : String(error);
    throw new AppError('INVALID_INPUT', `The baseline ${path} is neither a latency --json output nor cyclictest output: ${message}`);
  }
}

/** One SSH connection that comes back by itself after a drop (the run goes on on the controller meanwhile). */
class ReconnectingLink {
  private current: RemoteHost | null = null;
  private closed = false;
  private reconnecting = false;

  constructor(
    private readonly request: SshConnectRequest,
    private readonly onLink: (up: boolean) => void,
  ) {}

  get host(): RemoteHost | null {
    return this.current?.connected ? this.current : null;
  }

  async connect(): Promise<RemoteHost> {
    const connection = await connectSsh(this.request);
    this.current = connection.host;
    connection.host.onClose((reason) => {
      if (this.closed || reason.expected) return;
      this.onLink(false);
      void this.reconnect();
    });
    return connection.host;
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    for (let attempt = 1; !this.closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** (attempt - 1))));
      if (this.closed) break;
      try {
        await this.connect();
        this.onLink(true);
        break;
      } catch (error) {
        // A changed host key or refused login will not heal by retrying.
        if (error instanceof AppError && ['HOST_KEY_CHANGED', 'HOST_KEY_UNKNOWN', 'AUTH_FAILED', 'KEY_FILE'].includes(error.code)) break;
      }
    }
    this.reconnecting = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.current?.close();
  }
}

/** Progress on stderr: redrawn in place on a terminal, a line every 10 s otherwise; silent for --json in pipes. */
function progressReporter(json: boolean): { line(text: string): void; note(text: string): void; end(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let drawn = false;
  return {
    line(text) {
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else if (!json && Date.now() - last >= 10_000) {
        process.stderr.write(`${text}\n`);
        last = Date.now();
      }
    },
    note(text) {
      if (drawn) process.stderr.write('\n');
      drawn = false;
      if (tty || !json) process.stderr.write(`${text}\n`);
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function exitFor(verdict: Verdict | 'error', comparison: BaselineComparison | null): number {
  if (verdict === 'error') return exitCodes.error;
  return verdict === 'fail' || comparison?.verdict === 'fail' ? exitCodes.failed : exitCodes.ok;
}

function pad(value: string | number | null, width: number): string {
  return String(value ?? '–').padStart(width);
}

/** The human form: one row per CPU, the verdict with its reasons, the baseline comparison. */
function printHuman(input: { result: CyclictestResult; evaluation: LatencyVerdict; comparison: BaselineComparison | null; title: string; storedAt?: string }): void {
  const { result } = input;
  const us = (value: number | null): string | null => (value === null ? null : String(Math.round(toMicroseconds(result, value) * 100) / 100));
  const out: string[] = [input.title, ''];
  out.push(['CPU', 'samples', 'min', 'avg', 'max', 'p99', 'p99.9', 'p99.99', 'overflows'].map((h, i) => pad(h, i === 1 ? 11 : i === 0 ? 4 : 7)).join(' '));
  for (const cpu of result.cpus) {
    out.push(
      [pad(cpu.cpu ?? `t${cpu.thread}`, 4), pad(cpu.samples, 11), pad(us(cpu.min), 7), pad(us(cpu.avg), 7), pad(us(cpu.max), 7), pad(us(cpu.p99), 7), pad(us(cpu.p999), 7), pad(us(cpu.p9999), 7), pad(cpu.overflows, 7)].join(' '),
    );
  }
  out.push('', `Verdict: ${input.evaluation.verdict.toUpperCase()}`);
  for (const reason of input.evaluation.reasons) out.push(`  - ${reason}`);
  if (input.comparison) {
    const c = input.comparison;
    out.push(`Baseline: max ${c.max} µs vs ${c.baselineMax} µs (${c.increasePct === null ? '∞' : `${c.increasePct >= 0 ? '+' : ''}${c.increasePct}`} %), spread ${c.spread} vs ${c.baselineSpread} µs: ${c.verdict.toUpperCase()}`);
    for (const reason of c.reasons) out.push(`  - ${reason}`);
  }
  if (input.storedAt) out.push('', `Stored: ${input.storedAt}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function runImport(file: string, flags: ImportFlags): Promise<number> {
  const text = await readText(file, 'file');
  let parsed: LatencyFile;
  try {
    parsed = readLatencyFile(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('INVALID_INPUT', `${file} is not cyclictest output: ${message}`, 'Give a cyclictest output file (summary, histogram, --json) or a latency --json output of this tool.');
  }
  const baseline = await readBaseline(flags.baseline);
  // A file does not say whether it ran under load: the (wider) loaded limits of the default 100 µs cycle apply.
  const evaluation = evaluateLatency(parsed.result, latencyThresholdsForCycle(100), 'loaded', parsed.durationS === null ? {} : { durationSec: Math.floor(parsed.durationS) });
  const comparison = baseline ? compareToBaseline(baseline.result, parsed.result) : null;
  if (flags.json) {
    printJson(toLatencyJson({ result: parsed.result, verdict: evaluation.verdict, startedAt: parsed.startedAt, durationS: parsed.durationS, comparison }));
  } else {
    printHuman({ result: parsed.result, evaluation, comparison, title: `${file}: cyclictest ${parsed.result.format} output, ${parsed.result.threads} thread(s) (judged with the loaded limits of a 100 µs cycle)` });
  }
  return exitFor(evaluation.verdict, comparison);
}

function parsePreset(text: string | undefined): 'quick' | 'acceptance' {
  if (text === undefined || text === 'quick' || text === 'acceptance') return text ?? 'quick';
  throw new AppError('INVALID_INPUT', `--preset ${text}: use quick or acceptance.`);
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh > 0 ? `${hh}:` : ''}${String(mm).padStart(hh > 0 ? 2 : 1, '0')}:${String(ss).padStart(2, '0')}`;
}

async function runLive(target: string, flags: LiveFlags, dataDir: string): Promise<number> {
  const json = flags.json === true;
  const preset = parsePreset(flags.preset);
  let durationS: number | undefined;
  if (flags.duration !== undefined) {
    try {
      durationS = parseDuration(flags.duration);
    } catch (error) {
      throw new AppError('INVALID_INPUT', `--duration: ${error instanceof DurationError ? error.message : String(error)}`);
    }
  }
  const profile = await readLatencyProfile(flags.profile);
  const baseline = await readBaseline(flags.baseline);
  const settings = resolveSettings(
    { preset, durationS, defaultSystem: false, rtla: true, stopRtService: false },
    profile.defaults,
  );
  const report = progressReporter(json);
  const request = cliConnectRequest(target, { ...flags, dataDir, ...(flags.profile ? { housekeepingCores: settings.housekeepingCores } : {}) });
  const link = new ReconnectingLink(request, (up) => report.note(up ? 'Connection back; following the test again.' : 'Connection lost; the test goes on on the controller. Reconnecting…'));
  const host = await link.connect();
  const controllerId = request.controllerId;
  const abort = new AbortController();
  // Written from the SIGINT handler: an object, so TypeScript does not narrow it to its initial value.
  const control: { cancelling: Promise<void> | null; interrupted: boolean } = { cancelling: null, interrupted: false };
  let manifest: RunManifest | null = null;
  const cancel = (run: RunManifest): void => {
    report.note('Cancelling the test on the controller…');
    const ops = link.host ? new LatencyControllerOps(link.host, settings.housekeepingCores) : null;
    const cancelling = ops ? stopRun(ops, run) : Promise.reject(new AppError('NOT_CONNECTED', 'Not connected: the test keeps running on the controller.'));
    control.cancelling = cancelling;
    cancelling.catch((error: unknown) => report.note(`Could not cancel: ${AppError.from(error).message}`));
  };
  // Ctrl-C: before the start nothing is launched; during the test it is cancelled on the controller (and what was
  // measured is still collected); a second Ctrl-C stops waiting and leaves the controller alone.
  const onSigint = (): void => {
    if (!manifest) control.interrupted = true;
    else if (!control.cancelling) cancel(manifest);
    else abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const ops = new LatencyControllerOps(host, settings.housekeepingCores);
    const facts = await ops.preflight(settings.rtUnit);
    let stopRtService = false;
    if (isActiveState(facts.rtUnitState)) {
      stopRtService = await confirmOnTerminal(`${settings.rtUnit} is running. Is the robot in a safe state, and may it be stopped for the test (it is started again afterwards)?`);
    }
    settings.stopRtService = stopRtService;
    const launcher = checkPreflight(facts, settings, { stopRtService, launcher: 'auto' });
    if (control.interrupted) throw new AppError('CANCELLED', 'Cancelled before the test started; nothing was changed on the controller.');
    // Running this command is the technician's confirmation that the robot is in a safe state.
    manifest = await launchRun({ ops, controllerId, origin: 'cli', settings, facts, launcher, baseline: 'none', markAsBaseline: false, now: new Date() });
    const run = manifest;
    if (control.interrupted) cancel(run);
    const totalS = settings.durationS + (settings.rtla && facts.tools.rtla ? run.rtlaSeconds : 0);
    report.note(
      `Latency test ${run.runId} on ${target}: ${preset} (${settings.kind}), ${describeDuration(settings.durationS)}, ` +
        `RT cores ${settings.rtCores}, housekeeping ${settings.housekeepingCores}${settings.load ? ', stress-ng on housekeeping' : ''}.\n` +
        `  Detached as ${launcher === 'systemd-run' ? run.unit : 'a setsid process'}; raw output in ${run.runDir}. Ctrl-C cancels the test.`,
    );
    let rtlaSince: number | null = null;
    const end = await watchRun(
      { runDir: run.runDir, intervalUs: settings.intervalUs },
      {
        ops: () => (link.host ? new LatencyControllerOps(link.host, settings.housekeepingCores) : null),
        signal: abort.signal,
        onUpdate: (update) => {
          if (update.state === 'rtla') {
            rtlaSince ??= Date.now();
            report.line(`rtla timerlat: ${clock((Date.now() - rtlaSince) / 1000)} / ${clock(run.rtlaSeconds)}`);
            return;
          }
          const sample = update.added.at(-1);
          if (!sample) return;
          const maxes = sample.max.map((max) => `max ${max} µs`).join(', ');
          report.line(`${clock(sample.t)} / ${clock(totalS)}  ${maxes}`);
        },
      },
    );
    report.end();
    if (end.kind === 'aborted') throw new AppError('CANCELLED', 'Stopped following the test; it goes on on the controller.', `Its results will be in ${run.runDir}.`);
    if (control.cancelling) await control.cancelling.catch(() => undefined);

    // Collect: over whatever connection is up now.
    let files = null;
    while (!files) {
      const current = link.host;
      if (current) {
        try {
          files = await new LatencyControllerOps(current, settings.housekeepingCores).readAllRunFiles(run.runDir);
          break;
        } catch {
          // the link dropped again; wait for it
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const collectOps = link.host ? new LatencyControllerOps(link.host, settings.housekeepingCores) : null;
    const rtUnitStateAfter = run.rtService?.stoppedForTest && collectOps ? await collectOps.unitState(run.rtService.unit).catch(() => null) : null;
    const { record, attachments } = collectRun({ manifest: run, files, endedAt: new Date().toISOString(), runnerLost: end.kind === 'lost', rtUnitStateAfter, host: target });
    const comparison = baseline && record.result
      ? compareToBaseline(baseline.result, record.result, { maxIncreasePct: settings.maxIncreasePct, spreadTolerancePct: settings.spreadTolerancePct })
      : null;
    if (comparison && flags.baseline) record.comparison = { baseline: null, baselineFile: flags.baseline, baselineStartedAt: baseline?.startedAt ?? null, result: comparison };
    const store = new ResultsStore(join(dataDir, 'results'));
    const stored = await new LatencyRecords(store).save(controllerId, record, attachments);
    const storedAt = join(store.root, stored.controller.replace(/:/g, '_'), stored.visit, `latency-run.${stored.id}.json`);

    if (!record.result || !record.evaluation) {
      const error = record.error ?? { code: 'REMOTE_COMMAND', message: 'The latency test produced no results.' };
      throw new AppError(error.code as AppError['code'], error.message, error.hint, { runId: run.runId, stored: storedAt });
    }
    if (record.status === 'cancelled') report.note('The test was cancelled; the results cover the time it ran.');
    if (json) {
      printJson(toLatencyJson({ result: record.result, verdict: record.evaluation.verdict, startedAt: record.startedAt, durationS: record.durationS, comparison }));
    } else {
      printHuman({ result: record.result, evaluation: record.evaluation, comparison, title: `${target}: ${record.commands.cyclictest}`, storedAt });
      if (record.rtla.status !== 'ok') process.stdout.write(`rtla timerlat: ${record.rtla.status} (${record.rtla.reason ?? ''})\n`);
      if (record.rtService?.stoppedForTest) process.stdout.write(`${record.rtService.unit}: stopped for the test, now ${record.rtService.stateAfter ?? 'unknown'}\n`);
    }
    return record.status === 'cancelled' ? exitCodes.error : exitFor(record.evaluation.verdict, comparison);
  } finally {
    process.off('SIGINT', onSigint);
    await link.close();
  }
}

/** The `latency` command and its `import` subcommand. */
export function registerLatency(program: Command, run: Run): void {
  const latency = program
    .command('latency')
    .usage('USER@HOST[:PORT] [connection flags] [--profile FILE] [--preset quick|acceptance] [--duration 60s|10m|1h] [--baseline FILE] [--json]\n       mxrc-commission latency import FILE [--baseline FILE] [--json]')
    .description('measure RT latency with cyclictest, detached on the controller, or read a cyclictest output file')
    .addHelpText(
      'after',
      [
        '',
        'Test options (latency USER@HOST[:PORT] …):',
        '  --key <file>, --known-hosts <file>, --accept-new-host-key   as for connect',
        '  --profile <file>     controller profile JSON: rtCores, housekeepingCores, rtUnit, rtPrio, cycleUs, latency {thresholds, maxIncreasePct, spreadTolerancePct, histogramUs}',
        '  --preset <preset>    quick (60 s, idle; default) or acceptance (1 h, stress-ng on the housekeeping cores)',
        '  --duration <d>       overrides the preset duration: 60s, 10m, 1h',
        '  --baseline <file>    compare with a previous --json output or a raw cyclictest output',
        '  --json               print one JSON object',
        'Running a test confirms that the robot is in a safe state. The test runs detached on the controller and survives',
        'a dropped link; Ctrl-C cancels it there. Exit codes: 0 pass, 1 fail, 2 error.',
      ].join('\n'),
    );

  connectionOptions(
    latency
      .command('run', { isDefault: true, hidden: true })
      .argument('<target>', 'USER@HOST[:PORT]')
      .description('run a latency test on the controller; running it confirms that the robot is in a safe state'),
  )
    .option('--profile <file>', 'controller profile JSON (rtCores, housekeepingCores, rtUnit, rtPrio, cycleUs, latency thresholds)')
    .option('--preset <preset>', 'quick (60 s, idle) or acceptance (1 h, stress-ng on the housekeeping cores)', 'quick')
    .option('--duration <duration>', 'overrides the preset duration: 60s, 10m, 1h')
    .option('--baseline <file>', 'compare with a previous --json output or a raw cyclictest output')
    .option('--json', 'print one JSON object')
    .action(async (target: string, flags: LiveFlags) => {
      const globals = program.opts<{ dataDir?: string }>();
      await run(() => runLive(target, flags, globals.dataDir ?? defaultDataDir()), flags.json === true);
    });

  latency
    .command('import')
    .argument('<file>', 'cyclictest output (text or JSON, any format) or a latency --json output')
    .description('read a cyclictest output file offline: percentiles, verdict, baseline comparison')
    .option('--baseline <file>', 'compare with a previous --json output or a raw cyclictest output')
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: ImportFlags) => {
      await run(() => runImport(file, flags), flags.json === true);
    });
}

