/**
 * Remedy builders (rt-checklist.md §11). Every value comes from the controller profile or from the evidence;
 * every file is a drop-in of ours (never a rewrite of a distribution file), so a remedy can be reviewed and undone.
 */
import type { Remediation, RemediationFile, ResolvedProfile } from './model';
import { unitFileName } from './parse-proc';

export const GRUB_DROPIN = '/etc/default/grub.d/60-mxrc-rt.cfg';
export const SYSCTL_FILE = '/etc/sysctl.d/60-mxrc-rt.conf';
export const TMPFILES_FILE = '/etc/tmpfiles.d/60-mxrc-rt.conf';
export const SYSTEM_CONF_DROPIN = '/etc/systemd/system.conf.d/60-mxrc-cpuaffinity.conf';
export const JOURNALD_DROPIN = '/etc/systemd/journald.conf.d/60-mxrc-rt.conf';
export const LIMITS_FILE = '/etc/security/limits.d/90-mxrc-rt.conf';
export const IRQBALANCE_DEFAULTS = '/etc/default/irqbalance';

const header = '# Written by mxrc-commissioner (rt-checklist §11). Remove this file to undo.';

export function unitDropInPath(unit: string, name = '60-mxrc.conf'): string {
  return `/etc/systemd/system/${unitFileName(unit)}.d/${name}`;
}

/** Kernel command-line parameters through a grub.d drop-in (never by editing /etc/default/grub). */
export function grubRemedy(params: string[], summary: string): Remediation {
  return {
    summary,
    files: [{ path: GRUB_DROPIN, content: grubContent(params), mode: '0644' }],
    steps: ['update-grub', '# reboot, then re-run the checks: the kernel reads its command line only at boot'],
    reboot: true,
  };
}

export function grubContent(params: string[]): string {
  return `${header}\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX ${params.join(' ')}"\n`;
}

/** The reference command line for the profile, so partial remedies still converge on one consistent line. */
export function rtCmdlineParam(profile: ResolvedProfile, name: string): string {
  switch (name) {
    case 'isolcpus':
      return `isolcpus=managed_irq,domain,${profile.rtList}`;
    case 'nohz_full':
      return `nohz_full=${profile.rtList}`;
    case 'rcu_nocbs':
      return `rcu_nocbs=${profile.rtList}`;
    case 'irqaffinity':
      return `irqaffinity=${profile.hkList}`;
    default:
      throw new Error(`no reference value for ${name}`);
  }
}

export function sysctlRemedy(settings: Array<[string, string | number]>, summary: string): Remediation {
  const body = settings.map(([key, value]) => `${key} = ${value}`).join('\n');
  return {
    summary,
    files: [{ path: SYSCTL_FILE, content: `${header}\n${body}\n`, mode: '0644' }],
    steps: [`sysctl -p ${SYSCTL_FILE}`],
  };
}

/** Runtime sysfs values made persistent with systemd-tmpfiles `w` lines (applied at every boot). */
export function tmpfilesRemedy(entries: string[], summary: string): Remediation {
  return {
    summary,
    files: [{ path: TMPFILES_FILE, content: `${header}\n${entries.join('\n')}\n`, mode: '0644' }],
    steps: [`systemd-tmpfiles --create ${TMPFILES_FILE}`],
  };
}

export function tmpfilesWrite(path: string, value: string): string {
  return `w ${path} - - - - ${value}`;
}

/** A [Service] drop-in for a unit; restarting is a separate, explicit step. */
export function unitDropInRemedy(unit: string, settings: string[], summary: string, opts: { restartNote?: string } = {}): Remediation {
  const name = unitFileName(unit);
  const steps = ['systemctl daemon-reload'];
  if (opts.restartNote) steps.push(`# ${opts.restartNote}`);
  steps.push(`systemctl restart ${name}`);
  return {
    summary,
    files: [{ path: unitDropInPath(unit), content: `${header}\n[Service]\n${settings.join('\n')}\n`, mode: '0644' }],
    steps,
  };
}

export function rtUnitSettings(profile: ResolvedProfile): string[] {
  return [
    `CPUAffinity=${profile.rtSpaced}`,
    'CPUSchedulingPolicy=fifo',
    `CPUSchedulingPriority=${profile.rtPrio}`,
    'LimitMEMLOCK=infinity',
    `LimitRTPRIO=${Math.min(profile.rtPrio + 10, 98)}`,
  ];
}

export function rtUnitRemedy(profile: ResolvedProfile, summary: string): Remediation {
  return unitDropInRemedy(profile.rtUnit, rtUnitSettings(profile), summary, {
    restartNote: `restarting ${unitFileName(profile.rtUnit)} stops the RT loop: put the robot in a safe state first`,
  });
}

export function systemAffinityRemedy(profile: ResolvedProfile, summary: string): Remediation {
  return {
    summary,
    files: [{ path: SYSTEM_CONF_DROPIN, content: `${header}\n[Manager]\nCPUAffinity=${profile.hkSpaced}\n`, mode: '0644' }],
    steps: ['# PID 1 reads CPUAffinity= at boot: reboot, then re-run the checks'],
    reboot: true,
  };
}

/**
 * A oneshot unit of ours running a small script (a file, so nothing needs systemd's $-escaping), enabled and
 * started at once.
 */
export function oneshotRemedy(
  name: string,
  description: string,
  script: string[],
  summary: string,
  opts: { device?: string } = {},
): Remediation {
  const scriptPath = `/usr/local/sbin/${name}.sh`;
  const order = opts.device
    ? `After=sys-subsystem-net-devices-${opts.device}.device\nBindsTo=sys-subsystem-net-devices-${opts.device}.device\n`
    : 'After=systemd-udev-settle.service network-pre.target\n';
  const unit = `${header}\n[Unit]\nDescription=${description} (mxrc)\n${order}\n[Service]\nType=oneshot\nExecStart=/bin/sh ${scriptPath}\n\n[Install]\nWantedBy=multi-user.target\n`;
  return {
    summary,
    files: [
      { path: scriptPath, content: `#!/bin/sh\n${header}\n${script.join('\n')}\n`, mode: '0755' },
      { path: `/etc/systemd/system/${name}.service`, content: unit, mode: '0644' },
    ],
    steps: ['systemctl daemon-reload', `systemctl enable --now ${name}.service`],
  };
}

/** Advice and diagnostics for a person; never run by an exported script. */
export function textRemedy(summary: string, steps: string[] = []): Remediation {
  return { summary, steps, files: [], manual: true };
}

/** One remedy out of several: files merged per path, steps de-duplicated in order. */
export function combine(summary: string, ...parts: Array<Remediation | null | undefined>): Remediation {
  const files = new Map<string, RemediationFile>();
  const steps: string[] = [];
  let reboot = false;
  const present = parts.filter((p): p is Remediation => p !== null && p !== undefined);
  for (const part of present) {
    if (!part) continue;
    for (const file of part.files) {
      const existing = files.get(file.path);
      files.set(file.path, existing ? mergeFiles(existing, file) : { ...file });
    }
    for (const step of part.steps) if (!steps.includes(step)) steps.push(step);
    reboot ||= part.reboot === true;
  }
  const result: Remediation = { summary, steps, files: [...files.values()] };
  if (reboot) result.reboot = true;
  if (present.length > 0 && present.every((p) => p.manual === true)) result.manual = true;
  return result;
}

// ---------------------------------------------------------------------------------------------- merging files

/** Two remedies writing the same file: union of settings, the later value of a key wins. */
export function mergeFiles(a: RemediationFile, b: RemediationFile): RemediationFile {
  const merged: RemediationFile = { ...a, content: mergeContent(a.content, b.content) };
  if (b.mode !== undefined) merged.mode = b.mode;
  return merged;
}

export function mergeContent(a: string, b: string): string {
  if (/^GRUB_CMDLINE_LINUX=/m.test(a) && /^GRUB_CMDLINE_LINUX=/m.test(b)) {
    return grubContent(mergeParams(grubParams(a), grubParams(b)));
  }
  return mergeLines(a, b);
}

function grubParams(content: string): string[] {
  const m = /^GRUB_CMDLINE_LINUX="\$GRUB_CMDLINE_LINUX ?(.*)"$/m.exec(content);
  return (m?.[1] ?? '').split(/\s+/).filter((p) => p !== '');
}

function paramName(param: string): string {
  const index = param.indexOf('=');
  return index < 0 ? param : param.slice(0, index);
}

function mergeParams(a: string[], b: string[]): string[] {
  const out = [...a];
  for (const param of b) {
    const index = out.findIndex((p) => paramName(p) === paramName(param));
    if (index >= 0) out[index] = param;
    else out.push(param);
  }
  return out;
}

/** Key of a config line: `key = value`, `Key=value`, or the first three fields (tmpfiles, limits.conf). */
function lineKey(line: string): string {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#') || /^\[.*\]$/.test(trimmed)) return `raw:${trimmed}`;
  const assignment = /^([A-Za-z_][\w.]*)\s*=/.exec(trimmed);
  if (assignment?.[1]) return `key:${assignment[1]}`;
  return `fields:${trimmed.split(/\s+/).slice(0, 3).join(' ')}`;
}

interface IniSection {
  header: string;
  lines: string[];
}

function splitSections(content: string): IniSection[] {
  const out: IniSection[] = [{ header: '', lines: [] }];
  for (const line of content.replace(/\n$/, '').split('\n')) {
    if (/^\[.*\]$/.test(line.trim())) out.push({ header: line.trim(), lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out;
}

function mergeLines(a: string, b: string): string {
  const sectionsA = splitSections(a);
  for (const sectionB of splitSections(b)) {
    let target = sectionsA.find((s) => s.header === sectionB.header);
    if (!target) sectionsA.push((target = { header: sectionB.header, lines: [] }));
    for (const line of sectionB.lines) {
      const key = lineKey(line);
      const index = target.lines.findIndex((l) => lineKey(l) === key);
      if (index >= 0) target.lines[index] = line;
      else target.lines.push(line);
    }
  }
  const text = sectionsA
    .filter((s) => s.header !== '' || s.lines.length > 0)
    .map((s) => (s.header === '' ? s.lines : [s.header, ...s.lines]).join('\n'))
    .join('\n');
  return `${text}\n`;
}
