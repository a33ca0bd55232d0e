/**
 * The constructs on every supported cdk8s-plus, 27 (the reference) through 33: each strategy,
 * the examples' intents, a hardened existing workload and a HardenedContainer, synthesized with
 * each version and checked by the capability model (every port binds under the strict runtime
 * profile, the declared level is met), by the whole checker (no error finding, LP016's Service
 * mapping included), and against the reference's manifest.
 */
import { Testing } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus29 from 'cdk8s-plus-29';
import * as kplus30 from 'cdk8s-plus-30';
import * as kplus31 from 'cdk8s-plus-31';
import * as kplus32 from 'cdk8s-plus-32';
import * as kplus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import * as yaml from 'js-yaml';
import { bindVerdicts, podSecurityLevels } from './manifest';
import { checkInputs } from '../../src/check/check-inputs';
import type {
  Cdk8sPlusModule,
  PrivilegedPortServiceProps,
} from '../../src/constructs';
import {
  cdk8sPlusOf,
  HardenedContainer,
  hardenWorkload,
  PrivilegedPortService,
  SUPPORTED_CDK8S_PLUS_PACKAGES,
} from '../../src/constructs';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';
import type { ResolvedBindStrategyKind } from '../../src/planner';
import { BindStrategy } from '../../src/planner';

const VERSIONS: readonly (readonly [string, Cdk8sPlusModule])[] = [
  ['cdk8s-plus-27', kplus27],
  ['cdk8s-plus-28', kplus28],
  ['cdk8s-plus-29', kplus29],
  ['cdk8s-plus-30', kplus30],
  ['cdk8s-plus-31', kplus31],
  ['cdk8s-plus-32', kplus32],
  ['cdk8s-plus-33', kplus33],
];

const USER_NAMESPACES = { userNamespaces: true } as const;

/** Intent, the strategy it must get and the level it must meet: each strategy, and the examples' services. */
const INTENTS: readonly (readonly [string, Omit<PrivilegedPortServiceProps, 'plus'>, ResolvedBindStrategyKind, string])[] = [
  ['highPort', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, strategy: BindStrategy.highPort({ containerPort: 8080 }), runAsUser: 101, runAsGroup: 101, writablePaths: ['/tmp'], healthCheckPath: '/' }, 'highPort', 'restricted'],
  ['unprivilegedPortSysctl', { image: 'coredns/coredns:1.11.3', port: 53, protocol: 'UDP', strategy: BindStrategy.unprivilegedPortSysctl() }, 'unprivilegedPortSysctl', 'restricted'],
  ['fileCapability', { image: 'example/server', port: 443, strategy: BindStrategy.fileCapability({ binary: '/server', imageBase: 'alpine' }) }, 'fileCapability', 'restricted'],
  ['rootWithNetBindService', { image: 'python:3.12-slim', port: 80, strategy: BindStrategy.rootWithNetBindService(), level: 'baseline' }, 'rootWithNetBindService', 'baseline'],
  ['auto: configurable web (examples/auto)', { image: 'nginxinc/nginx-unprivileged:1.27', port: 443, appPortConfigurable: true, containerPort: 8443, runAsUser: 101, runAsGroup: 101, writablePaths: ['/tmp'] }, 'highPort', 'restricted'],
  ['auto: fixed DNS port (examples/auto)', { image: 'coredns/coredns:1.11.3', args: ['-conf', '/etc/coredns/Corefile'], port: 53, protocol: 'UDP' }, 'unprivilegedPortSysctl', 'restricted'],
  ['auto: image with a file capability (examples/auto)', { image: 'registry.example.com/ldap-proxy:2.3', port: 389, imageHasFileCapability: true }, 'fileCapability', 'restricted'],
  ['auto: with init containers', { image: 'example/app', port: 80, binary: '/app', minKubernetesVersion: '1.21', initContainers: [{ image: 'busybox', command: ['true'], writablePaths: ['/work'] }] }, 'fileCapability', 'restricted'],
  ['userNamespace', { image: 'nginx:1.27', port: 80, strategy: BindStrategy.userNamespace(), clusterFeatures: USER_NAMESPACES, minKubernetesVersion: '1.35' }, 'userNamespace', 'restricted'],
  ['auto: user namespaces declared, DNS with an init container', { image: 'coredns/coredns:1.11.3', ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], clusterFeatures: USER_NAMESPACES, minKubernetesVersion: '1.36', initContainers: [{ image: 'busybox', command: ['true'] }] }, 'userNamespace', 'restricted'],
];

/**
 * What cdk8s-plus itself emits differently, none of it read by the capability model or Pod
 * Security: 29+ write `shareProcessNamespace: false`, 31+ `revisionHistoryLimit: 10`.
 */
function withoutVersionDefaults(manifests: readonly any[]): any[] {
  return manifests.map((manifest) => {
    const copy = JSON.parse(JSON.stringify(manifest));
    if (copy.kind === 'Deployment') {
      if (copy.spec.revisionHistoryLimit === 10) delete copy.spec.revisionHistoryLimit;
      if (copy.spec.template.spec.shareProcessNamespace === false) delete copy.spec.template.spec.shareProcessNamespace;
    }
    return copy;
  });
}

/** The checker over the manifests as one input (so LP016 sees the Service and its pods): its error findings. */
function errorFindings(manifests: readonly unknown[]): string[] {
  const text = manifests.map((manifest) => yaml.dump(manifest)).join('---\n');
  const report = checkInputs([{ file: 'synth.yaml', ok: true, text }], { runtimeProfile: DEFAULT_RUNTIME_PROFILE });
  expect(report.errors).toEqual([]);
  return report.resources.flatMap((resource) =>
    resource.findings.filter((finding) => finding.severity === 'error' && !finding.suppressed).map((finding) => `${resource.kind}/${resource.name}: ${finding.ruleId} ${finding.message}`),
  );
}

function synthService(plus: Cdk8sPlusModule, props: Omit<PrivilegedPortServiceProps, 'plus'>) {
  const chart = Testing.chart();
  const service = new PrivilegedPortService(chart, 'svc', { ...props, plus } as PrivilegedPortServiceProps<Cdk8sPlusModule>);
  return { service, manifests: Testing.synth(chart) };
}

const reference = new Map(INTENTS.map(([name, props]) => [name, synthService(kplus27, props).manifests]));

describe.each(VERSIONS)('%s', (_version, plus) => {
  test.each(INTENTS)('PrivilegedPortService %s: binds, meets its level, passes the checker, same manifest as 27', (name, props, strategy, level) => {
    const { service, manifests } = synthService(plus, props);
    expect(service.strategy).toBe(strategy);
    expect(bindVerdicts(manifests).every((verdict) => verdict === 'allowed')).toBe(true);
    expect(bindVerdicts(manifests).length).toBeGreaterThan(0);
    expect(podSecurityLevels(manifests)).toEqual([level]);
    expect(errorFindings(manifests)).toEqual([]);
    expect(withoutVersionDefaults(manifests)).toEqual(withoutVersionDefaults(reference.get(name)!));
    expect(service.deployment).toBeInstanceOf(plus.Deployment);
    expect(service.service).toBeInstanceOf(plus.Service);
  });

  test('hardenWorkload: the plain Deployment on port 80 (the trap) becomes a restricted pod that binds', () => {
    const module = plus as typeof kplus27;
    const chart = Testing.chart();
    const web = new module.Deployment(chart, 'web', { containers: [{ image: 'nginx', portNumber: 80 }], initContainers: [{ image: 'busybox' }] });
    const trapChart = Testing.chart();
    new module.Deployment(trapChart, 'web', { containers: [{ image: 'nginx', portNumber: 80 }] });
    const trap = Testing.synth(trapChart);
    expect(podSecurityLevels(trap)).toEqual(['baseline']);
    expect(bindVerdicts(trap)).toEqual(['denied']);

    const hardened = hardenWorkload(web);
    expect(hardened.plan?.strategy).toBe('unprivilegedPortSysctl');
    const manifests = Testing.synth(chart);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(errorFindings(manifests)).toEqual([]);
    const spec = manifests[0].spec.template.spec;
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(spec.initContainers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('HardenedContainer on port 80 binds by construction: the planner\'s sysctl on the pod, no capability on the container', () => {
    const module = plus as typeof kplus27;
    const chart = Testing.chart();
    const deployment = new module.Deployment(chart, 'web', { containers: [] });
    const web = new HardenedContainer(deployment, 'web', { image: 'nginx:1.27', portNumber: 80, writablePaths: ['/var/cache/nginx', '/var/run'] });
    expect(web.strategy).toBe('unprivilegedPortSysctl');
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
    expect(manifests[0].spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(errorFindings(manifests)).toEqual([]);
  });

  test('the user-namespace strategy: hostUsers: false on the pod spec by JSON patch (no cdk8s-plus has the prop), from each construct', () => {
    const module = plus as typeof kplus27;
    const hostUsersOf = (manifests: any[]) => manifests.filter((manifest) => manifest.kind === 'Deployment').map((manifest) => manifest.spec.template.spec.hostUsers);

    const service = synthService(plus, INTENTS.find(([name]) => name === 'userNamespace')![1]);
    expect(hostUsersOf(service.manifests)).toEqual([false]);

    const chart = Testing.chart();
    const deployment = new module.Deployment(chart, 'web', { containers: [] });
    const web = new HardenedContainer(deployment, 'web', { image: 'nginx:1.27', portNumber: 80, user: 0, strategy: BindStrategy.userNamespace(), clusterFeatures: USER_NAMESPACES, minKubernetesVersion: '1.35' });
    expect([web.strategy, web.user]).toEqual(['userNamespace', 0]);
    const legacy = new module.Deployment(chart, 'legacy', { containers: [{ name: 'web', image: 'nginx', portNumber: 80 }, { name: 'metrics', image: 'exporter', portNumber: 9100 }] });
    const hardened = hardenWorkload(legacy, { clusterFeatures: USER_NAMESPACES, minKubernetesVersion: '1.35' });
    expect(hardened.plan?.strategy).toBe('userNamespace');
    const manifests = Testing.synth(chart);
    expect(hostUsersOf(manifests)).toEqual([false, false]);
    const [single, pair] = manifests.map((manifest: any) => manifest.spec.template.spec);
    expect(single.containers[0].securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
    expect(pair.containers.map((c: any) => [c.name, c.securityContext.runAsUser, c.securityContext.capabilities])).toEqual([
      ['web', 0, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }],
      ['metrics', 65532, { drop: ['ALL'] }],
    ]);
    expect(bindVerdicts(manifests).every((verdict) => verdict === 'allowed')).toBe(true);
    expect(podSecurityLevels(manifests)).toEqual(['restricted', 'restricted']);
    expect(errorFindings(manifests)).toEqual([]);
  });

  test('HardenedContainer with writable paths finds the module of the workload for its emptyDir volumes', () => {
    const module = plus as typeof kplus27;
    const chart = Testing.chart();
    const deployment = new module.Deployment(chart, 'web', { containers: [] });
    new HardenedContainer(deployment, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080, writablePaths: ['/tmp', '/var/cache/nginx'] });
    expect(cdk8sPlusOf(deployment, 'test')).toBe(plus);
    const manifests = Testing.synth(chart);
    const spec = manifests[0].spec.template.spec;
    expect(spec.volumes.map((volume: any) => volume.emptyDir)).toEqual([{}, {}]);
    expect(spec.containers[0].volumeMounts.map((mount: any) => mount.mountPath)).toEqual(['/tmp', '/var/cache/nginx']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
  });
});

describe('typing per version', () => {
  test('props take the types of the version given as plus; another version\'s are refused by the compiler', () => {
    const chart = Testing.chart();
    const web = new PrivilegedPortService(chart, 'web', {
      plus: kplus32,
      image: 'nginxinc/nginx-unprivileged:1.27',
      port: 80,
      appPortConfigurable: true,
      readiness: kplus32.Probe.fromHttpGet('/healthz', { port: 8080 }),
      env: { MODE: kplus32.EnvValue.fromValue('production') },
      serviceType: kplus32.ServiceType.NODE_PORT,
    });
    // The public members have the version's own types.
    const deployment: kplus32.Deployment = web.deployment;
    const container: kplus32.Container = web.container;
    const service: kplus32.Service = web.service;
    expect([deployment, container, service].every((member) => member !== undefined)).toBe(true);
    expect(web.strategy).toBe('highPort');

    new PrivilegedPortService(chart, 'wrong', {
      plus: kplus33,
      image: 'x',
      port: 80,
      appPortConfigurable: true,
      // @ts-expect-error a cdk8s-plus-27 Probe is not a cdk8s-plus-33 Probe (at run time, it resolves no port
      // of the container and defaults to 80, which the app on 8080 never binds: the pod check refuses it)
      readiness: kplus27.Probe.fromHttpGet('/', { port: 8080 }),
    });

    const stateful = new kplus33.StatefulSet(chart, 'db', { containers: [], service: new kplus33.Service(chart, 'db-svc', { ports: [{ port: 5432 }] }) });
    const hardened = new HardenedContainer(stateful, 'db', { image: 'postgres:17', portNumber: 5432, restartPolicy: undefined, writablePaths: ['/var/run/postgresql'] });
    const typed: kplus33.Container = hardened.container;
    expect(typed.name).toBe(hardened.container.name);
    const manifests = Testing.synth(chart);
    expect(podSecurityLevels(manifests)).toEqual(['restricted', 'restricted', 'restricted']);
  });

  test('a 28+ sidecar init container on a privileged port is hardened and bound like any container', () => {
    const chart = Testing.chart();
    const web = new kplus33.Deployment(chart, 'web', {
      containers: [{ image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080 }],
      initContainers: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31', restartPolicy: kplus33.ContainerRestartPolicy.ALWAYS, portNumber: 443 }],
    });
    const result = hardenWorkload(web, { binary: '/usr/local/bin/envoy', minKubernetesVersion: '1.21' });
    expect(result.bindingContainers).toEqual(['proxy']);
    expect(result.plan?.strategy).toBe('fileCapability');
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.template.spec.initContainers[0].restartPolicy).toBe('Always');
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(bindVerdicts(manifests)).toEqual(['allowed', 'allowed']);
  });
});

describe('module detection', () => {
  test('the supported packages are 27 through 33', () => {
    expect(SUPPORTED_CDK8S_PLUS_PACKAGES).toEqual(VERSIONS.map(([name]) => name));
  });

  test('a workload of no supported module: the error says to pass plus', () => {
    const chart = Testing.chart();
    const stranger = new Construct(chart, 'stranger') as any;
    expect(() => cdk8sPlusOf(stranger, 'HardenedContainer web')).toThrow(/HardenedContainer web: test\/stranger is not a workload of a cdk8s-plus module .* pass the module it comes from as `plus`/);
  });

  test('without plus and without cdk8s-plus-27 installed, PrivilegedPortService says what to pass', () => {
    jest.isolateModules(() => {
      jest.doMock('cdk8s-plus-27', () => {
        throw new Error("Cannot find module 'cdk8s-plus-27'");
      });
      const constructs = require('../../src/constructs') as typeof import('../../src/constructs');
      const { Testing: IsolatedTesting } = require('cdk8s') as typeof import('cdk8s');
      expect(() => new constructs.PrivilegedPortService(IsolatedTesting.chart(), 'web', { image: 'nginx', port: 80 })).toThrow(
        /PrivilegedPortService web: cdk8s-plus-27 \(the default\) is not installed; pass the cdk8s-plus module you use, e\.g\. `import \* as kplus from 'cdk8s-plus-32'` and `plus: kplus`/,
      );
      // With plus, 27 is never loaded.
      const chart = IsolatedTesting.chart();
      const web = new constructs.PrivilegedPortService(chart, 'web', { plus: require('cdk8s-plus-32'), image: 'nginx', port: 80 });
      expect(web.strategy).toBe('unprivilegedPortSysctl');
      expect(IsolatedTesting.synth(chart)).toHaveLength(2);
    });
    jest.dontMock('cdk8s-plus-27');
  });
});
