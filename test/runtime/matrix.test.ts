/**
 * Runtime truth, covering sample: every pair of matrix dimension values at least once,
 * every seed case of DESIGN.md and the edge cases, each pod under both runtime profiles
 * through containerd's CRI plugin; every observed port compared with the capability model.
 * A verdict of `unknown` is counted and fails the run unless it is unknown by design
 * (`UNKNOWN_BY_DESIGN` in matrix.ts).
 * The full product is test/runtime/full-matrix.ts.
 *
 * A pod with `hostUsers: false` runs on containerd 2.x (the harness sends it there).
 *
 * Needs root and test/runtime/setup.sh. Without them it skips with one message — except
 * in CI (`CI` set), where not running is a failure.
 */
import type { RuntimeProfile } from './containerd';
import { RUNTIME_PROFILES } from './containerd';
import { describeRuntime, skipsUserNamespacePods } from './gate';
import { runPod, stopRuntimes } from './harness';
import type { LabelledPod } from './matrix';
import { admissible, compareWithModel, describeDisagreements, describeUnknownCount, edgeCases, inOwnUserNamespace, MATRIX_DIMENSIONS, podForCase, seedCases } from './matrix';
import { pairwiseCases } from './pairwise';
import type { MatrixRow } from './verification-doc';
import { writeVerificationTable } from './verification-doc';

const sample: LabelledPod[] = [...seedCases(), ...edgeCases(), ...pairwiseCases(MATRIX_DIMENSIONS, admissible).map(podForCase)];
const rows: MatrixRow[] = [];
const skipsUserns = skipsUserNamespacePods('runtime matrix');

describeRuntime('runtime matrix', 'runtime truth: containerd CRI → runc → kernel agrees with the capability model', () => {
  afterAll(async () => {
    await stopRuntimes();
    if (rows.length === sample.length * RUNTIME_PROFILES.length) {
      writeVerificationTable('Covering sample (npm test)', rows);
    }
    const durations = rows.map((r) => r.observed.durationMs);
    const mean = durations.reduce((a, b) => a + b, 0) / Math.max(durations.length, 1);
    console.log(`runtime matrix: ${rows.length} pods, ${rows.flatMap((r) => r.comparisons).length} ports, mean ${Math.round(mean)} ms per pod`);
    console.log(describeUnknownCount('runtime matrix', rows.flatMap((r) => r.comparisons)));
  });

  const runnable = sample.filter((c) => !(skipsUserns && inOwnUserNamespace(c.pod)));
  const skipped = sample.filter((c) => !runnable.includes(c));
  if (skipped.length > 0) test.skip.each(skipped.map((c) => [c.label] as const))('%s', () => undefined);

  test.each(runnable.map((c) => [c.label, c] as const))('%s', async (_label, { label, pod, expectedPort80, notComparable }) => {
    // Both profiles at once: two containerd instances, one per core.
    const observed = await Promise.all(RUNTIME_PROFILES.map((profile) => runPod(pod, profile)));
    const failures: string[] = [];
    for (const run of observed) {
      const comparisons = compareWithModel(pod, run, notComparable);
      rows.push({ label, observed: run, comparisons });
      if (comparisons.some((c) => !c.agrees)) failures.push(describeDisagreements(label, pod, run, comparisons));
      const expected = expectedPort80?.[run.profile as RuntimeProfile];
      const port80 = run.containers[0].ports.find((p) => p.containerPort === 80 && p.protocol === 'TCP');
      if (expected !== undefined && port80?.observation !== expected) {
        failures.push(`${label} — ${run.profile}: DESIGN.md records ${expected} on port 80, observed ${port80?.observation}: ${port80?.evidence}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  });
});
