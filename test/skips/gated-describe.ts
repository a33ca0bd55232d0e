/**
 * `describe` for a test file that needs something of the machine or of `npm run test:prepare`
 * (containerd, a Go oracle, Helm, pre-commit …): everywhere it is there, the tests run; in CI
 * (`CI` set) they always run, so that a machine without it fails instead of skipping; elsewhere
 * they skip with one clear message, recorded for the run's closing skip summary (skip-log.ts).
 */
import { currentTestFile, recordSkip } from './skip-log';

/**
 * `describe(name, body)` when `available` is `true`; otherwise, outside CI, `describe.skip` with
 * one warning naming `what` and the reason, and in CI a suite that fails with that reason.
 */
export function describeWhenAvailable(what: string, name: string, available: true | string, body: () => void): void {
  const inCi = Boolean(process.env.CI);
  if (available !== true && !inCi) {
    recordSkip(what, available, currentTestFile());
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    beforeAll(() => {
      if (available !== true) throw new Error(`${what} must run in CI, but cannot: ${available}`);
    });
    body();
  });
}
