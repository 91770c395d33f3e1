import type { CheckResult, Evidence, Verdict } from '../../../../shared/checks/model';
import type { CheckChangeKind } from '../../../../shared/model/checks';

/** StatusChip's tones (kept here so this module stays plain TS, testable under Node). */
type ChipTone = 'pass' | 'warn' | 'fail' | 'skip' | 'busy' | 'info';

export const verdictOrder: readonly Verdict[] = ['fail', 'error', 'warn', 'skip', 'pass'];

/** An error (the check could not decide) is not a verdict on the host: neutral, with its own word. */
export function verdictTone(verdict: Verdict): ChipTone {
  return verdict === 'error' ? 'info' : verdict;
}

export function changeTone(kind: CheckChangeKind): ChipTone {
  switch (kind) {
    case 'fixed':
    case 'improved':
      return 'pass';
    case 'regressed':
      return 'fail';
    case 'changed':
    case 'new':
    case 'gone':
      return 'warn';
    case 'same':
      return 'skip';
  }
}

/**
 * The command as the technician would type it: the runner wraps every probe in
 * `taskset -c HK nice -n 10 sh -c '<export …>\n<command>'`; the evidence keeps that exact text for the engineer.
 */
export function readableCommand(command: string): string {
  const match = /^taskset -c ([0-9,-]+) nice -n 10 sh -c '(.*)'$/s.exec(command);
  if (!match?.[2]) return command;
  const body = match[2].replace(/'\\''/g, "'");
  const lines = body.split('\n');
  const withoutEnv = lines[0]?.startsWith('export RT_UNIT=') ? lines.slice(1) : lines;
  const inner = /^sudo -n sh -c '(.*)'$/s.exec(withoutEnv.join('\n'));
  if (inner?.[1]) {
    const innerLines = inner[1].replace(/'\\''/g, "'").split('\n');
    return `sudo ${(innerLines[0]?.startsWith('export RT_UNIT=') ? innerLines.slice(1) : innerLines).join('\n')}`;
  }
  return withoutEnv.join('\n');
}

/** Everything about one check, as text for "copy details" and a report. */
export function resultText(result: CheckResult): string {
  const evidence = result.evidence.map((e: Evidence) => [`$ ${e.command}`, e.stdout.trimEnd(), e.stderr ? `[stderr]\n${e.stderr.trimEnd()}` : '', `[exit ${e.exitCode ?? 'none'}]`].filter(Boolean).join('\n')).join('\n\n');
  const remedy = result.remediation
    ? [
        result.remediation.summary,
        ...result.remediation.files.map((f) => `# ${f.path}\n${f.content}`),
        ...result.remediation.steps,
      ].join('\n')
    : '';
  return [`${result.id} ${result.title}: ${result.verdict.toUpperCase()}`, result.summary, result.why ?? '', evidence, remedy].filter(Boolean).join('\n\n');
}

export function remedyText(result: CheckResult): string {
  const r = result.remediation;
  if (!r) return '';
  return [...r.files.map((f) => `# ${f.path}${f.merge === 'set-keys' ? ' (set these keys)' : ''}\n${f.content.trimEnd()}`), ...r.steps].join('\n\n');
}

export function matches(result: Pick<CheckResult, 'id' | 'title' | 'summary' | 'slug'>, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [result.id, result.title, result.summary, result.slug].some((text) => text.toLowerCase().includes(q));
}
