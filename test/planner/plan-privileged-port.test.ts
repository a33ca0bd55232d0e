import { AUTO_DECISIONS } from './auto-decisions';
import { analyzePod } from '../../src/model/analyze';
import type { PrivilegedPortPlan } from '../../src/planner';
import {
  BIND_STRATEGY_ANNOTATION,
  BindStrategy,
  BindStrategyError,
  fileCapabilityDockerfileLines,
  parseKubernetesVersion,
  planPrivilegedPort,
  podOfPlan,
} from '../../src/planner';

/** The model's verdict on a plan's pod: every port and the level. */
function modelVerdict(plan: PrivilegedPortPlan) {
  const analysis = analyzePod(podOfPlan(plan), { runtimeProfile: 'strict', podSecurityVersion: plan.podSecurityVersion });
  return { binds: analysis.containers.flatMap((c) => c.ports.map((p) => p.bind)), level: analysis.podSecurity.level };
}


describe('planPrivilegedPort: auto decision table', () => {
  it.each(AUTO_DECISIONS)('%s → %s', (_name, expected, intent, level) => {
    if (expected === 'throws') {
      expect(() => planPrivilegedPort(intent)).toThrow(BindStrategyError);
      return;
    }
    const plan = planPrivilegedPort(intent);
    expect(plan.strategy).toBe(expected);
    expect(plan.requestedStrategy).toBe('auto');
    expect(plan.level).toBe(level);
    expect(plan.podAnnotations[BIND_STRATEGY_ANNOTATION]).toBe(expected);
    const verdict = modelVerdict(plan);
    expect(verdict.binds).toEqual(['allowed']);
    expect(verdict.level).toBe(level);
  });

  it('names the strategy, the level and the alternatives when nothing fits', () => {
    expect(() => planPrivilegedPort({ port: 80, minKubernetesVersion: '1.21' })).toThrow(
      /^BindStrategy\.auto\(\) cannot bind port 80\/TCP at Pod Security "restricted": .*Alternatives: BindStrategy\.highPort.*unprivilegedPortSysctl.*fileCapability.*level: 'baseline'/,
    );
  });
});

describe('planPrivilegedPort: explicit strategies', () => {
  it('high port: non-root, no capability, Service 80 → named container port 8080', () => {
    const plan = planPrivilegedPort({ port: 80, strategy: BindStrategy.highPort() });
    expect(plan.containerPort).toBe(8080);
    expect(plan.containerSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, capabilities: { drop: ['ALL'] } });
    expect(plan.containerSecurityContext.capabilities.add).toBeUndefined();
    expect(plan.containerPorts).toEqual([{ name: 'tcp-80', containerPort: 8080, protocol: 'TCP' }]);
    expect(plan.servicePorts).toEqual([{ name: 'tcp-80', port: 80, targetPort: 'tcp-80', targetPortNumber: 8080, protocol: 'TCP' }]);
    expect(plan.podSecurityContext.sysctls).toBeUndefined();
    expect(plan.dockerfileLines).toEqual([]);
  });

  it('sysctl: the pod lowers ip_unprivileged_port_start to exactly the port', () => {
    const plan = planPrivilegedPort({ port: 443, strategy: BindStrategy.unprivilegedPortSysctl(), minKubernetesVersion: 'v1.22.0' });
    expect(plan.podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '443' }],
    });
    expect(plan.containerSecurityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(modelVerdict(plan)).toEqual({ binds: ['allowed'], level: 'restricted' });
  });

  it('file capability: add NET_BIND_SERVICE (exact name), the annotation, and Dockerfile lines', () => {
    const plan = planPrivilegedPort({ port: 80, containerName: 'web', strategy: BindStrategy.fileCapability({ binary: '/usr/bin/server' }) });
    expect(plan.containerSecurityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(plan.containerSecurityContext.allowPrivilegeEscalation).toBe(false);
    expect(plan.podAnnotations['file-capabilities.k8s-least-privilege.dev/web']).toBe('cap_net_bind_service=+ep');
    expect(plan.dockerfileLines.join('\n')).toContain('setcap cap_net_bind_service=+ep /usr/bin/server');
    expect(modelVerdict(plan)).toEqual({ binds: ['allowed'], level: 'restricted' });
  });

  it('root with NET_BIND_SERVICE: baseline, only the binding container is uid 0', () => {
    const plan = planPrivilegedPort({ port: 53, protocol: 'UDP', level: 'baseline', strategy: BindStrategy.rootWithNetBindService() });
    expect(plan.containerSecurityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
    expect(plan.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(modelVerdict(plan)).toEqual({ binds: ['allowed'], level: 'baseline' });
  });

  it.each([
    ['root at restricted', { port: 80, strategy: BindStrategy.rootWithNetBindService() }, /rootWithNetBindService\(\) cannot bind port 80\/TCP at Pod Security "restricted": uid 0/],
    ['sysctl before 1.22', { port: 80, strategy: BindStrategy.unprivilegedPortSysctl(), minKubernetesVersion: '1.21' }, /safe sysctl only since Kubernetes 1\.22/],
    ['sysctl with hostNetwork', { port: 80, strategy: BindStrategy.unprivilegedPortSysctl(), hostNetwork: true, level: 'privileged' }, /SysctlForbidden/],
    ['sysctl on an unprivileged port', { port: 8080, strategy: BindStrategy.unprivilegedPortSysctl() }, /not privileged/],
    ['high port when the binary has a file capability', { port: 80, strategy: BindStrategy.highPort(), imageHasFileCapability: true }, /EPERM/],
  ] as const)('refuses %s with a BindStrategyError', (_name, intent, message) => {
    let error: unknown;
    try {
      planPrivilegedPort(intent);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BindStrategyError);
    expect((error as Error).message).toMatch(message);
    expect((error as BindStrategyError).alternatives.length).toBeGreaterThan(0);
  });

  it('refuses malformed intent with a RangeError', () => {
    expect(() => planPrivilegedPort({ port: 0 })).toThrow(RangeError);
    expect(() => planPrivilegedPort({ port: 65536 })).toThrow(RangeError);
    expect(() => planPrivilegedPort({ port: 80, runAsUser: 0 })).toThrow(/rootWithNetBindService/);
    expect(() => planPrivilegedPort({ port: 80, portName: 'HTTP_port' })).toThrow(RangeError);
    expect(() => planPrivilegedPort({ port: 80, minKubernetesVersion: 'latest' })).toThrow(RangeError);
    expect(() => BindStrategy.highPort({ containerPort: 80 })).toThrow(RangeError);
    expect(() => BindStrategy.fileCapability({ binary: 'server' })).toThrow(RangeError);
  });
});

describe('file-capability Dockerfile lines', () => {
  it('Debian: install libcap2-bin, setcap, purge it, back to the non-root user', () => {
    expect(fileCapabilityDockerfileLines({ binary: '/bin/app', imageBase: 'debian', runAsUser: 10001, runAsGroup: 10001 }).slice(2)).toEqual([
      'USER root',
      'RUN apt-get update \\',
      ' && apt-get install -y --no-install-recommends libcap2-bin \\',
      ' && setcap cap_net_bind_service=+ep /bin/app \\',
      ' && apt-get purge -y --auto-remove libcap2-bin \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'USER 10001:10001',
    ]);
  });

  it('Alpine: libcap in a virtual package, deleted afterwards', () => {
    expect(fileCapabilityDockerfileLines({ binary: '/bin/app', imageBase: 'alpine', runAsUser: 1, runAsGroup: 2 }).slice(2)).toEqual([
      'USER root',
      'RUN apk add --no-cache --virtual .setcap libcap \\',
      ' && setcap cap_net_bind_service=+ep /bin/app \\',
      ' && apk del .setcap',
      'USER 1:2',
    ]);
  });
});

describe('parseKubernetesVersion', () => {
  it('reads 1.N, v1.N and 1.N.P', () => {
    expect(parseKubernetesVersion('1.22')).toEqual({ major: 1, minor: 22 });
    expect(parseKubernetesVersion('v1.30.2')).toEqual({ major: 1, minor: 30 });
  });
});

describe('root strategy and a declared uid', () => {
  it('refuses BindStrategy.rootWithNetBindService() with runAsUser: 1000, naming the prop, the value and what to do', () => {
    let error: unknown;
    try {
      planPrivilegedPort({ port: 80, level: 'baseline', strategy: BindStrategy.rootWithNetBindService(), runAsUser: 1000 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BindStrategyError);
    const refusal = error as BindStrategyError;
    expect(refusal.message).toMatch(/^BindStrategy\.rootWithNetBindService\(\) cannot bind port 80\/TCP at Pod Security "baseline": runAsUser is 1000, but this strategy runs the binding container as uid 0: the two contradict\./);
    expect(refusal.alternatives).toContain('remove runAsUser (1000): this strategy runs the binding container as uid 0');
    // Each way out, followed, plans a pod that binds: never uid 1000 with NET_BIND_SERVICE alone.
    for (const remedy of refusal.remedies) {
      const plan = planPrivilegedPort({ port: 80, level: 'baseline', strategy: BindStrategy.rootWithNetBindService(), runAsUser: 1000, ...remedy.change });
      expect(modelVerdict(plan).binds).toEqual(['allowed']);
    }
  });

  it('auto never resolves a declared runAsUser to root: it refuses, and says how to allow root', () => {
    const intent = { port: 80, level: 'baseline' as const, minKubernetesVersion: '1.21', runAsUser: 1000 };
    expect(() => planPrivilegedPort(intent)).toThrow(/rootWithNetBindService: runAsUser is 1000, but this strategy runs the binding container as uid 0/);
    expect(planPrivilegedPort({ ...intent, runAsUser: undefined }).strategy).toBe('rootWithNetBindService');
  });

  it('the plan never writes uid 0 on the container while the declared uid stays on the pod', () => {
    for (const strategy of [BindStrategy.auto(), BindStrategy.unprivilegedPortSysctl(), BindStrategy.fileCapability({ binary: '/app' }), BindStrategy.highPort()]) {
      const plan = planPrivilegedPort({ port: 80, level: 'baseline', strategy, runAsUser: 1000, appPortConfigurable: true });
      expect(plan.containerSecurityContext.runAsUser).toBe(1000);
      expect(plan.podSecurityContext.runAsUser).toBe(1000);
    }
  });
});
