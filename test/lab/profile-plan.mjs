// Turns a fake-controller profile (test/lab/profiles/<name>/) into a mount plan for fake-controller.sh.
// usage: node profile-plan.mjs <profileDir> <outDir>
// Writes <outDir>/files (bind-mount sources), <outDir>/ov/<n>/{upper,work} (overlay layers), <outDir>/irq and
// <outDir>/mounts.plan; prints `key=value` lines (hostname, rtCores, housekeepingCores) for lab.sh.
// Everything is checked here, on the host, so a broken profile fails `lab.sh up` with a clear message
// instead of killing the fake sshd later inside its namespace.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [profileDir, outDir] = process.argv.slice(2);
if (!profileDir || !outDir) {
  console.error('usage: node profile-plan.mjs <profileDir> <outDir>');
  process.exit(2);
}
const fail = (msg) => {
  console.error(`profile ${profileDir}: ${msg}`);
  process.exit(1);
};

let profile;
try {
  profile = JSON.parse(readFileSync(join(profileDir, 'profile.json'), 'utf8'));
} catch (err) {
  fail(`cannot read profile.json: ${err.message}`);
}

const cpuList = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;
for (const key of ['rtCores', 'housekeepingCores']) {
  if (typeof profile[key] !== 'string' || !cpuList.test(profile[key])) fail(`${key} must be a CPU list string like "1" or "0-1"`);
}
if (typeof profile.hostname !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(profile.hostname)) fail('hostname must be a simple host name');
const overlayDirs = profile.overlayDirs ?? [];
if (!Array.isArray(overlayDirs)) fail('overlayDirs must be an array');
for (const dir of overlayDirs) {
  if (typeof dir !== 'string' || !dir.startsWith('/') || dir.endsWith('/')) fail(`overlayDirs entry ${JSON.stringify(dir)} must be an absolute path without trailing slash`);
  // /proc cannot be an overlay layer (the kernel refuses procfs as lowerdir): only bind mounts work there
  if (dir === '/proc' || dir.startsWith('/proc/')) fail(`${dir}: overlayfs does not accept procfs; bind-mount files that exist instead`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`overlay directory ${dir} does not exist on this host`);
  for (const other of overlayDirs) {
    if (other !== dir && other.startsWith(`${dir}/`)) fail(`overlay directories ${dir} and ${other} are nested`);
  }
}
if (profile.irqAffinity !== undefined && (typeof profile.irqAffinity !== 'string' || !cpuList.test(profile.irqAffinity))) {
  fail('irqAffinity must be a CPU list string');
}

const expand = (list) =>
  list.split(',').flatMap((item) => {
    const [a, b] = item.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
const hexMask = (list) => expand(list).reduce((m, cpu) => m | (1n << BigInt(cpu)), 0n).toString(16);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
    else fail(`${path}: only regular files are supported`);
  }
}

const copy = (src, dst) => {
  mkdirSync(dirname(dst), { recursive: true, mode: 0o755 });
  copyFileSync(src, dst);
  // readable by the SSH users; keep the execute bit of scripts such as usr/bin/uname
  chmodSync(dst, (statSync(src).mode & 0o111) | 0o644);
};

const plan = [`hostname ${profile.hostname}`];
if (profile.cgroup2) plan.push('cgroup2');
overlayDirs.forEach((dir, i) => {
  const layer = join(outDir, 'ov', String(i));
  mkdirSync(join(layer, 'upper'), { recursive: true, mode: 0o755 });
  mkdirSync(join(layer, 'work'), { recursive: true, mode: 0o755 });
  plan.push(`overlay ${dir} ${join(layer, 'upper')} ${join(layer, 'work')}`);
});

const binds = [];
for (const src of walk(profileDir)) {
  const rel = relative(profileDir, src);
  if (rel === 'profile.json' || /^README/i.test(rel)) continue;
  const target = `/${rel}`;
  if (/\s/.test(target)) fail(`${target}: paths with white space are not supported`);
  const ov = overlayDirs.findIndex((dir) => target.startsWith(`${dir}/`));
  if (ov >= 0) {
    copy(src, join(outDir, 'ov', String(ov), 'upper', target.slice(overlayDirs[ov].length + 1)));
    continue;
  }
  // the cgroup2 mount happens first inside the namespace, so its files exist only there
  const afterCgroup2 = profile.cgroup2 && target.startsWith('/sys/fs/cgroup/');
  if (!afterCgroup2 && !existsSync(target)) {
    fail(`${target} does not exist on this host: a bind mount needs an existing file; add its directory to overlayDirs (not possible under /proc)`);
  }
  const copyPath = join(outDir, 'files', rel);
  copy(src, copyPath);
  binds.push(`bind ${copyPath} ${target}`);
}
plan.push(...binds.sort());

if (profile.irqAffinity) {
  mkdirSync(join(outDir, 'irq'), { recursive: true, mode: 0o755 });
  writeFileSync(join(outDir, 'irq', 'list'), `${profile.irqAffinity}\n`, { mode: 0o644 });
  writeFileSync(join(outDir, 'irq', 'mask'), `${hexMask(profile.irqAffinity)}\n`, { mode: 0o644 });
  plan.push(`irq ${join(outDir, 'irq', 'list')} ${join(outDir, 'irq', 'mask')}`);
}

writeFileSync(join(outDir, 'mounts.plan'), `${plan.join('\n')}\n`, { mode: 0o644 });
process.stdout.write(`hostname=${profile.hostname}\nrtCores=${profile.rtCores}\nhousekeepingCores=${profile.housekeepingCores}\n`);
