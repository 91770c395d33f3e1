import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  cmdlineValue,
  grepH,
  kernelCpuList,
  parseCmdline,
  parseIsolcpus,
  sections,
  sysctls,
  toolMissing,
  valueLines,
} from '../../../src/shared/checks/parse';
import {
  hasCapability,
  interruptCount,
  isPerCpuKthreadName,
  parseInterrupts,
  parseLimits,
  parsePsThreads,
  parseStatusFile,
  parseSystemctlShow,
  parseTaskStatus,
} from '../../../src/shared/checks/parse-proc';
import { readFixture } from './helpers';

/** The block after `$ <command>` in proc-sys-formats-debian12-vm.txt. */
function block(command: string): string {
  const text = readFixture('proc-sys-formats-debian12-vm.txt');
  const start = text.indexOf(`$ ${command}\n`);
  assert.ok(start >= 0, command);
  const body = text.slice(start + command.length + 3);
  const end = body.indexOf('\n$ ');
  return end < 0 ? body : body.slice(0, end + 1);
}

describe('parsers', () => {
  test('/proc/interrupts of the 2-CPU VM: glued chips, single-column ERR/MIS', () => {
    const table = parseInterrupts(readFixture('proc-interrupts-debian12-vm-2cpu.txt'));
    assert.ok(table);
    assert.deepEqual(table.cpus, [0, 1]);
    const numeric = table.rows.filter((r) => r.numeric);
    assert.equal(numeric.length, 19);
    const virtio = numeric.find((r) => r.label === '28');
    assert.equal(virtio?.name, 'virtio0-config');
    assert.deepEqual(virtio?.counts, [0, 0]);
    assert.deepEqual(table.rows.find((r) => r.label === 'ERR')?.counts, [0]);
    assert.equal(interruptCount(table, 'LOC', 1), table.rows.find((r) => r.label === 'LOC')?.counts[1]);
    assert.equal(interruptCount(table, 'LOC', 2), undefined);
  });

  test('/proc/interrupts of the fake 4-CPU controller', () => {
    const table = parseInterrupts(readFixture('fake-controller/interrupts'));
    assert.deepEqual(table?.cpus, [0, 1, 2, 3]);
    assert.equal(table?.rows.find((r) => r.label === '24')?.name, 'enp1s0-TxRx-0');
    assert.deepEqual(table?.rows.find((r) => r.label === 'LOC')?.counts, [1000000, 1000000, 1200, 1200]);
  });

  test('kernel command line: last occurrence wins, `--` ends it, quotes group', () => {
    const cmd = parseCmdline('BOOT_IMAGE=/vmlinuz ro isolcpus=1 quiet isolcpus=managed_irq,domain,2-3 dyndbg="file x.c +p" -- nohz_full=0-3 --init-flag\n');
    assert.equal(cmdlineValue(cmd, 'isolcpus'), 'managed_irq,domain,2-3');
    assert.equal(cmdlineValue(cmd, 'dyndbg'), 'file x.c +p');
    assert.equal(cmd.params.has('nohz_full'), false);
    assert.equal(cmd.params.get('quiet'), true);
    const fake = parseCmdline(readFixture('fake-controller/cmdline'));
    assert.equal(cmdlineValue(fake, 'isolcpus'), '2,3');
    assert.equal(cmdlineValue(fake, 'intel_idle.max_cstate'), '0');
  });

  test('isolcpus flags and CPU lists (including all and N)', () => {
    assert.deepEqual(parseIsolcpus('2,3'), { flags: ['domain'], cpus: [2, 3], list: '2,3' });
    assert.deepEqual(parseIsolcpus('managed_irq,domain,2-3').flags, ['managed_irq', 'domain']);
    assert.deepEqual(kernelCpuList('all', 4), [0, 1, 2, 3]);
    assert.deepEqual(kernelCpuList('2-N', 4), [2, 3]);
    assert.equal(kernelCpuList('nonsense'), null);
  });

  test('sysctl lines: missing keys read as undefined, tabs kept', () => {
    const map = sysctls('kernel.sched_schedstats = cat: /proc/sys/kernel/sched_schedstats: No such file or directory\nkernel.printk = 4\t4\t1\t7\nkernel.sched_rt_runtime_us = -1\n');
    assert.equal(map.get('kernel.sched_schedstats'), undefined);
    assert.equal(map.get('kernel.printk'), '4\t4\t1\t7');
    assert.equal(map.get('kernel.sched_rt_runtime_us'), '-1');
    const fixture = sysctls(block('sysctl -a 2>/dev/null | grep -E "^kernel\\.sched_"'));
    assert.equal(fixture.get('kernel.sched_rt_runtime_us'), '950000');
  });

  test('grep -H output and error lines', () => {
    const text = '/sys/a/b:1\ngrep: /sys/x: No such file or directory\n/sys/devices/system/cpu/vulnerabilities/spectre_v2:Mitigation: IBRS; BHI: Vulnerable\n';
    const map = grepH(text);
    assert.equal(map.size, 2);
    assert.equal(map.get('/sys/devices/system/cpu/vulnerabilities/spectre_v2'), 'Mitigation: IBRS; BHI: Vulnerable');
    assert.deepEqual(valueLines('tsc\ncat: /x: No such file or directory\n'), ['tsc']);
  });

  test('missing tools in dash, bash and the collect fixture', () => {
    assert.ok(toolMissing('sh: 1: chronyc: not found', 'chronyc'));
    assert.ok(toolMissing('bash: line 1: ethtool: command not found', 'ethtool'));
    assert.ok(toolMissing('collect.sh: 44: chronyc: not found', 'chronyc'));
    assert.ok(!toolMissing('chronyc: tracking', 'chronyc'));
  });

  test('marker sections keep duplicates in order', () => {
    const parts = sections('pid=1\n@@@ sample 10.5\na\n@@@ faults\nb\n@@@ sample 20.5\nc\n');
    assert.deepEqual(parts.map((p) => [p.name, p.args, p.body]), [['sample', '10.5', 'a'], ['faults', '', 'b'], ['sample', '20.5', 'c\n']]);
  });

  test('/proc/PID/status, limits and capabilities from the fixture', () => {
    const status = parseStatusFile(block('grep -E "Cpus_allowed_list|VmLck|VmRSS|voluntary" /proc/self/status'));
    assert.equal(status.get('VmLck'), '0 kB');
    assert.equal(status.get('Cpus_allowed_list'), '0-1');
    const limits = parseLimits(block('cat /proc/self/limits (subset)'));
    assert.deepEqual(limits.get('Max locked memory'), { soft: '8388608', hard: '8388608' });
    assert.deepEqual(limits.get('Max realtime priority'), { soft: '0', hard: '0' });
    assert.ok(hasCapability('0000000000004000', 14));
    assert.ok(!hasCapability('0000000000000000', 23));
  });

  test('ps thread rows: RT and kernel threads', () => {
    const rows = parsePsThreads('   18    18  FF     99   -   0 S    migration/0\n 7637  7637  TS      -   0   0 I    kworker/u8:3-events_unbound\n28123 28126  TS      -   0   1 Sl   Web Content\n');
    assert.deepEqual(rows[0], { pid: 18, tid: 18, cls: 'FF', rtprio: 99, psr: 0, stat: 'S', comm: 'migration/0' });
    assert.equal(rows[2]?.comm, 'Web Content');
    assert.equal(rows[1]?.rtprio, null);
  });

  test('task status: kernel threads from Kthread: or the parent', () => {
    const tasks = parseTaskStatus('/proc/2/task/2/status:Name:\tkthreadd\n/proc/2/task/2/status:PPid:\t0\n/proc/9/task/9/status:Name:\tkworker/0:0\n/proc/9/task/9/status:PPid:\t2\n/proc/9/task/9/status:Cpus_allowed_list:\t0\n/proc/50/task/51/status:Name:\tnode\n/proc/50/task/51/status:Kthread:\t0\n/proc/50/task/51/status:Cpus_allowed_list:\t0-1\n');
    assert.deepEqual(tasks.map((t) => [t.tid, t.tgid, t.kthread]), [[2, 2, true], [9, 9, true], [51, 50, false]]);
    assert.ok(isPerCpuKthreadName('kworker/0:0H-events_highpri'));
    assert.ok(isPerCpuKthreadName('ktimers/3'));
    assert.ok(!isPerCpuKthreadName('kworker/u8:0-events_unbound'));
    assert.ok(!isPerCpuKthreadName('rcuop/2'));
  });

  test('systemctl show blocks by Id', () => {
    const units = parseSystemctlShow('Id=a.service\nLoadState=loaded\nCPUAffinity=0-1\n\nId=b.service\nLoadState=not-found\n');
    assert.equal(units.get('a.service')?.get('CPUAffinity'), '0-1');
    assert.equal(units.get('b.service')?.get('LoadState'), 'not-found');
  });
});
