/**
 * cyclictest `--json=FILE` output (rt-tests ≥ 2.0). It is hand-written with fprintf and therefore not always JSON:
 *  - `"cmdline:"` holds argv joined by spaces without escaping (a `"` or `\` in an argument breaks the document);
 *  - a thread with zero cycles prints `"avg": -nan` (printf of 0/0); `nan`/`inf` are possible the same way;
 *  - keys `"cmdline:"` and `"rt_test_version:"` carry a trailing colon;
 *  - `"histogram": {      }` without `-h` in ≤ 2.6, key absent in ≥ 2.7; overflows are not in the histogram.
 */
import { z } from 'zod';

import { CyclictestParseError } from './cyclictest-types';

const threadSchema = z.object({
  histogram: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()).optional(),
  cycles: z.number().int().nonnegative(),
  min: z.number().int(),
  max: z.number().int(),
  avg: z.number().nullable(),
  cpu: z.number().int().optional(),
  node: z.number().int().optional(),
});

const documentSchema = z.object({
  file_version: z.number().optional(),
  'cmdline:': z.string().optional(),
  'rt_test_version:': z.string().optional(),
  return_code: z.number().int().optional(),
  num_threads: z.number().int().nonnegative(),
  resolution_in_ns: z.number().int().optional(),
  thread: z.record(z.string().regex(/^\d+$/), threadSchema),
});

export type CyclictestJsonThread = z.infer<typeof threadSchema>;
export type CyclictestJsonDocument = z.infer<typeof documentSchema>;

/** Re-escapes the raw `"cmdline:"` value, which cyclictest prints without JSON escaping. */
function escapeCommandLine(text: string): string {
  return text.replace(/^(\s*"cmdline:"\s*:\s*")(.*)(",?\s*)$/m, (_all, head: string, raw: string, tail: string) => {
    return `${head}${JSON.stringify(raw).slice(1, -1)}${tail}`;
  });
}

const NON_FINITE = /^-?(?:nan|inf(?:inity)?)(?![A-Za-z0-9_])/i;

/** Replaces bare `nan`, `-nan`, `inf`, `-inf` (printf of non-finite doubles) outside strings by `null`. */
export function sanitizeNonFinite(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (inString) {
      out += char;
      if (char === '\\') {
        out += text.charAt(i + 1);
        i++;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      continue;
    }
    const word = 'nNiI-'.includes(char) ? NON_FINITE.exec(text.slice(i, i + 12)) : null;
    if (word) {
      out += 'null';
      i += word[0].length - 1;
      continue;
    }
    out += char;
  }
  return out;
}

/** 1-based line of a JSON.parse error, from the "position N" V8 reports. */
function errorLine(text: string, error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const lineMatch = /line (\d+)/.exec(message);
  if (lineMatch) return Number(lineMatch[1]);
  const position = /position (\d+)/.exec(message);
  if (!position) return undefined;
  return text.slice(0, Number(position[1])).split('\n').length;
}

export function readCyclictestJson(text: string): CyclictestJsonDocument {
  const repaired = sanitizeNonFinite(escapeCommandLine(text));
  let raw: unknown;
  try {
    raw = JSON.parse(repaired);
  } catch (error) {
    const line = errorLine(repaired, error);
    const reason = error instanceof Error ? error.message : String(error);
    throw new CyclictestParseError(
      'MALFORMED',
      `cyclictest JSON is not readable${line === undefined ? '' : ` at line ${line}`}: ${reason} (truncated file?)`,
      line,
    );
  }
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    const message = `cyclictest JSON has an unexpected shape at "${path}": ${issue?.message ?? ''}`;
    throw new CyclictestParseError('MALFORMED', message);
  }
  const document = parsed.data;
  const indices = Object.keys(document.thread).map(Number).sort((a, b) => a - b);
  if (indices.length !== document.num_threads || indices.some((thread, index) => thread !== index)) {
    throw new CyclictestParseError(
      'MALFORMED',
      `cyclictest JSON says num_threads ${document.num_threads} but has threads [${indices.join(', ')}]`,
    );
  }
  return document;
}
