/**
 * Whether a runtime test file runs: everywhere the harness can run; in CI (`CI` set) always,
 * so that a machine that cannot run it fails instead of skipping; elsewhere it skips with one
 * clear message. Every test file that starts containerd declares its tests with
 * {@link describeRuntime} and stops the daemons in its `afterAll` with `stopRuntimes`.
 */
import { runtimeAvailability } from './harness';

/** `true`, or why the harness cannot run here. */
export const runtimeAvailable = runtimeAvailability();

/** `describe` when the runtime tests must run, `describe.skip` (with one warning) otherwise. */
export function describeRuntime(what: string, name: string, body: () => void): void {
  const inCi = Boolean(process.env.CI);
  if (runtimeAvailable !== true && !inCi) {
    console.warn(`${what} skipped: ${runtimeAvailable}`);
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    beforeAll(() => {
      if (runtimeAvailable !== true) throw new Error(`runtime tests must run in CI, but cannot: ${runtimeAvailable}`);
    });
    body();
  });
}
