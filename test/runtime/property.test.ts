/**
 * Runtime truth, property test: random securityContexts (random-pods.ts) through containerd's
 * CRI plugin under both runtime profiles, each port compared with the capability model. A pod
 * with `hostUsers: false` runs on containerd 2.x (the harness sends it there).
 *
 * Bounded per run: RUNTIME_FUZZ_RUNS pods (default 24), each under both profiles. The seed is
 * RUNTIME_FUZZ_SEED, or random, and is printed; a failure prints the seed and fast-check's
 * path, and RUNTIME_FUZZ_SEED=<seed> RUNTIME_FUZZ_PATH=<path> replays exactly the failing pod.
 * No shrinking: every step would be a real pod.
 *
 * What must hold, for each port:
 * - under `containerd-2` the model's `containerd-2` verdict is exact: `allowed` ⇔ listening,
 *   `denied` ⇒ not listening;
 * - the `strict` daemon is containerd 1.6 (2.x for `hostUsers: false`) with `enable_unprivileged_ports = false`, which the
 *   model's `containerd-1` profile describes exactly: the same exactness;
 * - the model's `strict` verdict is sound there: `allowed` ⇒ listening. It may say `denied` for
 *   a port that listens on containerd — only when `containerd-1` says `allowed`, because
 *   `strict` reads capability names for the worst runtime (a `drop: [CAP_NET_BIND_SERVICE]`
 *   that containerd ignores, CRI-O applies).
 * `unknown` is counted, and agrees only where it is unknown by design (`UNKNOWN_BY_DESIGN` in
 * matrix.ts: the uid comes from the image's USER); anywhere else it fails the run, under either
 * model profile, so a model that falls back to `unknown` cannot pass by saying nothing.
 */
import * as fc from 'fast-check';
import { RUNTIME_PROFILES } from './containerd';
import { describeRuntime, skipsUserNamespacePods } from './gate';
import { runPod, stopRuntimes } from './harness';
import { compareWithModel, describeDisagreements, describeUnknownCount } from './matrix';
import type { PortComparison } from './matrix';
import { describeFacts, randomPod, randomPodFacts } from './random-pods';

const runs = Number(process.env.RUNTIME_FUZZ_RUNS ?? 24);
const seed = process.env.RUNTIME_FUZZ_SEED !== undefined ? Number(process.env.RUNTIME_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.RUNTIME_FUZZ_PATH;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`RUNTIME_FUZZ_RUNS must be a positive integer, got "${process.env.RUNTIME_FUZZ_RUNS}"`);
if (!Number.isInteger(seed)) throw new Error(`RUNTIME_FUZZ_SEED must be an integer, got "${process.env.RUNTIME_FUZZ_SEED}"`);

const tally = { pods: 0, ports: 0, agree: 0, unknown: 0, strictOnlyDenied: 0, durationMs: 0, userNamespace: 0 };
/** Every verdict compared, under the exact profile and under `strict`: what the unknown count is taken over. */
const verdicts: PortComparison[] = [];
const userNamespaces = !skipsUserNamespacePods('runtime property test');

describeRuntime('runtime property test', 'runtime truth: random securityContexts, model against containerd', () => {
  afterAll(async () => {
    await stopRuntimes();
    if (tally.pods === 0) return;
    console.log(
      `runtime property test: seed ${seed}, ${tally.pods} pods (${runs} securityContexts × ${RUNTIME_PROFILES.length} profiles; ${tally.userNamespace} of those securityContexts with hostUsers: false, run on containerd 2.x), ${tally.ports} ports: ` +
        `${tally.agree} agree, ${tally.unknown} unknown, ${tally.strictOnlyDenied} denied under strict only for the capability-name reading; ` +
        `mean ${Math.round(tally.durationMs / Math.max(tally.pods, 1))} ms per pod`,
    );
    console.log(describeUnknownCount('runtime property test', verdicts));
  });

  test(`model and runtime agree on ${runs} random pods (seed ${seed})`, async () => {
    console.log(`runtime property test: RUNTIME_FUZZ_SEED=${seed} RUNTIME_FUZZ_RUNS=${runs}${path ? ` RUNTIME_FUZZ_PATH=${path}` : ''}`);
    await fc.assert(
      fc.asyncProperty(randomPodFacts, async (facts) => {
        const pod = randomPod(facts, userNamespaces);
        const label = describeFacts({ ...facts, ownUserNamespace: pod.spec.hostUsers === false });
        if (pod.spec.hostUsers === false) tally.userNamespace++;
        const failures: string[] = [];
        for (const observed of await Promise.all(RUNTIME_PROFILES.map((profile) => runPod(pod, profile)))) {
          tally.pods++;
          tally.durationMs += observed.durationMs;
          const exactProfile = observed.profile === 'strict' ? 'containerd-1' : observed.profile;
          const exact = compareWithModel(pod, observed, undefined, exactProfile);
          tally.ports += exact.length;
          verdicts.push(...exact);
          tally.agree += exact.filter((c) => c.agrees && c.bind !== 'unknown').length;
          tally.unknown += exact.filter((c) => c.bind === 'unknown').length;
          if (exact.some((c) => !c.agrees)) failures.push(describeDisagreements(`${label} [model profile ${exactProfile}]`, pod, observed, exact));
          if (observed.profile === 'strict') {
            const strict = compareWithModel(pod, observed, undefined, 'strict');
            verdicts.push(...strict);
            const unexplained = strict.filter((c) => c.bind === 'unknown' && !c.agrees);
            if (unexplained.length > 0) failures.push(describeDisagreements(`${label} [model profile strict: unknown, not by design]`, pod, observed, unexplained));
            const unsound = strict.filter((c) => c.bind === 'allowed' && c.observation !== 'listening');
            if (unsound.length > 0) failures.push(describeDisagreements(`${label} [model profile strict: allowed but not listening]`, pod, observed, unsound.map((c) => ({ ...c, agrees: false }))));
            tally.strictOnlyDenied += strict.filter((c, i) => c.bind === 'denied' && exact[i]?.bind === 'allowed').length;
          }
        }
        if (failures.length > 0) throw new Error(`model and runtime disagree (RUNTIME_FUZZ_SEED=${seed}):\n${failures.join('\n\n')}`);
      }),
      { seed, numRuns: runs, path, endOnFailure: true },
    );
  }, 30_000 + runs * 5_000);
});
