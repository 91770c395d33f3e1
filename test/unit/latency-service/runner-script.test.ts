/**
 * resources/latency-runner.sh under /bin/sh with stand-ins for the tools that need root or a controller
 * (cyclictest, stress-ng, systemctl, rtla): the state machine, the SIGUSR1 status, cancel, the RT-service
 * interlock and every failure path. The real tools run in test/lab/latency.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { parseRunnerStatus } from '../../../src/shared/latency';
import { runnerScriptPath } from '../../../src/main/services/latency/runner-script';
import { waitFor } from '../../support/wait-for';

const root = mkdtempSync(join(tmpdir(), 'mxrc-runner-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A cyclictest stand-in: counts 1000 "cycles" per 0.1 s, answers SIGUSR1 with a status block on stderr, and on
// SIGINT/SIGTERM (or after -D seconds) prints a histogram trailer like the real one.
const fakeCyclictest = `#!/bin/sh
D=5
while [ $# -gt 0 ]; do case $1 in -D) D=$2; shift ;; esac; shift; done
C=0; MAX=7; STOP=0
status() { printf '#---------------------------\\n# cyclictest current status:\\nT: 0 ( %5d) P:80 I:100 C:%7d Min:      3 Act:    4 Avg:    5 Max:%8d\\n#---------------------------\\n' $$ $C $MAX >&2; }
trap status USR1
trap 'STOP=1' INT TERM
echo "WARN: stat /dev/cpu_dma_latency failed: No such file or directory" >&2
ticks=0
while [ $STOP = 0 ] && [ $ticks -lt $((D * 10)) ]; do sleep 0.1; ticks=$((ticks + 1)); C=$((C + 1000)); MAX=$((MAX + 1)); done
printf '# Histogram\\n000003 %06d\\n# Total: %09d\\n# Min Latencies: 00003\\n# Avg Latencies: 00003\\n# Max Latencies: %05d\\n# Histogram Overflows: 00000\\n# Histogram Overflow at cycle number:\\n# Thread 0:\\n\\n' $C $C $MAX
exit 0
`;
const fakeStress = `#!/bin/sh
echo "$$" > "$STRESS_PID_FILE"
trap 'exit 0' TERM
while :; do sleep 0.2; done
`;
// systemctl stand-in: the unit's state lives in a file; every call is logged.
const fakeSystemctl = `#!/bin/sh
echo "$*" >> "$SYSTEMCTL_LOG"
case $1 in
  stop) [ -f "$UNIT_STUCK" ] || echo inactive > "$UNIT_STATE" ;;
  start) echo active > "$UNIT_STATE" ;;
  is-active) s=$(cat "$UNIT_STATE"); [ "$2" = --quiet ] || echo "$s"; [ "$s" = active ] ;;
esac
`;

function tools(name: string, with_: { cyclictest?: boolean; stress?: boolean; systemctl?: boolean }): string {
  const bin = join(root, name, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of ['sleep', 'tail', 'mv', 'date', 'cat', 'grep', 'kill']) {
    for (const dir of ['/usr/bin', '/bin']) {
      if (existsSync(join(dir, tool)) && !existsSync(join(bin, tool))) symlinkSync(join(dir, tool), join(bin, tool));
    }
  }
  const write = (file: string, text: string): void => {
    writeFileSync(join(bin, file), text);
    chmodSync(join(bin, file), 0o755);
  };
  if (with_.cyclictest !== false) write('cyclictest', fakeCyclictest);
  if (with_.stress) write('stress-ng', fakeStress);
  if (with_.systemctl) write('systemctl', fakeSystemctl);
  return bin;
}

interface Run {
  dir: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  file(name: string): string | null;
}

function startRunner(name: string, conf: { durationS?: number; load?: boolean; rtla?: boolean; rtUnit?: string }, bin: string, env: Record<string, string> = {}): Run {
  const dir = join(root, name, 'run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'run.conf'),
    [
      'THREADS=1',
      `DURATION_S=${conf.durationS ?? 2}`,
      'STATUS_EVERY=1',
      `LOAD=${conf.load ? 1 : 0}`,
      `RTLA=${conf.rtla ? 1 : 0}`,
      "HK_CORES='0'",
      `RT_UNIT='${conf.rtUnit ?? ''}'`,
      `run_cyclictest() { exec cyclictest -m -p80 -a 1 -t 1 -D ${conf.durationS ?? 2} -q; }`,
      'run_load() { exec stress-ng --cpu 1; }',
      'run_rtla() { exec rtla timerlat hist "$@"; }',
      '',
    ].join('\n'),
  );
  const child = spawn('/bin/sh', [runnerScriptPath(), dir], { env: { PATH: bin, ...env }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const file = (f: string): string | null => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : null);
  return { dir, child, exited, file };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \([^)]*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('latency runner script', () => {
  test('a run to the end: states, live status from SIGUSR1, results, exit code', async () => {
    const run = startRunner('finish', { durationS: 3 }, tools('finish', {}));
    const states = new Set<string>();
    const cycles: number[] = [];
    await waitFor(() => {
      const status = parseRunnerStatus(run.file('status') ?? '');
      if (status.state) states.add(status.state);
      const c = status.threads?.[0]?.cycles;
      if (c !== undefined && c !== cycles.at(-1)) cycles.push(c);
      return status.state === 'finished';
    }, 'finished', 20_000);
    assert.equal(await run.exited, 0);
    assert.ok(states.has('running'), [...states].join(','));
    assert.ok(cycles.length >= 2, `live snapshots: ${cycles.join(',')}`);
    for (let i = 1; i < cycles.length; i++) assert.ok((cycles[i] ?? 0) > (cycles[i - 1] ?? 0));
    assert.equal(run.file('state')?.trim(), 'finished');
    assert.equal(run.file('ct.exit')?.trim(), '0');
    assert.match(run.file('ct.out') ?? '', /# Max Latencies:/);
    assert.match(run.file('ct.err') ?? '', /# cyclictest current status:/);
    assert.equal(run.file('runner.pid')?.trim(), String(run.child.pid));
    assert.match(run.file('runner.log') ?? '', /end: finished/);
  });

  test('cancel (SIGTERM to the runner): cyclictest ends gracefully with its results, the load is stopped, nothing is left', async () => {
    const stressPid = join(root, 'stress.pid');
    const run = startRunner('cancel', { durationS: 60, load: true }, tools('cancel', { stress: true }), { STRESS_PID_FILE: stressPid });
    await waitFor(() => parseRunnerStatus(run.file('status') ?? '').threads !== null, 'running with a status block', 20_000);
    const ctPid = Number(run.file('ct.pid'));
    const loadPid = Number(readFileSync(stressPid, 'utf8'));
    assert.ok(alive(ctPid) && alive(loadPid));
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.equal(run.file('state')?.trim(), 'cancelled');
    assert.match(run.file('ct.out') ?? '', /# Histogram/, 'SIGINT lets cyclictest print what it measured');
    assert.equal(run.file('load.exit')?.trim(), '0');
    await waitFor(() => !alive(ctPid) && !alive(loadPid), 'no process left');
  });

  test('cyclictest missing: failed with a reason, before anything started', async () => {
    const run = startRunner('missing', {}, tools('missing', { cyclictest: false }));
    assert.equal(await run.exited, 0);
    assert.equal(run.file('state')?.trim(), 'failed');
    assert.equal(run.file('reason')?.trim(), 'tool-missing: cyclictest');
    assert.equal(run.file('ct.pid'), null);
  });

  test('the RT service is stopped for the test and started again afterwards', async () => {
    const log = join(root, 'rt', 'systemctl.log');
    const state = join(root, 'rt', 'unit.state');
    mkdirSync(join(root, 'rt'), { recursive: true });
    writeFileSync(state, 'active\n');
    const run = startRunner('rt', { durationS: 2, rtUnit: 'mxrc-rt.service' }, tools('rt', { systemctl: true }), { SYSTEMCTL_LOG: log, UNIT_STATE: state, UNIT_STUCK: join(root, 'rt', 'nope') });
    await waitFor(() => run.file('state')?.trim() === 'running', 'running');
    assert.equal(readFileSync(state, 'utf8').trim(), 'inactive', 'stopped while measuring');
    assert.equal(await run.exited, 0);
    assert.equal(run.file('state')?.trim(), 'finished');
    assert.equal(readFileSync(state, 'utf8').trim(), 'active');
    assert.equal(run.file('rt-unit')?.trim(), 'restored');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['stop mxrc-rt.service', 'is-active --quiet mxrc-rt.service', 'start --no-block mxrc-rt.service']);
  });

  test('an RT service that will not stop: the test does not run and the service is left alone', async () => {
    const dir = join(root, 'stuck');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'unit.state'), 'active\n');
    writeFileSync(join(dir, 'stuck'), '');
    const log = join(dir, 'systemctl.log');
    const run = startRunner('stuck', { rtUnit: 'mxrc-rt.service' }, tools('stuck', { systemctl: true }), { SYSTEMCTL_LOG: log, UNIT_STATE: join(dir, 'unit.state'), UNIT_STUCK: join(dir, 'stuck') });
    assert.equal(await run.exited, 0);
    assert.equal(run.file('state')?.trim(), 'failed');
    assert.match(run.file('reason') ?? '', /^rt-unit-still-active: mxrc-rt.service/);
    assert.equal(run.file('ct.pid'), null);
    assert.doesNotMatch(readFileSync(log, 'utf8'), /start/);
  });

  test('rtla after cyclictest, with -H only when this rtla knows --house-keeping', async () => {
    for (const [name, help] of [['rtla-new', '  -H, --house-keeping=cpu-list: run rtla control threads only on the given cpus'], ['rtla-old', '  -c, --cpus=cpu-list: run the tracer only on the given cpus']] as const) {
      const bin = tools(name, {});
      writeFileSync(join(bin, 'rtla'), `#!/bin/sh\nif [ "$3" = --help ]; then echo '${help}' >&2; exit 129; fi\necho "args: $*"\necho '# RTLA timerlat histogram'\n`);
      chmodSync(join(bin, 'rtla'), 0o755);
      const run = startRunner(name, { durationS: 1, rtla: true }, bin);
      assert.equal(await run.exited, 0);
      assert.equal(run.file('state')?.trim(), 'finished');
      assert.equal(run.file('rtla.exit')?.trim(), '0');
      assert.match(run.file('runner.log') ?? '', /rtla started/);
      const args = /^args: (.*)$/m.exec(run.file('rtla.txt') ?? '')?.[1];
      assert.equal(args, name === 'rtla-new' ? 'timerlat hist -H 0' : 'timerlat hist');
    }
  });

  test('rtla requested but not installed: recorded as missing, the run still finishes', async () => {
    const run = startRunner('rtla', { durationS: 1, rtla: true }, tools('rtla', {}));
    assert.equal(await run.exited, 0);
    assert.equal(run.file('state')?.trim(), 'finished');
    assert.equal(run.file('rtla.exit')?.trim(), 'missing');
  });
});
