import { quote } from '../../shared/remote-command';
import { isCpuList } from '../../shared/cpu-list';
import type { RemoteHost } from './remote-host';

/**
 * The shell text run once on every new connection, with a PTY:
 * - the PTY request makes OpenSSH treat the connection as interactive and turn on TCP_NODELAY; without it a reply
 *   written in two parts (HTTP headers, then body) waits for our delayed ACK, 40 ms per tunnelled request;
 * - with the controller's housekeeping cores known, this session's own sshd processes (and so the SFTP server and
 *   every later command) are pinned there, and root's monitor process too when sudo needs no password. A
 *   controller without a systemd CPUAffinity= default would otherwise let them run on the RT cores.
 */
export function sessionSetupScript(housekeepingCores?: string): string {
  if (housekeepingCores === undefined) return 'true';
  if (!isCpuList(housekeepingCores)) throw new Error(`invalid housekeeping core list "${housekeepingCores}"`);
  const cores = quote(housekeepingCores);
  return [
    'p=$PPID; i=0',
    'while [ "$i" -lt 5 ] && [ -r "/proc/$p/comm" ]; do',
    '  case "$(cat "/proc/$p/comm")" in sshd|sshd-session)',
    `    taskset -a -p -c ${cores} "$p" >/dev/null 2>&1 && echo "pinned=$p"`,
    `    for c in $(pgrep -P "$p" 2>/dev/null); do taskset -a -p -c ${cores} "$c" >/dev/null 2>&1; done`,
    '    m=$(cut -d" " -f4 "/proc/$p/stat")',
    '    case "$(cat "/proc/$m/comm" 2>/dev/null)" in sshd|sshd-session)',
    `      sudo -n taskset -a -p -c ${cores} "$m" >/dev/null 2>&1 </dev/null && echo "monitor=$m" ;;`,
    '    esac',
    '    break ;;',
    '  esac',
    '  p=$(cut -d" " -f4 "/proc/$p/stat"); i=$((i + 1))',
    'done',
    'true',
  ].join('\n');
}

/** Runs the setup once; best effort: a server that refuses PTYs or taskset still works, only less well. */
export async function setUpSession(host: RemoteHost, housekeepingCores?: string): Promise<{ pinned: boolean }> {
  try {
    const child = await host.spawn(sessionSetupScript(housekeepingCores), { pty: { cols: 80, rows: 24 } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.resume();
    await Promise.race([child.exit, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    return { pinned: /pinned=\d+/.test(output) };
  } catch {
    return { pinned: false };
  }
}
