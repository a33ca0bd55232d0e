/**
 * Differential test: our Pod Security Standards evaluator (`src/model/pss`) against the real
 * admission library (the oracle, `test/oracle/`) on random pods, at `latest` and at every policy
 * version (v1.0 … the newest).
 *
 * `PSA_FUZZ_RUNS` sets the number of pods (default 300), `PSA_FUZZ_SEED` the seed (default random;
 * it is printed, so any failure can be replayed).
 *
 * Each level is judged as admission judges it, with its own checks: the oracle runs upstream's
 * check set of each level (restricted: the restricted checks and the baseline checks no restricted
 * check overrides, `OverrideCheckIDs`), our evaluator answers `levels.baseline` and
 * `levels.restricted`. What must agree, per pod and version:
 * - per level: whether it admits the pod, and the ids of its failing checks;
 * - the level the pod meets (restricted if admitted there, else baseline if admitted there, else
 *   privileged) and the resolved policy version.
 */
import * as yaml from 'js-yaml';
import type { GeneratedPod } from './pod-generator';
import { generatePods } from './pod-generator';
import { evaluatePodSecurity, LATEST_POLICY_VERSION } from '../../src/model/pss';
import { integerFromEnv } from '../env-integer';
import type { OracleVerdict, PolicyRegistry } from '../oracle/oracle';
import { PsaOracle, describeWithOracle, oracleRegistry } from '../oracle/oracle';

/** `latest` and every policy version. */
const VERSIONS = ['latest', ...Array.from({ length: Number(LATEST_POLICY_VERSION.slice('v1.'.length)) + 1 }, (_, minor) => `v1.${minor}`)];
const RUNS = integerFromEnv('PSA_FUZZ_RUNS') ?? 300;
const SEED = integerFromEnv('PSA_FUZZ_SEED') ?? Math.floor(Math.random() * 2 ** 31);

/** How many disagreeing pods are printed in full. */
const SHOWN = 5;

/** From this policy version the restricted checks exempt Windows pods (check_seccompProfile_restricted.go, check_capabilities_restricted.go). */
const WINDOWS_EXEMPT_FROM = 25;

type Level = 'privileged' | 'baseline' | 'restricted';
const ENFORCING_LEVELS = ['baseline', 'restricted'] as const;

/** One level's verdict: whether it admits the pod, and its failing checks (sorted ids). */
interface LevelAnswer {
  readonly allowed: boolean;
  readonly checks: readonly string[];
}

interface Answer {
  readonly version: string;
  readonly level: Level;
  readonly baseline: LevelAnswer;
  readonly restricted: LevelAnswer;
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

/** The most restrictive level that admits the pod, each level judged on its own. */
function levelOf(baseline: LevelAnswer, restricted: LevelAnswer): Level {
  return restricted.allowed ? 'restricted' : baseline.allowed ? 'baseline' : 'privileged';
}

function levelAnswer(failing: readonly string[]): LevelAnswer {
  return { allowed: failing.length === 0, checks: sorted(failing) };
}

function oracleAnswer(verdict: OracleVerdict, version: string): Answer | string {
  if (verdict.error) return `error: ${verdict.error}`;
  const failing = verdict.results?.[version];
  const resolved = verdict.resolved?.[version];
  if (!failing || !resolved) return `no result for ${version}`;
  const baseline = levelAnswer(failing.baseline);
  const restricted = levelAnswer(failing.restricted);
  return { version: resolved, level: levelOf(baseline, restricted), baseline, restricted };
}

function ourAnswer(pod: GeneratedPod, version: string): Answer | string {
  try {
    const evaluation = evaluatePodSecurity({ metadata: pod.metadata, spec: pod.spec }, { version });
    const [baseline, restricted] = ENFORCING_LEVELS.map((level) => {
      const verdict = evaluation.levels[level];
      return { allowed: verdict.allowed, checks: sorted(verdict.violations.map((v) => v.checkId)) };
    });
    return { version: evaluation.version, level: evaluation.level, baseline, restricted };
  } catch (e) {
    return `threw: ${(e as Error).stack ?? String(e)}`;
  }
}

function compare(ours: Answer | string, theirs: Answer | string): string[] {
  if (typeof ours === 'string' || typeof theirs === 'string') return [typeof ours === 'string' ? ours : String(theirs)];
  const what: string[] = [];
  if (ours.version !== theirs.version) what.push(`version ${ours.version} vs ${theirs.version}`);
  if (ours.level !== theirs.level) what.push(`level ${ours.level} vs ${theirs.level}`);
  for (const level of ENFORCING_LEVELS) {
    if (ours[level].allowed !== theirs[level].allowed) what.push(`${level} allowed ${ours[level].allowed} vs ${theirs[level].allowed}`);
    if (!same(ours[level].checks, theirs[level].checks)) {
      what.push(`${level} ${JSON.stringify(ours[level].checks)} vs ${JSON.stringify(theirs[level].checks)}`);
    }
  }
  return what;
}

/** A disagreement's class: the checks one side fails and the other does not, per level. */
function classes(d: Disagreement): string[] {
  if (typeof d.ours === 'string' || typeof d.theirs === 'string') return [`${d.what[0].split('\n')[0]}`];
  const out: string[] = [];
  for (const level of ENFORCING_LEVELS) {
    for (const id of d.ours[level].checks) if (!d.theirs[level].checks.includes(id)) out.push(`${level}: evaluator fails ${id}, PSA passes it`);
    for (const id of d.theirs[level].checks) if (!d.ours[level].checks.includes(id)) out.push(`${level}: PSA fails ${id}, evaluator passes it`);
    if (d.ours[level].allowed !== d.theirs[level].allowed) out.push(`${level}: evaluator allowed=${d.ours[level].allowed}, PSA allowed=${d.theirs[level].allowed}`);
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

const isWindows = (pod: GeneratedPod): boolean => (pod.spec.os as { name?: unknown } | undefined)?.name === 'windows';

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

  test(`${RUNS} random pods at ${VERSIONS.length} policy versions, each level judged with its own checks`, async () => {
    console.log(`PSA differential: seed ${SEED} (PSA_FUZZ_SEED), ${RUNS} pods (PSA_FUZZ_RUNS), versions ${VERSIONS.join(' ')}`);
    const pods = generatePods(RUNS, SEED);
    const verdicts = await oracle.evaluate(pods, VERSIONS);

    const disagreements: Disagreement[] = [];
    let restrictedOnly = 0;
    pods.forEach((pod, index) => {
      for (const version of VERSIONS) {
        const theirs = oracleAnswer(verdicts[index], version);
        const ours = ourAnswer(pod, version);
        const what = compare(ours, theirs);
        if (what.length > 0) disagreements.push({ index, version, what, ours, theirs });
        if (typeof theirs !== 'string' && theirs.restricted.allowed && !theirs.baseline.allowed) restrictedOnly++;
      }
    });

    const comparisons = pods.length * VERSIONS.length;
    console.log(
      `PSA differential: ${comparisons - disagreements.length}/${comparisons} (pod, version) verdicts agree, per level; ` +
        `${restrictedOnly} of them admitted at restricted and refused at baseline`,
    );
    expect(disagreements.length === 0 ? 'agree' : report(pods, disagreements)).toBe('agree');
  });

  test('the generator reaches both sides of every check, every override pair and Windows pods at every version (fixed seed)', async () => {
    // Proves the random pods exercise what they must: with a fixed seed, so it never flakes.
    const pods = generatePods(300, 1);
    const verdicts = await oracle.evaluate(pods, VERSIONS);
    const missing: string[] = [];
    for (const version of VERSIONS) {
      const resolved = verdicts[0].resolved?.[version] ?? '';
      const checks = registry.versions[resolved];
      const answers = verdicts.map((v) => oracleAnswer(v, version) as Answer);
      for (const level of ENFORCING_LEVELS) {
        for (const id of checks[level]) {
          const failing = answers.filter((a) => a[level].checks.includes(id)).length;
          if (failing === 0) missing.push(`${version} ${level} ${id}: never fails`);
          if (failing === pods.length) missing.push(`${version} ${level} ${id}: never passes`);
        }
      }
      // Every override pair: some pods fail both checks, and the two checks are told apart.
      for (const [baselineId, restrictedId] of Object.entries(checks.overriddenBy)) {
        const both = answers.filter((a) => a.baseline.checks.includes(baselineId) && a.restricted.checks.includes(restrictedId)).length;
        const apart = answers.filter((a) => a.baseline.checks.includes(baselineId) !== a.restricted.checks.includes(restrictedId)).length;
        if (both === 0) missing.push(`${version} ${baselineId} → ${restrictedId}: never fail together`);
        if (apart === 0) missing.push(`${version} ${baselineId} → ${restrictedId}: never told apart`);
      }
      const levels = new Set(answers.map((a) => a.level));
      if (levels.size !== 3) missing.push(`${version}: pods meet only ${[...levels].join(', ')}`);
      // The levels disagree: hostPathVolumes → restrictedVolumes at every version, and from v1.25
      // Windows pods that seccompProfile_baseline or capabilities_baseline alone refuse.
      const restrictedOnly = answers.filter((a) => a.restricted.allowed && !a.baseline.allowed);
      if (restrictedOnly.length === 0) missing.push(`${version}: no pod admitted at restricted and refused at baseline`);
      if (Number(resolved.slice('v1.'.length)) >= WINDOWS_EXEMPT_FROM) {
        for (const id of ['seccompProfile_baseline', 'capabilities_baseline']) {
          const windows = answers.filter((a, i) => isWindows(pods[i]) && a.restricted.allowed && a.baseline.checks.includes(id));
          if (windows.length === 0) missing.push(`${version}: no Windows pod admitted at restricted and failing ${id}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // Every generated pod decodes as the API server decodes it, with no unknown or duplicate field.
    expect(verdicts.filter((v) => v.error !== undefined || v.warnings !== undefined)).toEqual([]);
  });
});
