/**
 * Turns probe outputs into a CheckResult. The live runner and the bundle reader both end here, which is what
 * makes a bundle give the same verdicts as a live run on the same host.
 */
import { isSudoRefusal } from '../remote-command';
import type { CheckDefinition, Outcome } from './definition';
import { EvidenceView } from './definition';
import type { CheckResult, ControllerFacts, Evidence, Probe, ProbeOutput, Remediation, ResolvedProfile } from './model';

/**
 * Decides whether a finished probe ran with the rights it needed. `asRoot`: the command ran as root (live with
 * sudo or uid 0, or a collect.sh bundle made with sudo).
 */
export function classifyOutput(probe: Probe, output: Omit<ProbeOutput, 'status'>, asRoot: boolean): ProbeOutput {
  if (isSudoRefusal(output.stderr)) return { ...output, status: 'needs-sudo', message: 'sudo -n refused to run it' };
  if (!asRoot && probe.root) return { ...output, status: 'needs-sudo', message: 'needs root' };
  if (!asRoot && probe.rootIfDenied?.test(`${output.stdout}\n${output.stderr}`)) {
    return { ...output, status: 'needs-sudo', message: 'not allowed for this user' };
  }
  return { ...output, status: 'ok' };
}

export function evaluateCheck(def: CheckDefinition, outputs: ReadonlyMap<string, ProbeOutput>, profile: ResolvedProfile): CheckResult {
  const used = [...def.probes, ...(def.optionalProbes ?? [])];
  const evidence: Evidence[] = [];
  for (const probe of used) {
    const output = outputs.get(probe.id);
    if (output) evidence.push({ command: output.command, stdout: output.stdout, stderr: output.stderr, exitCode: output.exitCode });
  }
  const base = { id: def.id, slug: def.slug, title: def.title, group: def.group, evidence };

  const missing = def.probes.filter((probe) => !outputs.has(probe.id));
  if (missing.length > 0) {
    return { ...base, verdict: 'error', summary: `no evidence from ${missing.map((p) => p.id).join(', ')}`, why: def.why, remediation: null };
  }
  const refused = def.probes.filter((probe) => outputs.get(probe.id)?.status === 'needs-sudo');
  if (refused.length > 0) {
    return finish(def, base, { verdict: 'skip', skipReason: 'needs sudo', summary: `needs sudo: ${refused.map((p) => p.id).join(', ')} must run as root` });
  }
  const broken = def.probes.map((probe) => outputs.get(probe.id)).find((o) => o && o.status !== 'ok');
  if (broken) {
    return { ...base, verdict: 'error', summary: `${broken.status === 'timeout' ? 'timed out' : 'failed'}: ${broken.message ?? 'command did not finish'}`, why: def.why, remediation: null };
  }

  let outcome: Outcome;
  try {
    outcome = def.evaluate(new EvidenceView(outputs), profile);
  } catch (error) {
    outcome = { verdict: 'error', summary: `could not interpret the output: ${error instanceof Error ? error.message : String(error)}` };
  }
  return finish(def, base, outcome);
}

function finish(def: CheckDefinition, base: Omit<CheckResult, 'verdict' | 'summary' | 'remediation'>, outcome: Outcome): CheckResult {
  const result: CheckResult = { ...base, verdict: outcome.verdict, summary: outcome.summary, remediation: null };
  if (outcome.verdict === 'pass') return result;
  result.why = outcome.why ?? def.why;
  if (outcome.verdict === 'skip') {
    result.skipReason = outcome.skipReason ?? 'not applicable';
    result.remediation = outcome.remediation ?? skipRemedy(result.skipReason, outcome.tool);
    return result;
  }
  result.remediation = outcome.remediation ?? null;
  return result;
}

/** Debian/Ubuntu package of a command a probe needs. */
const packages: Record<string, string> = {
  ethtool: 'ethtool',
  chronyc: 'chrony',
  curl: 'curl',
  timedatectl: 'systemd',
  systemctl: 'systemd',
  dockerd: 'docker.io',
  docker: 'docker.io',
  ps: 'procps',
  pgrep: 'procps',
  taskset: 'util-linux',
};

function skipRemedy(reason: string, tool: string | undefined): Remediation | null {
  if (reason === 'needs sudo') {
    return {
      summary:
        'Let the commissioning account run these read-only probes with `sudo -n` (no password prompt), or collect the evidence offline as root and import the bundle.',
      steps: ['sudo sh collect.sh > evidence.tar.gz   # on the controller; then import evidence.tar.gz'],
      files: [],
      manual: true,
    };
  }
  if (reason === 'tool missing' && tool) {
    if (tool === 'msr') return { summary: 'Load the msr module so MSR_SMI_COUNT can be read (read-only).', steps: ['modprobe msr'], files: [], manual: true };
    const pkg = packages[tool];
    if (pkg) return { summary: `Install ${tool} (package ${pkg}).`, steps: [`apt-get install -y ${pkg}`], files: [], manual: true };
  }
  return null;
}

/** The CLI's --json shape of one check. */
export function checkResultJson(result: CheckResult): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: result.id,
    title: result.title,
    group: result.group,
    verdict: result.verdict,
    summary: result.summary,
    evidence: result.evidence.map((e) => ({ command: e.command, stdout: e.stdout, stderr: e.stderr, exitCode: e.exitCode })),
    remediation: result.remediation,
  };
  if (result.why !== undefined) json.why = result.why;
  if (result.skipReason !== undefined) json.skipReason = result.skipReason;
  return json;
}

/** Host name and kernel identity from the fact probes (uname, hostname). */
export function controllerFacts(outputs: ReadonlyMap<string, ProbeOutput>): ControllerFacts {
  const facts: ControllerFacts = {};
  const uname = outputs.get('uname');
  if (uname?.status === 'ok') {
    const [release, version] = uname.stdout.split('\n');
    if (release?.trim()) facts.kernelRelease = release.trim();
    if (version?.trim()) facts.kernelVersion = version.trim();
  }
  const hostname = outputs.get('hostname');
  if (hostname?.status === 'ok' && hostname.stdout.trim() !== '') facts.hostname = hostname.stdout.trim();
  return facts;
}
