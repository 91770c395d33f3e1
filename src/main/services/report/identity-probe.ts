import type { ControllerIdentity } from '../../../shared/model/report';
import { emptyIdentity } from '../../../shared/model/report';
import { isSudoRefusal, onHousekeeping, withSudo } from '../../../shared/remote-command';
import type { RemoteHost } from '../../platform/remote-host';

/**
 * One read-only command for the report's controller identity. Fixed text (no values from people); every field is
 * printed as key=value so a missing file only leaves its value empty.
 */
export const identityCommand = [
  `printf 'hostname=%s\\n' "$(cat /proc/sys/kernel/hostname 2>/dev/null)"`,
  `printf 'machine_id=%s\\n' "$(cat /etc/machine-id 2>/dev/null)"`,
  `for f in sys_vendor product_name product_serial; do printf 'dmi_%s=%s\\n' "$f" "$(cat /sys/class/dmi/id/$f 2>/dev/null)"; done`,
  `printf 'cpu_model=%s\\n' "$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name[[:space:]]*:[[:space:]]*//')"`,
  `printf 'kernel=%s\\n' "$(uname -r)"`,
  `printf 'os=%s\\n' "$( (. /etc/os-release && printf %s "$PRETTY_NAME") 2>/dev/null)"`,
  `[ -e /sys/class/dmi/id/product_serial ] && printf 'dmi_serial_exists=1\\n'; true`,
].join('; ');

/** The DMI serial is readable by root only. */
export const serialCommand = 'cat /sys/class/dmi/id/product_serial';

export function parseIdentity(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const index = line.indexOf('=');
    if (index > 0) out[line.slice(0, index)] = line.slice(index + 1).trim();
  }
  return out;
}

const value = (text: string | undefined): string | null => (text && text !== '' ? text : null);

/** Reads the identity over the controller's connection; the host key comes from the verified connection. */
export async function readIdentity(host: RemoteHost, housekeepingCores: string, hostKeyFingerprint: string | null, now: Date): Promise<ControllerIdentity> {
  const result = await host.exec(onHousekeeping(identityCommand, housekeepingCores), { timeoutMs: 15_000 });
  const facts = parseIdentity(result.stdout);
  let serial = value(facts.dmi_product_serial);
  if (!serial && facts.dmi_serial_exists === '1') {
    // Without passwordless sudo the serial stays unrecorded; that is not a reason to fail the step.
    const root = await host.exec(onHousekeeping(withSudo(serialCommand), housekeepingCores), { timeoutMs: 15_000 }).catch(() => null);
    if (root && root.exitCode === 0 && !isSudoRefusal(root.stderr)) serial = value(root.stdout.trim());
  }
  return {
    ...emptyIdentity,
    hostname: value(facts.hostname),
    machineId: value(facts.machine_id),
    dmiVendor: value(facts.dmi_sys_vendor),
    dmiProduct: value(facts.dmi_product_name),
    dmiSerial: serial,
    cpuModel: value(facts.cpu_model),
    kernel: value(facts.kernel),
    os: value(facts.os),
    hostKeyFingerprint,
    source: 'probe',
    collectedAt: now.toISOString(),
  };
}
