import { parseCpuList } from '../../../shared/cpu-list';
import {
  CyclictestParseError,
  evaluateLatency,
  parseCyclictestOutput,
  parseRtlaTimerlatOutput,
  RtlaParseError,
  seriesFromStderr,
  thinSeries,
  toMicroseconds,
  type CyclictestResult,
  type LatencySample,
} from '../../../shared/latency';
import type { LatencyRtla, LatencyRunError, LatencyRunRecord } from '../../../shared/model/latency';
import type { RunFiles } from './controller-ops';
import type { RunManifest } from './run-plan';

/** A 24 h soak has ~86 400 samples; the record keeps every rise of the maximum and an even selection of the rest. */
const maxStoredSamples = 20_000;

export interface CollectInput {
  manifest: RunManifest;
  files: RunFiles;
  endedAt: string;
  /** The runner vanished without reaching a final state (killed, controller rebooted). */
  runnerLost?: boolean;
  rtUnitStateAfter?: string | null;
  controllerName?: string;
  host?: string;
}

export interface Collected {
  record: LatencyRunRecord;
  /** Raw output, kept verbatim next to the record. */
  attachments: Record<string, string>;
}

function exitCode(text: string | undefined): number | null {
  const trimmed = text?.trim() ?? '';
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** cyclictest's JSON is the richest form (CPU per thread, exact averages); its histogram text is the fallback. */
function parseResult(manifest: RunManifest, files: RunFiles): { result: CyclictestResult | null; error: LatencyRunError | null } {
  const command = manifest.commands.cyclictest;
  const attempts: Array<[string | undefined, string]> = [
    [files['ct.json'], 'cyclictest JSON'],
    [files['ct.out'], 'cyclictest output'],
  ];
  let firstError: unknown = null;
  for (const [text, _label] of attempts) {
    if (!text || text.trim() === '') continue;
    try {
      return { result: parseCyclictestOutput(text, { command }), error: null };
    } catch (error) {
      firstError ??= error;
    }
  }
  // Nothing measured: stderr says why (no RT scheduling, bad option, …).
  const stderr = files['ct.err'];
  if (stderr && stderr.trim() !== '') {
    try {
      parseCyclictestOutput(stderr, { command });
    } catch (error) {
      if (error instanceof CyclictestParseError && (error.code === 'NEEDS_ROOT' || error.code === 'INVALID_OPTION' || error.code === 'NO_DATA')) {
        firstError = error;
      }
    }
  }
  return { result: null, error: describeParseError(firstError, files) };
}

function describeParseError(error: unknown, files: RunFiles): LatencyRunError {
  const reason = files.reason?.trim() ?? '';
  if (reason.startsWith('tool-missing:')) {
    const tool = reason.slice('tool-missing:'.length).trim();
    return {
      code: 'TOOL_MISSING',
      message: `${tool} is not installed on the controller.`,
      hint: tool === 'stress-ng' ? 'Install it: sudo apt install stress-ng' : 'Install rt-tests: sudo apt install rt-tests',
    };
  }
  if (reason.startsWith('rt-unit-still-active:')) {
    return {
      code: 'REMOTE_COMMAND',
      message: `The RT service ${reason.slice('rt-unit-still-active:'.length).trim()} could not be stopped for the test.`,
      hint: 'Stop it on the controller (sudo systemctl stop …) and start the test again.',
    };
  }
  if (error instanceof CyclictestParseError) {
    if (error.code === 'NEEDS_ROOT') {
      return {
        code: 'SUDO_REQUIRED',
        message: `cyclictest could not switch to real-time scheduling on the controller: ${error.message}`,
        hint: 'Run the test as root (sudo) and allow real-time scheduling (no container without an RT budget).',
      };
    }
    return { code: 'REMOTE_COMMAND', message: error.message, hint: 'Copy the details for the engineer; the raw output is stored with the run.' };
  }
  if (reason !== '') return { code: 'REMOTE_COMMAND', message: `The latency test failed on the controller (${reason}).` };
  return { code: 'REMOTE_COMMAND', message: 'The latency test produced no results.', hint: 'Copy the details for the engineer; the raw output is stored with the run.' };
}

function readRtla(manifest: RunManifest, files: RunFiles, state: string, ctOk: boolean): LatencyRtla {
  const command = manifest.commands.rtla ?? undefined;
  const base = command ? { command } : {};
  if (!manifest.settings.rtla) return { status: 'skipped', reason: 'not requested' };
  const exit = files['rtla.exit']?.trim();
  if (exit === 'missing') return { ...base, status: 'skipped', reason: 'rtla is not installed on the controller' };
  if (!ctOk) return { ...base, status: 'skipped', reason: 'cyclictest did not complete' };
  const text = files['rtla.txt'];
  if (text === undefined || exit === undefined) {
    return { ...base, status: 'skipped', reason: state === 'cancelled' ? 'the test was cancelled before rtla ran' : 'rtla did not run' };
  }
  try {
    return { ...base, status: 'ok', result: parseRtlaTimerlatOutput(text) };
  } catch (error) {
    if (error instanceof RtlaParseError && error.code === 'TRACER_MISSING') {
      return { ...base, status: 'skipped', reason: 'the kernel has no timerlat tracer (CONFIG_TIMERLAT_TRACER)' };
    }
    return { ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Measured seconds: cycles × interval of the most advanced thread. */
export function measuredSeconds(result: CyclictestResult | null, series: readonly LatencySample[], intervalUs: number): number | null {
  if (result && result.cpus.length > 0) {
    return Math.round(Math.max(...result.cpus.map((cpu) => (cpu.samples * intervalUs) / 1_000_000)) * 10) / 10;
  }
  return series.at(-1)?.t ?? null;
}

export function worstMaxUs(result: CyclictestResult | null): number | null {
  if (!result || result.cpus.length === 0) return null;
  return Math.max(...result.cpus.map((cpu) => toMicroseconds(result, cpu.max)));
}

export function collectRun(input: CollectInput): Collected {
  const { manifest, files } = input;
  const settings = manifest.settings;
  const written = files.state?.trim() ?? '';
  const status: LatencyRunRecord['status'] =
    written === 'finished' || written === 'cancelled' ? written : 'failed';
  const { result, error: parseError } = parseResult(manifest, files);
  const series = thinSeries(seriesFromStderr(files['ct.err'] ?? '', settings.intervalUs), maxStoredSamples);
  const durationS = measuredSeconds(result, series, settings.intervalUs);
  const evaluation = result
    ? evaluateLatency(result, settings.thresholds, settings.kind, {
        // A cancelled run is judged on what it measured, not on the cycles it never had the time to run.
        durationSec: status === 'finished' ? settings.durationS : Math.floor(durationS ?? 0),
        intervalUs: settings.intervalUs,
        expectedThreads: parseCpuList(settings.rtCores).length,
      })
    : null;

  let error: LatencyRunError | null = null;
  if (input.runnerLost && written !== 'finished' && written !== 'cancelled') {
    error = { code: 'REMOTE_COMMAND', message: 'The test stopped on the controller without finishing (the runner was ended or the controller restarted).' };
  } else if (!result) {
    error = parseError;
  } else if (status === 'failed') {
    error = describeParseError(null, files);
  }

  const ctExit = exitCode(files['ct.exit']);
  const record: LatencyRunRecord = {
    runId: manifest.runId,
    controllerId: manifest.controllerId,
    ...(input.controllerName ? { controllerName: input.controllerName } : {}),
    ...(input.host ? { host: input.host } : {}),
    origin: manifest.origin,
    launcher: manifest.launcher,
    unit: manifest.unit,
    runDir: manifest.runDir,
    startedAt: manifest.startedAt,
    endedAt: input.endedAt,
    status,
    settings,
    commands: manifest.commands,
    durationS,
    result,
    evaluation,
    verdict: status === 'failed' || !evaluation ? 'error' : evaluation.verdict,
    error,
    series,
    rtla: readRtla(manifest, files, written, result !== null && status === 'finished'),
    rtService: manifest.rtService
      ? { ...manifest.rtService, ...(input.rtUnitStateAfter ? { stateAfter: input.rtUnitStateAfter } : {}) }
      : null,
    comparison: null,
    isBaseline: false,
    cyclictestExit: ctExit,
    loadExit: exitCode(files['load.exit']),
  };

  const attachments: Record<string, string> = {};
  const keep: Array<[keyof RunFiles, string]> = [
    ['ct.json', 'cyclictest.json'],
    ['ct.out', 'cyclictest.txt'],
    ['ct.err', 'cyclictest-stderr.txt'],
    ['load.out', 'stress-ng.txt'],
    ['rtla.txt', 'rtla.txt'],
    ['runner.log', 'runner.log'],
    ['run.conf', 'run.conf'],
    ['run.json', 'run.json'],
  ];
  for (const [file, name] of keep) {
    const text = files[file];
    if (text !== undefined) attachments[name] = text;
  }
  return { record, attachments };
}

/** One line for history lists: "Quick (idle) · max 27 µs · pass". */
export function recordTitle(record: LatencyRunRecord): string {
  const preset = { quick: 'Quick', acceptance: 'Acceptance', custom: 'Custom' }[record.settings.preset];
  const max = worstMaxUs(record.result);
  const parts = [`${preset} (${record.settings.kind})`];
  if (max !== null) parts.push(`max ${max} µs`);
  parts.push(record.status === 'finished' ? record.verdict : record.status);
  return parts.join(' · ');
}
