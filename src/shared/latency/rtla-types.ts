/**
 * Result model of `rtla timerlat top` / `rtla timerlat hist` (checklist L03). timerlat measures two latencies per
 * CPU: IRQ (timer interrupt delay) and thread (wake-up of the timerlat thread, comparable to cyclictest), plus
 * "Ret user" with user-space threads. Values are in `unit` as printed (`-n` switches rtla to nanoseconds).
 */

/** min/avg/max of one latency kind on one CPU; null where rtla printed `-` (no sample of that kind). */
export interface RtlaLatencyStats {
  /** Samples of this kind (hist `count:` row); null in `top`, which prints one count per CPU. */
  count: number | null;
  min: number | null;
  avg: number | null;
  max: number | null;
}

export type RtlaLatencyKind = 'irq' | 'thread' | 'user';

export interface RtlaCpuLatency {
  cpu: number;
  /** `top`: the `#N` activation count (IRQ count); `hist`: the IRQ count, else the thread count. */
  count: number | null;
  irq: RtlaLatencyStats | null;
  thread: RtlaLatencyStats | null;
  /** Only with user-space threads (`Ret user` block / `Usr-NNN` columns). */
  user: RtlaLatencyStats | null;
  /** `hist` only: bucket start value (index × bucket size, as printed) → count, per kind. */
  histogram?: Partial<Record<RtlaLatencyKind, Record<string, number>>>;
  /** `hist` only: the `over:` row per kind (samples beyond the last bucket). */
  overflows?: Partial<Record<RtlaLatencyKind, number>>;
}

/** Auto-analysis rtla prints when a stop condition (`-a`, `-T`, `-i`) was hit. Values in µs. */
export interface RtlaAnalysis {
  cpu: number | null;
  /** The analysis block as printed, for the report. */
  text: string;
  irqHandlerDelayUs?: number;
  irqLatencyUs?: number;
  timerlatIrqDurationUs?: number;
  blockingThreadUs?: number;
  /** `comm:pid` of the blocking thread, e.g. `objtool:49256`. */
  blockingThread?: string;
  threadLatencyUs?: number;
}

export interface RtlaTimerlatResult {
  tool: 'rtla-timerlat';
  mode: 'top' | 'hist';
  unit: 'us' | 'ns';
  /** Run time as rtla prints it, e.g. `0 00:10:00` (days hh:mm:ss). */
  duration?: string;
  cpus: RtlaCpuLatency[];
  /** The `ALL` summary of newer rtla versions, when printed. */
  all?: Partial<Record<RtlaLatencyKind, RtlaLatencyStats | null>>;
  /** True when rtla reported that a stop-tracing threshold was hit. */
  stoppedTracing: boolean;
  analysis: RtlaAnalysis | null;
  /** File the trace was saved to (`Saving trace to …`). */
  traceFile?: string;
}

export type RtlaErrorCode = 'NEEDS_ROOT' | 'TRACER_MISSING' | 'INVALID_OPTION' | 'NO_DATA' | 'MALFORMED';

export class RtlaParseError extends Error {
  override readonly name = 'RtlaParseError';
  constructor(
    readonly code: RtlaErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
