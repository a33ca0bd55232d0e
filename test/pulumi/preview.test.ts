/**
 * The Pulumi component during `pulumi preview` (mocks with preview on): Inputs that are not
 * known yet — an image built by another resource, its namespace, a label — leave the plan, the
 * securityContexts and the decision outputs known, and the policy pack judges the Deployment
 * as the engine would send it (unknowns as the engine's sentinel): nothing mandatory.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { analysisOf, emit, wireForm } from './emitted';
import { installMocks, settled } from './mocks';
import type { PrivilegedPortServiceArgs } from '../../src/pulumi';
import { BindStrategy, PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL } from '../../src/pulumi';
import { usePolicyPack } from '../integrations/analyzer-client';


const pack = usePolicyPack();

beforeAll(async () => {
  await installMocks({ preview: true });
});

/** An Output unknown during preview: a property the (mock) provider has not returned yet, as for a resource still to be created. */
function unknownDuringPreview<T>(value: T, name: string): pulumi.Output<T> {
  const build = new k8s.core.v1.ConfigMap(name, { data: {} });
  return build.immutable.apply(() => value);
}

test.each([
  ['highPort', { port: 80, appPortConfigurable: true, writablePaths: ['/tmp'], healthCheckPath: '/' }],
  ['unprivilegedPortSysctl', { port: 53, protocol: 'UDP' }],
  ['fileCapability', { port: 443, strategy: BindStrategy.fileCapability({ binary: '/server' }) }],
] as const)('%s with an unknown image, namespace and label: the plan is known, the pack finds nothing', async (strategy, intent) => {
  const image = unknownDuringPreview('registry.example/web:1', `build-${strategy}`);
  expect((await settled(image)).known).toBe(false);
  const args: PrivilegedPortServiceArgs = {
    ...intent,
    image,
    namespace: unknownDuringPreview('web', `namespace-${strategy}`),
    labels: { revision: unknownDuringPreview('abc123', `revision-${strategy}`) },
    healthCheckPath: 'healthCheckPath' in intent ? unknownDuringPreview('/', `path-${strategy}`) : undefined,
  };
  const { component, deployment, service } = await emit(`web-${strategy}`, args);

  // The decision is known in preview, as it will be in the update.
  expect(await settled(component.strategy)).toEqual({ known: true, value: strategy });
  expect((await settled(component.reason)).known).toBe(true);
  expect((await settled(component.dockerfileLines)).known).toBe(true);

  // The unknowns reach the provider as unknowns; the securityContexts do not depend on them.
  const container = deployment.inputs.spec.template.spec.containers[0];
  expect(pulumi.isUnknown(container.image)).toBe(true);
  expect(pulumi.isUnknown(deployment.inputs.metadata.namespace)).toBe(true);
  // An unknown label leaves the selector label known: the pod template still matches the Service.
  const labels = deployment.inputs.spec.template.metadata.labels;
  expect(pulumi.isUnknown(labels.revision)).toBe(true);
  expect(labels[PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL]).toBe(`web-${strategy}`);
  expect(container.securityContext).toEqual(JSON.parse(JSON.stringify(component.plan.containerSecurityContext)));
  expect(deployment.inputs.spec.template.spec.securityContext).toEqual(JSON.parse(JSON.stringify(component.plan.podSecurityContext)));
  const { analysis } = analysisOf(deployment);
  expect(analysis.containers[0].ports.map((port) => port.bind)).toEqual(['allowed']);
  expect(analysis.podSecurity.level).toBe('restricted');

  for (const resource of [deployment, service]) {
    const answer = await pack().analyze({ type: resource.type, name: `web-${strategy}`, properties: wireForm(resource.inputs) });
    expect(answer.diagnostics).toEqual([]);
  }
});
