/** §8 Services and Docker: D01–D07. */
import type { CheckDefinition, EvidenceView } from './definition';
import { ipcProcessOf, unitProps, unitState } from './facts';
import {
  cpuListOrNull,
  cpus,
  firstLine,
  intersect,
  isSubset,
  lines,
  listSome,
  plural,
  sameSet,
  systemdUnavailable,
  toolMissing,
  valueLines,
} from './parse';
import { parseTaskStatus, systemdCpuSet, unitFileName, unitLoaded } from './parse-proc';
import * as P from './probes';
import {
  combine,
  JOURNALD_DROPIN,
  TMPFILES_FILE,
  textRemedy,
  unitDropInPath,
  unitDropInRemedy,
} from './remedies';

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

const d01: CheckDefinition = {
  id: 'D01',
  slug: 'docker-version-cgroup',
  title: 'Docker on cgroup v2',
  group: 'docker',
  probes: [P.dockerBin, P.cgroupfs],
  optionalProbes: [P.dockerInfo],
  why: 'The WebAPI is confined to the housekeeping cores and 512 MiB through cgroup v2 cpuset/memory controllers; on cgroup v1 or an old engine that confinement is unreliable.',
  evaluate(ev, profile) {
    const bin = ev.text(P.dockerBin);
    const docker = /Docker version ([\d.]+)/.exec(bin)?.[1];
    const containerd = /^containerd \S+ v?([\d.]+)/m.exec(bin)?.[1];
    if (!docker) {
      return toolMissing(bin, 'dockerd')
        ? { verdict: 'skip', skipReason: 'tool missing', tool: 'dockerd', summary: 'dockerd not found on the controller' }
        : { verdict: 'error', summary: `cannot read the Docker version: ${firstLine(bin) || 'no output'}` };
    }
    const [fstype = '?', controllersLine] = valueLines(ev.text(P.cgroupfs)).map((l) => l.trim());
    const controllers = controllersLine ? controllersLine.split(/\s+/) : [];
    const info = /^([\d.]+[^|]*)\|(\d*)\|(\w*)$/m.exec(ev.stdout(P.dockerInfo));
    const driver = info?.[3];
    const facts = `Docker ${docker}${containerd ? `, containerd ${containerd}` : ''}; /sys/fs/cgroup ${fstype}${controllers.length ? ` (${controllers.join(' ')})` : ''}${driver ? `; cgroup driver ${driver}` : ''}`;
    if (fstype !== 'cgroup2fs') {
      return {
        verdict: 'fail',
        summary: `cgroup v1 (/sys/fs/cgroup is ${fstype}): ${facts}`,
        remediation: textRemedy('Boot with the unified cgroup hierarchy (the Ubuntu 24.04 default): remove systemd.unified_cgroup_hierarchy=0 from GRUB.', [
          `sed -i 's/ *systemd\\.unified_cgroup_hierarchy=[^ "]*//g' /etc/default/grub /etc/default/grub.d/*.cfg`,
          'update-grub',
          '# reboot, then re-run the checks',
        ]),
      };
    }
    if (!versionAtLeast(docker, profile.thresholds.minDockerVersion)) {
      return { verdict: 'fail', summary: `Docker ${docker} older than ${profile.thresholds.minDockerVersion}: ${facts}`, remediation: textRemedy('Upgrade the Docker Engine.', ['apt-get install --only-upgrade -y docker.io']) };
    }
    const missing = ['cpuset', 'memory'].filter((c) => controllers.length > 0 && !controllers.includes(c));
    if (missing.length > 0 || (driver !== undefined && driver !== 'systemd')) {
      return {
        verdict: 'warn',
        summary: `${missing.length ? `controllers missing: ${missing.join(', ')}; ` : ''}${facts}`,
        remediation: textRemedy('Use the systemd cgroup driver ("exec-opts": ["native.cgroupdriver=systemd"] in /etc/docker/daemon.json) and enable the cpuset and memory controllers.'),
      };
    }
    return { verdict: 'pass', summary: facts };
  },
};

const dockerDaemon = (name: string): boolean => name === 'dockerd' || name === 'containerd' || name.startsWith('containerd-shim');

const d02: CheckDefinition = {
  id: 'D02',
  slug: 'docker-daemon-placement',
  title: 'Docker daemons on housekeeping cores',
  group: 'docker',
  probes: [P.threadStatus],
  optionalProbes: [P.units],
  why: 'Docker ignores isolcpus: dockerd, containerd and every container they start inherit their affinity, so daemons allowed on the RT cores put container work there.',
  evaluate(ev, profile) {
    const tasks = parseTaskStatus(ev.stdout(P.threadStatus)).filter((t) => !t.kthread && dockerDaemon(t.name));
    if (tasks.length === 0) return { verdict: 'skip', skipReason: 'not applicable', summary: 'dockerd/containerd not running' };
    const byName = new Map<string, { pids: Set<number>; cpus: Set<number> }>();
    for (const t of tasks) {
      const entry = byName.get(t.name) ?? { pids: new Set(), cpus: new Set() };
      entry.pids.add(t.tgid);
      for (const cpu of t.allowed ?? []) entry.cpus.add(cpu);
      byName.set(t.name, entry);
    }
    const describe = [...byName].map(([name, e]) => `${name}${e.pids.size > 1 ? ` ×${e.pids.size}` : ''} on ${cpus([...e.cpus].sort((a, b) => a - b))}`);
    const affinity = ['docker.service', 'containerd.service'].map((u) => `${u} CPUAffinity=${unitProps(ev, u)?.get('CPUAffinity') || 'unset'}`);
    const facts = `${describe.join(', ')}${ev.usable(P.units) && !systemdUnavailable(ev.text(P.units)) ? `; ${affinity.join(', ')}` : ''}`;
    const offending = [...byName].filter(([, e]) => intersect([...e.cpus], profile.rt).length > 0);
    if (offending.length > 0) {
      return {
        verdict: 'fail',
        summary: `allowed on RT CPUs: ${facts}`,
        remediation: combine(
          `Pin containerd and dockerd (and so every container) to CPUs ${profile.hkList}.`,
          unitDropInRemedy('containerd.service', [`CPUAffinity=${profile.hkSpaced}`], '', { restartNote: 'restarting containerd and docker restarts the WebAPI container' }),
          unitDropInRemedy('docker.service', [`CPUAffinity=${profile.hkSpaced}`], ''),
        ),
      };
    }
    return { verdict: 'pass', summary: facts };
  },
};

interface Inspect {
  cpuset: string;
  memory: string;
  network: string;
  privileged: string;
  capAdd: string;
  rtRuntime: string;
  ulimits: string;
  mounts: string;
  health: string;
  state: string;
  oomKilled: string;
  restarts: string;
}

function parseInspect(text: string): Inspect | null {
  const line = lines(text).find((l) => l.split('|').length >= 12);
  if (!line) return null;
  const parts = line.split('|');
  const head = parts.slice(0, 7);
  const tail = parts.slice(-4);
  const mounts = parts.slice(7, -4).join('|');
  const [cpuset = '', memory = '', network = '', privileged = '', capAdd = '', rtRuntime = '', ulimits = ''] = head;
  const [health = '', state = '', oomKilled = '', restarts = ''] = tail;
  return { cpuset, memory, network, privileged, capAdd, rtRuntime, ulimits, mounts, health, state, oomKilled, restarts };
}

/** The container is not there at all: the WebAPI has not been deployed (yet). */
function containerAbsent(ev: EvidenceView): boolean {
  return /No such object|No such container/i.test(ev.text(P.dockerInspect));
}

const d03: CheckDefinition = {
  id: 'D03',
  slug: 'webapi-container-config',
  title: 'WebAPI container confined to housekeeping',
  group: 'docker',
  probes: [P.dockerInspect],
  why: 'An unpinned or privileged WebAPI container can run Node.js on the RT cores or raise itself to RT priority; without its memory limit it can push the host into reclaim.',
  evaluate(ev, profile) {
    const name = profile.webapiContainer;
    const text = ev.text(P.dockerInspect);
    if (toolMissing(text, 'docker')) return { verdict: 'skip', skipReason: 'tool missing', tool: 'docker', summary: 'docker CLI not found on the controller' };
    if (containerAbsent(ev)) return { verdict: 'skip', skipReason: 'not applicable', summary: `container ${name} not found (WebAPI not deployed yet)` };
    if (/Cannot connect to the Docker daemon/.test(text)) return { verdict: 'skip', skipReason: 'not applicable', summary: `Docker daemon not running: cannot inspect ${name}` };
    const c = parseInspect(text);
    if (!c) return { verdict: 'error', summary: `docker inspect ${name}: ${firstLine(text) || 'no output'}` };
    const cpuset = cpuListOrNull(c.cpuset);
    const mount = (() => {
      try {
        const list = JSON.parse(c.mounts) as Array<{ Destination?: string; RW?: boolean; Mode?: string }> | null;
        return (list ?? []).find((m) => m.Destination === '/var/run/mxrc' || m.Destination === '/run/mxrc');
      } catch {
        return undefined;
      }
    })();
    const caps = c.capAdd === 'null' || c.capAdd === '' ? [] : (JSON.parse(c.capAdd) as string[] | null) ?? [];
    const rtCaps = caps.filter((cap) => /SYS_NICE|SYS_ADMIN|ALL/.test(cap));
    const facts = `cpuset ${c.cpuset || 'unset (all CPUs)'}, memory ${c.memory}, network ${c.network}, privileged ${c.privileged}, caps ${caps.join(',') || 'none'}, /var/run/mxrc ${mount ? (mount.RW ? 'rw' : 'ro') : 'not mounted'}, health ${c.health}, state ${c.state}${c.oomKilled === 'true' ? ', OOM-killed' : ''}`;
    const fails: string[] = [];
    const warns: string[] = [];
    if (cpuset === null || c.cpuset === '') fails.push('no cpuset');
    else if (intersect(cpuset, profile.rt).length > 0) fails.push(`cpuset includes RT CPU ${cpus(intersect(cpuset, profile.rt))}`);
    else if (!sameSet(cpuset, profile.hk)) warns.push(`cpuset ${c.cpuset} is not ${profile.housekeepingCores}`);
    if (c.privileged === 'true') fails.push('privileged');
    if (rtCaps.length > 0) fails.push(`RT capabilities ${rtCaps.join(',')}`);
    if (c.rtRuntime !== '0' && c.rtRuntime !== '') fails.push(`CpuRealtimeRuntime ${c.rtRuntime}`);
    if (/rtprio/.test(c.ulimits)) fails.push('rtprio ulimit');
    if (Number(c.memory) !== profile.thresholds.webapiMemoryBytes) warns.push(`memory ${c.memory} ≠ ${profile.thresholds.webapiMemoryBytes}`);
    if (c.network !== 'host') warns.push(`network ${c.network}`);
    if (!mount || mount.RW !== false) warns.push(mount ? '/var/run/mxrc mounted read-write' : '/var/run/mxrc not mounted');
    if (c.oomKilled === 'true') warns.push('OOM-killed');
    const remediation = textRemedy(
      `Recreate ${name} with cpuset "${profile.housekeepingCores}", mem_limit 512m, network_mode host, /var/run/mxrc:/var/run/mxrc:ro, no privileged/cap_add (compose file of the Deploy screen). The cpuset can be corrected at once:`,
      [`docker update --cpuset-cpus ${profile.housekeepingCores} ${name}`],
    );
    if (fails.length > 0) return { verdict: 'fail', summary: `${fails.join(', ')}: ${facts}`, remediation };
    if (warns.length > 0) return { verdict: 'warn', summary: `${warns.join(', ')}: ${facts}`, remediation };
    return { verdict: 'pass', summary: facts };
  },
};

const d04: CheckDefinition = {
  id: 'D04',
  slug: 'webapi-health',
  title: 'WebAPI answers its health check',
  group: 'docker',
  probes: [P.health],
  optionalProbes: [P.dockerInspect],
  why: 'The WebAPI is the operator’s window onto the RT process; a slow or dead health endpoint usually means it is starved or crash-looping.',
  evaluate(ev, profile) {
    const text = ev.text(P.health);
    if (toolMissing(text, 'curl')) return { verdict: 'skip', skipReason: 'tool missing', tool: 'curl', summary: 'curl not found on the controller' };
    const m = /^(\d{3}) ([\d.]+)$/m.exec(text);
    const code = m?.[1] ?? '?';
    const ms = m?.[2] ? Number(m[2]) * 1000 : undefined;
    const error = lines(text).find((l) => /^curl:/.test(l))?.trim();
    const facts = `GET ${profile.healthUrl} → ${code}${ms !== undefined && code !== '000' ? ` in ${ms.toFixed(0)} ms` : ''}${error ? ` (${error})` : ''}`;
    if (code === '200' && ms !== undefined && ms <= profile.thresholds.healthMaxMs) return { verdict: 'pass', summary: facts };
    if (code !== '200' && ev.usable(P.dockerInspect) && containerAbsent(ev)) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: `${facts}; container ${profile.webapiContainer} not deployed yet` };
    }
    return {
      verdict: 'fail',
      summary: facts,
      remediation: textRemedy('Look at the container state and its log, then redeploy from the Deploy screen.', [
        `docker ps -a --filter name=${profile.webapiContainer}`,
        `docker logs --tail 100 ${profile.webapiContainer}`,
      ]),
    };
  },
};

const d05: CheckDefinition = {
  id: 'D05',
  slug: 'mxrc-runtime-dir',
  title: '/run/mxrc shared with the WebAPI',
  group: 'docker',
  probes: [P.mxrcDir],
  optionalProbes: [P.mxrcDirContainer, P.units],
  why: 'The WebAPI reaches the IPC socket through /run/mxrc; if the directory is recreated under a running container, the container keeps a stale copy and loses the RT process.',
  evaluate(ev, profile) {
    const text = ev.text(P.mxrcDir);
    const dir = /^directory\|(\d+)\|([^|]*)\|([^|]*)\|(\d+)\|\/run\/mxrc$/m.exec(text);
    const entries = [...text.matchAll(/^([^|\n]+)\|(\d+)\|([^|]*)\|([^|]*)\|\d+\|\/run\/mxrc\/(.+)$/gm)].map((m) => `${m[5]} (${m[1]} ${m[2]})`);
    const ipc = unitProps(ev, profile.ipcUnit);
    const rt = unitProps(ev, profile.rtUnit);
    const owner = ipc?.get('User') || rt?.get('User') || 'root';
    const remediation = {
      summary: `Create /run/mxrc at boot independently of service restarts (or RuntimeDirectoryPreserve=yes), and start the WebAPI after ${unitFileName(profile.ipcUnit)}.`,
      files: [{ path: TMPFILES_FILE, content: `d /run/mxrc 0755 ${owner} ${owner} -\n`, mode: '0644' }],
      steps: [`systemd-tmpfiles --create ${TMPFILES_FILE}`],
    };
    if (!dir) {
      if (!unitLoaded(ipc) && !unitLoaded(rt)) {
        return { verdict: 'skip', skipReason: 'not applicable', summary: `/run/mxrc missing and no MXRC service installed yet (${unitState(ev, profile.ipcUnit)})` };
      }
      return { verdict: 'fail', summary: `/run/mxrc missing (${firstLine(lines(text).filter((l) => /mxrc/.test(l)).join('\n')) || 'not a directory'})`, remediation };
    }
    const [, mode = '', user = '', group = '', inode = ''] = dir;
    const facts = `/run/mxrc ${mode} ${user}:${group} inode ${inode}; ${plural(entries.length, 'entry', 'entries')}${entries.length ? ` (${listSome(entries, 3)})` : ''}`;
    const container = ev.usable(P.mxrcDirContainer);
    const containerInode = container ? /^(\d+)$/m.exec(container.stdout)?.[1] : undefined;
    if (containerInode !== undefined && containerInode !== inode) {
      return { verdict: 'fail', summary: `container ${profile.webapiContainer} sees inode ${containerInode}, host ${inode} (stale bind mount): ${facts}`, remediation };
    }
    const containerText = containerInode !== undefined ? `; container sees the same inode` : '';
    const problems: string[] = [];
    if (mode !== '755' && mode !== '750') problems.push(`mode ${mode}`);
    if ((ipc || rt) && user !== owner) problems.push(`owner ${user}, service user ${owner}`);
    if (problems.length > 0) return { verdict: 'warn', summary: `${problems.join(', ')}: ${facts}${containerText}`, remediation };
    return { verdict: 'pass', summary: `${facts}${containerText}` };
  },
};

const d06: CheckDefinition = {
  id: 'D06',
  slug: 'journald-rate-limit',
  title: 'journald keeps RT logs, runs on housekeeping',
  group: 'docker',
  probes: [P.journaldConf],
  optionalProbes: [P.journaldSuppressed, P.threadStatus, P.units],
  why: 'Suppressed messages are lost diagnostics of the RT and IPC services; journald on an RT core competes with the loop.',
  evaluate(ev, profile) {
    const conf = ev.text(P.journaldConf);
    const journald = parseTaskStatus(ev.stdout(P.threadStatus)).filter((t) => t.name === 'systemd-journal' && !t.kthread);
    if (systemdUnavailable(conf) || systemdUnavailable(ev.text(P.units)) || (ev.usable(P.threadStatus) && journald.length === 0 && valueLines(conf).length === 0)) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: 'systemd-journald not running' };
    }
    const settings = valueLines(conf).map((l) => l.trim()).filter((l) => /=/.test(l));
    const watched = [unitFileName(profile.rtUnit), unitFileName(profile.ipcUnit)];
    const suppressed = lines(ev.stdout(P.journaldSuppressed)).filter((l) => watched.some((u) => l.includes(u)));
    const allowedJ = [...new Set(journald.flatMap((t) => t.allowed ?? []))].sort((a, b) => a - b);
    const logNote = ev.get(P.journaldSuppressed)?.status === 'needs-sudo' ? '; suppression log needs sudo' : '';
    const facts = `${settings.join(' ') || 'RateLimitIntervalSec/RateLimitBurst defaults (30s/10000)'}; journald on ${journald.length ? cpus(allowedJ) : '?'}${logNote}`;
    const problems: string[] = [];
    if (suppressed.length > 0) problems.push(`${plural(suppressed.length, 'suppression')} of ${watched.join('/')}: ${listSome(suppressed.map((l) => l.trim()), 1)}`);
    if (journald.length > 0 && !isSubset(allowedJ, profile.hk)) problems.push(`journald allowed on ${cpus(allowedJ)}`);
    if (problems.length > 0) {
      return {
        verdict: 'warn',
        summary: `${problems.join('; ')}; ${facts}`,
        remediation: combine(
          'Raise the journald burst limit and keep journald on the housekeeping cores; log from a non-RT thread.',
          {
            summary: '',
            files: [{ path: JOURNALD_DROPIN, content: '[Journal]\nRateLimitIntervalSec=30s\nRateLimitBurst=20000\n', mode: '0644' }],
            steps: ['systemctl restart systemd-journald'],
          },
          {
            summary: '',
            files: [{ path: unitDropInPath('systemd-journald.service'), content: `[Service]\nCPUAffinity=${profile.hkSpaced}\n`, mode: '0644' }],
            steps: ['systemctl daemon-reload', 'systemctl restart systemd-journald'],
          },
        ),
      };
    }
    return { verdict: 'pass', summary: `no suppression of ${watched.join('/')}; ${facts}` };
  },
};

const d07: CheckDefinition = {
  id: 'D07',
  slug: 'ipc-server-placement',
  title: 'IPC server on housekeeping cores',
  group: 'docker',
  probes: [P.ipcProcess],
  optionalProbes: [P.units],
  why: 'The IPC server is ordinary work; on an RT core it competes with the loop, at a priority ≥ the loop it blocks it.',
  evaluate(ev, profile) {
    const proc = ipcProcessOf(ev);
    if (proc.pid === null) return { verdict: 'skip', skipReason: 'not applicable', summary: `IPC server not running (${unitState(ev, profile.ipcUnit)})` };
    const allowedAll = [...new Set(proc.tasks.flatMap((t) => t.allowed ?? []))].sort((a, b) => a - b);
    const rtThreads = proc.threads.filter((t) => (t.cls === 'FF' || t.cls === 'RR') && (t.rtprio ?? 0) >= profile.rtPrio);
    const unit = unitProps(ev, profile.ipcUnit);
    const affinity = systemdCpuSet(unit?.get('CPUAffinity'));
    const facts = `${proc.status.get('Name') ?? '?'} pid ${proc.pid}: ${plural(proc.threads.length, 'thread')} allowed on ${cpus(allowedAll)}, classes ${[...new Set(proc.threads.map((t) => t.cls))].join(',') || '?'}${unit ? `; CPUAffinity=${affinity ? cpus(affinity) : 'unset'}` : ''}`;
    const remediation = unitDropInRemedy(profile.ipcUnit, [`CPUAffinity=${profile.hkSpaced}`], `Pin ${unitFileName(profile.ipcUnit)} to CPUs ${profile.hkList}.`, {
      restartNote: 'the WebAPI loses its IPC connection while the server restarts',
    });
    if (intersect(allowedAll, profile.rt).length > 0) return { verdict: 'fail', summary: `allowed on RT CPU ${cpus(intersect(allowedAll, profile.rt))}: ${facts}`, remediation };
    if (rtThreads.length > 0) return { verdict: 'warn', summary: `${rtThreads.length} thread(s) at or above loop priority ${profile.rtPrio}: ${facts}`, remediation };
    return { verdict: 'pass', summary: facts };
  },
};

export const dockerChecks: CheckDefinition[] = [d01, d02, d03, d04, d05, d06, d07];

