// Smoke test of the controller lab: every component answers the way lab.json says it does.
// Run: node --import tsx --test test/lab/lab.test.ts   (root; starts the lab when it is down)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { before, test } from 'node:test';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { ensureLab, type Lab } from '../support/lab';

let lab: Lab;

before(async () => {
  lab = await ensureLab({ output: 'inherit' });
});

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`${cmd}: ${err.message}`, { cause: err }));
        return;
      }
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** The real OpenSSH client, verifying host keys against the lab's known_hosts. */
function sshArgs(port: number, user: string, opts: { keyFile?: string; batch?: boolean } = {}): string[] {
  const args = [
    '-F', 'none',
    '-p', String(port),
    '-o', `BatchMode=${opts.batch === false ? 'no' : 'yes'}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${lab.knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=10',
  ];
  if (opts.keyFile) args.push('-i', opts.keyFile, '-o', 'IdentitiesOnly=yes');
  args.push(`${user}@127.0.0.1`);
  return args;
}

function ssh(port: number, command: string, user = 'mxrc'): Promise<RunResult> {
  return run('ssh', [...sshArgs(port, user, { keyFile: lab.users.key.keyFile }), command]);
}

/** Runs one command over ssh2 (the library the app uses). */
function ssh2Exec(config: ConnectConfig, command: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conn.on('error', reject);
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) {
          conn.end();
          reject(err);
          return;
        }
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('close', (code: number | null) => {
          conn.end();
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });
    });
    conn.connect({ host: '127.0.0.1', readyTimeout: 15_000, ...config });
  });
}

/** ssh2 host-key check against lab.json (ssh2 hands us the raw key blob). */
const expectHostKey = (publicKey: string) => (key: Buffer) => key.toString('base64') === publicKey.split(' ')[1];

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function dockerGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: lab.docker.socket, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`docker ${path} timed out`)));
    req.on('error', reject);
  });
}

test('known_hosts lists every lab sshd with the host keys of lab.json', async () => {
  const lines = readFileSync(lab.knownHostsFile, 'utf8').trim().split('\n');
  const ports = [lab.sshd.port, ...Object.values(lab.controllers).map((c) => c.port)];
  for (const port of ports) assert.ok(lines.some((l) => l.startsWith(`[127.0.0.1]:${port} `)), `no known_hosts line for port ${port}`);
  const { stdout } = await run('ssh-keygen', ['-lf', lab.knownHostsFile]);
  assert.match(stdout, new RegExp(lab.hostKey.fingerprint.replace(/[+/]/g, '\\$&')));
  assert.match(stdout, new RegExp(lab.controllers.systemd.hostKey.fingerprint.replace(/[+/]/g, '\\$&')));
});

test('host sshd: key login runs uname -a', async () => {
  const r = await ssh(lab.sshd.port, 'uname -a');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Linux /);
  // the fake controllers' mounts must not leak into the host
  const rt = await ssh(lab.sshd.port, 'cat /proc/cmdline; test ! -e /sys/kernel/realtime && echo no-realtime-file');
  assert.doesNotMatch(rt.stdout, /isolcpus=managed_irq,domain,1/);
  assert.match(rt.stdout, /no-realtime-file/);
});

test('host sshd: password user logs in (ssh2, and OpenSSH through sshpass when installed)', async () => {
  const { user, password } = lab.users.password;
  const r = await ssh2Exec({ port: lab.sshd.port, username: user, password, hostVerifier: expectHostKey(lab.hostKey.publicKey) }, 'id -un');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), user);

  const which = await run('sh', ['-c', 'command -v sshpass']);
  if (which.code !== 0) return;
  const args = ['-e', 'ssh', ...sshArgs(lab.sshd.port, user, { batch: false }), '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1', 'id -un'];
  const good = await run('sshpass', args, { ...process.env, SSHPASS: password });
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout.trim(), user);
  const bad = await run('sshpass', args, { ...process.env, SSHPASS: `${password}x` });
  assert.notEqual(bad.code, 0, 'a wrong password must be refused');
});

test('host sshd: passphrase-protected key works only with its passphrase', async () => {
  const { keyFile, passphrase, user } = lab.users.encryptedKey;
  const unlock = await run('ssh-keygen', ['-y', '-P', '', '-f', keyFile]);
  assert.notEqual(unlock.code, 0, 'the key must really be encrypted');
  const r = await ssh2Exec(
    { port: lab.sshd.port, username: user, privateKey: readFileSync(keyFile), passphrase, hostVerifier: expectHostKey(lab.hostKey.publicKey) },
    'id -un',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), user);
});

test('ssh-agent: holds the mxrc key and authenticates with it', async () => {
  const env = { ...process.env, SSH_AUTH_SOCK: lab.agent.socket };
  const list = await run('ssh-add', ['-l'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.includes(lab.users.key.fingerprint));
  const r = await run('ssh', [...sshArgs(lab.sshd.port, 'mxrc'), 'id -un'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'mxrc');
});

test('dockerd: _ping over the lab socket, local images present', async () => {
  const ping = await dockerGet('/_ping');
  assert.equal(ping.status, 200);
  assert.equal(ping.body, 'OK');
  for (const image of [lab.docker.images.busybox, lab.docker.images.ctlSystemd]) {
    const r = await dockerGet(`/images/${image}/json`);
    assert.equal(r.status, 200, `image ${image} missing`);
  }
});

test('host sshd: jump host (direct-tcpip) to the systemd controller, streamlocal to the docker socket', async () => {
  const jump = new Client();
  await new Promise<void>((resolve, reject) => {
    jump.once('ready', resolve).once('error', reject);
    jump.connect({ host: '127.0.0.1', port: lab.sshd.port, username: 'mxrc', privateKey: readFileSync(lab.users.key.keyFile), hostVerifier: expectHostKey(lab.hostKey.publicKey), readyTimeout: 15_000 });
  });
  try {
    const ctl = lab.controllers.systemd;
    const tunnel = await new Promise<ClientChannel>((resolve, reject) => {
      jump.forwardOut('127.0.0.1', 0, ctl.host, ctl.port, (err, stream) => (err ? reject(err) : resolve(stream)));
    });
    const r = await ssh2Exec({ sock: tunnel, username: ctl.user, privateKey: readFileSync(ctl.keyFile), hostVerifier: expectHostKey(ctl.hostKey.publicKey) }, 'systemctl --version | head -1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^systemd \d+/);

    // the app's Docker transport: an HTTP request through a direct-streamlocal channel
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      jump.openssh_forwardOutStreamLocal(lab.docker.socket, (err, stream) => (err ? reject(err) : resolve(stream)));
    });
    const reply = await new Promise<string>((resolve, reject) => {
      let data = '';
      channel.on('data', (d: Buffer) => (data += d.toString()));
      channel.on('end', () => resolve(data));
      channel.on('error', reject);
      channel.write('GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n');
    });
    assert.match(reply, /^HTTP\/1\.[01] 200 /);
    assert.match(reply, /\r\n\r\nOK$/);
  } finally {
    jump.end();
  }
});

test('systemd controller: systemd runs, sudo for mxrc only, cyclictest installed', async () => {
  const ctl = lab.controllers.systemd;
  const state = await waitFor('systemd to finish booting', 60_000, async () => {
    const r = await ssh(ctl.port, 'systemctl is-system-running');
    const s = r.stdout.trim();
    return s === 'running' || s === 'degraded' ? s : undefined;
  });
  assert.ok(state === 'running' || state === 'degraded');

  const sudo = await ssh(ctl.port, 'sudo -n true');
  assert.equal(sudo.code, 0, sudo.stderr);
  const noSudo = await ssh(ctl.port, 'sudo -n true', lab.users.noSudo.user);
  assert.notEqual(noSudo.code, 0, 'mxrc-nosudo must not have sudo');
  assert.match(noSudo.stderr, /password is required|not in the sudoers|may not run sudo/);

  const cyclictest = await ssh(ctl.port, 'command -v cyclictest');
  assert.equal(cyclictest.code, 0, cyclictest.stderr);
  assert.match(cyclictest.stdout, /cyclictest/);

  // the lab engine at the controller's standard socket path, usable by the docker group
  const docker = await ssh(ctl.port, `curl -sS --unix-socket ${ctl.dockerSocket} http://d/_ping`);
  assert.equal(docker.stdout, 'OK', docker.stderr);
});

test('systemd controller: password user and host key', async () => {
  const ctl = lab.controllers.systemd;
  const { user, password } = lab.users.password;
  const r = await ssh2Exec({ port: ctl.port, username: user, password, hostVerifier: expectHostKey(ctl.hostKey.publicKey) }, 'id -un');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), user);
});

test('tuned fake controller looks like a prepared PREEMPT_RT controller', async () => {
  const ctl = lab.controllers.tuned;
  const uname = await ssh(ctl.port, 'uname -a');
  assert.equal(uname.code, 0, uname.stderr);
  assert.match(uname.stdout, /PREEMPT_RT/);
  assert.match(uname.stdout, new RegExp(`^Linux ${ctl.hostname} `));
  const realtime = await ssh(ctl.port, 'cat /sys/kernel/realtime');
  assert.equal(realtime.stdout.trim(), '1');
  const isolated = await ssh(ctl.port, 'cat /sys/devices/system/cpu/isolated');
  assert.equal(isolated.stdout.trim(), ctl.rtCores);
  const misc = await ssh(ctl.port, 'cat /proc/cmdline /proc/sys/kernel/sched_rt_runtime_us /sys/devices/system/cpu/cpu1/cpufreq/scaling_governor; stat -fc %T /sys/fs/cgroup');
  assert.match(misc.stdout, /isolcpus=managed_irq,domain,1 /);
  assert.match(misc.stdout, /^-1$/m);
  assert.match(misc.stdout, /^performance$/m);
  assert.match(misc.stdout, /^cgroup2fs$/m);
});

test('untuned fake controller looks like a fresh generic Ubuntu install', async () => {
  const ctl = lab.controllers.untuned;
  const uname = await ssh(ctl.port, 'uname -a');
  assert.equal(uname.code, 0, uname.stderr);
  assert.doesNotMatch(uname.stdout, /PREEMPT_RT/);
  assert.match(uname.stdout, /PREEMPT_DYNAMIC/);
  const realtime = await ssh(ctl.port, 'cat /sys/kernel/realtime');
  assert.notEqual(realtime.code, 0);
  assert.match(realtime.stderr, /No such file or directory/);
  const isolated = await ssh(ctl.port, 'cat /sys/devices/system/cpu/isolated');
  assert.equal(isolated.stdout.trim(), '');
  const rt = await ssh(ctl.port, 'cat /proc/sys/kernel/sched_rt_runtime_us');
  assert.equal(rt.stdout.trim(), '950000');
});
