/**
 * What the integration tests run: this repository's CLI as installed (bin/, over lib/: run
 * `npx tsc --build` first), and the real tools it integrates with, each `true` when here or why
 * not (for describeWhenAvailable: the suite skips with that reason outside CI and fails in it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCli } from '../../src/cli/main';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');
/** The package's executables: k8s-least-privilege and kubectl-least_privilege. */
export const BIN_DIR = join(ROOT, 'bin');
/** The Helm that test/integrations/build-helm.sh builds. */
export const HELM = join(ROOT, 'test', '.work', 'bin', 'helm');
/** The pre-commit that test/integrations/setup-tools.sh installs. */
export const PRE_COMMIT = join(ROOT, 'test', '.work', 'pre-commit-venv', 'bin', 'pre-commit');

/** The environment with the package's executables first on PATH, as `npm install -g` or npx puts them. */
export function envWithBin(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ''}` };
}

/** `true` when `file` exists, else why the suite cannot run, naming what builds it. */
export function builtTool(file: string, builtBy: string): true | string {
  if (!existsSync(join(ROOT, 'lib', 'cli', 'main.js'))) return 'lib/ is not built: run `npx tsc --build`';
  return existsSync(file) ? true : `${file} is missing; \`${builtBy}\` builds it`;
}

/** `true` when kubectl is on PATH, else why not. */
export function kubectlAvailability(): true | string {
  const found = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return found.status === 0 ? true : 'kubectl is not on PATH (`bash test/integrations/setup-tools.sh` installs Debian\'s kubernetes-client)';
}

/** What a CLI run gave. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with `input` as its standard input, in the closed world (no image read). */
export function runWithStdin(argv: readonly string[], input: string | Buffer): CliRun {
  let stdout = '';
  let stderr = '';
  const [command, ...rest] = argv;
  const status = runCli([command, '--image-facts', 'assume-none', ...rest], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStandardInput: () => Buffer.from(input),
  });
  return { status, stdout, stderr };
}
