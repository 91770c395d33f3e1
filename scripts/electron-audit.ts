/**
 * CI gate: run electronegativity on the built app (out/) and fail on any HIGH or MEDIUM finding that the reviewed
 * allow-list (security/electronegativity-allowlist.json) does not explain. electronegativity itself exits 0 even
 * with HIGH findings, so its CSV report is parsed here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const binary = join(root, 'tools/electronegativity/node_modules/.bin/electronegativity');

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field.trim());
      field = '';
    } else if (c === '\n') {
      row.push(field.trim());
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field.trim()]);
  return rows;
}

interface Allowed {
  issue: string;
  file: string;
  reason: string;
}

function main(): number {
  const report = join(mkdtempSync(join(tmpdir(), 'mxrc-audit-')), 'report.csv');
  // electronegativity tries to download Electron release data and translations. Run it in an empty network
  // namespace (root: `unshare -n`) so it cannot send a packet anywhere; it then works from its bundled data.
  const args = ['-i', join(root, 'out'), '-r', '-e', electronVersion, '-o', report];
  if (process.getuid?.() !== 0) throw new Error('run the audit as root: it isolates electronegativity from the network with unshare -n');
  execFileSync('unshare', ['-n', binary, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const [header, ...rows] = parseCsv(readFileSync(report, 'utf8')).filter((r) => r.length > 1);
  if (!header || header[0] !== 'issue') throw new Error('unexpected electronegativity report format');
  const allowed = (JSON.parse(readFileSync(join(root, 'security/electronegativity-allowlist.json'), 'utf8')) as { allowed: Allowed[] }).allowed;
  const findings = rows.map(([issue = '', severity = '', confidence = '', file = '', location = '', sample = '']) => ({ issue, severity, confidence, file, location, sample }));
  const blocking = findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'MEDIUM') && !allowed.some((a) => a.issue === f.issue && a.file === f.file));
  for (const f of findings) {
    const note = blocking.includes(f) ? 'BLOCKING' : allowed.some((a) => a.issue === f.issue && a.file === f.file) ? 'allowed' : 'info';
    console.log(`${note.padEnd(8)} ${f.severity.padEnd(6)} ${f.issue} ${f.file}:${f.location}`);
  }
  console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} findings, ${blocking.length} blocking`);
  return blocking.length === 0 ? 0 : 1;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main();
