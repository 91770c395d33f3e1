/**
 * Live logs and embedded terminals: what the UI asks for (validated by zod at the contract boundary) and what the
 * Node side reports back. Streams and terminal sessions are identified by ids the Node side hands out, so a view
 * can be closed and re-attached without stopping the reader on the controller.
 */
import { z } from 'zod';

import type { WireError } from '../errors';

/** Lines kept per stream (and in the terminal's scrollback) unless the technician chooses another cap. */
export const defaultScrollback = 10_000;
export const minScrollback = 100;
export const maxScrollback = 1_000_000;

/** journalctl's priority names, most severe first; the index is the syslog number (0 = emerg … 7 = debug). */
export const priorityNames = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type PriorityName = (typeof priorityNames)[number];

export const bootChoices = ['any', 'current', 'previous'] as const;
export type BootChoice = (typeof bootChoices)[number];

const unitName = z
  .string()
  .trim()
  .min(1, 'Enter a unit name')
  .max(256)
  .regex(/^[A-Za-z0-9@._:\\-]+$/, 'A unit name has letters, digits and @ . _ : - \\ only (e.g. mxrc-rt.service)');
const syslogIdentifier = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9@._:-]+$/, 'A journal tag has letters, digits and @ . _ : - only (e.g. mxrc-webapi)');
/** journalctl/docker time expressions: "2026-11-26 14:00", "-1h", "today", "yesterday", "2026-11-26T14:00:00Z". */
const timeSpec = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9 :.+-]+$/, 'Use a time such as 2026-11-26 14:00, -1h, today or yesterday');
const grepPattern = z.string().min(1).max(200);
const containerName = z
  .string()
  .trim()
  .min(1, 'Enter a container name')
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'A container name has letters, digits and _ . - only');

export const journalSourceSchema = z.object({
  kind: z.literal('journal'),
  /** systemd unit (-u); none = the whole journal. */
  unit: unitName.optional(),
  /** syslog identifier / journald tag (-t), e.g. the WebAPI container's `mxrc-webapi`. */
  identifier: syslogIdentifier.optional(),
  /** This priority and more severe ones (journalctl -p). */
  priority: z.enum(priorityNames).optional(),
  since: timeSpec.optional(),
  until: timeSpec.optional(),
  boot: z.enum(bootChoices).default('any'),
  /** journalctl --grep (PCRE2, case-insensitive when all lower case), applied on the controller. */
  grep: grepPattern.optional(),
});

export const kernelSourceSchema = z.object({
  kind: z.literal('kernel'),
  priority: z.enum(priorityNames).optional(),
  since: timeSpec.optional(),
  until: timeSpec.optional(),
  boot: z.enum(bootChoices).default('current'),
  grep: grepPattern.optional(),
});

export const containerSourceSchema = z.object({
  kind: z.literal('container'),
  container: containerName,
  since: timeSpec.optional(),
  until: timeSpec.optional(),
  /** Docker cannot filter on the engine side: applied on the laptop (the link still carries every line). */
  grep: grepPattern.optional(),
});

export const logSourceSchema = z.discriminatedUnion('kind', [journalSourceSchema, kernelSourceSchema, containerSourceSchema]);
export type LogSource = z.output<typeof logSourceSchema>;
export type LogSourceInput = z.input<typeof logSourceSchema>;
export type JournalSource = z.output<typeof journalSourceSchema>;
export type KernelSource = z.output<typeof kernelSourceSchema>;
export type ContainerSource = z.output<typeof containerSourceSchema>;

export const logStreamRequestSchema = z.object({
  /** Tab label; derived from the source when absent. */
  name: z.string().trim().min(1).max(80).optional(),
  source: logSourceSchema,
  /** Keep reading new lines (journalctl -f, docker logs --follow). Ignored for an `until` or the previous boot. */
  follow: z.boolean().default(true),
  /** Earlier lines shown first when neither `since` nor a boot narrows the start; absent = the tool's default. */
  backlog: z.number().int().min(0).max(100_000).optional(),
  /** Lines kept on the laptop for this stream (what "save" writes and a re-attached view shows). */
  scrollback: z.number().int().min(minScrollback).max(maxScrollback).default(defaultScrollback),
});
export type LogStreamRequest = z.input<typeof logStreamRequestSchema>;
export type LogStreamSpec = z.output<typeof logStreamRequestSchema>;

export const streamIdSchema = z.string().regex(/^(log|term)-[A-Za-z0-9]{1,40}$/, 'Not a stream id');

export const terminalSizeSchema = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.output<typeof terminalSizeSchema>;

/** What the view acknowledged; bounded so a confused client cannot wrap the counters. */
export const ackBytesSchema = z.number().int().min(0).max(1024 * 1024 * 1024);
/** Keystrokes and pastes; large pastes are split by the view. */
export const terminalInputSchema = z.string().max(64 * 1024);
/** The terminal's text as the view shows it (xterm buffer), for "save all". */
export const terminalTextSchema = z.string().max(64 * 1024 * 1024);

/** One log line, the same for journal, kernel and container sources. */
export interface LogLine {
  /** Position in this stream: 1, 2, 3 … never reused, also across pauses and reconnects. */
  seq: number;
  /** Wall-clock time of the entry, microseconds since the epoch. */
  us: number;
  /** 0 (emerg) … 7 (debug); absent when the source has none. */
  priority?: number;
  /** Syslog identifier (as journalctl prints it), "kernel", or the container name. */
  source: string;
  pid?: string;
  text: string;
  /** Container logs only. */
  stream?: 'stdout' | 'stderr';
}

export type LogStreamState = 'starting' | 'live' | 'paused' | 'reconnecting' | 'ended' | 'failed' | 'closed';

/** Facts the view must show next to the lines (e.g. that it sees less than it asked for). */
export interface LogNote {
  code: 'USER_JOURNAL_ONLY' | 'LOCAL_GREP' | 'NO_FOLLOW';
  message: string;
}

export interface LogStreamInfo {
  id: string;
  controllerId: string;
  name: string;
  source: LogSource;
  follow: boolean;
  scrollback: number;
  state: LogStreamState;
  /** The laptop stopped reading because the view has not caught up (flow control); resumes by itself. */
  throttled: boolean;
  /** Lines received since the stream was opened. */
  received: number;
  /** Lines kept on the laptop (at most `scrollback`). */
  buffered: number;
  /** Lines received before the oldest kept one (pushed out by the scrollback cap). */
  dropped: number;
  /** How often the stream resumed after a lost connection. */
  resumes: number;
  notes: LogNote[];
  error?: WireError;
  /** The file every new line is appended to, while recording. */
  recording?: string;
  openedAt: string;
}

/** A batch of new lines, in order; `bytes` is what the view acknowledges once it has rendered them. */
export interface LogLinesEvent {
  streamId: string;
  lines: LogLine[];
  bytes: number;
}

/** A (re-)attached view: the kept lines, then every `logs.lines` event with a higher seq. */
export interface LogAttachment {
  info: LogStreamInfo;
  lines: LogLine[];
}

export interface SavedLog {
  path: string;
  lines: number;
  bytes: number;
}

export type TerminalState = 'starting' | 'open' | 'exited' | 'disconnected' | 'closed';

export interface TerminalInfo {
  id: string;
  controllerId: string;
  name: string;
  cols: number;
  rows: number;
  state: TerminalState;
  exitCode?: number | null;
  throttled: boolean;
  recording?: string;
  openedAt: string;
}

/** Terminal output in order; `seq` counts chunks so a re-attached view skips what its replay already had. */
export interface TerminalDataEvent {
  sessionId: string;
  seq: number;
  /**
   * The shell's output as UTF-8 bytes, cut only between characters (each chunk decodes on its own). Bytes, not
   * text: xterm.js decodes them itself, and browser mode sends them without JSON escaping.
   */
  data: Uint8Array;
  /** `data.length`: what the view acknowledges once rendered (flow control). */
  bytes: number;
}

export interface TerminalAttachment {
  info: TerminalInfo;
  /** Recent output to replay (bounded), ending with chunk `lastSeq`. */
  data: string;
  lastSeq: number;
}
