import { Command, parseArguments, UsageError } from './arguments';
import { packageVersion } from './package-version';
import { checkUsage, MAIN_USAGE } from './usage';

/** Where the CLI writes. */
export interface CliOutput {
  /** Standard output. */
  stdout(text: string): void;
  /** Standard error. */
  stderr(text: string): void;
}

const PROCESS_OUTPUT: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the CLI and returns its exit status: 0 clean, 1 error findings, 2 input or
 * usage errors. A user's mistake is a message, never a stack trace.
 */
export function runCli(argv: readonly string[], output: CliOutput = PROCESS_OUTPUT): number {
  let command: Command;
  try {
    command = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.stderr(`k8s-least-privilege: ${error.message}\nRun "k8s-least-privilege --help" for usage.\n`);
    return 2;
  }
  switch (command.name) {
    case 'help':
      // Loaded here so that --help and --version never load the model.
      output.stdout(command.topic === 'main' ? MAIN_USAGE : checkUsage((require('../model/runtime-profile') as typeof import('../model/runtime-profile')).runtimeProfileNames()));
      return 0;
    case 'version':
      output.stdout(`${packageVersion()}\n`);
      return 0;
    case 'check':
      return (require('./check-command') as typeof import('./check-command')).runCheck(command, output);
  }
}

/** The process entry point (bin/k8s-least-privilege). */
export function main(): void {
  try {
    process.exitCode = runCli(process.argv.slice(2));
  } catch (error) {
    // Only a defect of ours reaches here: say so plainly, with what to report.
    process.stderr.write(`k8s-least-privilege: internal error: ${error instanceof Error ? error.message : String(error)}\n` +
      'Please report it with the input that caused it.\n');
    process.exitCode = 2;
  }
}
