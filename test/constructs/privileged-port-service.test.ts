import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { bindVerdicts, podSecurityLevels } from './manifest';
import type { PrivilegedPortServiceProps } from '../../src/constructs';
import { HardenedContainer, hardenWorkload, PrivilegedPortService, requireVerifiedPod } from '../../src/constructs';
import { BindStrategy, BindStrategyError } from '../../src/planner';
import { AUTO_DECISIONS } from '../planner/auto-decisions';

function synthService(props: PrivilegedPortServiceProps): { service: PrivilegedPortService; manifests: any[] } {
  const chart = Testing.chart();
  const service = new PrivilegedPortService(chart, 'svc', props);
  return { service, manifests: Testing.synth(chart) };
}

const EXPLICIT: readonly [string, PrivilegedPortServiceProps, string][] = [
  ['highPort', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, strategy: BindStrategy.highPort({ containerPort: 8080 }), runAsUser: 101, runAsGroup: 101, writablePaths: ['/tmp'] }, 'restricted'],
  ['unprivilegedPortSysctl', { image: 'traefik/whoami:v1.10', port: 80, strategy: BindStrategy.unprivilegedPortSysctl() }, 'restricted'],
  ['fileCapability', { image: 'example/server', port: 443, strategy: BindStrategy.fileCapability({ binary: '/server', imageBase: 'alpine' }) }, 'restricted'],
  ['rootWithNetBindService', { image: 'python:3.12-slim', port: 80, strategy: BindStrategy.rootWithNetBindService(), level: 'baseline' }, 'baseline'],
];

describe('PrivilegedPortService: every strategy', () => {
  it.each(EXPLICIT)('%s synthesizes a manifest that binds and meets its level', (strategy, props, level) => {
    const { service, manifests } = synthService(props);
    expect(manifests).toMatchSnapshot();
    expect(service.strategy).toBe(strategy);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual([level]);
    const deployment = manifests.find((m) => m.kind === 'Deployment');
    expect(deployment.metadata.annotations['k8s-least-privilege.dev/bind-strategy']).toBe(strategy);
    expect(deployment.spec.template.metadata.annotations['k8s-least-privilege.dev/bind-strategy-reason']).toBe(service.reason);
    const service_ = manifests.find((m) => m.kind === 'Service');
    expect(service_.spec.ports[0]).toMatchObject({ port: props.port, targetPort: service.plan.containerPort });
  });

  it('records the Dockerfile lines of the file-capability strategy on the construct', () => {
    const { service } = synthService(EXPLICIT[2][1]);
    expect(service.dockerfileLines).toContain(' && setcap cap_net_bind_service=+ep /server \\');
    expect(service.dockerfileLines).toContain(' && apk del .setcap');
  });
});

describe('PrivilegedPortService: auto decision table', () => {
  it.each(AUTO_DECISIONS)('%s → %s', (_name, expected, intent, level) => {
    if (expected === 'throws') {
      expect(() => synthService({ image: 'example/app', ...intent })).toThrow(BindStrategyError);
      return;
    }
    const { service, manifests } = synthService({ image: 'example/app', ...intent });
    expect(service.strategy).toBe(expected);
    expect(manifests).toMatchSnapshot();
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual([level]);
  });
});

describe('the trap: plain cdk8s-plus-27 against the constructs', () => {
  it('plain kplus nginx on 80 meets only baseline and is denied under strict; ours meets restricted and binds', () => {
    const plainChart = Testing.chart();
    new kplus.Deployment(plainChart, 'web', { containers: [{ image: 'nginx', portNumber: 80 }] });
    const plain = Testing.synth(plainChart);
    expect(podSecurityLevels(plain)).toEqual(['baseline']);
    expect(bindVerdicts(plain)).toEqual(['denied']);

    const { manifests } = synthService({ image: 'nginx', port: 80 });
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
  });

  it('hardenWorkload turns the same plain Deployment into a restricted pod that binds', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx', portNumber: 80 }], initContainers: [{ image: 'busybox' }] });
    const result = hardenWorkload(web);
    expect(result.plan?.strategy).toBe('unprivilegedPortSysctl');
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
  });

  it('hardenWorkload with a file capability annotates the binding container', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: 'nginx', portNumber: 80 }] });
    hardenWorkload(web, { strategy: BindStrategy.fileCapability({ binary: '/usr/sbin/nginx' }) });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.template.metadata.annotations['file-capabilities.k8s-least-privilege.dev/web']).toBe('cap_net_bind_service=+ep');
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  it('hardenWorkload refuses to move existing ports', () => {
    const web = new kplus.Deployment(Testing.chart(), 'web', { containers: [{ image: 'nginx', portNumber: 80 }] });
    expect(() => hardenWorkload(web, { strategy: BindStrategy.highPort() })).toThrow(/cannot move the ports/);
  });
});

describe('synth-time verification by the model', () => {
  it('fails cdk8s synth with the model\'s reason when a sidecar added later cannot bind its port', () => {
    const chart = Testing.chart();
    const service = new PrivilegedPortService(chart, 'web', { image: 'nginx', port: 80, appPortConfigurable: true });
    service.deployment.addContainer({ name: 'sidecar', image: 'envoy', portNumber: 443 });
    expect(() => Testing.synth(chart)).toThrow(/container "sidecar" port 443\/TCP is denied under the strict runtime profile: .*kubernetes#56374/s);
  });

  it('fails when the declared level is not met', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [] });
    new HardenedContainer(deployment, 'web', { image: 'example/app', portNumber: 8080 });
    // cdk8s-plus-27 leaves seccomp and capabilities off this one: the pod is baseline at best.
    deployment.addContainer({ name: 'plain', image: 'busybox' });
    expect(() => Testing.synth(chart)).toThrow(/Pod Security "restricted" at v1\.\d+ \(the declared level\) refuses the pod, which meets only baseline: capabilities_restricted/);
  });

  it('verifies every level asked for, each judged with its own checks: restricted admitting the pod does not make baseline admit it', () => {
    // From v1.25 seccompProfile_restricted exempts Windows pods and replaces seccompProfile_baseline at restricted.
    const chart = Testing.chart();
    const pod = new ApiObject(chart, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      spec: {
        os: { name: 'windows' },
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
        containers: [{ name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis' }],
      },
    });
    requireVerifiedPod(pod, 'restricted');
    expect(() => Testing.synth(chart)).not.toThrow();
    requireVerifiedPod(pod, 'baseline');
    expect(() => Testing.synth(chart)).toThrow(
      /Pod Security "baseline" at v1\.\d+ \(the declared level\) refuses the pod, which meets restricted but not baseline: seccompProfile_baseline/,
    );
  });
});

describe('HardenedContainer', () => {
  it('meets restricted by default, with an emptyDir per writable path', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [] });
    new HardenedContainer(deployment, 'web', { name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080, user: 101, group: 101, writablePaths: ['/tmp', '/var/cache/nginx'] });
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const container = manifests[0].spec.template.spec.containers[0];
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 101,
      runAsNonRoot: true,
      runAsUser: 101,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts.map((mount: any) => mount.mountPath)).toEqual(['/tmp', '/var/cache/nginx']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
  });

  it.each(['CAP_NET_BIND_SERVICE', 'net_bind_service', 'NET_BIND'])('refuses the capability name %s', (name) => {
    const deployment = new kplus.Deployment(Testing.chart(), 'web', { containers: [] });
    expect(() => new HardenedContainer(deployment, 'web', { image: 'x', addCapabilities: [name] })).toThrow(/not an exact capability name/);
  });
});

describe('PrivilegedPortService: several ports and protocols', () => {
  it('a DNS server on 53/UDP and 53/TCP: one plan, both ports on the container and the Service, the TCP one probed', () => {
    const { service, manifests } = synthService({
      image: 'coredns/coredns:1.11.3',
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    });
    expect(service.strategy).toBe('unprivilegedPortSysctl');
    const deployment = manifests.find((m) => m.kind === 'Deployment');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.ports).toEqual([
      { containerPort: 53, name: 'udp-53', protocol: 'UDP' },
      { containerPort: 53, name: 'tcp-53', protocol: 'TCP' },
    ]);
    expect(container.startupProbe.tcpSocket.port).toBe(53);
    expect(deployment.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }]);
    const exposed = manifests.find((m) => m.kind === 'Service');
    expect(exposed.spec.ports).toEqual([
      { name: 'udp-53', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'tcp-53', port: 53, protocol: 'TCP', targetPort: 53 },
    ]);
    expect(bindVerdicts(manifests)).toEqual(['allowed', 'allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  it('high port: each Service port maps to its own container port', () => {
    const { manifests } = synthService({ image: 'example/web', ports: [{ port: 80 }, { port: 443 }], appPortConfigurable: true });
    const exposed = manifests.find((m) => m.kind === 'Service');
    expect(exposed.spec.ports.map((port: any) => `${port.port}→${port.targetPort}`)).toEqual(['80→8080', '443→8081']);
    expect(bindVerdicts(manifests)).toEqual(['allowed', 'allowed']);
  });

  it('the single-port props keep working and cannot be mixed with ports', () => {
    expect(synthService({ image: 'coredns/coredns:1.11.3', port: 53, protocol: 'UDP' }).service.plan.containerPorts).toEqual([{ name: 'udp-53', containerPort: 53, protocol: 'UDP' }]);
    expect(() => synthService({ image: 'coredns/coredns:1.11.3', port: 53, ports: [{ port: 53, protocol: 'TCP' }] })).toThrow(
      /^PrivilegedPortService svc: port and ports are both given/,
    );
  });
});

describe('PrivilegedPortService: root and a declared uid', () => {
  it('refuses BindStrategy.rootWithNetBindService() with runAsUser: 1000 instead of writing uid 0 on the container and 1000 on the pod', () => {
    expect(() => synthService({ image: 'python:3.12-slim', port: 80, strategy: BindStrategy.rootWithNetBindService(), level: 'baseline', runAsUser: 1000 })).toThrow(
      /runAsUser is 1000, but this strategy runs the binding container as uid 0: the two contradict\. Alternatives: .*remove runAsUser \(1000\)/,
    );
  });
});
