/**
 * Canonical JSON for report integrity: the same data always gives the same bytes, on any machine and in any
 * language runtime that follows the rules (they are those of RFC 8785, JCS, for the values a report holds):
 * object keys sorted by UTF-16 code units, no whitespace, numbers and strings as ECMAScript JSON.stringify writes
 * them, `undefined` members left out. Non-finite numbers have no JSON form and are refused rather than silently
 * written as null, because a hash over a changed value would be a lie.
 */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, path: string, indent: string, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path} is ${String(value)}, which JSON cannot hold`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      const open = indent ? `\n${indent.repeat(depth + 1)}` : '';
      const close = indent ? `\n${indent.repeat(depth)}` : '';
      const separator = indent ? ': ' : ':';
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        const items = value.map((item: unknown, index) => (item === undefined ? 'null' : write(item, `${path}[${index}]`, indent, depth + 1)));
        return `[${open}${items.join(`,${open}`)}${close}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort(byCodeUnits);
      if (keys.length === 0) return '{}';
      const members = keys.map((key) => `${JSON.stringify(key)}${separator}${write(record[key], `${path}.${key}`, indent, depth + 1)}`);
      return `{${open}${members.join(`,${open}`)}${close}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw new CanonicalJsonError(`${path} is a ${typeof value}, which JSON cannot hold`);
  }
  throw new CanonicalJsonError(`${path} cannot be written as JSON`);
}

/** The bytes the report hash is computed over. */
export function canonicalJson(value: unknown): string {
  return write(value, '$', '', 0);
}

/** The same order, indented for people: still byte-for-byte reproducible from the data. */
export function stableJson(value: unknown, indent = 2): string {
  return write(value, '$', ' '.repeat(indent), 0);
}
