/**
 * Several ports and protocols on one plan (a DNS server needs 53/UDP and 53/TCP): one strategy
 * binds them all, every port is a named container port and a Service port, and the model says
 * each binds; the single-port props keep working.
 */
import { analyzePod } from '../../src/model/analyze';
import type { PrivilegedPortPlan } from '../../src/planner';
import { BindStrategy, BindStrategyError, planPrivilegedPort, podOfPlan } from '../../src/planner';

const DNS = [
  { port: 53, protocol: 'UDP' as const },
  { port: 53, protocol: 'TCP' as const },
];

/** Every port's verdict under the strict runtime profile, and the level. */
function modelVerdict(plan: PrivilegedPortPlan) {
  const analysis = analyzePod(podOfPlan(plan), { runtimeProfile: 'strict', podSecurityVersion: plan.podSecurityVersion });
  return {
    binds: analysis.containers.flatMap((container) => container.ports.map((port) => `${port.containerPort}/${port.protocol} ${port.bind}`)),
    level: analysis.podSecurity.level,
  };
}

describe('planPrivilegedPort with ports', () => {
  test('DNS on 53/UDP and 53/TCP: auto lowers the sysctl to 53 once, and both ports bind', () => {
    const plan = planPrivilegedPort({ ports: DNS });
    expect(plan.strategy).toBe('unprivilegedPortSysctl');
    expect(plan.podSecurityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }]);
    expect(plan.containerPorts).toEqual([
      { name: 'udp-53', containerPort: 53, protocol: 'UDP' },
      { name: 'tcp-53', containerPort: 53, protocol: 'TCP' },
    ]);
    expect(plan.servicePorts).toEqual([
      { name: 'udp-53', port: 53, targetPort: 'udp-53', targetPortNumber: 53, protocol: 'UDP' },
      { name: 'tcp-53', port: 53, targetPort: 'tcp-53', targetPortNumber: 53, protocol: 'TCP' },
    ]);
    expect(plan.reason).toContain('binds ports 53/UDP and 53/TCP');
    expect(modelVerdict(plan)).toEqual({ binds: ['53/UDP allowed', '53/TCP allowed'], level: 'restricted' });
  });

  test('the sysctl goes to the lowest privileged port', () => {
    const plan = planPrivilegedPort({ ports: [{ port: 443 }, { port: 80 }, { port: 9090 }] });
    expect(plan.podSecurityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
    expect(modelVerdict(plan).binds).toEqual(['443/TCP allowed', '80/TCP allowed', '9090/TCP allowed']);
  });

  test.each([
    ['fileCapability', BindStrategy.fileCapability({ binary: '/coredns' }), 'restricted'],
    ['rootWithNetBindService', BindStrategy.rootWithNetBindService(), 'baseline'],
  ] as const)('%s binds every port', (kind, strategy, level) => {
    const plan = planPrivilegedPort({ ports: DNS, strategy, level });
    expect(plan.strategy).toBe(kind);
    expect(modelVerdict(plan)).toEqual({ binds: ['53/UDP allowed', '53/TCP allowed'], level });
  });

  test('high port: one port number under two protocols shares a container port; each other number gets the next free one', () => {
    const dns = planPrivilegedPort({ ports: DNS, strategy: BindStrategy.highPort() });
    expect(dns.containerPorts.map((port) => `${port.containerPort}/${port.protocol}`)).toEqual(['8080/UDP', '8080/TCP']);
    expect(dns.servicePorts.map((port) => `${port.port}→${port.targetPortNumber}`)).toEqual(['53→8080', '53→8080']);

    const ports = [{ port: 80 }, { port: 443 }, { port: 8081 }, { port: 8443, containerPort: 9443 }];
    const web = planPrivilegedPort({ ports, strategy: BindStrategy.highPort() });
    // 8081 is taken by a port that is not privileged, so 443 gets 8082.
    expect(web.servicePorts.map((port) => `${port.port}→${port.targetPortNumber}`)).toEqual(['80→8080', '443→8082', '8081→8081', '8443→9443']);
    expect(modelVerdict(web).level).toBe('restricted');

    const strategy = BindStrategy.highPort({ containerPort: 8000 });
    const chosen = planPrivilegedPort({ ports: [{ port: 80 }, { port: 443, containerPort: 8443 }], strategy });
    expect(chosen.servicePorts.map((port) => `${port.port}→${port.targetPortNumber}`)).toEqual(['80→8000', '443→8443']);
  });

  test('the first port is the plan\'s port, protocol and containerPort', () => {
    const plan = planPrivilegedPort({ ports: DNS, strategy: BindStrategy.highPort({ containerPort: 5353 }) });
    expect([plan.port, plan.protocol, plan.containerPort]).toEqual([53, 'UDP', 5353]);
  });

  test('names: given ones are kept; repeated ones, repeated ports and clashing container ports are refused', () => {
    expect(planPrivilegedPort({ ports: [{ port: 53, protocol: 'UDP', name: 'dns' }, { port: 53, protocol: 'TCP', name: 'dns-tcp' }] }).containerPorts.map((port) => port.name)).toEqual([
      'dns',
      'dns-tcp',
    ]);
    expect(() => planPrivilegedPort({ ports: [{ port: 53, protocol: 'UDP', name: 'dns' }, { port: 53, protocol: 'TCP', name: 'dns' }] })).toThrow(
      'planPrivilegedPort: ports[1] is named "dns" like ports[0]; port names must be unique (give each a name)',
    );
    expect(() => planPrivilegedPort({ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'UDP' }] })).toThrow('planPrivilegedPort: ports[1] repeats 53/UDP of ports[0]');
    const clashing = [{ port: 80, containerPort: 9000 }, { port: 443, containerPort: 9000 }];
    expect(() => planPrivilegedPort({ ports: clashing, strategy: BindStrategy.highPort() })).toThrow(
      /80\/TCP \(ports\[0\]\) and 443\/TCP \(ports\[1\]\) would both listen on 9000\/TCP under the high-port strategy/,
    );
  });

  test('port and ports are exclusive; one of them is required', () => {
    expect(() => planPrivilegedPort({ port: 53, ports: DNS })).toThrow(RangeError);
    expect(() => planPrivilegedPort({ ports: DNS, protocol: 'UDP' })).toThrow(/protocol and ports are both given; .* give each entry its own/);
    expect(() => planPrivilegedPort({})).toThrow(new TypeError('planPrivilegedPort: port must be an integer from 1 to 65535 (or give ports: [{ port, protocol? }, …]), got undefined'));
    expect(() => planPrivilegedPort({ ports: [] })).toThrow(/ports must be an array of at least 1 of/);
  });

  test('a refusal names every port', () => {
    expect(() => planPrivilegedPort({ ports: DNS, minKubernetesVersion: '1.21' })).toThrow(BindStrategyError);
    expect(() => planPrivilegedPort({ ports: DNS, minKubernetesVersion: '1.21' })).toThrow(/^BindStrategy\.auto\(\) cannot bind ports 53\/UDP and 53\/TCP at Pod Security "restricted"/);
  });
});
