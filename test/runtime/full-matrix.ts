/**
 * Runtime truth, full product: every combination of the matrix dimensions (960
 * securityContexts, API-invalid ones included) under both runtime profiles, compared with
 * the capability model; then the seed and edge cases. Writes the observed matrix to
 * docs/verification.md, one row per distinct outcome (section `runtime-matrix-full`), and
 * one row per pod to test/.work/runtime/full-matrix.md. Not part of `npm test`: 1,958 pods,
 * about 7 minutes here (two pods at a time, ~200 ms per pod of wall time).
 *
 *   sudo test/runtime/setup.sh
 *   sudo node_modules/.bin/ts-node --transpile-only test/runtime/full-matrix.ts [--limit N]
 *
 * Exits 1 when the model disagrees with any observation (each is printed), 2 when the
 * harness cannot run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_PROFILES } from './containerd';
import { runPod, runtimeAvailable, stopRuntimes } from './harness';
import type { LabelledPod } from './matrix';
import { compareWithModel, describeDisagreements, edgeCases, MATRIX_DIMENSIONS, podForCase, seedCases } from './matrix';
import { fullProduct } from './pairwise';
import { runtimeWorkDir } from './paths';
import type { MatrixRow } from './verification-doc';
import { renderOutcomeSummary, renderTable, writeVerificationSection } from './verification-doc';

async function main(): Promise<number> {
  const available = await runtimeAvailable();
  if (available !== true) {
    process.stderr.write(`full-matrix: cannot run: ${available || 'runtime unavailable'}\n`);
    return 2;
  }
  const limitArg = process.argv.indexOf('--limit');
  const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;
  const pods: LabelledPod[] = [...fullProduct(MATRIX_DIMENSIONS).map(podForCase), ...seedCases(), ...edgeCases()].slice(0, limit);

  const started = Date.now();
  const rows: MatrixRow[] = [];
  const disagreements: string[] = [];
  try {
    for (const [index, { label, pod, notComparable }] of pods.entries()) {
      // One pod per profile at a time: the two containerd instances use the two cores.
      for (const observed of await Promise.all(RUNTIME_PROFILES.map((profile) => runPod(pod, profile)))) {
        const comparisons = compareWithModel(pod, observed, notComparable);
        rows.push({ label, observed, comparisons });
        if (comparisons.some((c) => !c.agrees)) {
          const text = describeDisagreements(label, pod, observed, comparisons);
          disagreements.push(text);
          process.stdout.write(`${text}\n`);
        }
      }
      if ((index + 1) % 100 === 0) {
        const perPod = (Date.now() - started) / rows.length;
        process.stdout.write(`full-matrix: ${index + 1}/${pods.length} securityContexts, ${Math.round(perPod)} ms per pod (wall), ${disagreements.length} disagreements\n`);
      }
    }
  } finally {
    await stopRuntimes();
  }
  const seconds = (Date.now() - started) / 1000;
  const title = `Full product (test/runtime/full-matrix.ts${Number.isFinite(limit) ? `, first ${limit}` : ''})`;
  writeVerificationSection('runtime-matrix-full', renderOutcomeSummary(title, rows));
  const perPod = join(runtimeWorkDir(), 'full-matrix.md');
  writeFileSync(perPod, `${renderTable(title, rows)}\n`);
  process.stdout.write(`full-matrix: per-pod table in ${perPod}\n`);
  process.stdout.write(
    `full-matrix: ${rows.length} pods, ${rows.flatMap((r) => r.comparisons).length} ports in ${seconds.toFixed(0)} s ` +
      `(${((seconds * 1000) / rows.length).toFixed(0)} ms per pod, wall); ${disagreements.length} pod runs with disagreements\n`,
  );
  return disagreements.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`full-matrix: ${error.stack ?? error.message}\n`);
    process.exit(2);
  },
);
