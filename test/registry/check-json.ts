/**
 * `check` in this process with a facts cache of its own (XDG_CACHE_HOME points at a fresh
 * directory for the run): what every test of image facts runs, `--format json` or as given.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckReport } from '../../src/check/report';
import { runCliAsync } from '../../src/cli/main';

/** One run: its exit status, report and standard error. */
export interface CheckRun {
  readonly status: number;
  readonly report: CheckReport;
  readonly stderr: string;
}

/** What a run of the CLI wrote, and its exit status. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `check ARGS` in this process; the facts cache is `cache`, else a new directory under `work`. */
export async function runCheck(args: readonly string[], work: string, cache?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  mkdirSync(work, { recursive: true });
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache ?? mkdtempSync(join(work, 'cache-'));
  try {
    const status = await runCliAsync(['check', ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
    return { status, stdout, stderr };
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
}

/** Runs `check --format json ARGS`; the facts cache is `cache`, else a new directory under `work`. */
export async function checkJson(args: readonly string[], work: string, cache?: string): Promise<CheckRun> {
  const { status, stdout, stderr } = await runCheck(['--format', 'json', ...args], work, cache);
  if (status === 2) throw new Error(`check ${args.join(' ')} exited 2: ${stderr}${stdout}`);
  return { status, report: JSON.parse(stdout) as CheckReport, stderr };
}

/** The first port of the first container of the resource named `resource`. */
export function firstPortOf(report: CheckReport, resource: string) {
  const found = report.resources.find((candidate) => candidate.name === resource);
  if (found === undefined) throw new Error(`no resource ${resource} in the report`);
  return found.containers[0].ports[0];
}
