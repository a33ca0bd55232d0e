/**
 * Proves the reference oracle before anything trusts it: every upstream Pod Security Admission
 * fixture (`/work/shared/corpora/psa`, `LEVEL/vX.Y/{pass,fail}/CHECK<N>.yaml`) must get the
 * upstream verdict — pass pods pass, fail pods fail with the named check among the failing ids.
 * At restricted, a baseline check may be replaced by a restricted one (upstream
 * `OverrideCheckIDs`: e.g. `restrictedVolumes` replaces `hostPathVolumes`, from v1.22
 * `capabilities_restricted` replaces `capabilities_baseline`); a restricted fail fixture named
 * after the baseline check then fails with the replacing check, and only at versions where the
 * registry says it replaces it.
 *
 * Each fixture is sent twice: as YAML text (converted as kubectl converts it) and as the object
 * js-yaml parses, which is how the rest of our tests hand pods to the oracle; both must agree.
 */
import { readdirSync, readFileSync, existsSync } from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { OracleVerdict, PolicyRegistry } from './oracle';
import { PsaOracle, describeWithOracle, oracleRegistry } from './oracle';

const CORPUS = process.env.PSA_FIXTURES_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpora', 'psa');
const LEVELS = ['baseline', 'restricted'] as const;

interface Fixture {
  readonly file: string;
  readonly level: (typeof LEVELS)[number];
  readonly version: string;
  readonly expect: 'pass' | 'fail';
  /** For `fail` fixtures: the file name's check, lower-case as upstream writes file names. */
  readonly check: string;
  readonly text: string;
}

function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const level of LEVELS) {
    for (const version of readdirSync(path.join(CORPUS, level))) {
      for (const expect of ['pass', 'fail'] as const) {
        const dir = path.join(CORPUS, level, version, expect);
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
          const file = path.join(dir, name);
          fixtures.push({ file, level, version, expect, check: name.replace(/\d*\.yaml$/, ''), text: readFileSync(file, 'utf8') });
        }
      }
    }
  }
  return fixtures;
}

/** What is wrong with the oracle's verdict on one fixture, or undefined when it agrees. */
function disagreement(fixture: Fixture, verdict: OracleVerdict, registry: PolicyRegistry): string | undefined {
  if (verdict.error) return `decode error: ${verdict.error}`;
  const failing = verdict.results?.[fixture.version]?.[fixture.level];
  if (!failing) return `no result for ${fixture.version}/${fixture.level}`;
  if (fixture.expect === 'pass') {
    return failing.length === 0 ? undefined : `expected to pass, fails ${JSON.stringify(failing)}`;
  }
  const checks = registry.versions[fixture.version];
  const named = [...checks.baseline, ...checks.restricted].find((id) => id.toLowerCase() === fixture.check);
  if (!named) return `${fixture.check} is not an upstream check at ${fixture.version}`;
  const expected = fixture.level === 'restricted' ? checks.overriddenBy[named] ?? named : named;
  return failing.includes(expected) ? undefined : `expected to fail ${expected}, fails ${JSON.stringify(failing)}`;
}

describeWithOracle('PSA reference oracle vs the upstream fixtures', () => {
  let oracle: PsaOracle;
  let registry: PolicyRegistry;
  let fixtures: Fixture[];

  beforeAll(async () => {
    fixtures = loadFixtures();
    registry = oracleRegistry();
    oracle = await PsaOracle.start();
  });
  afterAll(async () => {
    await oracle?.stop();
  });

  test('the corpus is complete (4,537 fixtures, v1.0 to v1.37)', () => {
    expect(fixtures).toHaveLength(4537);
    expect(new Set(fixtures.map((f) => f.version))).toEqual(new Set(Array.from({ length: 38 }, (_, i) => `v1.${i}`)));
  });

  test('agrees with every fixture, read as kubectl reads YAML and as parsed objects', async () => {
    const requests = fixtures.map((f) => ({ podYaml: f.text, versions: [f.version] }));
    const asObjects = fixtures.map((f) => ({ pod: yaml.load(f.text), versions: [f.version] }));
    const [fromYaml, fromObjects] = await Promise.all([oracle.send(requests), oracle.send(asObjects)]);

    const problems: string[] = [];
    fixtures.forEach((fixture, i) => {
      const where = path.relative(CORPUS, fixture.file);
      const wrong = disagreement(fixture, fromYaml[i], registry);
      if (wrong) problems.push(`${where}: ${wrong}`);
      if (JSON.stringify(fromObjects[i]) !== JSON.stringify(fromYaml[i])) {
        problems.push(`${where}: YAML and parsed-object inputs disagree: ${JSON.stringify(fromYaml[i])} vs ${JSON.stringify(fromObjects[i])}`);
      }
    });
    const agreeing = fixtures.length - new Set(problems.map((p) => p.split(':')[0])).size;
    console.log(`PSA oracle agrees with ${agreeing}/${fixtures.length} upstream fixtures`);
    expect(problems).toEqual([]);
  });

  test('the registry is the one the fixtures were generated from (newest policy v1.37)', () => {
    expect(registry.newest).toBe('v1.37');
    expect(Object.keys(registry.versions)).toHaveLength(38);
  });
});

describeWithOracle('PSA reference oracle: decoding and defaulting as the API server does', () => {
  let oracle: PsaOracle;
  const restrictedPod = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
    metadata: { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...container } }],
      ...spec,
    },
  });

  beforeAll(async () => {
    oracle = await PsaOracle.start();
  });
  afterAll(async () => {
    await oracle?.stop();
  });

  test('a restricted pod passes; latest and future versions resolve to the newest policy', async () => {
    const [verdict] = await oracle.evaluate([restrictedPod({})], ['latest', 'v1.0', 'v1.99']);
    expect(verdict.results).toEqual({
      'latest': { baseline: [], restricted: [] },
      'v1.0': { baseline: [], restricted: [] },
      'v1.99': { baseline: [], restricted: [] },
    });
    expect(verdict.resolved).toEqual({ 'latest': 'v1.37', 'v1.0': 'v1.0', 'v1.99': 'v1.37' });
  });

  test('a volume with no source is an emptyDir (SetDefaults_Volume), so restricted allows it', async () => {
    const [verdict] = await oracle.evaluate([restrictedPod({}, { volumes: [{ name: 'scratch' }] })], ['latest']);
    expect(verdict.results?.latest).toEqual({ baseline: [], restricted: [] });
  });

  test('a value of the wrong type is a decode error, as the API server rejects it', async () => {
    const [verdict] = await oracle.evaluate([restrictedPod({ privileged: 'true' })], ['latest']);
    expect(verdict.error).toMatch(/cannot unmarshal string .* of type bool/);
    expect(verdict.results).toBeUndefined();
  });

  test('field names are case-sensitive: a mis-cased field is an unknown field, dropped with a warning', async () => {
    const [verdict] = await oracle.evaluate([restrictedPod({ Privileged: true })], ['latest']);
    expect(verdict.results?.latest).toEqual({ baseline: [], restricted: [] });
    expect(verdict.warnings).toEqual(['unknown field "spec.containers[0].securityContext.Privileged"']);
  });

  test('answers in order across many concurrent batches', async () => {
    const pods = Array.from({ length: 50 }, (_, i) => restrictedPod({ runAsUser: i % 2 }));
    const batches = await Promise.all([oracle.evaluate(pods, ['v1.23']), oracle.evaluate(pods.slice(0, 10), ['v1.22'])]);
    expect(batches[0].map((v) => v.results?.['v1.23'].restricted)).toEqual(pods.map((_, i) => (i % 2 === 0 ? ['runAsUser'] : [])));
    // runAsUser joined restricted at v1.23.
    expect(batches[1].every((v) => v.results?.['v1.22'].restricted.length === 0)).toBe(true);
  });
});
