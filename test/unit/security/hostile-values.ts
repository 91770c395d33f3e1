/**
 * Values a technician, an imported profile file or a compromised controller could put into a field that ends up
 * in a remote command: a fixed list of classic shell-injection shapes plus seeded random strings over an
 * alphabet of shell metacharacters, whitespace and non-ASCII. Payloads that would run something all `touch` the
 * sandbox's canary, so an escape leaves a file behind as well as a stub call.
 */
import { canaryPath } from './shell-sandbox';

const c = canaryPath;

export const nastyStrings: readonly string[] = [
  // quotes and escapes
  "it's", "'", "''", '"', '"dq"', '\\', "\\'", '\\"', "'\\''",
  // command substitution and chaining
  `$(touch ${c})`, `\`touch ${c}\``, `; touch ${c}`, `a;touch ${c}`, `&& touch ${c}`, `|| touch ${c}`, `| touch ${c}`,
  `& touch ${c}`, `x\ntouch ${c}`, `x\r\ntouch ${c}`, `'; touch ${c}; '`, `"; touch ${c}; "`, `$(touch ${c})'"`,
  `\\$(touch ${c})`, `'$(touch ${c})'`, `\${x:-$(touch ${c})}`, `> ${c}`, `>> ${c}`, '< /etc/passwd', '2>&1',
  // globbing, expansion, history, comments
  '*', '/*', '?', '[a-z]*', '{a,b}', '~', '~root', '$HOME', '${PATH}', '$((1+1))', '$IFS', '$0', '$@', '#not a comment',
  'a #b', '!', '!!', '%s%n', '%{http_code}',
  // options where a value was expected
  '-', '--', '-rf', '--help', '-Htouch', '--version', '-u', '--output=/tmp/x',
  // whitespace
  ' ', ' lead', 'trail ', 'two words', '\t', 'tab\there', 'a\u00a0b', 'a\u2028b', 'line\nbreak',
  // nothing at all
  '',
  // non-ASCII and control characters
  'ünïcode ✓', '한국어 유닛', '😀', '\u001b[31mred', '\u007f', 'x=y', 'a\\nb', '\\x27',
];

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Array.from, not a spread: one entry per code point (the alphabet is ASCII plus single code points).
const alphabet = [...Array.from("'\"`$(){}[];&|<>*?~!#%\\ \t\n\r-=.,:@/^"), ...Array.from('abcXYZ019_'), 'ü', '한', '✓', '😀', '\u00a0', '\u001b'];

/** `count` random strings (length 0–24) from the alphabet above, reproducible from `seed`. */
export function seededStrings(seed: number, count: number): string[] {
  const random = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = Math.floor(random() * 25);
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)] ?? '';
    // Every fourth one carries a real payload somewhere inside, so random framing around it is tried too.
    if (i % 4 === 0) {
      const at = Math.floor(random() * (text.length + 1));
      text = `${text.slice(0, at)}$(touch ${c})${text.slice(at)}`;
    }
    out.push(text);
  }
  return out;
}

/** The seed is printed by the tests, so a failure can be replayed with MXRC_FUZZ_SEED. */
export const fuzzSeed = Number(process.env.MXRC_FUZZ_SEED ?? 0x5eed);

/** The fixed list plus `randomCount` seeded strings, without duplicates. */
export function hostileValues(randomCount = 16, seed = fuzzSeed): string[] {
  return [...new Set([...nastyStrings, ...seededStrings(seed, randomCount)])];
}
