/**
 * Runs the checker in process (`runCli`) or as the installed binary, and checks what every
 * run must give whatever the input: an exit status of 0, 1 or 2, a report that parses, every
 * error located, and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckReport } from '../../src/check/report';
import { runCli } from '../../src/cli/main';

export const REPO = join(__dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'k8s-least-privilege');
/** Generated inputs live here (gitignored). */
export const WORK = join(REPO, 'test', '.work', 'robustness');

export interface CheckerRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `k8s-least-privilege check --format json …` in this process, in the closed world (no image read). */
export function checkInProcess(...paths: string[]): CheckerRun {
  let stdout = '';
  let stderr = '';
  const status = runCli(['check', '--image-facts', 'assume-none', '--format', 'json', ...paths], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { status, stdout, stderr };
}

/** The installed binary (compiled lib/: `npm test` compiles first) in the closed world, optionally fed `input` on stdin. */
export function checkWithBinary(args: readonly string[], input?: string | Buffer): CheckerRun {
  const result = spawnSync(BIN, ['check', '--image-facts', 'assume-none', ...args], { input, maxBuffer: 512 * 1024 * 1024, timeout: 60_000 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const created: string[] = [];

/** A fresh directory under {@link WORK}, removed by {@link removeWorkDirectories}. */
export function workDirectory(name: string): string {
  mkdirSync(WORK, { recursive: true });
  const directory = mkdtempSync(join(WORK, `${name}-`));
  created.push(directory);
  return directory;
}

/** Removes the directories this test file made (each test file has its own module registry). */
export function removeWorkDirectories(): void {
  for (const directory of created.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** Writes `content` to a new file named `name` and returns its path. */
export function inputFile(name: string, content: string | Buffer): string {
  const path = join(workDirectory('input'), name);
  writeFileSync(path, content);
  return path;
}

/** Runs the checker in process on `content` written to a file. */
export function checkText(content: string | Buffer, name = 'input.yaml'): { run: CheckerRun; report: CheckReport; file: string } {
  const file = inputFile(name, content);
  const run = checkInProcess(file);
  return { run, report: parseReport(run), file };
}

/**
 * The report of a run, after asserting the invariants that hold for any input: exit 0, 1
 * or 2; one JSON object on stdout; nothing that looks like a stack trace; the status agrees
 * with the report; every error names its file, and its document and line unless the whole
 * file was unreadable.
 */
export function parseReport(run: CheckerRun): CheckReport {
  expect([0, 1, 2]).toContain(run.status);
  expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
  const report = JSON.parse(run.stdout) as CheckReport;
  expect(report.schemaVersion).toBe(1);
  for (const error of report.errors) {
    expect(typeof error.file).toBe('string');
    expect(typeof error.message).toBe('string');
    if (error.document === null) {
      expect(error.line).toBeNull();
      expect(error.message).toMatch(/^(cannot read|not UTF-8)/);
    } else {
      expect(Number.isInteger(error.document) && error.document >= 0).toBe(true);
      expect(Number.isInteger(error.line) && error.line! >= 1).toBe(true);
    }
  }
  const hasErrorFinding = report.resources.some((resource) => resource.findings.some((finding) => finding.severity === 'error' && !finding.suppressed));
  expect(run.status).toBe(report.errors.length > 0 ? 2 : hasErrorFinding ? 1 : 0);
  return report;
}

/** `kind/name` of each resource, in order. */
export function resourceNames(report: CheckReport): string[] {
  return report.resources.map((resource) => `${resource.kind}/${resource.name}`);
}

/**
 * The binary run under `node`, with its peak resident set size (`process.resourceUsage().maxRSS`,
 * read as the process exits): memory is measured, not timed.
 */
export function checkWithBinaryMeasuringMemory(args: readonly string[]): { run: CheckerRun; maxRssBytes: number } {
  const main = join(REPO, 'lib', 'cli', 'main.js');
  const code =
    "process.on('exit', () => process.stderr.write('\\nmax-rss-kb: ' + process.resourceUsage().maxRSS + '\\n'));" +
    `require(${JSON.stringify(main)}).main();`;
  // `node -e CODE ARG0 ARGS…`: process.argv is [node, ARG0, ARGS…], and main() reads argv from index 2.
  const result = spawnSync(process.execPath, ['-e', code, 'k8s-least-privilege', 'check', ...args], {
    maxBuffer: 1024 * 1024 * 1024,
    timeout: 120_000,
  });
  if (result.error !== undefined) throw result.error;
  const stderr = result.stderr.toString();
  const match = /\nmax-rss-kb: (\d+)\n$/.exec(stderr);
  if (match === null) throw new Error(`no memory figure from the child (status ${result.status}): ${stderr.slice(-2000)}`);
  return {
    run: { status: result.status ?? -1, stdout: result.stdout.toString(), stderr: stderr.slice(0, match.index) },
    maxRssBytes: Number(match[1]) * 1024,
  };
}
