/**
 * Issue 7, the Pulumi pack: what test/integrations/pulumi-analyzer.test.ts does not already
 * cover (unknowns at each level of a workload, secrets of known values, other providers and
 * Kubernetes kinds without a pod are covered there). Here, over the same Analyzer protocol:
 * property names no schema knows, properties of the wrong type or `null`, a secret whose
 * value is unknown during preview (a secret output of a resource not created yet), assets
 * and archives, and the provider and Helm resources. No violation invented, no crash.
 */
import { specialArchiveSig, specialAssetSig, specialSecretSig, specialSigKey, unknownValue } from '@pulumi/pulumi/runtime/rpc';
import { HARDEN_POLICY_NAME } from '../../src/integrations/pulumi-policy';
import { RULES } from '../../src/rules';
import type { AnalyzeAnswer } from '../integrations/analyzer-client';
import { DEFAULT_PACK_CONFIG, usePolicyPack } from '../integrations/analyzer-client';
import { ENFORCEMENT_FIXTURES } from '../integrations/enforcement-table';

const POLICY_NAMES = new Set([...RULES.map((rule) => rule.name), HARDEN_POLICY_NAME]);

const pack = usePolicyPack();

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const compliant = ENFORCEMENT_FIXTURES.find((fixture) => fixture.id === 'high-port')!;
const trap = ENFORCEMENT_FIXTURES.find((fixture) => fixture.id === 'non-root-net-bind')!;
type Properties = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function mandatory(answer: AnalyzeAnswer) {
  return answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory');
}

function expectOnlyOurPolicies(answer: AnalyzeAnswer): void {
  for (const diagnostic of answer.diagnostics) expect(POLICY_NAMES.has(diagnostic.policyName)).toBe(true);
}

describe('property names no schema knows', () => {
  test('extra fields at every level of a compliant Deployment change nothing', async () => {
    const properties = clone(compliant.object) as Properties;
    const pod = properties.spec.template.spec;
    properties.status = { availableReplicas: 1 };
    properties.__inputs = { anything: true };
    properties.spec.futureField = { nested: [1, 2, 3] };
    pod.futureField = 'x';
    pod.securityContext = { ...pod.securityContext, futureOption: true };
    pod.containers[0].futureField = { a: null };
    pod.containers[0].securityContext.futureOption = 'on';
    pod.containers[0].ports[0].futureField = 1;
    const answer = await pack().analyze({ type: compliant.pulumiType, name: 'extra', properties });
    expect(answer.diagnostics).toEqual([]);
  });

  test('the trap with the same extra fields is still the trap', async () => {
    const properties = clone(trap.object) as Properties;
    properties.spec.template.spec.containers[0].futureField = { a: 1 };
    properties.status = {};
    const answer = await pack().analyze({ type: trap.pulumiType, name: 'extra', properties });
    expect(mandatory(answer).map((diagnostic) => diagnostic.policyName)).toEqual(['port-cannot-bind']);
  });
});

describe('properties of the wrong type, or null', () => {
  const replacements: [string, (properties: Properties) => void][] = [
    ['spec: null', (p) => (p.spec = null)],
    ['spec: "x"', (p) => (p.spec = 'x')],
    ['template: []', (p) => (p.spec.template = [])],
    ['pod spec: 5', (p) => (p.spec.template.spec = 5)],
    ['containers: null', (p) => (p.spec.template.spec.containers = null)],
    ['containers: "web"', (p) => (p.spec.template.spec.containers = 'web')],
    ['containers: [null, 5]', (p) => (p.spec.template.spec.containers = [null, 5])],
    ['ports: "80"', (p) => (p.spec.template.spec.containers[0].ports = '80')],
    ['containerPort: "80"', (p) => (p.spec.template.spec.containers[0].ports[0].containerPort = '80')],
    ['containerPort: -1', (p) => (p.spec.template.spec.containers[0].ports[0].containerPort = -1)],
    ['securityContext: "restricted"', (p) => (p.spec.template.spec.containers[0].securityContext = 'restricted')],
    ['capabilities: {add: "NET_BIND_SERVICE"}', (p) => (p.spec.template.spec.containers[0].securityContext.capabilities = { add: 'NET_BIND_SERVICE' })],
    ['runAsUser: "1000"', (p) => (p.spec.template.spec.containers[0].securityContext.runAsUser = '1000')],
    ['metadata: [] and annotations: 5', (p) => ((p.metadata = []), (p.spec.template.metadata = { annotations: 5 }))],
  ];

  test.each(replacements)('%s: an answer, no mandatory violation but the gate\'s on a field Pod Security fails closed, and the remediation does not crash', async (name, mutate) => {
    const properties = clone(compliant.object) as Properties;
    mutate(properties);
    const answer = await pack().analyze({ type: compliant.pulumiType, name: 'wrong-type', properties });
    expectOnlyOurPolicies(answer);
    // A capabilities.add that is not a list fails Pod Security baseline closed (the API server refuses the pod):
    // the gate says so, naming the value as not a list, and nothing else is mandatory.
    const expected = name.startsWith('capabilities:') ? [expect.stringContaining('"NET_BIND_SERVICE (a string, not a list)" in securityContext.capabilities.add')] : [];
    expect(mandatory(answer).map((diagnostic) => diagnostic.message)).toEqual(expected);
    await pack().configure({ ...DEFAULT_PACK_CONFIG, [HARDEN_POLICY_NAME]: { enforcementLevel: 'remediate' } });
    try {
      await expect(pack().remediate({ type: compliant.pulumiType, name: 'wrong-type', properties })).resolves.toBeDefined();
    } finally {
      await pack().configure(DEFAULT_PACK_CONFIG);
    }
  });

  test('a workload resource with no properties at all', async () => {
    for (const type of ['kubernetes:core/v1:Pod', 'kubernetes:apps/v1:Deployment', 'kubernetes:batch/v1:CronJob']) {
      const answer = await pack().analyze({ type, name: 'empty', properties: {} });
      expectOnlyOurPolicies(answer);
      expect(mandatory(answer)).toEqual([]);
    }
  });
});

describe('secrets and outputs', () => {
  const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

  test('a secret whose value is unknown during preview: no violation, "cannot judge" is advisory', async () => {
    const properties = clone(trap.object) as Properties;
    properties.spec.template.spec.containers[0].securityContext.runAsUser = secret(unknownValue);
    const answer = await pack().analyze({ type: trap.pulumiType, name: 'secret-unknown', properties });
    expect(mandatory(answer)).toEqual([]);
    for (const diagnostic of answer.diagnostics.filter((candidate) => candidate.message.includes('during preview'))) expect(diagnostic.enforcementLevel).toBe('advisory');
  });

  test('the whole pod spec a secret: judged by its value', async () => {
    const properties = clone(trap.object) as Properties;
    properties.spec.template.spec = secret(properties.spec.template.spec);
    const answer = await pack().analyze({ type: trap.pulumiType, name: 'secret-spec', properties });
    expect(mandatory(answer).map((diagnostic) => diagnostic.policyName)).toEqual(['port-cannot-bind']);
  });

  test('remediation of a secret-wrapped unknown leaves it alone', async () => {
    const properties = clone(trap.object) as Properties;
    properties.spec.template.spec.containers[0].securityContext = secret(unknownValue);
    await pack().configure({ ...DEFAULT_PACK_CONFIG, [HARDEN_POLICY_NAME]: { enforcementLevel: 'remediate' } });
    try {
      const remediations = await pack().remediate({ type: trap.pulumiType, name: 'secret-unknown', properties });
      for (const remediation of remediations) {
        const container = (remediation.properties as Properties | undefined)?.spec?.template?.spec?.containers?.[0];
        // Whatever else changes, the secret unknown is not replaced by a made-up securityContext.
        expect(JSON.stringify(container?.securityContext)).toContain(specialSecretSig);
      }
    } finally {
      await pack().configure(DEFAULT_PACK_CONFIG);
    }
  });

  test('assets and archives (other providers, or a field a transformation filled) are no crash', async () => {
    const asset = { [specialSigKey]: specialAssetSig, text: 'console.log(1)' };
    const archive = { [specialSigKey]: specialArchiveSig, assets: { 'index.js': asset } };
    const lambda = await pack().analyze({ type: 'aws:lambda/function:Function', name: 'fn', properties: { code: archive, handler: 'index.handler', role: unknownValue } });
    expect(lambda.diagnostics).toEqual([]);
    const properties = clone(compliant.object) as Properties;
    properties.spec.template.spec.containers[0].env = [{ name: 'CODE', value: asset }];
    const workload = await pack().analyze({ type: compliant.pulumiType, name: 'asset', properties });
    expect(mandatory(workload)).toEqual([]);
  });
});

describe('resources that are not workloads', () => {
  test.each([
    ['the Kubernetes provider, with a secret kubeconfig', 'pulumi:providers:kubernetes', { kubeconfig: secret('apiVersion: v1\nkind: Config\n'), namespace: unknownValue }],
    ['a Helm release (its objects are not resources of the pack)', 'kubernetes:helm.sh/v3:Release', { chart: 'nginx', values: { securityContext: { runAsUser: 1000 }, containerPort: 80 } }],
    ['a ConfigFile', 'kubernetes:yaml:ConfigFile', { file: 'app.yaml' }],
    ['a random provider resource', 'random:index/randomPassword:RandomPassword', { length: 16, result: secret(unknownValue) }],
  ])('%s: every policy not applicable, no diagnostic', async (_, type, properties) => {
    const answer = await pack().analyze({ type, name: 'other', properties: properties as Properties });
    expect(answer.diagnostics).toEqual([]);
    expect(answer.notApplicable.map((entry) => entry.policyName).sort()).toEqual([...POLICY_NAMES].sort());
  });

  function secret(value: unknown) {
    return { [specialSigKey]: specialSecretSig, value };
  }
});
