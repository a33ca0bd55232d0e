/**
 * The policy pack in policies/, run as the Pulumi engine runs it (run-policy-pack, one process
 * for this file) and spoken to over the Analyzer gRPC protocol: GetAnalyzerInfo, Configure,
 * Analyze, Remediate. The pack loads the compiled library (lib/): `npm test` compiles first.
 */
import { specialSecretSig, specialSigKey, unknownValue } from '@pulumi/pulumi/runtime/rpc';
import type { AnalyzeAnswer, ResourceUnderTest } from './analyzer-client';
import { DEFAULT_PACK_CONFIG, usePolicyPack } from './analyzer-client';
import type { EnforcementFixture } from './enforcement-table';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { ENFORCEMENT_LEVELS, HARDEN_POLICY_NAME, POLICY_PACK_NAME } from '../../src/integrations/pulumi-policy';
import { RULES } from '../../src/rules';


const RULE_ID_OF_POLICY = new Map(RULES.map((rule) => [rule.name, rule.id]));
const ENABLED_RULE_IDS = new Set(RULES.filter((rule) => ENFORCEMENT_LEVELS[rule.severity] !== 'disabled').map((rule) => rule.id));

const pack = usePolicyPack();

function fixture(id: string): EnforcementFixture {
  const found = ENFORCEMENT_FIXTURES.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no fixture ${id}`);
  return found;
}

function resourceOf(entry: EnforcementFixture, properties: Record<string, unknown> = clone(entry.object)): ResourceUnderTest {
  return { type: entry.pulumiType, name: entry.id, properties };
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Sets `value` at a dotted path (`spec.template.spec.containers.0.image`) of a copy. */
function withValue(properties: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = clone(properties);
  const segments = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  node[segments[segments.length - 1]] = value;
  return copy;
}

function secret(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

/** The rule ids of the violations, sorted, without the remediation policy's. */
function ruleIds(answer: AnalyzeAnswer, level?: 'mandatory' | 'advisory'): string[] {
  const ids = answer.diagnostics
    .filter((diagnostic) => diagnostic.policyName !== HARDEN_POLICY_NAME && (level === undefined || diagnostic.enforcementLevel === level))
    .filter((diagnostic) => !diagnostic.message.includes('during preview'))
    .map((diagnostic) => RULE_ID_OF_POLICY.get(diagnostic.policyName) ?? diagnostic.policyName);
  return [...new Set(ids)].sort();
}

function cannotJudge(answer: AnalyzeAnswer): AnalyzeAnswer['diagnostics'] {
  return answer.diagnostics.filter((diagnostic) => diagnostic.message.includes('during preview'));
}

describe('GetAnalyzerInfo', () => {
  test('one policy per rule, named, described and enforced from the rule metadata, plus the remediation', async () => {
    const info = await pack().info();
    expect(info.name).toBe(POLICY_PACK_NAME);
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((policy) => policy.name)).toEqual([...RULES.map((rule) => rule.name), HARDEN_POLICY_NAME]);
    for (const rule of RULES) {
      const policy = info.policies.find((candidate) => candidate.name === rule.name)!;
      expect(policy.description).toBe(`${rule.id}: ${rule.title}`);
      expect(policy.enforcementLevel).toBe({ error: 'mandatory', warning: 'advisory', info: 'disabled' }[rule.severity]);
      expect(policy.remediationSteps).toBe(rule.remediation);
      expect(Object.keys(policy.configSchema ?? {}).sort()).toEqual(['imageFacts', 'images', 'level', 'podSecurityVersion', 'registry', 'runtimeProfile', 'suppressions']);
    }
  });
});

describe('Analyze: the enforcement table gives the same rule ids as checkObject', () => {
  test.each(ENFORCEMENT_FIXTURES.map((entry) => [entry.id, entry] as const))('%s', async (_, entry) => {
    const answer = await pack().analyze(resourceOf(entry));
    expect(ruleIds(answer)).toEqual(entry.expectedRuleIds.filter((id) => ENABLED_RULE_IDS.has(id)));
    expect(answer.diagnostics.every((diagnostic) => diagnostic.policyPackName === POLICY_PACK_NAME)).toBe(true);
    expect(answer.diagnostics.some((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toBe(entry.fails);
    expect(cannotJudge(answer)).toEqual([]);
  });

  test('a violation names the rule id, the field and the reason', async () => {
    const answer = await pack().analyze(resourceOf(fixture('non-root-net-bind')));
    const [violation] = answer.diagnostics.filter((diagnostic) => diagnostic.policyName === 'port-cannot-bind');
    expect(violation.enforcementLevel).toBe('mandatory');
    expect(violation.message).toContain('[LP001] spec.template.spec.containers[0].ports[0]:');
    expect(violation.message).toContain('no ambient capabilities');
  });

  test('the kind comes from the resource type when the properties do not carry it', async () => {
    const entry = fixture('non-root-net-bind');
    const { apiVersion: _apiVersion, kind: _kind, ...properties } = clone(entry.object);
    expect(ruleIds(await pack().analyze(resourceOf(entry, properties)))).toEqual(['LP001']);
  });
});

describe('Analyze: resources it must leave alone', () => {
  test.each([
    ['another provider', 'aws:s3/bucket:Bucket', { bucket: 'logs', acl: 'private' }],
    ['a Kubernetes kind without a pod', 'kubernetes:core/v1:Service', { spec: { ports: [{ port: 80, targetPort: 8080 }] } }],
    ['a partial patch resource', 'kubernetes:apps/v1:DeploymentPatch', { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } } } }],
    ['the ConfigGroup itself (its objects arrive as their own resources)', 'kubernetes:yaml/v2:ConfigGroup', { yaml: 'kind: Pod' }],
  ])('%s: no violation, every policy not applicable', async (_, type, properties) => {
    const answer = await pack().analyze({ type, name: 'other', properties });
    expect(answer.diagnostics).toEqual([]);
    expect(answer.notApplicable.map((entry) => entry.policyName).sort()).toEqual([...RULES.map((rule) => rule.name), HARDEN_POLICY_NAME].sort());
  });
});

describe('Analyze: values unknown during preview never make a false violation, nor a crash', () => {
  const trap = fixture('non-root-net-bind');
  const container = 'spec.template.spec.containers.0';

  test('an unknown image hides nothing: the port still cannot bind', async () => {
    const answer = await pack().analyze(resourceOf(trap, withValue(trap.object as Record<string, unknown>, `${container}.image`, unknownValue)));
    expect(ruleIds(answer, 'mandatory')).toEqual(['LP001']);
    expect(cannotJudge(answer)).toEqual([]);
  });

  test.each([
    ['runAsUser', `${container}.securityContext.runAsUser`],
    ['the capabilities', `${container}.securityContext.capabilities`],
    ['the whole securityContext', `${container}.securityContext`],
    ['the containerPort', `${container}.ports.0.containerPort`],
    ['the container', container],
    ['the containers list', 'spec.template.spec.containers'],
    ['the pod securityContext', 'spec.template.spec.securityContext'],
    ['the pod template', 'spec.template'],
    ['the spec', 'spec'],
    ['a pod template annotation', 'spec.template.metadata.annotations'],
  ])('unknown %s: no mandatory violation; "cannot judge" is advisory', async (_, path) => {
    const answer = await pack().analyze(resourceOf(trap, withValue(trap.object as Record<string, unknown>, path, unknownValue)));
    expect(answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toEqual([]);
    for (const diagnostic of cannotJudge(answer)) {
      expect(diagnostic.enforcementLevel).toBe('advisory');
      expect(diagnostic.message).toMatch(/can't be known during preview/);
    }
  });

  test('unknown runAsUser: port-cannot-bind says it cannot judge, naming the field', async () => {
    const answer = await pack().analyze(resourceOf(trap, withValue(trap.object as Record<string, unknown>, `${container}.securityContext.runAsUser`, unknownValue)));
    const [diagnostic] = cannotJudge(answer).filter((candidate) => candidate.policyName === 'port-cannot-bind');
    expect(diagnostic.message).toContain('spec.template.spec.containers.0.securityContext.runAsUser');
  });

  test("an unknown in one container does not hide another container's violation", async () => {
    const properties = clone(trap.object) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const containers = properties.spec.template.spec.containers;
    containers.push({ ...containers[0], name: 'sidecar', ports: [{ containerPort: 9090 }], securityContext: unknownValue });
    const answer = await pack().analyze(resourceOf(trap, properties));
    expect(ruleIds(answer, 'mandatory')).toEqual(['LP001']);
    expect(answer.diagnostics.find((diagnostic) => diagnostic.policyName === 'port-cannot-bind')!.message).toContain('containers[0].ports[0]');
  });

  test('every unknown sentinel of @pulumi/policy is understood, in a compliant pod too', async () => {
    const sentinels = ['1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', '3eeb2bf0-c639-47a8-9e75-3b44932eb421', '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2', 'dd056dcd-154b-4c76-9bd3-c8f88648b5ff'];
    const compliant = fixture('high-port');
    for (const sentinel of sentinels) {
      const answer = await pack().analyze(resourceOf(compliant, withValue(compliant.object as Record<string, unknown>, `${container}.securityContext.runAsUser`, sentinel)));
      expect(answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toEqual([]);
    }
  });
});

describe('Analyze: secrets are values, not unknowns', () => {
  const trap = fixture('non-root-net-bind');
  const container = 'spec.template.spec.containers.0';

  test('a secret runAsUser is judged by its value: the trap still fails', async () => {
    const answer = await pack().analyze(resourceOf(trap, withValue(trap.object as Record<string, unknown>, `${container}.securityContext.runAsUser`, secret(1000))));
    expect(ruleIds(answer, 'mandatory')).toEqual(['LP001']);
  });

  test('a secret env value and a secret image change nothing for a compliant workload', async () => {
    const compliant = fixture('high-port');
    let properties = withValue(compliant.object as Record<string, unknown>, `${container}.image`, secret('registry.example/private:1'));
    properties = withValue(properties, `${container}.env`, [{ name: 'TOKEN', value: secret('s3cr3t') }]);
    const answer = await pack().analyze(resourceOf(compliant, properties));
    expect(answer.diagnostics).toEqual([]);
  });
});

describe('configuration', () => {
  afterEach(async () => {
    await pack().configure(DEFAULT_PACK_CONFIG);
  });

  test('runtimeProfile containerd-2: the trap binds there, and LP003 says it binds only there', async () => {
    await pack().configure({
      ...DEFAULT_PACK_CONFIG,
      'port-cannot-bind': { enforcementLevel: 'mandatory', runtimeProfile: 'containerd-2' },
      'port-binds-only-on-lowering-runtimes': { enforcementLevel: 'advisory', runtimeProfile: 'kind' },
    });
    const answer = await pack().analyze(resourceOf(fixture('non-root-net-bind')));
    expect(ruleIds(answer)).toEqual(['LP003']);
    expect(answer.diagnostics.every((diagnostic) => diagnostic.enforcementLevel === 'advisory')).toBe(true);
  });

  test('level: the default gate (baseline) is mandatory; level privileged lifts it, level restricted raises it', async () => {
    const escalations = resourceOf(fixture('escalations'));
    expect(ruleIds(await pack().analyze(escalations), 'mandatory')).toEqual(['LP020']);
    await pack().configure({ ...DEFAULT_PACK_CONFIG, 'pod-security-level-missed': { enforcementLevel: 'mandatory', imageFacts: 'assume-none', level: 'privileged' } });
    expect(ruleIds(await pack().analyze(escalations), 'mandatory')).toEqual([]);
    await pack().configure({ ...DEFAULT_PACK_CONFIG, 'pod-security-level-missed': { enforcementLevel: 'mandatory', imageFacts: 'assume-none', level: 'restricted' } });
    const defaults = await pack().analyze(resourceOf(fixture('defaults')));
    expect(ruleIds(defaults, 'mandatory')).toEqual(['LP020']);
    expect(defaults.diagnostics.find((diagnostic) => diagnostic.policyName === 'pod-security-level-missed')!.message).toMatch(/restricted is the level required/);
  });

  test('a policy can be disabled', async () => {
    await pack().configure({ ...DEFAULT_PACK_CONFIG, 'port-cannot-bind': { enforcementLevel: 'disabled' } });
    expect(ruleIds(await pack().analyze(resourceOf(fixture('non-root-net-bind'))))).toEqual([]);
  });

  test('an unknown runtime profile is refused with the accepted names', async () => {
    await pack().configure({ ...DEFAULT_PACK_CONFIG, 'port-cannot-bind': { enforcementLevel: 'mandatory', runtimeProfile: 'firecracker' } });
    await expect(pack().analyze(resourceOf(fixture('non-root-net-bind')))).rejects.toThrow(/runtimeProfile "firecracker" is not one of strict, containerd-1/);
  });
});

describe('harden-security-context', () => {
  beforeAll(async () => {
    await pack().configure({ ...DEFAULT_PACK_CONFIG, [HARDEN_POLICY_NAME]: { enforcementLevel: 'remediate' } });
  });
  afterAll(async () => {
    await pack().configure(DEFAULT_PACK_CONFIG);
  });

  test('advisory by default: Analyze lists the changes it would make', async () => {
    await pack().configure(DEFAULT_PACK_CONFIG);
    const answer = await pack().analyze(resourceOf(fixture('defaults')));
    const [diagnostic] = answer.diagnostics.filter((candidate) => candidate.policyName === HARDEN_POLICY_NAME);
    expect(diagnostic.enforcementLevel).toBe('advisory');
    expect(diagnostic.message).toContain('spec.template.spec.containers[0].securityContext.capabilities.drop: ["ALL"]');
    await pack().configure({ ...DEFAULT_PACK_CONFIG, [HARDEN_POLICY_NAME]: { enforcementLevel: 'remediate' } });
  });

  test('defaults: drops ALL but keeps NET_BIND_SERVICE for port 80, forbids escalation, sets RuntimeDefault — and no port binds worse', async () => {
    const entry = fixture('defaults');
    const [remediation] = await pack().remediate(resourceOf(entry));
    expect(remediation.policyName).toBe(HARDEN_POLICY_NAME);
    const spec = (remediation.properties as { spec: { template: { spec: Record<string, any> } } }).spec.template.spec;
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].image).toBe('nginx:1.27');
    // Through the pack again: the warnings it fixed are gone, and LP001 did not appear.
    const after = await pack().analyze(resourceOf(entry, remediation.properties));
    expect(ruleIds(after)).toEqual(['LP002']);
  });

  test('a non-root high-port container gets drop ALL without NET_BIND_SERVICE', async () => {
    const entry = fixture('high-port');
    const properties = withValue(entry.object as Record<string, unknown>, 'spec.template.spec.containers.0.securityContext', { runAsNonRoot: true, runAsUser: 1000 });
    const [remediation] = await pack().remediate(resourceOf(entry, properties));
    const spec = (remediation.properties as { spec: { template: { spec: Record<string, any> } } }).spec.template.spec;
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(ruleIds(await pack().analyze(resourceOf(entry, remediation.properties)))).toEqual([]);
  });

  test('a compliant workload is left as it is', async () => {
    expect(await pack().remediate(resourceOf(fixture('high-port')))).toEqual([]);
  });

  test('a privileged container is left alone (only the pod gets RuntimeDefault)', async () => {
    const [remediation] = await pack().remediate(resourceOf(fixture('privileged')));
    type CronJob = { spec: { jobTemplate: { spec: { template: { spec: Record<string, any> } } } } };
    const spec = (remediation.properties as CronJob).spec.jobTemplate.spec.template.spec;
    expect(spec.containers[0].securityContext).toEqual({ privileged: true });
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('unknown fields: that container is left alone and the unknown comes back unknown', async () => {
    const entry = fixture('defaults');
    const properties = withValue(entry.object as Record<string, unknown>, 'spec.template.spec.containers.0.securityContext', { runAsUser: unknownValue });
    const [remediation] = await pack().remediate(resourceOf(entry, properties));
    const spec = (remediation.properties as { spec: { template: { spec: Record<string, any> } } }).spec.template.spec;
    expect(spec.containers[0].securityContext).toEqual({ runAsUser: unknownValue });
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('an unknown pod template: no remediation, no crash', async () => {
    const entry = fixture('defaults');
    expect(await pack().remediate(resourceOf(entry, withValue(entry.object as Record<string, unknown>, 'spec.template', unknownValue)))).toEqual([]);
  });

  test('secrets stay secret in the remediated properties; a secret securityContext is not rewritten', async () => {
    const entry = fixture('defaults');
    let properties = withValue(entry.object as Record<string, unknown>, 'spec.template.spec.containers.0.env', [{ name: 'TOKEN', value: secret('s3cr3t') }]);
    const second = { name: 'sidecar', image: 'registry.example/sidecar:1', securityContext: secret({ runAsUser: 1000 }) };
    properties = withValue(properties, 'spec.template.spec.containers.1', second);
    const [remediation] = await pack().remediate(resourceOf(entry, properties));
    const spec = (remediation.properties as { spec: { template: { spec: Record<string, any> } } }).spec.template.spec;
    expect(spec.containers[0].env).toEqual([{ name: 'TOKEN', value: secret('s3cr3t') }]);
    expect(spec.containers[0].securityContext.capabilities.drop).toEqual(['ALL']);
    expect(spec.containers[1].securityContext).toEqual(secret({ runAsUser: 1000 }));
  });
});
