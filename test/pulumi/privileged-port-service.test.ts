/**
 * The Pulumi component under Pulumi's mocks (`pulumi.runtime.setMocks`, an update): the resource
 * graph it registers for each strategy and every row of auto's decision table — children,
 * parents, securityContexts, ports, the Service mapping, annotations, outputs — checked by the
 * capability model, by the whole checker, and by the real policy pack over the analyzer protocol.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { EmittedService } from './emitted';
import { analysisOf, checkerErrors, emit, wireForm } from './emitted';
import { installMocks, registered, urnOf, valueOf } from './mocks';
import type { PodSecurityLevel } from '../../src/model/pod-security-types';
import { planPrivilegedPort } from '../../src/planner';
import type {
  PrivilegedPortServiceArgs,
  ResolvedBindStrategyKind,
} from '../../src/pulumi';
import {
  BindStrategy,
  BindStrategyError,
  PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL,
  PRIVILEGED_PORT_SERVICE_TYPE,
  PrivilegedPortService,
} from '../../src/pulumi';
import { DEFAULT_PACK_CONFIG, usePolicyPack } from '../integrations/analyzer-client';
import { AUTO_DECISIONS } from '../planner/auto-decisions';


const pack = usePolicyPack();

beforeAll(async () => {
  await installMocks({ preview: false });
});

const EXPLICIT: readonly (readonly [ResolvedBindStrategyKind, PrivilegedPortServiceArgs, string])[] = [
  ['highPort', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, strategy: BindStrategy.highPort({ containerPort: 8080 }), runAsUser: 101, runAsGroup: 101, writablePaths: ['/tmp'], healthCheckPath: '/' }, 'restricted'],
  ['unprivilegedPortSysctl', { image: 'coredns/coredns:1.11.3', port: 53, protocol: 'UDP', strategy: BindStrategy.unprivilegedPortSysctl() }, 'restricted'],
  ['fileCapability', { image: 'example/server', port: 443, strategy: BindStrategy.fileCapability({ binary: '/server', imageBase: 'alpine' }) }, 'restricted'],
  ['rootWithNetBindService', { image: 'python:3.12-slim', port: 80, strategy: BindStrategy.rootWithNetBindService(), level: 'baseline' }, 'baseline'],
  ['userNamespace', { image: 'nginx:1.27', port: 80, strategy: BindStrategy.userNamespace(), clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' }, 'restricted'],
];

let serial = 0;
/** A fresh logical name per component (the mocks keep every registration of the file). */
function uniqueName(base: string): string {
  serial += 1;
  return `${base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40)}-${serial}`;
}

/** Everything every emitted component must satisfy, whatever its strategy. */
async function expectWellFormed(
  name: string,
  emitted: EmittedService,
  args: PrivilegedPortServiceArgs,
  strategy: ResolvedBindStrategyKind,
  level: string,
): Promise<void> {
  const { component, deployment, service } = emitted;
  const plan = planPrivilegedPort(args);

  // The graph: one component, a Deployment and a Service whose parent it is.
  expect(await urnOf(component)).toBe(`urn:pulumi:stack::project::${PRIVILEGED_PORT_SERVICE_TYPE}::${name}`);
  expect(await urnOf(component.deployment)).toBe(`urn:pulumi:stack::project::${PRIVILEGED_PORT_SERVICE_TYPE}$kubernetes:apps/v1:Deployment::${name}`);
  expect(await urnOf(component.service)).toBe(`urn:pulumi:stack::project::${PRIVILEGED_PORT_SERVICE_TYPE}$kubernetes:core/v1:Service::${name}`);

  // The outputs.
  expect(await valueOf(component.strategy)).toBe(strategy);
  expect(await valueOf(component.reason)).toBe(plan.reason);
  expect(await valueOf(component.dockerfileLines)).toEqual([...plan.dockerfileLines]);
  expect(await valueOf(component.deploymentName)).toBe(`${name}-0a1b2c3d`);
  expect(await valueOf(component.serviceName)).toBe(`${name}-0a1b2c3d`);
  expect(component.plan).toEqual(plan);

  // The securityContexts are the plan's, exactly.
  const template = deployment.inputs.spec.template;
  const [container] = template.spec.containers;
  expect(template.spec.securityContext).toEqual(JSON.parse(JSON.stringify(plan.podSecurityContext)));
  expect(container.securityContext).toEqual(JSON.parse(JSON.stringify(plan.containerSecurityContext)));
  expect(container.name).toBe(plan.containerName);
  expect(container.image).toBe(args.image);
  expect(container.ports).toEqual(plan.containerPorts.map((port) => ({ ...port })));
  expect(Boolean(template.spec.hostNetwork)).toBe(plan.hostNetwork);
  // hostUsers: false exactly when the plan runs the pod in its own user namespace; never written otherwise.
  expect(template.spec.hostUsers).toBe(plan.hostUsers);
  expect('hostUsers' in template.spec).toBe(plan.strategy === 'userNamespace');

  // The decision, on the Deployment, its pod template and the Service.
  for (const annotations of [deployment.inputs.metadata.annotations, template.metadata.annotations, service.inputs.metadata.annotations]) {
    expect(annotations['k8s-least-privilege.dev/bind-strategy']).toBe(strategy);
    expect(annotations['k8s-least-privilege.dev/bind-strategy-reason']).toBe(plan.reason);
  }
  expect(template.metadata.annotations).toEqual({ ...plan.podAnnotations });

  // The Service selects the pods and maps the port to the container port, by name.
  const selector = { [PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL]: name };
  expect(deployment.inputs.spec.selector.matchLabels).toEqual(selector);
  expect(template.metadata.labels).toMatchObject(selector);
  expect(service.inputs.spec.selector).toEqual(selector);
  const expectedPorts = plan.servicePorts.map((port, index) => ({
    name: port.name,
    port: port.port,
    targetPort: container.ports[index].name,
    protocol: port.protocol,
  }));
  expect(service.inputs.spec.ports).toEqual(expectedPorts);

  // The model: every port binds under strict, the declared level is met; the checker, gated at the declared level, finds no error.
  const required = level as PodSecurityLevel;
  const { analysis, check } = analysisOf(deployment, required);
  expect(analysis.containers.flatMap((entry) => entry.ports.map((port) => port.bind))).toEqual(plan.containerPorts.map(() => 'allowed'));
  expect(analysis.podSecurity.level).toBe(level);
  expect(check.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  expect(checkerErrors(emitted, required)).toEqual([]);

  // The policy pack, as `pulumi preview --policy-pack` runs it with the declared level as its gate: nothing mandatory, nothing to remediate.
  if (required === 'privileged') await pack().configure(packConfigAt(required));
  try {
    for (const resource of [deployment, service]) {
      const answer = await pack().analyze({ type: resource.type, name, properties: wireForm(resource.inputs) });
      expect(answer.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === 'mandatory')).toEqual([]);
      if (level === 'restricted') expect(answer.diagnostics).toEqual([]);
    }
    expect(await pack().remediate({ type: deployment.type, name, properties: wireForm(deployment.inputs) })).toEqual([]);
  } finally {
    if (required === 'privileged') await pack().configure(DEFAULT_PACK_CONFIG);
  }
}

/** The pack's default configuration with `level` as the required level of the level gate (LP020). */
function packConfigAt(level: PodSecurityLevel): typeof DEFAULT_PACK_CONFIG {
  return { ...DEFAULT_PACK_CONFIG, 'pod-security-level-missed': { ...DEFAULT_PACK_CONFIG['pod-security-level-missed'], level } };
}

describe('every strategy', () => {
  test.each(EXPLICIT)('%s: the graph, the plan\'s securityContexts, the Service mapping; the model, the checker and the pack pass', async (strategy, args, level) => {
    const name = uniqueName(strategy);
    const emitted = await emit(name, args);
    await expectWellFormed(name, emitted, args, strategy, level);
  });

  test('highPort: the probes go to the container port, and each writable path is an emptyDir', async () => {
    const name = uniqueName('probes');
    const { deployment } = await emit(name, EXPLICIT[0][1]);
    const spec = deployment.inputs.spec.template.spec;
    const [container] = spec.containers;
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/', port: 8080 } });
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/', port: 8080 } });
    expect(container.startupProbe).toEqual({ tcpSocket: { port: 8080 } });
    expect(spec.volumes).toEqual([{ name: 'main-tmp-w0', emptyDir: {} }]);
    expect(container.volumeMounts).toEqual([{ name: 'main-tmp-w0', mountPath: '/tmp' }]);
  });

  test('UDP: no TCP startup probe; the sysctl is lowered to exactly the port', async () => {
    const { deployment } = await emit(uniqueName('udp'), EXPLICIT[1][1]);
    const spec = deployment.inputs.spec.template.spec;
    expect(spec.containers[0].startupProbe).toBeUndefined();
    expect(spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }]);
  });

  test('fileCapability: the pod template declares the file capability; the component carries the Dockerfile lines', async () => {
    const { component, deployment } = await emit(uniqueName('filecap'), EXPLICIT[2][1]);
    expect(deployment.inputs.spec.template.metadata.annotations['file-capabilities.k8s-least-privilege.dev/main']).toBe('cap_net_bind_service=+ep');
    const lines = await valueOf(component.dockerfileLines);
    expect(lines).toContain(' && setcap cap_net_bind_service=+ep /server \\');
    expect(lines).toContain(' && apk del .setcap');
  });
});

describe('several ports and protocols', () => {
  test('a DNS server on 53/UDP and 53/TCP: one component, both ports on the container and the Service, the TCP one probed', async () => {
    const name = uniqueName('dns');
    const args: PrivilegedPortServiceArgs = { image: 'coredns/coredns:1.11.3', ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
    const emitted = await emit(name, args);
    await expectWellFormed(name, emitted, args, 'unprivilegedPortSysctl', 'restricted');
    const [container] = emitted.deployment.inputs.spec.template.spec.containers;
    expect(container.ports.map((port: any) => `${port.containerPort}/${port.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    expect(container.startupProbe).toEqual({ tcpSocket: { port: 53 } });
    expect(emitted.service.inputs.spec.ports.map((port: any) => `${port.port}/${port.protocol}→${port.targetPort}`)).toEqual(['53/UDP→udp-53', '53/TCP→tcp-53']);
  });

  test('root with a declared runAsUser is refused before anything is registered', async () => {
    const before = registered.length;
    expect(
      () => new PrivilegedPortService(uniqueName('root-uid'), { image: 'python', port: 80, level: 'baseline', strategy: BindStrategy.rootWithNetBindService(), runAsUser: 1000 }),
    ).toThrow(/runAsUser is 1000, but this strategy runs the binding container as uid 0/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(registered.length).toBe(before);
  });
});

describe('auto: the decision table', () => {
  test.each(AUTO_DECISIONS)('%s → %s', async (label, expected, intent, level) => {
    const name = uniqueName(label);
    const args: PrivilegedPortServiceArgs = { image: 'example/app', ...intent };
    if (expected === 'throws') {
      const before = registered.length;
      expect(() => new PrivilegedPortService(name, args)).toThrow(BindStrategyError);
      // Refused before anything was registered: not even the component.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(registered.length).toBe(before);
      return;
    }
    const emitted = await emit(name, args);
    await expectWellFormed(name, emitted, args, expected, level);
  });
});

describe('Inputs and options', () => {
  test('image, namespace, labels, replicas, env and service settings may be Outputs of other resources', async () => {
    const registry = new k8s.core.v1.ConfigMap('registry', { data: { image: 'registry.example/web:1.2.3', namespace: 'web' } });
    const name = uniqueName('outputs');
    const { deployment, service } = await emit(name, {
      image: registry.data.apply((data) => data.image),
      namespace: registry.data.apply((data) => data.namespace),
      labels: { team: registry.data.apply(() => 'payments'), [PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL]: 'overridden?' },
      replicas: pulumi.output(3),
      env: [{ name: 'MODE', value: pulumi.output('production') }],
      resources: { limits: { memory: pulumi.output('256Mi') } },
      serviceType: pulumi.output('LoadBalancer'),
      serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': pulumi.output('nlb') },
      port: 80,
      appPortConfigurable: true,
    });
    expect(deployment.inputs.metadata.namespace).toBe('web');
    expect(service.inputs.metadata.namespace).toBe('web');
    expect(deployment.inputs.spec.replicas).toBe(3);
    const template = deployment.inputs.spec.template;
    expect(template.spec.containers[0]).toMatchObject({ image: 'registry.example/web:1.2.3', env: [{ name: 'MODE', value: 'production' }], resources: { limits: { memory: '256Mi' } } });
    // A user label cannot take over the selector.
    expect(template.metadata.labels).toEqual({ team: 'payments', [PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL]: name });
    expect(service.inputs.spec.type).toBe('LoadBalancer');
    expect(service.inputs.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
    expect(analysisOf(deployment).analysis.podSecurity.level).toBe('restricted');
  });

  test('a given name names both objects', async () => {
    const name = uniqueName('named');
    const { component, deployment, service } = await emit(name, { image: 'nginx', port: 80, appPortConfigurable: true, name: 'web' });
    expect(deployment.inputs.metadata.name).toBe('web');
    expect(service.inputs.metadata.name).toBe('web');
    expect(await valueOf(component.deploymentName)).toBe('web');
  });

  test('ComponentResourceOptions: a parent nests the URNs; providers reach the children', async () => {
    const provider = new k8s.Provider('cluster', { namespace: 'apps' });
    class Stack extends pulumi.ComponentResource {
      constructor(name: string) {
        super('example:index:Stack', name);
      }
    }
    const outer = new Stack('outer');
    const name = uniqueName('nested');
    const component = new PrivilegedPortService(name, { image: 'nginx', port: 80, appPortConfigurable: true }, { parent: outer, providers: { kubernetes: provider } });
    // (The mock monitor qualifies a type by its parent's own type only; the engine writes the whole chain.)
    expect(await urnOf(component)).toBe(`urn:pulumi:stack::project::example:index:Stack$${PRIVILEGED_PORT_SERVICE_TYPE}::${name}`);
    expect(await urnOf(component.deployment)).toBe(`urn:pulumi:stack::project::${PRIVILEGED_PORT_SERVICE_TYPE}$kubernetes:apps/v1:Deployment::${name}`);
    const providerUrn = await urnOf(provider);
    const children = registered.filter((resource) => resource.name === name && resource.type.startsWith('kubernetes:'));
    expect(children.map((child) => child.type).sort()).toEqual(['kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service']);
    for (const child of children) expect(child.provider).toBe(`${providerUrn}::cluster-id`);
  });

  test('a logical name that is no label value gets a valid selector value', async () => {
    const name = `web:${'x'.repeat(70)}`;
    const { deployment, service } = await emit(name, { image: 'nginx', port: 80, appPortConfigurable: true });
    const value = deployment.inputs.spec.selector.matchLabels[PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL] as string;
    expect(value).toMatch(/^web-x+-[0-9a-f]{8}$/);
    expect(value.length).toBeLessThanOrEqual(63);
    expect(service.inputs.spec.selector[PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL]).toBe(value);
  });

  test.each([
    ['port', { port: pulumi.output(80) }, 'a pulumi Output'],
    ['level', { port: 80, level: Promise.resolve('baseline') }, 'a Promise'],
    ['imageHasFileCapability', { port: 80, imageHasFileCapability: pulumi.output(true) }, 'a pulumi Output'],
    ['strategy', { port: 80, strategy: pulumi.output(BindStrategy.unprivilegedPortSysctl()) }, 'a pulumi Output'],
  ])('a planning input (%s) given as an Output or a Promise is refused with the reason, before anything is registered', async (field, planning, kind) => {
    const before = registered.length;
    const args = { image: 'nginx', ...planning } as unknown as PrivilegedPortServiceArgs;
    expect(() => new PrivilegedPortService(uniqueName('unknown-input'), args)).toThrow(
      new RegExp(`${field} is ${kind}, but the planning inputs \\(port, protocol, ports, strategy, level, .*\\) must be plain values when the program runs: .* an Output may have no value during preview`),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(registered.length).toBe(before);
  });

  test('a relative writable path is refused, named with its index, value and what is accepted', () => {
    const name = uniqueName('relative');
    expect(() => new PrivilegedPortService(name, { image: 'nginx', port: 80, appPortConfigurable: true, writablePaths: ['tmp'] })).toThrow(
      `PrivilegedPortService "${name}": writablePaths[0] must be an absolute path in the container, e.g. "/tmp", got "tmp" (a string)`,
    );
  });
});
