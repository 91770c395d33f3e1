/**
 * "Export remediation": one reviewable POSIX shell script plus the config files it would install. Nothing is
 * applied by the app; the script shows a diff of every file, asks before changing anything, backs up every file
 * it replaces, and asks again before rebooting.
 */
import { quote } from '../remote-command';
import type { CheckResult, Remediation, RemediationFile } from './model';
import { combine } from './remedies';

export interface RemediationExportFile {
  /** Path inside the export directory, e.g. files/etc/sysctl.d/60-mxrc-rt.conf. */
  path: string;
  content: string;
  mode: string;
}

export interface RemediationExport {
  /** remediation.sh */
  script: string;
  /** The files the script installs, under files/. */
  files: RemediationExportFile[];
  /** The checks the export addresses (automated or listed as manual steps). */
  addressed: Array<{ id: string; verdict: string; summary: string }>;
  reboot: boolean;
}

export const SCRIPT_NAME = 'remediation.sh';

export function exportPath(target: string): string {
  return `files/${target.replace(/^\/+/, '')}`;
}

/** Remedies of the warn/fail results merged into one script (skips and errors change nothing on the host). */
export function buildRemediationExport(results: readonly CheckResult[], meta: { hostname?: string; generatedAt: string }): RemediationExport {
  const relevant = results.filter((r) => (r.verdict === 'warn' || r.verdict === 'fail') && r.remediation);
  const merged: Remediation = combine('', ...relevant.map((r) => r.remediation).filter((r) => r?.manual !== true));
  const manual = relevant
    .filter((r) => r.remediation?.manual === true)
    .map((r) => ({ id: r.id, summary: r.remediation?.summary ?? '', steps: r.remediation?.steps ?? [] }));
  const files = merged.files;
  const addressed = relevant.map((r) => ({ id: r.id, verdict: r.verdict, summary: r.summary }));
  return {
    script: renderScript(files, merged.steps, addressed, manual, merged.reboot === true, meta),
    files: files.map((f) => ({ path: exportPath(f.path), content: f.content, mode: f.mode ?? '0644' })),
    addressed,
    reboot: merged.reboot === true,
  };
}

function comment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function renderScript(
  files: RemediationFile[],
  steps: string[],
  addressed: RemediationExport['addressed'],
  manual: Array<{ id: string; summary: string; steps: string[] }>,
  reboot: boolean,
  meta: { hostname?: string; generatedAt: string },
): string {
  const list = addressed.map((a) => `#   ${a.id} ${a.verdict.padEnd(4)} ${comment(a.summary)}`).join('\n') || '#   (nothing to change)';
  const stage = files
    .map((f, i) => `stage ${i + 1} ${quote(f.path)} "$here/"${quote(exportPath(f.path))} ${f.merge ?? 'replace'}`)
    .join('\n');
  const show = files.map((f, i) => `show ${i + 1} ${quote(f.path)}`).join('\n');
  const install = files.map((f, i) => `install_file ${i + 1} ${quote(f.path)} ${f.mode ?? '0644'}`).join('\n');
  const commands = steps.join('\n');
  const byHand = manual
    .map((m) => [`# ${m.id}: ${comment(m.summary)}`, ...m.steps.map((step) => `#     ${comment(step)}`)].join('\n'))
    .join('\n');
  return `#!/bin/sh
# MXRC real-time remediation for ${comment(meta.hostname ?? 'the controller')}, generated ${meta.generatedAt} by mxrc-commissioner.
# It addresses:
${list}
#
# Review this script and the files under files/ first. Then, ON THE CONTROLLER, in this directory:
#   sudo sh ${SCRIPT_NAME} --dry-run   show what would change, change nothing
#   sudo sh ${SCRIPT_NAME}             show the changes, ask, apply them, ask before rebooting
# Every file it replaces is kept as <file>.mxrc-bak.<timestamp>; delete our drop-in files to undo.
# Commands that restart the RT service stop the RT loop: put the robot in a safe state first.
${byHand ? `#\n# Not automated, to do by hand (kernel packages, BIOS, the controller profile, diagnostics):\n${byHand}\n` : ''}set -eu

here=$(cd "$(dirname "$0")" && pwd)
stamp=$(date +%Y%m%d%H%M%S)
dry=0
case "\${1:-}" in
  --dry-run) dry=1 ;;
  '') ;;
  *) echo "usage: sudo sh $0 [--dry-run]" >&2; exit 2 ;;
esac
if [ "$dry" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "run it as root: sudo sh $0" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# stage N TARGET SOURCE MERGE: the content TARGET would get. 'set-keys' keeps the file and replaces only the keys.
stage() {
  if [ "$4" = set-keys ]; then
    keys=$(sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p' "$3" | paste -sd '|' -)
    { if [ -f "$2" ]; then grep -v -E "^[[:space:]]*($keys)=" "$2" || true; fi; cat "$3"; } > "$work/$1"
  else
    cp "$3" "$work/$1"
  fi
}

show() {
  if [ -f "$2" ]; then
    if cmp -s "$2" "$work/$1"; then echo "unchanged: $2"; else diff -u "$2" "$work/$1" || true; fi
  else
    echo "new file: $2"
    sed 's/^/+ /' "$work/$1"
  fi
}

install_file() {
  if [ -f "$2" ] && cmp -s "$2" "$work/$1"; then return 0; fi
  if [ -e "$2" ]; then
    cp -a "$2" "$2.mxrc-bak.$stamp"
    echo "backup: $2.mxrc-bak.$stamp"
  fi
  mkdir -p "$(dirname "$2")"
  cp "$work/$1" "$2"
  chmod "$3" "$2"
  echo "installed: $2"
}

${stage}

echo '== Files'
${show || 'echo "(none)"'}
echo
echo '== Commands that will run after the files are installed'
cat <<'MXRC_COMMANDS'
${commands || '(none)'}
MXRC_COMMANDS

if [ "$dry" = 1 ]; then
  echo 'Dry run: nothing changed.'
  exit 0
fi
printf 'Apply these changes? [y/N] '
read -r answer || answer=
case "$answer" in
  y|Y|yes|YES) ;;
  *) echo 'Nothing changed.'; exit 0 ;;
esac

${install}

${commands}

echo 'Done. Re-run the checks to verify.'${byHand ? `\necho 'Still to do by hand: see the comments at the top of this script (${manual.map((m) => m.id).join(', ')}).'` : ''}
${
  reboot
    ? `printf 'The kernel command line and PID 1 settings change only at boot. Reboot now? [y/N] '
read -r answer || answer=
case "$answer" in
  y|Y|yes|YES) systemctl reboot ;;
  *) echo 'Reboot later, then re-run the checks.' ;;
esac`
    : ''
}
`;
}
