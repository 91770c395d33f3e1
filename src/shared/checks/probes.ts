/**
 * Every read-only command the checks use, once. Checks share probes by id (/proc/cmdline is read once per run).
 * The command text never contains profile values: the runner and collect.sh export $RT_UNIT, $IPC_UNIT,
 * $WEBAPI, $ECAT_IF and $HEALTH_URL, so the same text runs live and offline and bundles stay comparable.
 * Commands read every CPU rather than the profile's cores, so one capture can be judged against any profile.
 */
import type { Probe } from './model';

const SAMPLE_TIMEOUT_MS = 30_000;
const dockerDenied = /permission denied while trying to connect to the Docker daemon|Got permission denied/i;
const journalDenied =
  /not seeing messages from other users and the system|insufficient permissions|read kernel buffer failed|Operation not permitted/i;

function probe(id: string, command: string, extra: Partial<Probe> = {}): Probe {
  return { id, command, root: false, ...extra };
}

export const uname = probe('uname', 'uname -r; uname -v');
export const hostname = probe('hostname', 'cat /proc/sys/kernel/hostname');
export const sysKernelRealtime = probe('sys-kernel-realtime', 'cat /sys/kernel/realtime');
export const procCmdline = probe('proc-cmdline', 'cat /proc/cmdline');
export const bootConfig = probe(
  'boot-config',
  `grep -E '^(CONFIG_PREEMPT_RT|CONFIG_PREEMPT_DYNAMIC|CONFIG_NO_HZ_FULL|CONFIG_RCU_NOCB_CPU|CONFIG_CPU_ISOLATION|CONFIG_HZ|CONFIG_RT_GROUP_SCHED|CONFIG_HWLAT_TRACER|CONFIG_TIMERLAT_TRACER|CONFIG_OSNOISE_TRACER|CONFIG_CPU_FREQ_DEFAULT_GOV_[A-Z]+)=|^# CONFIG_RT_GROUP_SCHED' /boot/config-"$(uname -r)"`,
);

export const cpuOnline = probe('cpu-online', 'cat /sys/devices/system/cpu/online /sys/devices/system/cpu/present');
export const cpuIsolated = probe('cpu-isolated', 'cat /sys/devices/system/cpu/isolated');
export const cpuNohzFull = probe('cpu-nohz_full', 'cat /sys/devices/system/cpu/nohz_full');
export const smt = probe('smt', 'cat /sys/devices/system/cpu/smt/control /sys/devices/system/cpu/smt/active');
export const siblings = probe('siblings', 'grep -H . /sys/devices/system/cpu/cpu[0-9]*/topology/thread_siblings_list');
export const numaNodes = probe('numa-nodes', 'grep -H . /sys/devices/system/node/node[0-9]*/cpulist');
export const hybrid = probe('hybrid', 'grep -H . /sys/devices/cpu_core/cpus /sys/devices/cpu_atom/cpus');
export const cpufreq = probe(
  'cpufreq',
  'grep -H . ' +
    ['scaling_driver', 'scaling_governor', 'energy_performance_preference', 'scaling_min_freq', 'scaling_max_freq', 'cpuinfo_max_freq']
      .map((file) => `/sys/devices/system/cpu/cpu[0-9]*/cpufreq/${file}`)
      .join(' '),
);
export const pstate = probe(
  'pstate',
  'grep -H . /sys/devices/system/cpu/intel_pstate/* /sys/devices/system/cpu/amd_pstate/status /sys/devices/system/cpu/cpufreq/boost',
);
export const cpuidleDriver = probe(
  'cpuidle-driver',
  'cat /sys/devices/system/cpu/cpuidle/current_driver /sys/devices/system/cpu/cpuidle/current_governor*',
);
export const cpuidleStates = probe(
  'cpuidle-states',
  `for s in /sys/devices/system/cpu/cpu[0-9]*/cpuidle/state*; do [ -e "$s/name" ] || continue; printf '%s|%s|%s|%s|%s\\n' "$s" "$(cat "$s/name")" "$(cat "$s/latency")" "$(cat "$s/disable")" "$(cat "$s/usage")"; done`,
);
export const pmQos = probe('pm-qos', 'grep -H . /sys/devices/system/cpu/cpu[0-9]*/power/pm_qos_resume_latency_us');
export const idleParams = probe(
  'idle-params',
  'grep -H . /sys/module/intel_idle/parameters/max_cstate /sys/module/processor/parameters/max_cstate',
);

export const sysctlKeys = [
  'kernel.sched_rt_runtime_us',
  'kernel.sched_rt_period_us',
  'kernel.sched_rr_timeslice_ms',
  'kernel.sched_autogroup_enabled',
  'kernel.sched_schedstats',
  'kernel.sched_util_clamp_min_rt_default',
  'kernel.timer_migration',
  'kernel.nmi_watchdog',
  'kernel.watchdog',
  'kernel.soft_watchdog',
  'kernel.watchdog_cpumask',
  'kernel.numa_balancing',
  'kernel.hung_task_timeout_secs',
  'kernel.split_lock_mitigate',
  'kernel.printk',
  'vm.stat_interval',
  'vm.swappiness',
];
// Read /proc/sys directly: sysctl lives in /usr/sbin, which is not on a Debian user's PATH.
export const sysctl = probe(
  'sysctl',
  `for k in ${sysctlKeys.join(' ')}; do printf '%s = %s\\n' "$k" "$(cat "/proc/sys/$(printf %s "$k" | tr . /)" 2>&1)"; done`,
);

export const irqDefault = probe('irq-default', 'cat /proc/irq/default_smp_affinity');
export const irqAffinity = probe(
  'irq-affinity',
  `for d in /proc/irq/[0-9]*; do printf '%s|%s|%s\\n' "\${d##*/}" "$(cat "$d/smp_affinity_list" 2>&1)" "$(cat "$d/effective_affinity_list" 2>&1)"; done`,
);
export const interrupts = probe('interrupts', 'cat /proc/interrupts');
export const interrupts10s = probe(
  'interrupts-10s',
  `echo "@@@ sample $(cut -d' ' -f1 /proc/uptime)"; cat /proc/interrupts; sleep 10; echo "@@@ sample $(cut -d' ' -f1 /proc/uptime)"; cat /proc/interrupts`,
  { sampling: true, timeoutMs: SAMPLE_TIMEOUT_MS },
);
export const irqbalance = probe(
  'irqbalance',
  [
    `printf 'active=%s\\n' "$(systemctl is-active irqbalance 2>&1)"`,
    `printf 'enabled=%s\\n' "$(systemctl is-enabled irqbalance 2>&1)"`,
    `printf 'running=%s\\n' "$(pgrep -x irqbalance >/dev/null 2>&1 && echo yes || echo no)"`,
    `grep -E '^\\s*IRQBALANCE_' /etc/default/irqbalance`,
  ].join('\n'),
);
export const workqueue = probe(
  'workqueue',
  'grep -H . /sys/devices/virtual/workqueue/cpumask /sys/devices/virtual/workqueue/*/cpumask',
);

export const threads = probe('threads', 'ps -eLo pid,tid,cls,rtprio,ni,psr,stat,comm --no-headers');
export const threadStatus = probe(
  'thread-status',
  `grep -s -E '^(Name|Pid|Tgid|PPid|Kthread|Cpus_allowed_list):' /proc/[0-9]*/task/[0-9]*/status`,
);
export const pid1Affinity = probe('pid1-affinity', 'grep Cpus_allowed_list /proc/1/status');

export const swap = probe('swap', 'cat /proc/swaps');
export const thp = probe(
  'thp',
  'grep -H . /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/defrag /sys/kernel/mm/ksm/run',
);
export const clocksource = probe(
  'clocksource',
  'cat /sys/devices/system/clocksource/clocksource0/current_clocksource /sys/devices/system/clocksource/clocksource0/available_clocksource',
);
export const cpuflags = probe(
  'cpuflags',
  `grep -m1 -o -w -E 'constant_tsc|nonstop_tsc|tsc_known_freq|tsc_reliable|tsc_deadline_timer' /proc/cpuinfo | sort -u`,
);
export const vulns = probe('vulns', 'grep -H . /sys/devices/system/cpu/vulnerabilities/*');
export const dmi = probe(
  'dmi',
  'grep -H . ' +
    ['sys_vendor', 'product_name', 'board_name', 'bios_vendor', 'bios_version', 'bios_date'].map((f) => `/sys/class/dmi/id/${f}`).join(' ') +
    "; grep -m1 -H '^model name' /proc/cpuinfo",
);
export const aspm = probe('aspm', 'cat /sys/module/pcie_aspm/parameters/policy');
export const cgroupfs = probe('cgroupfs', 'stat -fc %T /sys/fs/cgroup; cat /sys/fs/cgroup/cgroup.controllers');

export const dockerBin = probe('docker-bin', 'dockerd --version; containerd --version');
export const dockerInfo = probe(
  'docker-info',
  `docker info --format '{{.ServerVersion}}|{{.CgroupVersion}}|{{.CgroupDriver}}'`,
  { rootIfDenied: dockerDenied, timeoutMs: 20_000 },
);
export const dockerInspect = probe(
  'docker-inspect',
  `docker inspect "$WEBAPI" --format '{{.HostConfig.CpusetCpus}}|{{.HostConfig.Memory}}|{{.HostConfig.NetworkMode}}|{{.HostConfig.Privileged}}|{{json .HostConfig.CapAdd}}|{{.HostConfig.CpuRealtimeRuntime}}|{{json .HostConfig.Ulimits}}|{{json .Mounts}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}|{{.State.Status}}|{{.State.OOMKilled}}|{{.RestartCount}}'`,
  { rootIfDenied: dockerDenied, timeoutMs: 20_000 },
);

export const unitProperties = [
  'Id',
  'LoadState',
  'ActiveState',
  'MainPID',
  'CPUAffinity',
  'CPUSchedulingPolicy',
  'CPUSchedulingPriority',
  'LimitMEMLOCK',
  'LimitMEMLOCKSoft',
  'LimitRTPRIO',
  'LimitRTPRIOSoft',
  'User',
  'LogRateLimitIntervalUSec',
  'LogRateLimitBurst',
];
export const units = probe(
  'units',
  `systemctl show -p ${unitProperties.join(',')} docker.service containerd.service irqbalance.service systemd-journald.service chrony.service systemd-timesyncd.service "$RT_UNIT" "$IPC_UNIT"`,
);
export const systemConf = probe(
  'system-conf',
  `systemd-analyze cat-config systemd/system.conf | grep -E '^\\s*(CPUAffinity|DefaultLimitMEMLOCK|DefaultLimitRTPRIO)='`,
);
export const journaldConf = probe(
  'journald-conf',
  `systemd-analyze cat-config systemd/journald.conf | grep -E '^\\s*(RateLimit|Storage|SystemMaxUse)'`,
);
export const journaldSuppressed = probe(
  'journald-suppressed',
  `if [ -d /run/systemd/system ]; then journalctl -b -u systemd-journald --no-pager | grep -E 'Suppressed [0-9]+ messages'; [ $? -le 1 ]; else echo 'systemd is not running (no /run/systemd/system)' >&2; exit 3; fi`,
  { rootIfDenied: journalDenied },
);
export const timesync = probe('timesync', 'timedatectl show; chronyc -n tracking');
export const mxrcDir = probe(
  'mxrc-dir',
  `ls -ld /var/run /run/mxrc; stat -c '%F|%a|%U|%G|%i|%n' /run/mxrc /run/mxrc/*`,
);
export const mxrcDirContainer = probe('mxrc-dir-container', `docker exec "$WEBAPI" stat -c '%i' /var/run/mxrc`, {
  rootIfDenied: dockerDenied,
  timeoutMs: 20_000,
});
export const limitsConf = probe(
  'limits-conf',
  `grep -rsE '^\\s*[^#].*\\s(memlock|rtprio)\\s' /etc/security/limits.conf /etc/security/limits.d/`,
);
// -g: no URL globbing, so a health URL with [1-9999] or {a,b} is one request, not thousands.
export const health = probe('health', `curl -sS -g -o /dev/null -m 2 -w '%{http_code} %{time_total}\\n' "$HEALTH_URL"`);

/** MainPID of the unit, else the oldest process named like the unit (lab hosts run the loop without systemd). */
function findPid(unitVar: string): string {
  return [
    `pid=$(systemctl show -p MainPID --value "$${unitVar}" 2>/dev/null); src=systemd`,
    `case "$pid" in ''|0) pid=$(pgrep -o -x "$(printf %s "$${unitVar}" | sed 's/\\.service$//')" 2>/dev/null); src=pgrep ;; esac`,
    `[ -n "$pid" ] || { echo 'pid='; exit 0; }`,
    `echo "pid=$pid"; echo "source=$src"`,
  ].join('\n');
}

function processCommand(unitVar: string): string {
  return [
    findPid(unitVar),
    `echo '@@@ status'; cat "/proc/$pid/status" 2>&1`,
    `echo '@@@ limits'; cat "/proc/$pid/limits" 2>&1`,
    `echo '@@@ threads'; ps -L -o tid=,cls=,rtprio=,psr=,min_flt=,maj_flt=,comm= -p "$pid" 2>&1`,
    `echo '@@@ tasks'; grep -s -E '^(Name|Pid|Cpus_allowed_list|voluntary_ctxt_switches|nonvoluntary_ctxt_switches):' /proc/"$pid"/task/*/status`,
    'true',
  ].join('\n');
}

export const rtProcess = probe('rt-process', processCommand('RT_UNIT'));
export const ipcProcess = probe('ipc-process', processCommand('IPC_UNIT'));
export const rtProcess10s = probe(
  'rt-process-10s',
  [
    findPid('RT_UNIT'),
    `s() { echo "@@@ sample $(cut -d' ' -f1 /proc/uptime)"; grep -s -E '^(Pid|voluntary_ctxt_switches|nonvoluntary_ctxt_switches):' /proc/"$pid"/task/*/status; echo '@@@ faults'; ps -L -o tid=,cls=,min_flt=,maj_flt= -p "$pid"; }`,
    's; sleep 10; s; true',
  ].join('\n'),
  { sampling: true, timeoutMs: SAMPLE_TIMEOUT_MS },
);
// /proc/PID/fd of another user's process is root-only.
export const rtFds = probe(
  'rt-fds',
  [findPid('RT_UNIT'), `ls -l "/proc/$pid/fd" | grep cpu_dma_latency || echo 'no /dev/cpu_dma_latency descriptor'`].join('\n'),
  { root: true },
);

export const kernelLog = probe(
  'kernel-log',
  `if [ -d /run/systemd/system ] && command -v journalctl >/dev/null 2>&1; then journalctl -k -b --no-pager; else dmesg; fi | grep -E 'RT throttling activated|rcu.*[Ss]tall|soft lockup|hard LOCKUP|hung_task|blocked for more than|hrtimer: interrupt took|perf: interrupt took too long|clocksource.*unstable|took a (split|bus)_lock trap|NMI handler .* took too long|scheduling while atomic|sched: RT'; [ $? -le 1 ]`,
  { rootIfDenied: journalDenied, timeoutMs: 20_000 },
);
export const fairServer = probe(
  'fair-server',
  'grep -H . /sys/kernel/debug/sched/fair_server/cpu[0-9]*/runtime /sys/kernel/debug/sched/fair_server/cpu[0-9]*/period',
  { root: true },
);
// MSR_SMI_COUNT (0x34) counts SMIs since reset; reading an MSR changes nothing. Needs root and the msr module.
export const smiCount = probe(
  'smi-count',
  [
    `grep -q GenuineIntel /proc/cpuinfo || { echo 'vendor=not-intel'; exit 0; }`,
    `[ -e /dev/cpu/0/msr ] || { echo 'msr=absent'; exit 0; }`,
    `r() { dd if=/dev/cpu/0/msr bs=8 count=1 skip=52 iflag=skip_bytes status=none | od -An -tu8 | tr -d ' '; }`,
    `echo "smi=$(r) at=$(cut -d' ' -f1 /proc/uptime)"; sleep 10; echo "smi=$(r) at=$(cut -d' ' -f1 /proc/uptime)"`,
  ].join('\n'),
  { root: true, sampling: true, timeoutMs: SAMPLE_TIMEOUT_MS },
);

export const nic = probe(
  'nic',
  [
    `[ -n "\${ECAT_IF:-}" ] || { echo 'ECAT_IF is not set'; exit 0; }`,
    `d=/sys/class/net/$ECAT_IF`,
    `echo '@@@ exists'; [ -e "$d" ] && echo yes || echo no`,
    `echo '@@@ driver'; ethtool -i "$ECAT_IF" 2>&1`,
    `echo '@@@ coalesce'; ethtool -c "$ECAT_IF" 2>&1`,
    `echo '@@@ eee'; ethtool --show-eee "$ECAT_IF" 2>&1`,
    `echo '@@@ power'; cat "$d/device/power/control" 2>&1`,
    `echo '@@@ numa'; cat "$d/device/numa_node" 2>&1`,
    `echo '@@@ igh'; ls -d /dev/EtherCAT* 2>/dev/null`,
    'true',
  ].join('\n'),
);
