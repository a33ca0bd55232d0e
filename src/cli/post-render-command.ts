/**
 * `k8s-least-privilege post-render [check options]`: `check -` as a Helm post-renderer, or a filter
 * in a pipe. The manifests come in on standard input and go out on standard output unchanged, byte
 * for byte, when the check passes (exit 0); the report goes to standard error. On an error finding
 * (exit 1) or an input or usage error (exit 2) nothing is written to standard output, so neither
 * Helm nor the next command of a pipe gets manifests that failed. Helm 3 runs it as
 * `--post-renderer k8s-least-privilege --post-renderer-args post-render` (docs/integrations.md).
 * `--report-file` sends the report to a file instead: Helm 4 never shows a post-renderer plugin's
 * standard error.
 *
 * The check itself is `check -`'s, the same code path: only where it reads and writes differs.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Command } from './arguments';
import { runCheck, runCheckAsync } from './check-command';
import type { CliOutput } from './cli-output';
import { readStandardInput } from '../input/read-regular-file';

type CheckCommand = Command & { name: 'check' };

/** The output a post-render's check writes to, and how the post-render ends. */
interface PostRendering {
  /** The check's output: the report (its stdout) to standard error or the report file; standard input kept as read. */
  readonly output: CliOutput;
  /** Writes the manifests on to standard output if the check passed, and returns its exit status. */
  finish(status: number): number;
}

function postRendering(output: CliOutput, report: ReportDestination): PostRendering {
  const read = output.readStandardInput ?? readStandardInput;
  let input: Buffer | undefined;
  return {
    output: {
      progress: output.progress,
      stdout: report.write,
      stderr: (text) => output.stderr(text),
      readStandardInput: () => (input = read()),
    },
    finish(status) {
      // Exit 0 means the input was read and is UTF-8 (else it is an input error, exit 2), so its
      // text written back as UTF-8 is the same bytes, a byte order mark included.
      report.close();
      if (status === 0 && input !== undefined) output.stdout(input.toString('utf8'));
      return status;
    },
  };
}

/** Where the report goes: standard error, or the `--report-file`. */
interface ReportDestination {
  write(text: string): void;
  close(): void;
}

/** The report's destination; a file that cannot be written is a message (exit 2) before anything is checked. */
function reportDestination(command: CheckCommand, output: CliOutput): ReportDestination | string {
  const file = command.reportFile;
  if (file === undefined) return { write: (text) => output.stderr(text), close: () => undefined };
  let descriptor: number;
  try {
    descriptor = openSync(file, 'w');
  } catch (error) {
    return `--report-file ${file} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  return { write: (text) => writeSync(descriptor, text), close: () => closeSync(descriptor) };
}

/** The post-rendering of `command`, or its exit status when the report file cannot be opened. */
function start(command: CheckCommand, output: CliOutput): PostRendering | number {
  const report = reportDestination(command, output);
  if (typeof report !== 'string') return postRendering(output, report);
  output.stderr(`k8s-least-privilege: ${report}\n`);
  return 2;
}

/**
 * Runs `post-render` without reading any image (`--image-facts offline` or `assume-none`, no
 * image map), as {@link runCheck} runs `check`, and returns its exit status.
 */
export function runPostRender(command: CheckCommand, output: CliOutput): number {
  const rendering = start(command, output);
  return typeof rendering === 'number' ? rendering : rendering.finish(runCheck(command, rendering.output));
}

/** Runs `post-render`, reading the image facts the verdicts need as {@link runCheckAsync} does, and returns its exit status. */
export async function runPostRenderAsync(command: CheckCommand, output: CliOutput): Promise<number> {
  const rendering = start(command, output);
  return typeof rendering === 'number' ? rendering : rendering.finish(await runCheckAsync(command, rendering.output));
}
