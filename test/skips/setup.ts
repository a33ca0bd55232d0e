/**
 * Jest global setup: creates this run's skip-record directory (skip-log.ts) and names it in the
 * environment, which the test workers inherit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_LOG_ENV } from './skip-log';

/** Creates the directory and sets {@link SKIP_LOG_ENV}. */
export default function setup(): void {
  process.env[SKIP_LOG_ENV] = mkdtempSync(join(tmpdir(), 'k8slp-skips-'));
}
