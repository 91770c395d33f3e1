/**
 * Parses `rtla timerlat top` and `rtla timerlat hist` output (checklist §10.5, L03) into per-CPU IRQ / thread
 * latency and the auto-analysis. Like the cyclictest parser it refuses to guess: known failures get a specific
 * code, anything unexpected is MALFORMED with a line number.
 */
import { readAnalysis, readTraceFile } from './rtla-analysis';
import { readHist } from './rtla-hist';
import { findTopHeaders, readTopFrame, type TopFrame } from './rtla-top';
import { RtlaParseError, type RtlaTimerlatResult } from './rtla-types';
import { excerpt, stripAnsi, toLines, type NumberedLine } from './text-lines';

export { RtlaParseError } from './rtla-types';
export type {
  RtlaAnalysis,
  RtlaCpuLatency,
  RtlaErrorCode,
  RtlaLatencyKind,
  RtlaLatencyStats,
  RtlaTimerlatResult,
} from './rtla-types';

const NEEDS_ROOT = /rtla needs root permission/;
const TRACER_MISSING =
  /Tracer timerlat not found|Failed to enable the timerlat tracer|Could not (?:create|enable) .*timerlat/i;
const USAGE = /^(?:usage:|rtla timerlat (?:top|hist): a per-cpu)|Invalid option|invalid option|unrecognized option/;
const ERROR_MESSAGE = /error|fatal|failed|cannot|could not|unable|denied|not permitted/i;

function find(lines: readonly NumberedLine[], pattern: RegExp): NumberedLine | undefined {
  return lines.find((line) => pattern.test(line.text.trim()));
}

function knownFailure(lines: readonly NumberedLine[]): RtlaParseError | null {
  const root = find(lines, NEEDS_ROOT);
  if (root) return new RtlaParseError('NEEDS_ROOT', 'rtla needs root permission (run it with sudo)', root.number);
  const tracer = find(lines, TRACER_MISSING);
  if (tracer) {
    return new RtlaParseError(
      'TRACER_MISSING',
      `the kernel has no timerlat tracer (CONFIG_TIMERLAT_TRACER): ${excerpt(tracer.text.trim())}`,
      tracer.number,
    );
  }
  return null;
}

function noData(lines: readonly NumberedLine[]): RtlaParseError {
  const usage = find(lines, USAGE);
  if (usage) {
    const message = `rtla printed its usage text instead of results: ${excerpt(usage.text.trim())}`;
    return new RtlaParseError('INVALID_OPTION', message, usage.number);
  }
  const errorLine = lines.find((line) => ERROR_MESSAGE.test(line.text));
  if (errorLine) {
    const message = `rtla printed no results; line ${errorLine.number}: ${excerpt(errorLine.text.trim())}`;
    return new RtlaParseError('NO_DATA', message, errorLine.number);
  }
  const unexpected = lines.find((line) => line.text.trim() !== '');
  if (!unexpected) return new RtlaParseError('NO_DATA', 'rtla printed nothing');
  return new RtlaParseError(
    'MALFORMED',
    `line ${unexpected.number}: unexpected output "${excerpt(unexpected.text.trim())}" (no timerlat top or hist table)`,
    unexpected.number,
  );
}

/** The last frame that parses completely; an earlier broken frame is corruption, a broken last one a cut capture. */
function lastCompleteTopFrame(lines: readonly NumberedLine[], headers: readonly number[]): TopFrame {
  let lastError: RtlaParseError | null = null;
  for (let index = headers.length - 1; index >= 0; index--) {
    try {
      const frame = readTopFrame(lines, headers[index] ?? -1);
      if (frame.cpus.length > 0) return frame;
    } catch (error) {
      if (!(error instanceof RtlaParseError) || index < headers.length - 1) throw error;
      lastError = error;
    }
  }
  if (lastError) throw lastError;
  throw new RtlaParseError('NO_DATA', 'rtla timerlat top printed no CPU rows (no CPU produced a sample)');
}

export function parseRtlaTimerlatOutput(text: string): RtlaTimerlatResult {
  if (typeof text !== 'string') throw new RtlaParseError('MALFORMED', 'rtla output is not text');
  const lines = toLines(stripAnsi(text));
  const failure = knownFailure(lines);
  if (failure) throw failure;

  const stoppedTracing = lines.some((line) => /hit stop tracing/.test(line.text));
  const analysis = readAnalysis(lines);
  const traceFile = readTraceFile(lines);
  const finish = (result: RtlaTimerlatResult): RtlaTimerlatResult =>
    traceFile === undefined ? result : { ...result, traceFile };

  const isHist = lines.some((line) => {
    const text = line.text.trim();
    return text === '# RTLA timerlat histogram' || /^Index\s+(IRQ|Thr|Usr)-\d+/.test(text);
  });
  if (isHist) {
    const hist = readHist(lines);
    const result: RtlaTimerlatResult = {
      tool: 'rtla-timerlat',
      mode: 'hist',
      unit: hist.unit,
      cpus: hist.cpus,
      stoppedTracing,
      analysis,
    };
    if (hist.duration !== undefined) result.duration = hist.duration;
    if (hist.all !== undefined) result.all = hist.all;
    return finish(result);
  }

  const headers = findTopHeaders(lines);
  if (headers.length > 0) {
    const frame = lastCompleteTopFrame(lines, headers);
    const result: RtlaTimerlatResult = {
      tool: 'rtla-timerlat',
      mode: 'top',
      unit: frame.unit ?? 'us',
      cpus: frame.cpus,
      stoppedTracing,
      analysis,
    };
    if (frame.duration !== undefined) result.duration = frame.duration;
    if (frame.all !== undefined) result.all = frame.all;
    return finish(result);
  }
  throw noData(lines);
}
