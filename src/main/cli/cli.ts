import { runCli } from './run-cli';

// Entry point of `mxrc-commission` (see bin/). All logic lives in run-cli.ts so tests can call it in-process.
process.exitCode = await runCli(process.argv.slice(2));
