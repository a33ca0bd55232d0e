/**
 * `check --format json` in this process with a facts cache of its own (XDG_CACHE_HOME points
 * at a fresh directory for the run): what every test of image facts runs.
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

/** Runs `check --format json ARGS`; the facts cache is `cache`, else a new directory under `work`. */
export async function checkJson(args: readonly string[], work: string, cache?: string): Promise<CheckRun> {
  let stdout = '';
  let stderr = '';
  mkdirSync(work, { recursive: true });
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache ?? mkdtempSync(join(work, 'cache-'));
  try {
    const status = await runCliAsync(['check', '--format', 'json', ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
    if (status === 2) throw new Error(`check ${args.join(' ')} exited 2: ${stderr}${stdout}`);
    return { status, report: JSON.parse(stdout) as CheckReport, stderr };
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
}

/** The first port of the first container of the resource named `resource`. */
export function firstPortOf(report: CheckReport, resource: string) {
  const found = report.resources.find((candidate) => candidate.name === resource);
  if (found === undefined) throw new Error(`no resource ${resource} in the report`);
  return found.containers[0].ports[0];
}
