/**
 * The generated ValidatingAdmissionPolicies against the capability model: for random pods and
 * workloads, and for the seed and corner cases, the real API server code (the VAP oracle,
 * test/vap-oracle) must reject exactly the objects the model and the rules call broken (LP001 on a
 * declared port, LP008, LP015), and warn exactly where they are undecided or misspelled (LP002 on a
 * declared port, LP006), under the same runtime profile and declared facts. No evaluation error,
 * in any case: the policies fail open, so an error would hide a verdict.
 */
import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { randomPod, WORKLOAD_KINDS, wrapPod } from './arbitraries';
import type { ReferenceVerdict } from './reference';
import { referenceDenies, referenceVerdict, referenceWarns } from './reference';
import { admissionPolicyYaml } from '../../src/admission';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';
import { objectsInDocument } from '../../src/model/workload';
import { edgeCases, seedCases } from '../runtime/matrix';
import type { AdmissionVerdict } from '../vap-oracle/oracle';
import { describeWithVapOracle, VapOracle } from '../vap-oracle/oracle';

const PROFILES: readonly RuntimeProfileName[] = ['strict', 'containerd-1', 'cri-o', 'containerd-2', 'docker', 'gvisor'];
/** Random objects per profile (CI); FUZZ_ADMISSION_RUNS raises it for a long run. */
const RUNS = Number(process.env.FUZZ_ADMISSION_RUNS ?? 1000);
const RULES: Record<string, readonly (keyof ReferenceVerdict)[]> = { '': ['LP001', 'LP008', 'LP015'], '-advisory': ['LP002', 'LP006'] };

/** The rules whose validation failed in the oracle's decisions, and any evaluation error. */
function oracleRules(verdict: AdmissionVerdict): { fired: Set<string>; errors: string[] } {
  const fired = new Set<string>();
  const errors: string[] = [];
  const byPolicy = new Map<string, number>();
  for (const decision of verdict.decisions ?? []) {
    const suffix = decision.policy.endsWith('-advisory') ? '-advisory' : '';
    const index = byPolicy.get(decision.policy) ?? 0;
    byPolicy.set(decision.policy, index + 1);
    if (decision.evaluation === 'error') errors.push(`${decision.policy}: ${(decision.message ?? '').slice(0, 300)}`);
    if (decision.evaluation === 'deny') fired.add(RULES[suffix][index]);
  }
  return { fired, errors };
}

/** Where the oracle and the model disagree on one object, in words; `undefined` when they agree. */
function disagreement(object: Record<string, unknown>, verdict: AdmissionVerdict, profile: RuntimeProfileName): string | undefined {
  if (verdict.error !== undefined) return `the oracle cannot decode it: ${verdict.error}`;
  const expected = referenceVerdict(object, profile);
  const { fired, errors } = oracleRules(verdict);
  const problems: string[] = [...errors.map((error) => `evaluation error: ${error}`)];
  for (const rule of Object.keys(expected) as (keyof ReferenceVerdict)[]) {
    if (expected[rule] !== fired.has(rule)) problems.push(`${rule}: model ${expected[rule]}, policy ${fired.has(rule)}`);
  }
  if (verdict.allowed !== !referenceDenies(expected)) problems.push(`allowed ${verdict.allowed}, model denies ${referenceDenies(expected)}`);
  if ((verdict.warnings ?? []).length > 0 !== referenceWarns(expected)) problems.push(`warnings ${JSON.stringify(verdict.warnings)}, model warns ${referenceWarns(expected)}`);
  return problems.length === 0 ? undefined : problems.join('; ');
}

interface Tally {
  cases: number;
  agreements: number;
  denied: number;
  warned: number;
  undecodable: number;
  failures: string[];
}

async function compare(oracle: VapOracle, objects: readonly Record<string, unknown>[], profile: RuntimeProfileName, tally: Tally): Promise<void> {
  const verdicts = await oracle.evaluate(objects.map((object) => ({ object })));
  objects.forEach((object, index) => {
    const verdict = verdicts[index];
    // A manifest the API server cannot decode (a template placeholder where a boolean belongs) never reaches admission.
    if (verdict.error?.startsWith('the API server cannot decode') === true) {
      tally.undecodable++;
      return;
    }
    tally.cases++;
    if (verdict.allowed === false) tally.denied++;
    if ((verdict.warnings ?? []).length > 0) tally.warned++;
    const problem = disagreement(object, verdict, profile);
    if (problem === undefined) tally.agreements++;
    else if (tally.failures.length < 5) tally.failures.push(`${problem}\n${JSON.stringify(object)}`);
  });
}

const newTally = (): Tally => ({ cases: 0, agreements: 0, denied: 0, warned: 0, undecodable: 0, failures: [] });

/** The objects of the real-world manifests (test/real-world) that the policies cover. */
function realWorldObjects(): Record<string, unknown>[] {
  const dir = path.join(__dirname, '..', 'real-world', 'manifests');
  const covered = new Set<string>(WORKLOAD_KINDS);
  return readdirSync(dir).flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))
      .map((document) => document.toJSON() as unknown)
      .flatMap((document) => objectsInDocument(document).objects)
      .filter((object) => covered.has(object.kind) && ['v1', 'apps/v1', 'batch/v1'].includes(object.apiVersion))
      .map((object) => ({ ...object.object, metadata: { ...(object.object.metadata as object), namespace: 'default' } })),
  );
}

describeWithVapOracle('the admission policy agrees with the model (real k8s.io/apiserver VAP plugin)', () => {
  let oracle: VapOracle;
  const report: string[] = [];
  beforeAll(async () => {
    oracle = await VapOracle.start();
  });
  afterAll(async () => {
    await oracle.stop();
    process.stderr.write(`admission differential:\n${report.join('\n')}\n`);
  });

  test.each(PROFILES)('random pods and workloads, runtime profile %s', async (profile) => {
    const load = await oracle.load(admissionPolicyYaml({ runtimeProfile: profile }));
    expect(load.error).toBeUndefined();
    const seed = 0x22 + PROFILES.indexOf(profile);
    const samples = fc.sample(fc.tuple(randomPod, fc.constantFrom(...WORKLOAD_KINDS)), { seed, numRuns: RUNS });
    const tally = newTally();
    for (let start = 0; start < samples.length; start += 200) {
      await compare(oracle, samples.slice(start, start + 200).map(([pod, kind], index) => wrapPod(pod, kind, `subject-${start + index}`)), profile, tally);
    }
    report.push(`  ${profile}: ${tally.agreements}/${tally.cases} random objects agree (${tally.denied} denied, ${tally.warned} warned)`);
    expect(tally.failures).toEqual([]);
    expect(tally.agreements).toBe(RUNS - tally.undecodable);
    expect(tally.undecodable).toBe(0);
    // The sample reaches both verdicts, or the comparison would prove little.
    expect(tally.denied).toBeGreaterThan(RUNS / 20);
    expect(tally.cases - tally.denied).toBeGreaterThan(RUNS / 20);
  });

  test.each(['strict', 'containerd-2'] as const)('the seed and edge cases of DESIGN.md and the real-world manifests, runtime profile %s', async (profile) => {
    await oracle.load(admissionPolicyYaml({ runtimeProfile: profile }));
    const objects = [
      ...[...seedCases(), ...edgeCases()].flatMap(({ pod }) => WORKLOAD_KINDS.map((kind) => wrapPod(pod as never, kind, 'seed'))),
      ...realWorldObjects(),
    ];
    const tally = newTally();
    await compare(oracle, objects, profile, tally);
    report.push(`  ${profile}: ${tally.agreements}/${tally.cases} seed, edge and real-world objects agree (${tally.denied} denied; ${tally.undecodable} the API server cannot decode)`);
    expect(tally.failures).toEqual([]);
  });
});
