/**
 * Builds the cyclictest argv for the latency tests of checklist §9 (L01 idle baseline, L02 loaded acceptance):
 *
 *   cyclictest -m -p80 -a 2,3 -t 2 --mainaffinity=0,1 -i 100 -d 0 -h 400 -D 1h -q --json=$RUN_DIR/ct-load.json
 *
 * An argv array, never a shell string: the caller decides how to run it (spawn, systemd-run, ssh exec with its own
 * quoting). Every value comes from the controller profile; nothing here assumes cores 2-3.
 */
import { parseCpuList } from '../cpu-list';
import { formatCyclictestDuration, parseDuration } from './duration';

export type CyclictestPreset = 'quick' | 'acceptance';

/** quick = 60 s idle smoke test; acceptance = the 1 h L02 run. */
export const CYCLICTEST_PRESETS: Readonly<Record<CyclictestPreset, { durationSec: number }>> = {
  quick: { durationSec: 60 },
  acceptance: { durationSec: 3600 },
};

export interface CyclictestCommandOptions {
  /** RT cores (profile RT_CPUS) as a cpu-list, e.g. "2,3" or "2-3": `-a` and the thread count `-t`. */
  rtCores: string;
  /** Housekeeping cores (profile HK_CPUS): `--mainaffinity`, so the reporting thread stays off the RT cores. */
  housekeepingCores: string;
  /** Sets the duration unless `duration` is given. */
  preset?: CyclictestPreset;
  /** Seconds, or a duration string ("10m", "1h", "90"); overrides the preset. */
  duration?: number | string;
  /** `-i`, µs; default 100 (the controller cycle CYCLE_US). */
  intervalUs?: number;
  /** `-p`, SCHED_FIFO priority; default 80 (RT_PRIO). */
  priority?: number;
  /** `-h N`, µs; default 400 (overflows then mean ≥ 4 missed 100 µs cycles). null = no histogram. */
  histogramUs?: number | null;
  /** `--json=<path>` on the controller (e.g. $RUN_DIR/ct-load.json). */
  jsonPath?: string;
  /** `-q`; default true (the live screen redraws every 10 ms and is useless in a file). */
  quiet?: boolean;
  /** `--default-system` when the RT application does not hold /dev/cpu_dma_latency (checklist C07, §9.1). */
  defaultSystem?: boolean;
  /** Program name or path; default "cyclictest". */
  program?: string;
}

export class CyclictestCommandError extends Error {
  override readonly name = 'CyclictestCommandError';
}

function cores(label: string, list: string): number[] {
  let cpus: number[];
  try {
    cpus = parseCpuList(list);
  } catch (error) {
    throw new CyclictestCommandError(`${label} "${list}": ${error instanceof Error ? error.message : String(error)}`);
  }
  if (cpus.length === 0) throw new CyclictestCommandError(`${label} is empty`);
  return cpus;
}

function integerIn(label: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CyclictestCommandError(`${label} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function durationSeconds(options: CyclictestCommandOptions): number {
  if (options.duration !== undefined) {
    return typeof options.duration === 'number'
      ? integerIn('duration (s)', options.duration, 1, 2_147_483_647)
      : parseDuration(options.duration);
  }
  if (options.preset !== undefined) return CYCLICTEST_PRESETS[options.preset].durationSec;
  // An endless run would hold the RT cores at FIFO priority until someone notices.
  throw new CyclictestCommandError('choose a preset or a duration');
}

/**
 * cyclictest writes `--json` paths unescaped into the JSON's "cmdline:" string; a quote, backslash or control
 * character would make its own output unreadable, and a relative path would depend on the working directory.
 */
function checkJsonPath(path: string): string {
  if (!path.startsWith('/')) throw new CyclictestCommandError(`JSON path "${path}" must be absolute`);
  for (const char of path) {
    const code = char.charCodeAt(0);
    if (char === '"' || char === '\\' || code < 32 || code === 127 || /\s/.test(char)) {
      throw new CyclictestCommandError(`JSON path "${path}" must not contain quotes, backslashes or whitespace`);
    }
  }
  return path;
}

/** The full argv, program first. */
export function buildCyclictestArgv(options: CyclictestCommandOptions): string[] {
  const rt = cores('RT cores', options.rtCores);
  const housekeeping = cores('housekeeping cores', options.housekeepingCores);
  const interval = integerIn('interval (µs)', options.intervalUs ?? 100, 1, 1_000_000);
  const priority = integerIn('priority', options.priority ?? 80, 1, 99);
  const histogram = options.histogramUs === undefined ? 400 : options.histogramUs;
  if (histogram !== null) integerIn('histogram size (µs)', histogram, 1, 1_000_000);
  if (options.jsonPath !== undefined && histogram === null) {
    // rt-tests 2.5 (Ubuntu 24.04) likely still segfaults writing JSON without a histogram (§9.1).
    throw new CyclictestCommandError('--json needs a histogram (-h) on rt-tests 2.5');
  }
  const seconds = durationSeconds(options);

  const argv = [options.program ?? 'cyclictest', '-m', `-p${priority}`];
  // Explicit comma list, as in the checklist; -t = one thread per RT core, pinned round-robin by -a.
  argv.push('-a', rt.join(','), '-t', String(rt.length));
  argv.push(`--mainaffinity=${housekeeping.join(',')}`);
  // -d 0: equal intervals on every thread (with -h cyclictest forces it anyway and warns on stderr).
  argv.push('-i', String(interval), '-d', '0');
  if (histogram !== null) argv.push('-h', String(histogram));
  argv.push('-D', formatCyclictestDuration(seconds));
  if (options.quiet ?? true) argv.push('-q');
  if (options.jsonPath !== undefined) argv.push(`--json=${checkJsonPath(options.jsonPath)}`);
  if (options.defaultSystem) argv.push('--default-system');
  return argv;
}

/** Cycles each thread should complete: duration / interval (the basis of the ≥ 99.9 % completion criterion). */
export function expectedCycles(durationSec: number, intervalUs: number): number {
  return Math.floor((durationSec * 1_000_000) / intervalUs);
}
