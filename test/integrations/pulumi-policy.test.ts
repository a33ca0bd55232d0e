/** The policy pack's logic in process, for what the gRPC tests cannot pin down cheaply. */
import { unknownCheckingProxy } from '@pulumi/policy';
import { Secret } from '@pulumi/policy';
import { checkResource, kubernetesResource, leastPrivilegePolicies } from '../../src/integrations/pulumi-policy';
import { plainProperties, unknownScope } from '../../src/integrations/pulumi-properties';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';
import { RULES } from '../../src/rules';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';

const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

describe('kubernetesResource', () => {
  test.each([
    ['kubernetes:core/v1:Pod', 'v1', 'Pod'],
    ['kubernetes:apps/v1:Deployment', 'apps/v1', 'Deployment'],
    ['kubernetes:batch/v1:CronJob', 'batch/v1', 'CronJob'],
    ['kubernetes:extensions/v1beta1:DaemonSet', 'extensions/v1beta1', 'DaemonSet'],
    ['kubernetes:core/v1:PodTemplate', 'v1', 'PodTemplate'],
  ])('%s is %s %s', (type, apiVersion, kind) => {
    const resource = kubernetesResource(type, { metadata: { name: 'x' } });
    expect(resource?.object).toMatchObject({ apiVersion, kind, name: 'x' });
  });

  test.each(['kubernetes:core/v1:Service', 'kubernetes:apps/v1:DeploymentPatch', 'kubernetes:yaml/v2:ConfigGroup', 'aws:ecs/service:Service', 'Deployment'])(
    '%s is not a workload',
    (type) => expect(kubernetesResource(type, {})).toBeUndefined(),
  );
});

describe('plainProperties', () => {
  test("reads through @pulumi/policy's unknown-checking proxy without tripping it, and records where unknowns and secrets were", () => {
    const props = unknownCheckingProxy({
      metadata: { name: 'web', namespace: UNKNOWN },
      spec: { containers: [UNKNOWN, { name: 'b', env: [{ name: 'T', value: new Secret('s3cr3t') }] }] },
    });
    const { value, unknownPaths, secretPaths } = plainProperties(props);
    expect(value).toEqual({ metadata: { name: 'web' }, spec: { containers: [null, { name: 'b', env: [{ name: 'T', value: 's3cr3t' }] }] } });
    expect(unknownPaths).toEqual([['metadata', 'namespace'], ['spec', 'containers', 0]]);
    expect(secretPaths).toEqual([['spec', 'containers', 1, 'env', 0, 'value']]);
  });
});

describe('unknownScope', () => {
  const pod = kubernetesResource('kubernetes:apps/v1:Deployment', { spec: { template: { spec: {} } } })!.object.pod!;
  const container = ['spec', 'template', 'spec', 'containers', 0];
  test.each([
    [['metadata', 'name'], 'irrelevant'],
    [['metadata', 'annotations'], 'pod'],
    [['spec', 'replicas'], 'irrelevant'],
    [['spec'], 'pod'],
    [['spec', 'template', 'metadata', 'labels', 'app'], 'irrelevant'],
    [['spec', 'template', 'metadata', 'annotations', 'file-capabilities.k8s-least-privilege.dev/web'], 'pod'],
    [[...container, 'image'], 'irrelevant'],
    [[...container, 'env', 0, 'value'], 'irrelevant'],
    [[...container, 'ports', 0, 'name'], 'irrelevant'],
    [[...container, 'ports', 0, 'containerPort'], 'container'],
    [[...container, 'securityContext', 'runAsUser'], 'container'],
    [['spec', 'template', 'spec', 'volumes', 0, 'configMap', 'name'], 'irrelevant'],
    [['spec', 'template', 'spec', 'volumes', 0, 'hostPath'], 'pod'],
    [['spec', 'template', 'spec', 'hostNetwork'], 'pod'],
    [['spec', 'template', 'spec', 'serviceAccountName'], 'irrelevant'],
  ] as const)('%j → %s', (path, kind) => {
    expect(unknownScope(pod, path).kind).toBe(kind);
  });
});

describe('checkResource', () => {
  test('withholds only the findings an unknown may change', () => {
    const fixture = ENFORCEMENT_FIXTURES.find((candidate) => candidate.id === 'non-root-net-bind')!;
    const properties = JSON.parse(JSON.stringify(fixture.object));
    const containers = properties.spec.template.spec.containers;
    containers.push({ ...containers[0], name: 'other', securityContext: { ...containers[0].securityContext, runAsUser: UNKNOWN } });
    containers[0].image = UNKNOWN;
    const { findings, withheldFor } = checkResource(kubernetesResource(fixture.pulumiType, properties)!, { runtimeProfile: DEFAULT_RUNTIME_PROFILE });
    expect(findings.filter((finding) => finding.ruleId === 'LP001').map((finding) => [finding.container, finding.judged])).toEqual([
      ['web', true],
      ['other', false],
    ]);
    expect(withheldFor).toEqual([['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'runAsUser']]);
  });
});

test('leastPrivilegePolicies: one per rule, then the remediation; only it remediates', () => {
  const policies = leastPrivilegePolicies();
  expect(policies.map((policy) => policy.name)).toEqual([...RULES.map((rule) => rule.name), 'harden-security-context']);
  expect(policies.filter((policy) => policy.remediateResource !== undefined).map((policy) => policy.name)).toEqual(['harden-security-context']);
});
