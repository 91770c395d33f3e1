import type { Command } from 'commander';

import { onHousekeeping } from '../../../shared/remote-command';
import { connectSsh } from '../../platform/ssh-connector';
import { exitCodes, printJson } from '../output';
import type { ConnectionFlags } from '../target';
import { cliConnectRequest } from '../target';

interface ConnectFlags extends ConnectionFlags {
  json?: boolean;
  housekeepingCores?: string;
}

export function connectionOptions(command: Command): Command {
  return command
    .option('--key <file>', 'private key file')
    .option('--known-hosts <file>', 'known_hosts file to read and to add accepted keys to')
    .option('--accept-new-host-key', 'trust and record an unknown host key (a changed key is never accepted)');
}

/** `mxrc-commission connect USER@HOST[:PORT]`: connect, verify the host key, run `uname -a`, print it. */
export function registerConnect(program: Command, run: (action: () => Promise<number>, json: boolean) => Promise<void>): void {
  connectionOptions(program.command('connect').argument('<target>', 'USER@HOST[:PORT]').description('connect over SSH and print uname -a'))
    .option('--json', 'print one JSON object')
    .action(async (target: string, flags: ConnectFlags) => {
      const globals = program.opts<{ dataDir?: string }>();
      await run(async () => {
        const started = performance.now();
        const request = cliConnectRequest(target, { ...flags, ...(globals.dataDir ? { dataDir: globals.dataDir } : {}) });
        let accepted = false;
        request.onHostKey = (_key, verdict) => {
          if (verdict === 'accepted') accepted = true;
        };
        const connection = await connectSsh(request);
        try {
          // No profile here, so no housekeeping list is known: the default is 0 (present on every machine).
          const result = await connection.host.exec(onHousekeeping('uname -a', flags.housekeepingCores ?? '0'), { timeoutMs: 15_000 });
          const uname = result.stdout.trim();
          if (flags.json) {
            printJson({
              ok: true,
              target: { user: request.target.user, host: request.target.host, port: request.target.port },
              hostKey: { ...connection.hostKey, newlyTrusted: accepted },
              serverIdent: connection.serverIdent,
              uname,
              exitCode: result.exitCode,
              ms: Math.round(performance.now() - started),
            });
          } else {
            if (accepted) process.stderr.write(`Trusted new host key ${connection.hostKey.fingerprint} (${connection.hostKey.keyType}).\n`);
            process.stdout.write(`${uname}\n`);
          }
          return exitCodes.ok;
        } finally {
          await connection.host.close();
        }
      }, flags.json === true);
    });
}
