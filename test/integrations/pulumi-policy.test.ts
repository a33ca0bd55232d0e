/** The policy pack's logic in process, for what the gRPC tests cannot pin down cheaply. */
import type { ResourceValidation, ResourceValidationArgs } from '@pulumi/policy';
import { Secret, unknownCheckingProxy } from '@pulumi/policy';
import * as fc from 'fast-check';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { checkResource, kubernetesResource, leastPrivilegePolicies } from '../../src/integrations/pulumi-policy';
import * as pulumiProperties from '../../src/integrations/pulumi-properties';
import { isUnknownValue, plainProperties, unknownScope } from '../../src/integrations/pulumi-properties';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';
import { RULES } from '../../src/rules';

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

  test('gives what JSON gives with unknowns left out and secrets unwrapped, whether or not the properties hold any', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(UNKNOWN), fc.constant('1c4a061d-8072-4f0a-a4cb-0ff528b18fe7'));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map'), tie('secret')),
      list: fc.array(tie('tree'), { maxLength: 4 }),
      map: fc.dictionary(fc.string({ maxLength: 6 }), tie('tree'), { maxKeys: 4 }),
      secret: tie('tree').map((value) => new Secret(value)),
    }));
    const unwrapped = (field: unknown): unknown => (field instanceof Secret ? unwrapped(field.value) : field);
    const asJson = (value: unknown) =>
      JSON.parse(JSON.stringify(value, (_, field) => (isUnknownValue(unwrapped(field)) ? undefined : unwrapped(field))));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), tree, { maxKeys: 5 }), (properties) => {
        expect(plainProperties(unknownCheckingProxy(properties)).value).toEqual(asJson(properties));
      }),
    );
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

describe('the analysis the policies of one request share', () => {
  const fixture = ENFORCEMENT_FIXTURES.find((candidate) => candidate.id === 'non-root-net-bind')!;
  const [first, second] = leastPrivilegePolicies().map((policy) => policy.validateResource as ResourceValidation);

  /** A policy's arguments on request `request`, as @pulumi/policy builds them: `opts.aliases` is the request's own list. */
  function argsOf(request: string[], name: string): ResourceValidationArgs {
    return {
      type: fixture.pulumiType,
      props: unknownCheckingProxy(JSON.parse(JSON.stringify(fixture.object))),
      urn: `urn:pulumi:dev::app::${fixture.pulumiType}::${name}`,
      name,
      opts: { protect: false, ignoreChanges: [], aliases: request, customTimeouts: {}, additionalSecretOutputs: [] },
      getConfig: () => ({ imageFacts: 'assume-none' }),
      notApplicable: (reason?: string) => {
        throw new Error(`not applicable: ${reason}`);
      },
    } as unknown as ResourceValidationArgs;
  }

  test('a request whose analysis is under way keeps it while other requests start', async () => {
    const reads = jest.spyOn(pulumiProperties, 'plainProperties');
    try {
      const request: string[] = [];
      const waiting = first(argsOf(request, 'a'), () => undefined);
      // Many requests start while the first waits (as when it reads images from a registry).
      await Promise.all([waiting, ...Array.from({ length: 8 }, (_, index) => first(argsOf([], `b${index}`), () => undefined))]);
      expect(reads).toHaveBeenCalledTimes(9);
      const violations: string[] = [];
      await second(argsOf(request, 'a'), (message: string) => violations.push(message));
      expect(reads).toHaveBeenCalledTimes(9);
      expect(violations).toEqual([expect.stringMatching(/^\[LP001\]/)]);
    } finally {
      reads.mockRestore();
    }
  });
});

test('leastPrivilegePolicies: one per rule, then the remediation; only it remediates', () => {
  const policies = leastPrivilegePolicies();
  expect(policies.map((policy) => policy.name)).toEqual([...RULES.map((rule) => rule.name), 'harden-security-context']);
  expect(policies.filter((policy) => policy.remediateResource !== undefined).map((policy) => policy.name)).toEqual(['harden-security-context']);
});
