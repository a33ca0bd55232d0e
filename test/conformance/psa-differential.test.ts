/**
 * Differential test: our Pod Security Standards evaluator (`src/model/pss`) against the real
 * admission library (the oracle, `test/oracle/`) on random pods, at `latest` and at every policy
 * version where a check changed.
 *
 * `PSA_FUZZ_RUNS` sets the number of pods (default 300), `PSA_FUZZ_SEED` the seed (default random;
 * it is printed, so any failure can be replayed).
 *
 * What must agree, per pod and version:
 * - baseline: the ids of the failing checks (evaluator: violations with level `baseline`);
 * - restricted: the ids of the checks upstream runs at restricted that fail. Upstream does not run
 *   a baseline check that a restricted check replaces (`OverrideCheckIDs`, e.g. `hostPathVolumes`
 *   under `restrictedVolumes`); our evaluator still reports it (it decides baseline), so those ids,
 *   taken from the oracle's own registry for that version, are left out of our restricted set;
 * - the level the pod meets and the resolved policy version.
 */
import * as yaml from 'js-yaml';
import { evaluatePodSecurity } from '../../src/model/pss';
import { OracleVerdict, PolicyRegistry, PsaOracle, describeWithOracle, oracleRegistry } from '../oracle/oracle';
import { GeneratedPod, generatePods } from './pod-generator';
import { integerFromEnv } from '../env-integer';

/** `latest` and each version at which some check changed (plus a few the brief names). */
const VERSIONS = ['latest', 'v1.0', 'v1.8', 'v1.19', 'v1.22', 'v1.23', 'v1.24', 'v1.25', 'v1.27', 'v1.29', 'v1.30', 'v1.31', 'v1.32', 'v1.34', 'v1.35', 'v1.37'];
const RUNS = integerFromEnv('PSA_FUZZ_RUNS') ?? 300;
const SEED = integerFromEnv('PSA_FUZZ_SEED') ?? Math.floor(Math.random() * 2 ** 31);

/** How many disagreeing pods are printed in full. */
const SHOWN = 5;

type Level = 'privileged' | 'baseline' | 'restricted';

interface Answer {
  readonly version: string;
  readonly level: Level;
  readonly baseline: readonly string[];
  readonly restricted: readonly string[];
}

interface Disagreement {
  readonly index: number;
  readonly version: string;
  readonly what: string[];
  readonly ours: Answer | string;
  readonly theirs: Answer | string;
}

const sorted = (ids: readonly string[]): string[] => [...ids].sort();
const same = (a: readonly string[], b: readonly string[]): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

function levelOf(baseline: readonly string[], restricted: readonly string[]): Level {
  if (baseline.length > 0) return 'privileged';
  return restricted.length > 0 ? 'baseline' : 'restricted';
}

function oracleAnswer(verdict: OracleVerdict, version: string): Answer | string {
  if (verdict.error) return `error: ${verdict.error}`;
  const failing = verdict.results?.[version];
  const resolved = verdict.resolved?.[version];
  if (!failing || !resolved) return `no result for ${version}`;
  return { version: resolved, level: levelOf(failing.baseline, failing.restricted), baseline: sorted(failing.baseline), restricted: sorted(failing.restricted) };
}

function ourAnswer(pod: GeneratedPod, version: string, registry: PolicyRegistry): Answer | string {
  try {
    const evaluation = evaluatePodSecurity({ metadata: pod.metadata, spec: pod.spec }, { version });
    const overridden = registry.versions[evaluation.version]?.overriddenBy ?? {};
    const ids = evaluation.violations.map((v) => v.checkId);
    return {
      version: evaluation.version,
      level: evaluation.level,
      baseline: sorted(evaluation.violations.filter((v) => v.level === 'baseline').map((v) => v.checkId)),
      restricted: sorted(ids.filter((id) => !(id in overridden))),
    };
  } catch (e) {
    return `threw: ${(e as Error).stack ?? String(e)}`;
  }
}

function compare(ours: Answer | string, theirs: Answer | string): string[] {
  if (typeof ours === 'string' || typeof theirs === 'string') return [typeof ours === 'string' ? ours : String(theirs)];
  const what: string[] = [];
  if (ours.version !== theirs.version) what.push(`version ${ours.version} vs ${theirs.version}`);
  if (ours.level !== theirs.level) what.push(`level ${ours.level} vs ${theirs.level}`);
  if (!same(ours.baseline, theirs.baseline)) what.push(`baseline ${JSON.stringify(ours.baseline)} vs ${JSON.stringify(theirs.baseline)}`);
  if (!same(ours.restricted, theirs.restricted)) what.push(`restricted ${JSON.stringify(ours.restricted)} vs ${JSON.stringify(theirs.restricted)}`);
  return what;
}

/** A disagreement's class: the checks one side fails and the other does not, per level. */
function classes(d: Disagreement): string[] {
  if (typeof d.ours === 'string' || typeof d.theirs === 'string') return [`${d.what[0].split('\n')[0]}`];
  const out: string[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const id of d.ours[level]) if (!d.theirs[level].includes(id)) out.push(`${level}: evaluator fails ${id}, PSA passes it`);
    for (const id of d.theirs[level]) if (!d.ours[level].includes(id)) out.push(`${level}: PSA fails ${id}, evaluator passes it`);
  }
  if (d.ours.version !== d.theirs.version) out.push(`resolved version ${d.ours.version} vs ${d.theirs.version}`);
  if (out.length === 0) out.push(`level ${d.ours.level} vs ${d.theirs.level}`);
  return out;
}

function report(pods: readonly GeneratedPod[], disagreements: readonly Disagreement[]): string {
  const byClass = new Map<string, { count: number; versions: Set<string>; pods: Set<number> }>();
  for (const d of disagreements) {
    for (const c of classes(d)) {
      const entry = byClass.get(c) ?? { count: 0, versions: new Set(), pods: new Set() };
      entry.count++;
      entry.versions.add(d.version);
      entry.pods.add(d.index);
      byClass.set(c, entry);
    }
  }
  const lines = [`${disagreements.length} disagreements (seed ${SEED}, ${pods.length} pods); replay with PSA_FUZZ_SEED=${SEED} PSA_FUZZ_RUNS=${pods.length}`, 'by class:'];
  for (const [c, e] of [...byClass].sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`  ${c} — ${e.count}× at ${[...e.versions].join(', ')}; pods #${[...e.pods].slice(0, 8).join(', #')}`);
  }
  const shownPods = [...new Set(disagreements.map((d) => d.index))].slice(0, SHOWN);
  for (const index of shownPods) {
    lines.push('', `--- pod #${index} ---`, yaml.dump(pods[index], { noRefs: true, lineWidth: 140 }).trimEnd());
    for (const d of disagreements.filter((x) => x.index === index)) {
      lines.push(`  at ${d.version}: ${d.what.join('; ')}`);
      lines.push(`    evaluator: ${JSON.stringify(d.ours)}`);
      lines.push(`    PSA:       ${JSON.stringify(d.theirs)}`);
    }
  }
  return lines.join('\n');
}

describeWithOracle('Pod Security Standards: our evaluator agrees with the real admission library on random pods', () => {
  let oracle: PsaOracle;
  let registry: PolicyRegistry;

  beforeAll(async () => {
    registry = oracleRegistry();
    oracle = await PsaOracle.start();
  });
  afterAll(async () => {
    await oracle?.stop();
  });

  test(`${RUNS} random pods at ${VERSIONS.length} policy versions`, async () => {
    console.log(`PSA differential: seed ${SEED} (PSA_FUZZ_SEED), ${RUNS} pods (PSA_FUZZ_RUNS), versions ${VERSIONS.join(' ')}`);
    const pods = generatePods(RUNS, SEED);
    const verdicts = await oracle.evaluate(pods, VERSIONS);

    const disagreements: Disagreement[] = [];
    pods.forEach((pod, index) => {
      for (const version of VERSIONS) {
        const theirs = oracleAnswer(verdicts[index], version);
        const ours = ourAnswer(pod, version, registry);
        const what = compare(ours, theirs);
        if (what.length > 0) disagreements.push({ index, version, what, ours, theirs });
      }
    });

    const comparisons = pods.length * VERSIONS.length;
    console.log(`PSA differential: ${comparisons - disagreements.length}/${comparisons} (pod, version) verdicts agree`);
    expect(disagreements.length === 0 ? 'agree' : report(pods, disagreements)).toBe('agree');
  });

  test('the generator reaches both sides of every check at every version (fixed seed)', async () => {
    // Proves the random pods exercise what they must: with a fixed seed, so it never flakes.
    const pods = generatePods(300, 1);
    const verdicts = await oracle.evaluate(pods, VERSIONS);
    const missing: string[] = [];
    for (const version of VERSIONS) {
      const checks = registry.versions[verdicts[0].resolved?.[version] ?? ''];
      for (const level of ['baseline', 'restricted'] as const) {
        for (const id of checks[level]) {
          const failing = verdicts.filter((v) => v.results?.[version][level].includes(id)).length;
          if (failing === 0) missing.push(`${version} ${level} ${id}: never fails`);
          if (failing === pods.length) missing.push(`${version} ${level} ${id}: never passes`);
        }
      }
      const levels = new Set(verdicts.map((v) => levelOf(v.results?.[version].baseline ?? [], v.results?.[version].restricted ?? [])));
      if (levels.size !== 3) missing.push(`${version}: pods meet only ${[...levels].join(', ')}`);
    }
    expect(missing).toEqual([]);
    // Every generated pod decodes as the API server decodes it, with no unknown or duplicate field.
    expect(verdicts.filter((v) => v.error !== undefined || v.warnings !== undefined)).toEqual([]);
  });
});
