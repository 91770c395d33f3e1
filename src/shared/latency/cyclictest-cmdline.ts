/**
 * Reads the few facts the parser needs from a cyclictest command line: the `-a` CPU list (text formats do not say
 * which CPU a thread ran on), the histogram size and the `-N` unit switch. It follows cyclictest's own getopt
 * string so that option values (`-p 80`, `-i100`) are never mistaken for options.
 */
import { parseCpuList } from '../cpu-list';

export interface CyclictestCommandFacts {
  /** `-a LIST`: the list; `-a`/`-S` without a list: 'all' (CPU = n-th online CPU, unknown here); absent: null. */
  affinity: number[] | 'all' | null;
  /** N of `-h N` / `-H N` / `--histogram=N` / `--histofall=N`. */
  histogramSize: number | null;
  /** `-N` / `--nsecs`: values are nanoseconds. */
  nanoseconds: boolean;
}

// From cyclictest 2.x: getopt_long(..., "a::A::b:c:d:D:F:h:H:i:l:MNo:p:mnqrRsSt::uvD:x", ...)
const SHORT_REQUIRED = new Set('bcdDFhHilop');
const SHORT_OPTIONAL = new Set('aAt');
const LONG_REQUIRED = new Set([
  'breaktrace', 'clock', 'distance', 'duration', 'latency', 'fifo', 'histogram', 'histofall', 'histfile',
  'interval', 'json', 'loops', 'mainaffinity', 'oscope', 'priority', 'spike', 'spike-nodes', 'policy',
  'deepest-idle-state', 'delay',
]);

/** argv as given, or a command string split on whitespace (the JSON `cmdline:` is argv joined by spaces). */
export function tokenizeCommand(command: string | readonly string[]): string[] {
  if (typeof command !== 'string') return [...command];
  const trimmed = command.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** cyclictest takes a separate `-a`/`-t` value only when it looks like a number (`atoi(argv[optind]) || '0'`). */
function looksNumeric(token: string | undefined): token is string {
  return token !== undefined && /^\d/.test(token);
}

interface RawOption {
  name: string;
  value: string | undefined;
}

function readOptions(argv: readonly string[]): RawOption[] {
  const options: RawOption[] = [];
  // argv[0] is the program when it does not start with '-'.
  let index = argv[0] !== undefined && !argv[0].startsWith('-') ? 1 : 0;
  while (index < argv.length) {
    const token = argv[index++] ?? '';
    if (token === '--') break;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      let value = eq < 0 ? undefined : token.slice(eq + 1);
      if (value === undefined && LONG_REQUIRED.has(name)) value = argv[index++];
      else if (value === undefined && name === 'affinity' && looksNumeric(argv[index])) value = argv[index++];
      options.push({ name, value });
    } else if (token.startsWith('-') && token.length > 1) {
      for (let pos = 1; pos < token.length; pos++) {
        const name = token.charAt(pos);
        const rest = token.slice(pos + 1);
        if (SHORT_REQUIRED.has(name)) {
          options.push({ name, value: rest !== '' ? rest : argv[index++] });
          break;
        }
        if (SHORT_OPTIONAL.has(name)) {
          let value: string | undefined = rest !== '' ? rest : undefined;
          if (value === undefined && (name === 'a' || name === 't') && looksNumeric(argv[index])) value = argv[index++];
          options.push({ name, value });
          break;
        }
        options.push({ name, value: undefined });
      }
    }
    // Non-option words are ignored: cyclictest ignores them too.
  }
  return options;
}

function positiveInteger(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const parsed = Number(value);
  return parsed > 0 && Number.isSafeInteger(parsed) ? parsed : null;
}

export function readCommandFacts(command: string | readonly string[]): CyclictestCommandFacts {
  const facts: CyclictestCommandFacts = { affinity: null, histogramSize: null, nanoseconds: false };
  for (const { name, value } of readOptions(tokenizeCommand(command))) {
    if (name === 'a' || name === 'affinity') {
      if (value === undefined) facts.affinity = 'all';
      else {
        try {
          const cpus = parseCpuList(value);
          facts.affinity = cpus.length > 0 ? cpus : null;
        } catch {
          // A list we cannot read (e.g. the libnuma "!" negation) leaves the CPU unknown rather than wrong.
          facts.affinity = null;
        }
      }
    } else if (name === 'S' || name === 'smp') {
      facts.affinity = 'all';
    } else if (['h', 'H', 'histogram', 'histofall'].includes(name)) {
      facts.histogramSize = positiveInteger(value);
    } else if (name === 'N' || name === 'nsecs') {
      facts.nanoseconds = true;
    }
  }
  return facts;
}

/**
 * cyclictest pins thread i to the i-th CPU of the `-a` set in round-robin order ("-a 3-5,0 -t 5 runs the first
 * and fifth threads on CPU 0"): the set is walked in ascending CPU order.
 */
export function cpuForThread(facts: CyclictestCommandFacts, thread: number): number | null {
  if (!Array.isArray(facts.affinity) || facts.affinity.length === 0) return null;
  return facts.affinity[thread % facts.affinity.length] ?? null;
}
