import type { UnitState } from '../model/deploy';

/**
 * `systemctl show UNIT... -p Id,LoadState,...` output (key=value blocks separated by blank lines) and the names
 * systemd gives exit statuses, so an error can say "status=214/SETSCHEDULER" like `systemctl status` does.
 */
export const unitShowProperties = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'MainPID', 'ExecMainStatus', 'ExecMainCode', 'NRestarts', 'Result'] as const;

export function parseSystemctlShow(text: string): UnitState[] {
  const blocks = text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return blocks.map((block) => {
    const props = new Map<string, string>();
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
    const num = (key: string): number => {
      const value = Number(props.get(key) ?? '0');
      return Number.isFinite(value) ? value : 0;
    };
    return {
      unit: props.get('Id') ?? '',
      loadState: props.get('LoadState') ?? '',
      activeState: props.get('ActiveState') ?? '',
      subState: props.get('SubState') ?? '',
      unitFileState: props.get('UnitFileState') ?? '',
      mainPid: num('MainPID'),
      execMainStatus: num('ExecMainStatus'),
      execMainCode: num('ExecMainCode'),
      nRestarts: num('NRestarts'),
      result: props.get('Result') ?? '',
    };
  });
}

const exitStatusNames: Record<number, string> = {
  1: 'FAILURE',
  2: 'INVALIDARGUMENT',
  3: 'NOTIMPLEMENTED',
  4: 'NOPERMISSION',
  5: 'NOTINSTALLED',
  6: 'NOTCONFIGURED',
  7: 'NOTRUNNING',
  200: 'CHDIR',
  201: 'NICE',
  202: 'FDS',
  203: 'EXEC',
  204: 'MEMORY',
  205: 'LIMITS',
  206: 'OOM_ADJUST',
  207: 'SIGNAL_MASK',
  208: 'STDIN',
  209: 'STDOUT',
  210: 'CHROOT',
  211: 'IOPRIO',
  212: 'TIMERSLACK',
  213: 'SECUREBITS',
  214: 'SETSCHEDULER',
  215: 'CPUAFFINITY',
  216: 'GROUP',
  217: 'USER',
  218: 'CAPABILITIES',
  219: 'CGROUP',
  220: 'SETSID',
  221: 'CONFIRM',
  222: 'STDERR',
  224: 'PAM',
  225: 'NETWORK',
  226: 'NAMESPACE',
  227: 'NO_NEW_PRIVILEGES',
  228: 'SECCOMP',
  229: 'SELINUX_CONTEXT',
  230: 'PERSONALITY',
  231: 'APPARMOR_PROFILE',
  232: 'ADDRESS_FAMILIES',
  233: 'RUNTIME_DIRECTORY',
  235: 'CHOWN',
  236: 'SMACK_PROCESS_LABEL',
  237: 'KEYRING',
  238: 'STATE_DIRECTORY',
  239: 'CACHE_DIRECTORY',
  240: 'LOGS_DIRECTORY',
  241: 'CONFIGURATION_DIRECTORY',
  242: 'NUMA_POLICY',
  243: 'CREDENTIALS',
  245: 'BPF',
};

/** What a technician can act on for the statuses a deployment typically hits. */
const exitStatusHints: Record<number, string> = {
  203: 'the program could not be executed (wrong file, wrong architecture, or missing interpreter)',
  214: 'the kernel refused real-time scheduling (no RT budget for this cgroup, or RT throttling settings)',
  215: 'the CPU affinity names cores this machine does not have',
  233: 'systemd could not create the runtime directory',
};

/** "status=214/SETSCHEDULER" as `systemctl status` prints it; signals as "signal=KILL"-like numbers. */
export function describeExit(state: Pick<UnitState, 'execMainCode' | 'execMainStatus'>): string {
  // ExecMainCode: 1 = exited, 2 = killed, 3 = dumped (siginfo codes)
  if (state.execMainCode === 2 || state.execMainCode === 3) return `signal=${state.execMainStatus}`;
  const name = exitStatusNames[state.execMainStatus];
  return name ? `status=${state.execMainStatus}/${name}` : `status=${state.execMainStatus}`;
}

export function exitHint(status: number): string | undefined {
  return exitStatusHints[status];
}

/** Has this unit started and stayed up, failed, or is it still getting there? */
export function unitVerdict(state: UnitState): 'running' | 'failed' | 'pending' {
  if (state.loadState !== 'loaded') return 'failed';
  if (state.activeState === 'failed') return 'failed';
  if (state.execMainStatus !== 0 || state.nRestarts > 0) return 'failed';
  if (state.activeState === 'active' && (state.subState === 'running' || state.subState === 'exited')) return 'running';
  if (state.activeState === 'inactive' && state.result !== 'success') return 'failed';
  return 'pending';
}

export function describeUnitFailure(state: UnitState): string {
  const parts = [`${state.unit}: ${state.activeState}${state.subState ? ` (${state.subState})` : ''}`];
  if (state.loadState !== 'loaded') parts.push(`load state ${state.loadState}`);
  if (state.execMainStatus !== 0 || state.execMainCode > 1) {
    const hint = state.execMainCode === 1 ? exitHint(state.execMainStatus) : undefined;
    parts.push(describeExit(state) + (hint ? ` — ${hint}` : ''));
  }
  if (state.nRestarts > 0) parts.push(`${state.nRestarts} restart${state.nRestarts === 1 ? '' : 's'}`);
  if (state.result && state.result !== 'success') parts.push(`result ${state.result}`);
  return parts.join(', ');
}
