// Access to the controller lab (test/lab/lab.sh) from tests, benchmarks and scripts.
// The lab writes everything a client needs into $LAB_DIR/lab.json; `Lab` below is that file's shape.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LabHostKey {
  /** `ssh-ed25519 AAAA…` (type and base64, no comment) */
  publicKey: string;
  /** as printed by `ssh-keygen -lf`: `SHA256:` + unpadded base64 */
  fingerprint: string;
}

interface LabControllerBase {
  host: string;
  port: number;
  /** key user (mxrc); the users of `Lab.users` exist on every lab sshd */
  user: string;
  keyFile: string;
  hostKey: LabHostKey;
  rtCores: string;
  housekeepingCores: string;
  /** whether `user` has passwordless sudo there */
  sudo: boolean;
}

/** Debian container with systemd as PID 1, reached over its own sshd (lab.md §4). */
export interface LabSystemdController extends LabControllerBase {
  container: string;
  image: string;
  /** the lab engine's socket, bind-mounted at the controller's standard path */
  dockerSocket: string;
}

/** sshd in a private mount namespace whose /proc and /sys files come from test/lab/profiles/<profile>. */
export interface LabFakeController extends LabControllerBase {
  pid: number;
  profile: string;
  hostname: string;
}

export interface Lab {
  version: number;
  labDir: string;
  startedAt: string;
  updatedAt: string;
  cacheDir: string;
  sshd: { host: string; port: number; pid: number; config: string; log: string };
  hostKey: LabHostKey;
  /** `[127.0.0.1]:port key` lines for every lab sshd, fakes and the systemd controller included */
  knownHostsFile: string;
  users: {
    key: { user: string; keyFile: string; publicKey: string; fingerprint: string };
    encryptedKey: { user: string; keyFile: string; passphrase: string; publicKey: string; fingerprint: string };
    password: { user: string; password: string };
    noSudo: { user: string; keyFile: string };
  };
  agent: { socket: string; pid: number; fingerprints: string[] };
  docker: {
    socket: string;
    host: string;
    pid: number;
    images: { busybox: string; busyboxArchive: string; ctlSystemd: string };
    mxrcRunDir: string;
  };
  controllers: {
    systemd: LabSystemdController;
    tuned: LabFakeController;
    untuned: LabFakeController;
    /** further profiles added under test/lab/profiles appear under their directory name */
    [profile: string]: LabSystemdController | LabFakeController;
  };
}

const here = dirname(fileURLToPath(import.meta.url));
/** test/lab/lab.sh */
export const labScript = resolve(here, '..', 'lab', 'lab.sh');

export function labDir(): string {
  return process.env.MXRC_LAB_DIR ?? '/srv/mxrc-lab';
}

export function labJsonPath(): string {
  return join(labDir(), 'lab.json');
}

/** The current lab.json, or null when the lab is down (or the file is unreadable). */
export function readLab(): Lab | null {
  let text: string;
  try {
    text = readFileSync(labJsonPath(), 'utf8');
  } catch {
    return null;
  }
  try {
    const lab = JSON.parse(text) as Lab;
    return typeof lab.sshd?.pid === 'number' && typeof lab.controllers?.systemd?.port === 'number' ? lab : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every process the lab records is still there (a cheap check; `lab.sh up` does the thorough one). */
export function labLooksAlive(lab: Lab): boolean {
  const pids = [lab.sshd.pid, lab.agent.pid, lab.docker.pid];
  for (const ctl of Object.values(lab.controllers)) if ('pid' in ctl) pids.push(ctl.pid);
  return pids.every(pidAlive);
}

export interface RunOptions {
  /** 'inherit' shows lab.sh's progress on this process's stderr; default: captured, reported on failure */
  output?: 'inherit' | 'capture';
  /** default 20 min: the first `up` on a fresh machine installs packages and builds the controller image */
  timeoutMs?: number;
}

/** Runs `bash test/lab/lab.sh <command>`; resolves with its stdout. */
export function runLabScript(command: 'up' | 'down' | 'status', opts: RunOptions = {}): Promise<string> {
  const { output = 'capture', timeoutMs = 20 * 60_000 } = opts;
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [labScript, command], {
      stdio: ['ignore', 'pipe', output === 'inherit' ? 'inherit' : 'pipe'],
      env: { ...process.env, MXRC_LAB_DIR: labDir() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (code === 0) {
        resolvePromise(stdout);
        return;
      }
      const tail = stderr.split('\n').slice(-40).join('\n');
      reject(new Error(`lab.sh ${command} failed (${signal ?? `exit ${code}`})${tail ? `:\n${tail}` : ''}`));
    };
    child.on('error', reject);
    // 'close' waits for the pipes; lab.sh detaches its daemons from them, but do not hang if one slipped through
    child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), 2000).unref());
    child.on('close', finish);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lockHolder(path: string): { owner: number; ageMs: number } | null {
  try {
    return { owner: Number(readFileSync(path, 'utf8') || NaN), ageMs: Date.now() - statSync(path).mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Cross-process lock: test files run in separate processes and may all call ensureLab() at once.
 * A lock file whose owner died is taken over.
 */
async function withLock<T>(path: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(path);
      if (!holder) continue; // released between open and read
      const { owner, ageMs } = holder;
      // an empty file is a lock being written right now, unless its writer died before writing
      const ownerGone = Number.isInteger(owner) && owner > 0 ? !pidAlive(owner) : ageMs > 10_000;
      if (ownerGone) {
        try {
          unlinkSync(path);
        } catch {
          /* another waiter took it over first */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${path} (held by pid ${owner})`, { cause: err });
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
}

/** The running lab; starts (or repairs) it with `lab.sh up` when lab.json is missing or a lab process died. */
export async function ensureLab(opts: RunOptions = {}): Promise<Lab> {
  const current = readLab();
  if (current && labLooksAlive(current)) return current;
  mkdirSync(labDir(), { recursive: true });
  return withLock(join(labDir(), 'ensure.lock'), opts.timeoutMs ?? 20 * 60_000, async () => {
    const again = readLab();
    if (again && labLooksAlive(again)) return again;
    await runLabScript('up', opts);
    const lab = readLab();
    if (!lab) throw new Error(`lab.sh up succeeded but ${labJsonPath()} is missing or invalid`);
    return lab;
  });
}

/** Stops the lab (`lab.sh down`); keys, images and caches stay for the next start. */
export async function labDown(opts: RunOptions = {}): Promise<void> {
  await runLabScript('down', opts);
}
