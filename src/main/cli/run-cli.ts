import { Command, CommanderError } from 'commander';

import pkg from '../../../package.json' with { type: 'json' };
import { registerCheck } from './commands/check-command';
import { registerConnect } from './commands/connect-command';
import { registerLatency } from './commands/latency-command';
import { registerDeploy } from './commands/deploy-command';
import { registerLogs } from './commands/logs-command';
import { registerReport } from './commands/report-command';
import { registerHistory } from './commands/history-command';
import { exitCodes, reportError } from './output';

/** The `mxrc-commission` command line. Same services as the app, no Electron. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const run = async (action: () => Promise<number>, json: boolean): Promise<void> => {
    try {
      exitCode = await action();
    } catch (error) {
      exitCode = reportError(error, json);
    }
  };

  const program = new Command('mxrc-commission')
    .description('Commission MXRC robot controllers: connect, check, measure latency, deploy, report.')
    .version(pkg.version)
    .option('--data-dir <dir>', 'where results, profiles and known_hosts are kept (default: MXRC_DATA_DIR or the app data folder)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  registerConnect(program, run);
  registerCheck(program, run);
  registerLatency(program, run);
  registerDeploy(program, run);
  registerLogs(program, run);
  registerReport(program, run);
  registerHistory(program, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; anything else is a usage error.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.error;
    }
    return reportError(error, argv.includes('--json'));
  }
  return exitCode;
}
