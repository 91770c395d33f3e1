import { onHousekeeping } from '../../../shared/remote-command';
import type { RemoteHost } from '../../platform/remote-host';

const probes = new WeakMap<RemoteHost, Promise<boolean>>();

/**
 * Whether `sudo -n` works on this connection (system journals need root or the systemd-journal group). Asked
 * once per connection; a refusal is an answer and is kept, a failed probe (timeout, dropped link) is asked again.
 */
export function canSudo(host: RemoteHost, housekeepingCores: string): Promise<boolean> {
  let probe = probes.get(host);
  if (!probe) {
    probe = host.exec(onHousekeeping('sudo -n true', housekeepingCores), { timeoutMs: 15_000 }).then(
      (result) => result.exitCode === 0,
      () => {
        probes.delete(host);
        return false;
      },
    );
    probes.set(host, probe);
  }
  return probe;
}
