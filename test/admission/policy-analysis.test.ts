/**
 * What the API server's own tools say of the generated policies (the VAP oracle, test/vap-oracle):
 * every expression compiles as a Kubernetes 1.30 API server validates a new policy and in the
 * current environment, type-checks against the OpenAPI schema of every kind its policy matches
 * (with a control that the checker does catch a wrong field), and what it costs: the static
 * estimate of the CEL cost estimator, and the runtime cost the evaluator counts on the largest
 * pods a 3 MiB request can carry.
 */
import { admissionPolicySizeHints, admissionPolicyYaml } from '../../src/admission';
import type { LoadReport } from '../vap-oracle/oracle';
import { describeWithVapOracle, VapOracle } from '../vap-oracle/oracle';

/** The API server's limits (k8s.io/apiserver/pkg/apis/cel/config.go). */
const PER_CALL_LIMIT = 1_000_000;
const RUNTIME_BUDGET = 10_000_000;
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

const empty = (list: readonly string[] | null | undefined) => list ?? [];

/** A pod whose JSON is as large as a request may be, made of `unit` repeated. */
function largestPod(build: (count: number) => Record<string, unknown>): Record<string, unknown> {
  let low = 1;
  let high = 1 << 20;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (JSON.stringify(build(mid)).length <= MAX_REQUEST_BYTES) low = mid;
    else high = mid - 1;
  }
  return build(low);
}

const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'large', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec,
});
const nonRootDropAll = { runAsUser: 1000, capabilities: { drop: ['ALL'] } };

describeWithVapOracle('the generated policies, as the API server sees them', () => {
  let oracle: VapOracle;
  let report: LoadReport;
  const figures: string[] = [];
  beforeAll(async () => {
    oracle = await VapOracle.start();
    report = await oracle.load(admissionPolicyYaml(), { sizeHints: admissionPolicySizeHints() });
  }, 600_000);
  afterAll(async () => {
    await oracle.stop();
    process.stderr.write(`admission policy cost:\n${figures.join('\n')}\n`);
  });

  test('every expression compiles, in the current API server and as Kubernetes 1.30 validates a new policy', () => {
    expect(report.error).toBeUndefined();
    expect(report.policies).toHaveLength(6);
    for (const policy of report.policies ?? []) {
      expect([policy, empty(report.compileErrors?.[policy])]).toEqual([policy, []]);
      expect([policy, empty(report.compileErrors130?.[policy])]).toEqual([policy, []]);
    }
  });

  test('every expression type-checks against the schema of every kind its policy matches', () => {
    const kinds = Object.fromEntries(Object.entries(report.typeCheck ?? {}).map(([policy, result]) => [policy, empty(result.kinds).length]));
    expect(kinds).toEqual({
      'k8s-least-privilege-pods': 1,
      'k8s-least-privilege-pods-advisory': 1,
      'k8s-least-privilege-workloads': 6,
      'k8s-least-privilege-workloads-advisory': 6,
      'k8s-least-privilege-cronjobs': 1,
      'k8s-least-privilege-cronjobs-advisory': 1,
    });
    for (const [policy, result] of Object.entries(report.typeCheck ?? {})) expect([policy, empty(result.warnings)]).toEqual([policy, []]);
  });

  test('the type checker is not vacuous: a misspelled field of a container is reported, for every kind', async () => {
    const broken = admissionPolicyYaml().replace(/c\.securityContext\.capabilities\.add/g, 'c.securityContext.capabilities.adds');
    const brokenReport = await oracle.load(broken, { sizeHints: admissionPolicySizeHints() });
    for (const result of Object.values(brokenReport.typeCheck ?? {})) {
      expect(empty(result.warnings).join('\n')).toMatch(/undefined field 'adds'/);
    }
    await oracle.load(admissionPolicyYaml());
  }, 600_000);

  test('the static cost estimate of each expression (the CEL cost estimator, sizes bounded by the schema and the 3 MiB request)', () => {
    const pods = report.costs?.['k8s-least-privilege-pods']?.['/v1, Kind=Pod'] ?? {};
    expect(Object.keys(pods).length).toBeGreaterThan(20);
    for (const [expression, cost] of Object.entries(pods).sort()) figures.push(`  static ${expression}: ${cost.min} … ${cost.max}`);
    // Without maxItems in the built-in schemas, a loop over containers and their ports is bounded
    // only by the request size: the estimate says so, and the runtime cost below is what counts.
    expect(pods['variables.hostNetwork'].max).toBeLessThan(PER_CALL_LIMIT);
  });

  test.each([
    ['one container, as many ports below 1024 as fit, none can bind', (n: number) => pod({ containers: [{ name: 'web', image: 'nginx', securityContext: nonRootDropAll, ports: Array.from({ length: n }, () => ({ containerPort: 80 })) }] })],
    ['as many containers as fit, each with port 80 it cannot bind', (n: number) => pod({ containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'n', securityContext: nonRootDropAll, ports: [{ containerPort: 80 }] })) })],
    ['as many containers as fit, each with port 80 it binds', (n: number) => pod({ containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'n', ports: [{ containerPort: 80 }], securityContext: { runAsUser: 0 } })) })],
    ['one container, as many capability names as fit', (n: number) => pod({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], securityContext: { runAsUser: 1000, capabilities: { add: Array.from({ length: n }, () => 'CHOWN') } } }] })],
    ['a file-capability annotation of 256 KiB of clauses', () => pod({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], securityContext: { runAsUser: 1000 } }] }, { 'file-capabilities.k8s-least-privilege.dev/web': Array.from({ length: 16_000 }, () => 'cap_chown+p').join(' ') })],
  ] as const)('the largest pod the API allows: %s — past a limit, the policy admits (failurePolicy Ignore), never a false denial', async (label, build) => {
    const object = label.startsWith('a file-capability') ? build(0) : largestPod(build);
    const [verdict] = await oracle.evaluate([{ object, measure: true }]);
    figures.push(`  runtime ${label} (${JSON.stringify(object).length} bytes): cost ${verdict.cost}${verdict.costError ? ` — ${verdict.costError.slice(0, 160)}` : ''}; ${verdict.allowed ? 'admitted' : 'denied'}`);
    expect(verdict.error).toBeUndefined();
    if (verdict.costError !== undefined) expect(verdict.allowed).toBe(true);
  }, 300_000);

  test('a large but real pod (50 containers of 20 ports each, file-capability annotations, half of them broken) stays within the budget', async () => {
    const containers = Array.from({ length: 50 }, (_, i) => ({
      name: `c${i}`,
      image: 'nginx',
      securityContext: i % 2 === 0 ? nonRootDropAll : { runAsUser: 0, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
      ports: Array.from({ length: 20 }, (_unused, j) => ({ containerPort: 70 + j, name: `p${j}` })),
    }));
    const annotations = Object.fromEntries(containers.map((c) => [`file-capabilities.k8s-least-privilege.dev/${c.name}`, 'cap_net_bind_service,cap_chown=+ep cap_setfcap+p']));
    const [verdict] = await oracle.evaluate([{ object: pod({ containers }, annotations), measure: true }]);
    figures.push(`  runtime 50 containers × 20 ports with annotations: cost ${verdict.cost} (per call limit ${PER_CALL_LIMIT}, budget ${RUNTIME_BUDGET})`);
    expect(verdict.costError).toBeUndefined();
    expect(verdict.cost).toBeLessThan(RUNTIME_BUDGET);
    expect(verdict.allowed).toBe(false);
  });
});
