/**
 * cyclictest `T:` summary lines: printed once at exit with `-q`, or redrawn every 10 ms on the live screen
 * (`policy: …` line, blank line, one `T:` line per thread, then `ESC[<n>A` to move the cursor back up).
 */
import { CyclictestParseError } from './cyclictest-types';
import { excerpt, type NumberedLine } from './text-lines';

export interface SummaryLine {
  thread: number;
  tid: number;
  priority: number;
  intervalUs: number;
  cycles: number;
  min: number;
  act: number;
  avg: number;
  max: number;
  smi?: number;
}

// rt-tests 1.x–2.10: "T:%2d (%5d) P:%2d I:%ld C:%7lu Min:%7ld Act:%5ld Avg:%5ld Max:%8ld" [+ " SMI:%8ld"].
// Fields may grow wider than their width (I:5000100, Min:1000000), so separators are \s* not fixed spaces.
const SUMMARY_LINE =
  /^T:\s*(\d+)\s+\(\s*(\d+)\)\s+P:\s*(\d+)\s+I:\s*(\d+)\s+C:\s*(\d+)\s+Min:\s*(\d+)\s+Act:\s*(\d+)\s+Avg:\s*(\d+)\s+Max:\s*(\d+)(?:\s+SMI:\s*(\d+))?\s*$/;

export function isSummaryLine(text: string): boolean {
  return text.startsWith('T:');
}

export function parseSummaryLine(text: string): SummaryLine | null {
  const match = SUMMARY_LINE.exec(text);
  if (!match) return null;
  const field = (index: number): number => Number(match[index]);
  const line: SummaryLine = {
    thread: field(1),
    tid: field(2),
    priority: field(3),
    intervalUs: field(4),
    cycles: field(5),
    min: field(6),
    act: field(7),
    avg: field(8),
    max: field(9),
  };
  if (match[10] !== undefined) line.smi = field(10);
  return line;
}

/** Threads must be 0..n-1 exactly once: a gap means lines were lost and the result would silently miss a CPU. */
function checkThreadSet(lines: readonly SummaryLine[], where: NumberedLine | undefined): void {
  const seen = lines.map((line) => line.thread).sort((a, b) => a - b);
  seen.forEach((thread, index) => {
    if (thread !== index) {
      throw new CyclictestParseError(
        'MALFORMED',
        `summary lines list threads ${seen.join(', ')}; expected 0..${seen.length - 1} each once`,
        where?.number,
      );
    }
  });
}

/**
 * Quiet mode: one block of `T:` lines. SIGUSR1 may have printed earlier snapshots; the last line of each thread is
 * the final one. A `T:` line that does not match the format is an error, never skipped.
 */
export function readQuietSummary(lines: readonly NumberedLine[]): SummaryLine[] {
  const last = new Map<number, SummaryLine>();
  for (const line of lines) {
    if (!isSummaryLine(line.text)) continue;
    const parsed = parseSummaryLine(line.text);
    if (!parsed) {
      throw new CyclictestParseError(
        'MALFORMED',
        `line ${line.number}: unreadable summary line "${excerpt(line.text)}"`,
        line.number,
      );
    }
    last.set(parsed.thread, parsed);
  }
  const result = [...last.values()].sort((a, b) => a.thread - b.thread);
  checkThreadSet(result, lines.find((line) => isSummaryLine(line.text)));
  return result;
}

/**
 * Live screen: frames start at a `policy:` line. The capture usually ends mid-frame (the process was stopped while
 * redrawing), so the last frame that is complete — every thread present, every line readable — is the result.
 */
export function readLiveSummary(lines: readonly NumberedLine[]): SummaryLine[] {
  const frames: Array<{ lines: SummaryLine[]; broken: NumberedLine | null; start: NumberedLine | undefined }> = [];
  let current: (typeof frames)[number] | null = null;
  for (const line of lines) {
    if (line.text.startsWith('policy:')) {
      current = { lines: [], broken: null, start: line };
      frames.push(current);
      continue;
    }
    if (!isSummaryLine(line.text)) continue;
    if (!current) {
      current = { lines: [], broken: null, start: line };
      frames.push(current);
    }
    const parsed = parseSummaryLine(line.text);
    if (parsed) current.lines.push(parsed);
    else current.broken ??= line;
  }
  const threadCount = Math.max(0, ...frames.map((frame) => frame.lines.length));
  // A broken line anywhere but in the final frame is not a truncation but corruption.
  frames.slice(0, -1).forEach((frame) => {
    if (frame.broken) {
      throw new CyclictestParseError(
        'MALFORMED',
        `line ${frame.broken.number}: unreadable summary line "${excerpt(frame.broken.text)}"`,
        frame.broken.number,
      );
    }
  });
  const complete = [...frames].reverse().find((frame) => !frame.broken && frame.lines.length === threadCount);
  if (!complete || threadCount === 0) {
    const broken = frames.find((frame) => frame.broken)?.broken;
    throw new CyclictestParseError(
      'MALFORMED',
      broken
        ? `line ${broken.number}: unreadable summary line "${excerpt(broken.text)}"`
        : 'the live screen contains no complete frame of T: lines',
      broken?.number,
    );
  }
  checkThreadSet(complete.lines, complete.start);
  return [...complete.lines].sort((a, b) => a.thread - b.thread);
}
