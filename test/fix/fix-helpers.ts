/**
 * Running `check --fix` in-process on copies of test/fix/fixtures (the fixtures themselves are
 * never rewritten), and reading what it wrote.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';

/** The fixtures of `check --fix`. */
export const FIX_FIXTURES = join(__dirname, 'fixtures');

/** The fixtures' file names. */
export const FIXTURE_NAMES = readdirSync(FIX_FIXTURES).sort();

/** A run of the CLI: its exit status and what it wrote. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with `--image-facts assume-none` (no registry), standard input given as `stdin`. */
export function runFixCli(args: readonly string[], stdin = ''): CliRun {
  let stdout = '';
  let stderr = '';
  const status = runCli(['check', '--image-facts', 'assume-none', ...args], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStandardInput: () => Buffer.from(stdin),
  });
  return { status, stdout, stderr };
}

/** A fresh directory under test/.work holding copies of the named fixtures (every one by default). */
export function copyFixtures(names: readonly string[] = FIXTURE_NAMES): string {
  const root = join(__dirname, '..', '.work', 'fix');
  mkdirSync(root, { recursive: true });
  const directory = mkdtempSync(join(root, 'run-'));
  for (const name of names) cpSync(join(FIX_FIXTURES, name), join(directory, name));
  return directory;
}

/** A fixture's text. */
export function fixture(name: string): string {
  return readFileSync(join(FIX_FIXTURES, name), 'utf8');
}
