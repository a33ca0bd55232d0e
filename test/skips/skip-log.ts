/**
 * Keeps the run honest about what it did not run: a test file that skips tests because something
 * they need is missing (the containerd harness, containerd 2.x, the PSA oracle, the probe image …)
 * records which and why here, and the run's global teardown (teardown.ts) prints every record as
 * the last lines of the run, after Jest's summary, so that a green run cannot be mistaken for a
 * proven one. The records go to a directory the global setup (setup.ts) creates for the run and
 * names in {@link SKIP_LOG_ENV}; the test workers inherit it.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The environment variable naming the run's skip-record directory. */
export const SKIP_LOG_ENV = 'K8SLP_SKIP_LOG_DIR';

/** One skip: which suite (or part of one), why, and how to make it run. */
export interface SkipRecord {
  /** What skipped, e.g. `runtime matrix` or `runtime matrix: the hostUsers: false pods`. */
  readonly suite: string;
  /** Why it cannot run here. */
  readonly reason: string;
  /** The test file that skipped, relative to the repository. */
  readonly file?: string;
}

/**
 * Records that `suite` skips because of `reason`, and says so on stderr at once (Jest drops the
 * console output of a file whose tests are all skipped). Outside a Jest run with the global setup
 * (a single file run by hand), only the stderr line is written.
 */
export function recordSkip(suite: string, reason: string, file?: string): void {
  process.stderr.write(`${suite} skipped: ${reason}\n`);
  const dir = process.env[SKIP_LOG_ENV];
  if (dir === undefined || !existsSync(dir)) return;
  const record: SkipRecord = { suite, reason, ...(file === undefined ? {} : { file }) };
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(record)}\n`);
}

/** The running test file, relative to the working directory, when Jest says which. */
export function currentTestFile(): string | undefined {
  const path = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.().testPath;
  return path === undefined ? undefined : relative(process.cwd(), path);
}

/** Every skip recorded in `dir`, one per suite and reason, in the order of suite names. */
export function readSkips(dir: string): SkipRecord[] {
  const records = readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter((line) => line.length > 0))
    .map((line) => JSON.parse(line) as SkipRecord);
  const unique = new Map(records.map((r) => [`${r.suite}\u0000${r.reason}`, r]));
  return [...unique.values()].sort((a, b) => a.suite.localeCompare(b.suite));
}

/**
 * The lines that end a run: every skipped suite with its reason, and what to do; or one line that
 * says nothing was skipped.
 */
export function skipSummary(skips: readonly SkipRecord[], inCi: boolean): string[] {
  if (skips.length === 0) return ['Skipped suites: none — every gated suite in this run ran (runtimes, PSA and admission-policy oracles, probe image, registry, Helm, kubectl, pre-commit).'];
  return [
    `Skipped suites: ${skips.length} — this run is green without them, so it proves less than a full run:`,
    ...skips.map((s) => `  - ${s.suite}${s.file === undefined ? '' : ` (${s.file})`}: ${s.reason}`),
    inCi
      ? 'These skip even in CI: they need something of the machine, not of `npm run test:prepare`.'
      : 'Run `npm run test:prepare` (as root) so they run; with CI=true a suite that cannot run fails instead of skipping.',
  ];
}
