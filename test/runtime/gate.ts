/**
 * Whether a runtime test file runs: everywhere the harness can run; in CI (`CI` set) always,
 * so that a machine that cannot run it fails instead of skipping; elsewhere it skips with one
 * clear message, recorded for the run's closing skip summary (test/skips). Every test file that
 * starts containerd declares its tests with {@link describeRuntime} and stops the daemons in its
 * `afterAll` with `stopRuntimes`.
 */
import { runtimeAvailability } from './harness';
import { describeWhenAvailable } from '../skips/gated-describe';
import { currentTestFile, recordSkip } from '../skips/skip-log';
import { usernsBinariesAvailability } from './userns/daemon';

export { describeWhenAvailable } from '../skips/gated-describe';

/** `true`, or why the harness cannot run here. */
export const runtimeAvailable = runtimeAvailability();

/** `describe` when the runtime tests must run, `describe.skip` (with one warning) otherwise. */
export function describeRuntime(what: string, name: string, body: () => void): void {
  describeWhenAvailable(what, name, runtimeAvailable, body);
}

/**
 * Whether a test file skips its pods with `hostUsers: false`: they run on containerd 2.x, which
 * test/runtime/userns/setup.sh builds. Without it they skip, with one warning naming `what`;
 * in CI they run, and fail.
 */
export function skipsUserNamespacePods(what: string): boolean {
  const ready = usernsBinariesAvailability();
  const skips = ready !== true && !process.env.CI;
  if (skips) recordSkip(`${what}: the hostUsers: false pods`, ready, currentTestFile());
  return skips;
}
