/* eslint-disable @typescript-eslint/no-require-imports --
   the commands and the model are loaded on demand, so that --help and --version start at once */
import type { Command } from './arguments';
import { parseArguments, UsageError } from './arguments';
import type { CliOutput } from './cli-output';
import { packageVersion } from './package-version';
import { checkUsage, IMAGE_USAGE, MAIN_USAGE, postRenderUsage } from './usage';

export { CliOutput } from './cli-output';

const PROCESS_OUTPUT: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progress: process.stderr,
};

/**
 * Runs the CLI and returns its exit status: 0 clean, 1 error findings, 2 input or
 * usage errors. A user's mistake is a message, never a stack trace. Reading images
 * (`image inspect`, and `check`, which reads from registries by default) is asynchronous,
 * so those commands go through {@link runCliAsync}, which runs every command.
 */
export async function runCliAsync(argv: readonly string[], output: CliOutput = PROCESS_OUTPUT): Promise<number> {
  if (argv[0] === 'admission-policy') return runCli(argv, output);
  let command: Command;
  try {
    command = parseArguments(argv);
  } catch {
    // runCli reports the usage error.
    return runCli(argv, output);
  }
  if (command.name === 'image-inspect') return (require('./image-command') as typeof import('./image-command')).runImageInspect(command, output);
  if (command.name === 'check' && command.postRender === true) {
    return (require('./post-render-command') as typeof import('./post-render-command')).runPostRenderAsync(command, output);
  }
  if (command.name === 'check') return (require('./check-command') as typeof import('./check-command')).runCheckAsync(command, output);
  return runCli(argv, output);
}

/**
 * Runs the CLI synchronously and returns its exit status, as {@link runCliAsync} does, for
 * every command that reads no image: `check` with `--image-facts offline` or `assume-none`
 * and no image map (`image inspect`, and `check` reading images, need runCliAsync).
 */
export function runCli(argv: readonly string[], output: CliOutput = PROCESS_OUTPUT): number {
  if (argv[0] === 'admission-policy') {
    return (require('./admission-policy-command') as typeof import('./admission-policy-command')).runAdmissionPolicy(argv.slice(1), output);
  }
  let command: Command;
  try {
    command = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.stderr(`k8s-least-privilege: ${error.message}\nRun "k8s-least-privilege --help" for usage.\n`);
    return 2;
  }
  switch (command.name) {
    case 'help': {
      // Loaded here so that --help and --version never load the model.
      const profiles = () => (require('../model/runtime-profile') as typeof import('../model/runtime-profile')).runtimeProfileNames();
      const usage = { 'main': () => MAIN_USAGE, 'image': () => IMAGE_USAGE, 'check': () => checkUsage(profiles()), 'post-render': () => postRenderUsage(profiles()) };
      output.stdout(usage[command.topic]());
      return 0;
    }
    case 'version':
      output.stdout(`${packageVersion()}\n`);
      return 0;
    case 'check':
      if (command.postRender === true) return (require('./post-render-command') as typeof import('./post-render-command')).runPostRender(command, output);
      return (require('./check-command') as typeof import('./check-command')).runCheck(command, output);
    case 'image-inspect':
      throw new Error('image inspect reads an image asynchronously: call runCliAsync');
  }
}

/** The process entry point (bin/k8s-least-privilege). */
export function main(): void {
  const internalError = (error: unknown) => {
    // Only a defect of ours reaches here: say so plainly, with what to report.
    process.stderr.write(`k8s-least-privilege: internal error: ${error instanceof Error ? error.message : String(error)}\n` +
      'Please report it with the input that caused it.\n');
    process.exitCode = 2;
  };
  // A reader that stops early (`| head`, `| kubectl apply` that cannot reach its cluster) closes the
  // pipe: what is left to write has no reader, which is not an error of ours. Stop quietly, as
  // the shell's own tools do (they die of SIGPIPE, 128 + 13).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return internalError(error);
    process.exit(141);
  });
  try {
    runCliAsync(process.argv.slice(2)).then((status) => (process.exitCode = status), internalError);
  } catch (error) {
    internalError(error);
  }
}
