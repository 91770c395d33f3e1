/**
 * Runs a recorded command string the way a controller would (`/bin/sh -c`, Debian's dash) inside a throw-away
 * chroot whose PATH holds only stub executables. Every stub writes its argv (NUL-separated) to a per-run log and
 * exits; `taskset -c`, `nice -n` and `sudo -n` strip their own options and exec the rest, like the real ones. So
 * a test sees exactly which programs the shell started with which arguments, and nothing it runs can touch the
 * real machine: the shell runs as nobody in a directory tree that is deleted afterwards.
 *
 * Needs root (chroot) or unprivileged user namespaces; `ShellSandbox.create()` says why when neither works.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where a payload that escaped its quoting would leave its mark (inside the chroot). */
export const canaryPath = '/tmp/pwned';

/** Programs the templates (and a few an attacker would try) may start; each becomes a recording stub. */
export const stubbedPrograms = [
  // wrappers that exec the rest of their argv
  'taskset', 'nice', 'sudo', 'timeout', 'env',
  // what the services run
  'journalctl', 'systemctl', 'systemd-run', 'systemd-analyze', 'docker', 'cyclictest', 'stress-ng', 'rtla', 'curl',
  'chrt', 'ps', 'pgrep', 'setsid', 'grep', 'sed', 'awk', 'cat', 'date', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'install',
  'ln', 'ls', 'tail', 'head', 'xargs', 'sha256sum', 'readlink', 'uname', 'sleep', 'tr', 'cut', 'true', 'false', 'id',
  'ethtool', 'sysctl', 'dmesg', 'od', 'dd', 'stat', 'find', 'tar', 'gzip', 'mktemp', 'wc', 'sort', 'uniq', 'tee', 'kill',
  // what an injected payload would run
  'touch', 'reboot', 'whoami', 'nc', 'wget', 'bash', 'python3', 'perl',
] as const;

/** Programs no template runs: any call to one of them means a value escaped its quoting. */
export const forbiddenPrograms = new Set(['touch', 'reboot', 'whoami', 'nc', 'wget', 'bash', 'python3', 'perl']);

export interface StubCall {
  program: string;
  /** The arguments after the program name, exactly as the stub received them. */
  args: string[];
  /** What the stub read from stdin (only for programs listed in `captureStdin`). */
  stdin?: Buffer;
}

export interface SandboxRun {
  calls: StubCall[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The canary file exists after the run. */
  canary: boolean;
}

export interface RunOptions {
  stdin?: string | Buffer;
  /** Keep stdin open until the command ends (readers that stop when stdin closes, e.g. the journal watchdog). */
  holdStdin?: boolean;
  /** Exit codes of stubs, e.g. `{ systemctl: 3 }`. */
  exitCodes?: Record<string, number>;
  /** What a stub prints, e.g. `{ systemctl: 'active\n' }`: takes templates down their "found" branches. */
  outputs?: Record<string, string>;
  /** Stubs that save their stdin (default cat, curl). */
  captureStdin?: readonly string[];
  /** Working directory inside the chroot (default /work). */
  cwd?: string;
  timeoutMs?: number;
}

const stubScript = `#!/bin/sh
# Recording stub for the security tests: argv to $MXRC_STUB_LOG, NUL-separated, one file per call.
name=\${0##*/}
n=0
# exec keeps the pid (taskset → nice → sh → tool): noclobber picks the next free name. true, not :, whose
# failed redirection would end the shell.
set -C
while ! true 2>/dev/null >"$MXRC_STUB_LOG/$$.$n"; do n=$((n + 1)); done
set +C
log="$MXRC_STUB_LOG/$$.$n"
{ printf '%s\\0' "$name"; for a in "$@"; do printf '%s\\0' "$a"; done; } >"$log"
case " \${MXRC_STUB_STDIN:-} " in *" $name "*) /usr/lib/mxrc-stub/real/cat >"$log.stdin" ;; esac
if [ -f "$MXRC_STUB_LOG/out.$name" ]; then /usr/lib/mxrc-stub/real/cat "$MXRC_STUB_LOG/out.$name"; fi
rc=0
for pair in \${MXRC_STUB_RC:-}; do case $pair in "$name="*) rc=\${pair#*=} ;; esac; done
case $name in
  taskset) if [ "\${1:-}" = -c ] && [ $# -ge 3 ]; then shift 2; exec "$@"; fi ;;
  nice) if [ "\${1:-}" = -n ] && [ $# -ge 3 ]; then shift 2; exec "$@"; fi ;;
  sudo) if [ "\${1:-}" = -n ] && [ $# -ge 2 ]; then shift; exec "$@"; fi ;;
  touch) /usr/lib/mxrc-stub/real/touch "$@" ;;
esac
exit "$rc"
`;

/** The shared libraries a binary needs, from ldd. */
function librariesOf(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1]) libs.push(match[1]);
  }
  return libs;
}

function copyInto(root: string, hostPath: string, chrootPath = hostPath): void {
  const target = join(root, chrootPath);
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target)) copyFileSync(hostPath, target);
  chmodSync(target, 0o755);
}

let runCounter = 0;

export class ShellSandbox {
  private constructor(
    readonly root: string,
    private readonly launcher: string[],
  ) {}

  /**
   * Builds the chroot. `realPrograms` are copied in (with their libraries) instead of being stubbed, e.g. curl
   * for the health-probe test. Returns a reason string when this machine cannot run the sandbox.
   */
  static create(options: { realPrograms?: readonly string[] } = {}): ShellSandbox | string {
    const root = mkdtempSync(join(tmpdir(), 'mxrc-sec-'));
    chmodSync(root, 0o755);
    const real = new Set(options.realPrograms ?? []);
    try {
      for (const lib of librariesOf('/bin/dash')) copyInto(root, lib);
      copyInto(root, '/bin/dash', '/bin/sh');
      for (const tool of ['cat', 'touch']) {
        const host = `/usr/bin/${tool}`;
        for (const lib of librariesOf(host)) copyInto(root, lib);
        copyInto(root, host, `/usr/lib/mxrc-stub/real/${tool}`);
      }
      writeFileSync(join(root, 'usr/lib/mxrc-stub/stub'), stubScript, { mode: 0o755 });
      mkdirSync(join(root, 'usr/bin'), { recursive: true });
      for (const program of stubbedPrograms) {
        if (real.has(program)) continue;
        symlinkSync('/usr/lib/mxrc-stub/stub', join(root, 'usr/bin', program));
      }
      for (const program of real) {
        const host = execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();
        for (const lib of librariesOf(host)) copyInto(root, lib);
        copyInto(root, host, `/usr/bin/${program}`);
      }
      // World-writable places the (unprivileged) shell may use; /run/systemd/system makes templates take their
      // systemd branch.
      for (const dir of ['work', 'tmp', 'log', 'run/systemd/system', 'dev', 'etc']) mkdirSync(join(root, dir), { recursive: true });
      for (const dir of ['work', 'tmp', 'log']) chmodSync(join(root, dir), 0o1777);
      writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n');
      writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
      const isRoot = process.getuid?.() === 0;
      if (isRoot) execFileSync('mknod', ['-m', '666', join(root, 'dev/null'), 'c', '1', '3']);
      else chmodSync(join(root, 'dev'), 0o1777);
      // Absolute paths: the command runs with the sandbox's PATH, which knows neither chroot nor unshare.
      const which = (program: string): string => execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }).trim();
      const launcher = isRoot ? [which('chroot'), '--userspec=65534:65534', root] : [which('unshare'), '--user', '--map-root-user', which('chroot'), root];
      const sandbox = new ShellSandbox(root, launcher);
      const probe = execFileSync(launcher[0] ?? 'chroot', [...launcher.slice(1), '/bin/sh', '-c', 'echo ok'], { encoding: 'utf8' }).trim();
      if (probe !== 'ok') throw new Error(`the sandbox shell answered "${probe}"`);
      return sandbox;
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      return `cannot build the shell sandbox (needs root for chroot, or user namespaces): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
  }

  /** Runs `sh -c command` in the chroot and returns every stub call it caused. */
  async run(command: string, options: RunOptions = {}): Promise<SandboxRun> {
    const id = `${process.pid}-${++runCounter}`;
    const logDir = join(this.root, 'log', id);
    mkdirSync(logDir, { mode: 0o777 });
    chmodSync(logDir, 0o777);
    for (const [program, text] of Object.entries(options.outputs ?? {})) writeFileSync(join(logDir, `out.${program}`), text, { mode: 0o644 });
    const env: Record<string, string> = {
      PATH: '/usr/bin:/bin',
      HOME: '/work',
      LANG: 'C.UTF-8',
      MXRC_STUB_LOG: `/log/${id}`,
      MXRC_STUB_STDIN: (options.captureStdin ?? ['cat', 'curl']).join(' '),
      MXRC_STUB_RC: Object.entries(options.exitCodes ?? {})
        .map(([name, rc]) => `${name}=${rc}`)
        .join(' '),
    };
    // An outer shell changes into the working directory, then execs a fresh `sh -c COMMAND`: the command string
    // is parsed exactly once, by the same shell a controller uses.
    const args = [...this.launcher.slice(1), '/bin/sh', '-c', 'cd "$1" || exit 99; exec /bin/sh -c "$2"', 'sandbox', options.cwd ?? '/work', command];
    const child = spawn(this.launcher[0] ?? 'chroot', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    if (options.stdin !== undefined) child.stdin.write(options.stdin);
    if (!options.holdStdin) child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    clearTimeout(timer);
    child.stdin.end();
    const calls = readCalls(logDir);
    rmSync(logDir, { recursive: true, force: true });
    const canaryFile = join(this.root, canaryPath);
    const canary = existsSync(canaryFile);
    return { calls, exitCode, stdout, stderr, canary };
  }

  /** The chroot path of a file, as seen from this process. */
  hostPath(chrootPath: string): string {
    return join(this.root, chrootPath);
  }

  /** Names in a chroot directory. */
  listDir(chrootPath: string): string[] {
    return readdirSync(join(this.root, chrootPath));
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function readCalls(logDir: string): StubCall[] {
  const calls: StubCall[] = [];
  for (const name of readdirSync(logDir).sort()) {
    if (name.endsWith('.stdin') || name.startsWith('out.')) continue;
    const fields = readFileSync(join(logDir, name), 'utf8').split('\0');
    fields.pop();
    const [program, ...args] = fields;
    if (program === undefined) continue;
    const call: StubCall = { program, args };
    const stdinFile = join(logDir, `${name}.stdin`);
    if (existsSync(stdinFile)) call.stdin = readFileSync(stdinFile);
    calls.push(call);
  }
  return calls;
}
