/**
 * HardenedContainer on a privileged port goes through the planner, as PrivilegedPortService does:
 * a port-80 container binds by construction and says which strategy it chose. hardenWorkload says
 * what it changed — the pod-wide sysctl included.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { analyzeManifests, bindVerdicts, podSecurityLevels } from './manifest';
import type { ContainerBindingProps } from '../../src/constructs';
import { HardenedContainer, hardenWorkload, PrivilegedPortService } from '../../src/constructs';
import type { PodSecurityLevel } from '../../src/model/pod-security-types';
import { BindStrategy, BindStrategyError } from '../../src/planner';
import { thrown } from '../thrown';

const SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

function deploymentIn(chart = Testing.chart(), props: kplus.DeploymentProps = {}) {
  return { chart, deployment: new kplus.Deployment(chart, 'web', { containers: [], ...props }) };
}

describe('HardenedContainer on a privileged port', () => {
  test('portNumber: 80 binds by construction: auto plans the sysctl, the construct says so, the model agrees', () => {
    const { chart, deployment } = deploymentIn();
    const web = new HardenedContainer(deployment, 'web', { name: 'web', image: 'nginx:1.27', portNumber: 80, writablePaths: ['/var/cache/nginx', '/var/run'] });
    expect(web.strategy).toBe('unprivilegedPortSysctl');
    expect(web.reason).toContain(`${SYSCTL}=80`);
    expect(web.plan?.containerPorts).toEqual([{ name: 'tcp-80', containerPort: 80, protocol: 'TCP' }]);
    const manifests = Testing.synth(chart);
    const template = manifests[0].spec.template;
    expect(template.spec.securityContext.sysctls).toEqual([{ name: SYSCTL, value: '80' }]);
    expect(template.metadata.annotations['k8s-least-privilege.dev/bind-strategy']).toBe('unprivilegedPortSysctl');
    expect(template.metadata.annotations['k8s-least-privilege.dev/bind-strategy-reason']).toBe(web.reason);
    expect(template.spec.containers[0].securityContext).toMatchObject({ runAsUser: 65532, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  test('the trap spelled out — user 1000 and addCapabilities NET_BIND_SERVICE on 80 — still binds: the plan, not the capability, does it', () => {
    const { chart, deployment } = deploymentIn();
    const web = new HardenedContainer(deployment, 'web', { image: 'nginx', portNumber: 80, user: 1000, addCapabilities: ['NET_BIND_SERVICE'] });
    expect(web.strategy).toBe('unprivilegedPortSysctl');
    expect(web.user).toBe(1000);
    const manifests = Testing.synth(chart);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  test.each([
    ['fileCapability', { strategy: BindStrategy.fileCapability({ binary: '/usr/sbin/nginx' }) }, 'restricted'],
    ['fileCapability (the image has it)', { imageHasFileCapability: true }, 'restricted'],
    ['fileCapability (auto, Kubernetes 1.21, binary known)', { minKubernetesVersion: '1.21', binary: '/usr/sbin/nginx' }, 'restricted'],
    ['rootWithNetBindService', { strategy: BindStrategy.rootWithNetBindService(), level: 'baseline' as const }, 'baseline'],
    ['rootWithNetBindService (user 0)', { user: 0, level: 'baseline' as const }, 'baseline'],
    ['rootWithNetBindService (auto at baseline, Kubernetes 1.21)', { minKubernetesVersion: '1.21', level: 'baseline' as const }, 'baseline'],
  ] as [string, ContainerBindingProps & { user?: number; level?: PodSecurityLevel }, string][])('%s: the container gets what the plan needs, and the pod binds at its level', (name, binding, level) => {
    const { chart, deployment } = deploymentIn();
    const web = new HardenedContainer(deployment, 'web', { name: 'web', image: 'nginx', portNumber: 80, ...binding });
    expect(web.strategy).toBe(name.split(' ')[0]);
    const manifests = Testing.synth(chart);
    const template = manifests[0].spec.template;
    const security = template.spec.containers[0].securityContext;
    expect(security.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    if (web.strategy === 'fileCapability') {
      expect(template.metadata.annotations['file-capabilities.k8s-least-privilege.dev/web']).toBe('cap_net_bind_service=+ep');
      expect(security.runAsUser).toBe(65532);
    } else {
      expect(security).toMatchObject({ runAsUser: 0, runAsNonRoot: false });
    }
    expect(web.dockerfileLines.length > 0).toBe(web.strategy === 'fileCapability' && binding.imageHasFileCapability !== true);
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual([level]);
  });

  test('a DNS container on 53/UDP and 53/TCP gets one plan for both', () => {
    const { chart, deployment } = deploymentIn();
    const dns = new HardenedContainer(deployment, 'dns', {
      image: 'coredns/coredns:1.11.3',
      ports: [
        { number: 53, protocol: kplus.Protocol.UDP },
        { number: 53, protocol: kplus.Protocol.TCP },
        { number: 9153 },
      ],
    });
    expect(dns.plan?.containerPorts.map((port) => `${port.containerPort}/${port.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.template.spec.securityContext.sysctls).toEqual([{ name: SYSCTL, value: '53' }]);
    expect(bindVerdicts(manifests)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  test('two containers on privileged ports in one pod: the sysctl at the lowest, both decisions recorded', () => {
    const { chart, deployment } = deploymentIn();
    new HardenedContainer(deployment, 'web', { name: 'web', image: 'nginx', portNumber: 80 });
    new HardenedContainer(deployment, 'dns', { name: 'dns', image: 'coredns/coredns:1.11.3', ports: [{ number: 53, protocol: kplus.Protocol.UDP }], binary: '/coredns', strategy: BindStrategy.fileCapability({ binary: '/coredns' }) });
    const manifests = Testing.synth(chart);
    const template = manifests[0].spec.template;
    expect(template.spec.securityContext.sysctls).toEqual([{ name: SYSCTL, value: '80' }]);
    expect(template.metadata.annotations['k8s-least-privilege.dev/bind-strategy']).toBe('unprivilegedPortSysctl, fileCapability');
    expect(template.metadata.annotations['k8s-least-privilege.dev/bind-strategy-reason']).toMatch(/^web: .* dns: Chosen explicitly/);
    expect(template.metadata.annotations['file-capabilities.k8s-least-privilege.dev/dns']).toBe('cap_net_bind_service=+ep');
    expect(bindVerdicts(manifests)).toEqual(['allowed', 'allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  test('a sidecar on a privileged port beside a PrivilegedPortService: planned too, and both decisions are on the pod', () => {
    const chart = Testing.chart();
    const web = new PrivilegedPortService(chart, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true });
    const sidecar = new HardenedContainer(web.deployment, 'proxy', { name: 'proxy', image: 'envoyproxy/envoy:v1.31', portNumber: 443 });
    expect([web.strategy, sidecar.strategy]).toEqual(['highPort', 'unprivilegedPortSysctl']);
    const manifests = Testing.synth(chart);
    const template = manifests.find((manifest) => manifest.kind === 'Deployment').spec.template;
    expect(template.metadata.annotations['k8s-least-privilege.dev/bind-strategy']).toBe('highPort, unprivilegedPortSysctl');
    expect(template.spec.securityContext.sysctls).toEqual([{ name: SYSCTL, value: '443' }]);
    expect(bindVerdicts(manifests)).toEqual(['allowed', 'allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  test('a sysctl the workload already sets lower is kept; a higher one is lowered to the port', () => {
    const low = deploymentIn(Testing.chart(), { securityContext: { sysctls: [{ name: SYSCTL, value: '0' }, { name: 'net.ipv4.ping_group_range', value: '0 2147483647' }] } });
    new HardenedContainer(low.deployment, 'web', { image: 'nginx', portNumber: 80 });
    expect(Testing.synth(low.chart)[0].spec.template.spec.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ping_group_range', value: '0 2147483647' },
      { name: SYSCTL, value: '0' },
    ]);
    const high = deploymentIn(Testing.chart(), { securityContext: { sysctls: [{ name: SYSCTL, value: '1000' }] } });
    new HardenedContainer(high.deployment, 'web', { image: 'nginx', portNumber: 443 });
    expect(Testing.synth(high.chart)[0].spec.template.spec.securityContext.sysctls).toEqual([{ name: SYSCTL, value: '443' }]);
  });

  test('no privileged port: no plan, nothing pod-wide', () => {
    const { chart, deployment } = deploymentIn();
    const web = new HardenedContainer(deployment, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080, strategy: BindStrategy.rootWithNetBindService() });
    expect([web.plan, web.strategy, web.reason, web.dockerfileLines]).toEqual([undefined, undefined, undefined, []]);
    const template = Testing.synth(chart)[0].spec.template;
    expect(template.spec.securityContext.sysctls).toBeUndefined();
    expect(template.metadata?.annotations).toBeUndefined();
  });

  test('user: 1000 with the root strategy is a contradiction: refused, naming user and its value, with ways out that bind', () => {
    const error = thrown(() =>
      new HardenedContainer(deploymentIn().deployment, 'web', { image: 'nginx', portNumber: 80, user: 1000, level: 'baseline', strategy: BindStrategy.rootWithNetBindService() }),
    );
    expect(error).toBeInstanceOf(BindStrategyError);
    expect(error.message).toContain('user is 1000, but this strategy runs the binding container as uid 0: the two contradict');
    expect((error as BindStrategyError).alternatives).toContain('remove user (1000): this strategy runs the binding container as uid 0');
  });

  test('user: 0 with a non-root strategy is refused', () => {
    expect(() => new HardenedContainer(deploymentIn().deployment, 'web', { image: 'nginx', portNumber: 80, user: 0, strategy: BindStrategy.unprivilegedPortSysctl() })).toThrow(
      "HardenedContainer web: user is 0, but BindStrategy.unprivilegedPortSysctl() runs the container as non-root; remove user, or choose BindStrategy.rootWithNetBindService() (Pod Security baseline) or BindStrategy.userNamespace() (uid 0 inside the pod's own user namespace)",
    );
  });

  test('user: 0 with BindStrategy.userNamespace() is the user-namespace strategy; with auto, root on the node as before', () => {
    const userns = new HardenedContainer(deploymentIn().deployment, 'web', {
      image: 'nginx',
      portNumber: 80,
      user: 0,
      strategy: BindStrategy.userNamespace(),
      clusterFeatures: { userNamespaces: true },
      minKubernetesVersion: '1.35',
    });
    expect([userns.strategy, userns.plan?.hostUsers, userns.plan?.level]).toEqual(['userNamespace', false, 'restricted']);
    const root = new HardenedContainer(deploymentIn().deployment, 'web', { image: 'nginx', portNumber: 80, user: 0, level: 'baseline', clusterFeatures: { userNamespaces: true } });
    expect([root.strategy, root.plan?.hostUsers]).toEqual(['rootWithNetBindService', undefined]);
  });

  test('its ports are its own: the high port is refused, and the advice is to declare one', () => {
    const error = thrown(() => new HardenedContainer(deploymentIn().deployment, 'web', { image: 'nginx', portNumber: 80, strategy: BindStrategy.highPort() }));
    expect(error).toBeInstanceOf(BindStrategyError);
    expect(error.message).toMatch(/HardenedContainer web cannot move the ports of the containers it is given \(port 80\/TCP\)/);
    const nothingFits = thrown(() => new HardenedContainer(deploymentIn().deployment, 'web', { image: 'nginx', portNumber: 80, minKubernetesVersion: '1.21' }));
    expect(nothingFits.message).toContain('make the application listen on ports ≥ 1024 and declare those on the container instead (80/TCP → 8080)');
    expect(nothingFits.message).not.toContain('appPortConfigurable');
  });
});

describe('hardenWorkload explains what it changed', () => {
  test('the pod-wide sysctl is said, with its value and its reach', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: 'nginx', portNumber: 80 }], initContainers: [{ name: 'init', image: 'busybox' }] });
    const result = hardenWorkload(web);
    expect(result.explanation).toContain('Every container (web, init) drops ALL capabilities, runs as uid 65532');
    expect(result.explanation).toContain('web binds port 80/TCP with unprivilegedPortSysctl');
    expect(result.explanation).toContain(`The pod's sysctl ${SYSCTL} is set to 80: pod-wide, every container of the pod may now bind ports from 80 up without a capability.`);
    expect(analyzeManifests(Testing.synth(chart))[0].analysis.podSecurity.level).toBe('restricted');
  });

  test('a sysctl it replaces or keeps is said too', () => {
    const higher = new kplus.Deployment(Testing.chart(), 'web', { containers: [{ image: 'nginx', portNumber: 80 }], securityContext: { sysctls: [{ name: SYSCTL, value: '1024' }] } });
    expect(hardenWorkload(higher).explanation).toContain('is set to 80 (it was 1024)');
    const lower = new kplus.Deployment(Testing.chart(), 'web', { containers: [{ image: 'nginx', portNumber: 80 }], securityContext: { sysctls: [{ name: SYSCTL, value: '0' }] } });
    expect(hardenWorkload(lower).explanation).toContain('stays 0, which already lets every container of the pod bind ports from 0 up');
  });

  test('root for the binding container while user is every other container\'s uid: a documented resolution, said in the explanation', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: 'nginx', portNumber: 80 }, { name: 'sidecar', image: 'envoy', portNumber: 9901 }] });
    const result = hardenWorkload(web, { user: 1000, group: 1000, level: 'baseline', strategy: BindStrategy.rootWithNetBindService() });
    expect(result.explanation).toContain('So web runs as uid 0 with only NET_BIND_SERVICE; the other containers run as uid 1000.');
    const spec = Testing.synth(chart)[0].spec.template.spec;
    expect(spec.containers.map((container: any) => container.securityContext.runAsUser)).toEqual([0, 1000]);
  });

  test('the user namespace is said: the whole pod is in it, the binding container uid 0 inside, the others their uid inside', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: 'nginx', portNumber: 80 }, { name: 'sidecar', image: 'envoy', portNumber: 9901 }] });
    const result = hardenWorkload(web, { user: 1000, group: 1000, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' });
    expect(result.plan?.strategy).toBe('userNamespace');
    expect(result.explanation).toContain(
      "The pod gets hostUsers: false: every container of it runs in the pod's own user namespace, its uids mapped to unprivileged host ids. " +
        'web runs as uid 0 inside it with only NET_BIND_SERVICE; the other containers run as uid 1000 inside it.',
    );
    const spec = Testing.synth(chart)[0].spec.template.spec;
    expect([spec.hostUsers, spec.containers.map((container: any) => container.securityContext.runAsUser)]).toEqual([false, [0, 1000]]);
  });

  test('several containers on one privileged port share one plan; their protocols are kept', () => {
    const chart = Testing.chart();
    const dns = new kplus.Deployment(chart, 'dns', {
      containers: [{ name: 'dns', image: 'coredns/coredns:1.11.3', ports: [{ number: 53, protocol: kplus.Protocol.UDP }, { number: 53, protocol: kplus.Protocol.TCP }] }],
    });
    const result = hardenWorkload(dns);
    expect(result.plan?.servicePorts.map((port) => `${port.port}/${port.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    expect(bindVerdicts(Testing.synth(chart))).toEqual(['allowed', 'allowed']);
  });
});
