/**
 * rtla timerlat auto-analysis: printed after `rtla timerlat hit stop tracing` when a threshold was exceeded.
 *
 *   ## CPU 23 hit stop tracing, analyzing it ##
 *   IRQ handler delay:                                        27.49 us (65.52 %)
 *   IRQ latency:                                              28.13 us
 *   Timerlat IRQ duration:                                     9.59 us (22.85 %)
 *   Blocking thread:                                           3.79 us (9.03 %)
 *                          objtool:49256                       3.79 us
 *   ...stack...
 *     Thread latency:                                          41.96 us (100%)
 *   Saving trace to timerlat_trace.txt
 */
import type { RtlaAnalysis } from './rtla-types';
import type { NumberedLine } from './text-lines';

const START = /^## CPU (\d+) hit stop tracing, analyzing it ##/;
const VALUE = /:\s+([\d.]+)\s+(us|ns)\b/;

function toMicroseconds(value: string, unit: string): number {
  const number = Number(value);
  return unit === 'ns' ? number / 1000 : number;
}

function valueAfter(text: string, label: string): number | undefined {
  if (!text.trimStart().startsWith(label)) return undefined;
  const match = VALUE.exec(text);
  return match?.[1] !== undefined && match[2] !== undefined ? toMicroseconds(match[1], match[2]) : undefined;
}

type NumericField = 'irqHandlerDelayUs' | 'irqLatencyUs' | 'timerlatIrqDurationUs' | 'blockingThreadUs' | 'threadLatencyUs';

const FIELDS: ReadonlyArray<[string, NumericField]> = [
  ['IRQ handler delay:', 'irqHandlerDelayUs'],
  ['IRQ latency:', 'irqLatencyUs'],
  ['Timerlat IRQ duration:', 'timerlatIrqDurationUs'],
  ['Blocking thread:', 'blockingThreadUs'],
  ['Thread latency:', 'threadLatencyUs'],
];

/** The first analysis block, or null when rtla printed none. */
export function readAnalysis(lines: readonly NumberedLine[]): RtlaAnalysis | null {
  const start = lines.findIndex((line) => START.test(line.text.trim()));
  if (start < 0) return null;
  const block: string[] = [];
  const analysis: RtlaAnalysis = { cpu: Number(START.exec(lines[start]?.text.trim() ?? '')?.[1]), text: '' };
  let expectBlockingName = false;
  for (const line of lines.slice(start)) {
    block.push(line.text);
    if (/^Saving trace to /.test(line.text.trim())) break;
    if (expectBlockingName) {
      // The line after "Blocking thread:" names the thread: "<comm:pid>   <time> us".
      const name = /^\s*(\S+)\s+[\d.]+\s+(?:us|ns)\s*$/.exec(line.text);
      if (name?.[1] !== undefined) analysis.blockingThread = name[1];
      expectBlockingName = false;
    }
    for (const [label, key] of FIELDS) {
      const value = valueAfter(line.text, label);
      if (value === undefined) continue;
      analysis[key] = value;
      if (key === 'blockingThreadUs') expectBlockingName = true;
    }
  }
  while (block.length > 0 && block.at(-1)?.trim() === '') block.pop();
  analysis.text = block.join('\n');
  return analysis;
}

export function readTraceFile(lines: readonly NumberedLine[]): string | undefined {
  for (const line of lines) {
    const match = /^Saving trace to (\S+)/.exec(line.text.trim());
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}
