/**
 * Jest global teardown: prints which suites this run skipped and why (skip-log.ts) as the run's
 * last lines, after Jest's own summary, and removes the run's skip-record directory.
 */
import { rmSync } from 'node:fs';
import { readSkips, SKIP_LOG_ENV, skipSummary } from './skip-log';

/** Prints the skip summary to stderr. */
export default function teardown(): void {
  const dir = process.env[SKIP_LOG_ENV];
  if (dir === undefined) return;
  try {
    process.stderr.write(`\n${skipSummary(readSkips(dir), Boolean(process.env.CI)).join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    delete process.env[SKIP_LOG_ENV];
  }
}
