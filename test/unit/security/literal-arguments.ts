/**
 * The property every remote command must have: a value from outside arrives at the program it is meant for as
 * exactly one argument, byte for byte, and nothing else runs because of it.
 */
import assert from 'node:assert/strict';

import type { RunOptions, SandboxRun, ShellSandbox, StubCall } from './shell-sandbox';
import { forbiddenPrograms } from './shell-sandbox';

export interface ArgExpectation {
  /** The program that must receive the value. */
  program: string;
  /** The value this expectation is about, when a command carries several (default: the one under test). */
  value?: string;
  /** The argument as it must arrive (default: the value itself), e.g. `--grep=${value}`. */
  arg?: (value: string) => string;
  /** The argument right before it, e.g. '-u'. */
  after?: string;
}

export function describeCall(call: StubCall): string {
  return `${call.program} ${JSON.stringify(call.args)}`;
}

/** Is `expected` one whole argument of some call of `program` (right after `after`, when given)? */
export function hasArgument(calls: readonly StubCall[], program: string, expected: string, after?: string): boolean {
  return calls.some((call) => call.program === program && call.args.some((arg, i) => arg === expected && (after === undefined || call.args[i - 1] === after)));
}

/** No canary, no forbidden program: the value did not break out of its quoting. */
export function assertNothingEscaped(run: SandboxRun, context: string): void {
  const stray = run.calls.filter((call) => forbiddenPrograms.has(call.program));
  assert.deepEqual(stray.map(describeCall), [], `${context}: a value escaped its quoting and ran a command`);
  assert.equal(run.canary, false, `${context}: the canary file was created`);
}

/** Runs `command` in the sandbox and checks the property for `value`; returns the run for further checks. */
export async function expectLiteral(sandbox: ShellSandbox, command: string, value: string, expectations: readonly ArgExpectation[], options: RunOptions = {}): Promise<SandboxRun> {
  const run = await sandbox.run(command, options);
  const context = `value ${JSON.stringify(value)} in ${JSON.stringify(command.length > 600 ? `${command.slice(0, 600)}…` : command)}`;
  assertNothingEscaped(run, context);
  for (const expectation of expectations) {
    const expected = (expectation.arg ?? ((v: string) => v))(expectation.value ?? value);
    assert.ok(
      hasArgument(run.calls, expectation.program, expected, expectation.after),
      `${context}: ${expectation.program} did not get ${JSON.stringify(expected)}${expectation.after ? ` after ${expectation.after}` : ''} as one argument.\nCalls:\n${run.calls.map(describeCall).join('\n')}\nstderr: ${run.stderr}`,
    );
  }
  return run;
}

/** Runs `task` over `items` with at most `limit` at a time (the sandbox runs are process-bound). */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
