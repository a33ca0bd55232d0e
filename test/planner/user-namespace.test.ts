/**
 * The fifth strategy, `BindStrategy.userNamespace()`: uid 0 inside the pod's own user namespace
 * (`hostUsers: false`) with only NET_BIND_SERVICE. What it writes, what stands in its way, the
 * level it meets at each Pod Security policy version and Kubernetes version — checked with the
 * model and, where the binary is built, with the real admission library (test/oracle, PSA
 * v0.37.2) — and that declaring user-namespace support changes `auto`'s decision only to it.
 */
import * as fc from 'fast-check';
import { analyzePod } from '../../src/model/analyze';
import type { PrivilegedPortIntent, PrivilegedPortPlan } from '../../src/planner';
import { BindStrategy, BindStrategyError, planPrivilegedPort, podOfPlan } from '../../src/planner';
import { describeWithOracle, PsaOracle } from '../oracle/oracle';
import { thrown } from '../thrown';

const SUPPORTED = { clusterFeatures: { userNamespaces: true } } as const;
const POLICY_VERSIONS = Array.from({ length: 38 }, (_, minor) => `v1.${minor}`);

/** The explicit plan at baseline (which every version admits), so its level is what it meets. */
function planAt(minKubernetesVersion: string, podSecurityVersion = 'latest'): PrivilegedPortPlan {
  return planPrivilegedPort({ port: 80, strategy: BindStrategy.userNamespace(), level: 'baseline', minKubernetesVersion, podSecurityVersion, ...SUPPORTED });
}

describe('BindStrategy.userNamespace(): the pod it writes', () => {
  const plan = planPrivilegedPort({ port: 80, strategy: BindStrategy.userNamespace(), minKubernetesVersion: '1.35', ...SUPPORTED });

  test('hostUsers: false on the pod; uid 0 with only NET_BIND_SERVICE, no privilege escalation, on the binding container; seccomp RuntimeDefault', () => {
    expect(plan.strategy).toBe('userNamespace');
    expect(plan.level).toBe('restricted');
    expect(plan.hostUsers).toBe(false);
    expect(plan.containerSecurityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 65532,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect(plan.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(plan.containerPorts).toEqual([{ name: 'tcp-80', containerPort: 80, protocol: 'TCP' }]);
    expect(plan.dockerfileLines).toEqual([]);
    expect(podOfPlan(plan).spec).toMatchObject({ hostUsers: false });
  });

  test('the model: port 80 binds under strict (uid 0 keeps NET_BIND_SERVICE), and the pod is restricted at the latest policy', () => {
    const analysis = analyzePod(podOfPlan(plan), { runtimeProfile: 'strict' });
    expect(analysis.containers[0].ports.map((port) => port.bind)).toEqual(['allowed']);
    expect(analysis.podSecurity.level).toBe('restricted');
  });

  test('every other strategy leaves hostUsers unset', () => {
    for (const strategy of [BindStrategy.highPort(), BindStrategy.unprivilegedPortSysctl(), BindStrategy.fileCapability({ binary: '/app' }), BindStrategy.rootWithNetBindService()]) {
      const other = planPrivilegedPort({ port: 80, strategy, level: 'baseline', ...SUPPORTED, minKubernetesVersion: '1.35' });
      expect([other.strategy, 'hostUsers' in other, 'hostUsers' in podOfPlan(other).spec]).toEqual([strategy.kind, false, false]);
    }
  });
});

describe('the level it meets: restricted where the oldest cluster and the policy are both ≥ 1.35', () => {
  test.each(['1.25', '1.30', '1.33', '1.34', '1.35', '1.36', '1.37'])('Kubernetes %s, policy latest', (kubernetes) => {
    expect(planAt(kubernetes).level).toBe(Number(kubernetes.split('.')[1]) >= 35 ? 'restricted' : 'baseline');
  });

  test('every policy version v1.0 … v1.37 on Kubernetes 1.37: baseline before v1.35, restricted from it; the model agrees', () => {
    for (const version of POLICY_VERSIONS) {
      const plan = planAt('1.37', version);
      const expected = Number(version.slice(3)) >= 35 ? 'restricted' : 'baseline';
      const modelLevel = analyzePod(podOfPlan(plan), { podSecurityVersion: version }).podSecurity.level;
      expect([version, plan.level, modelLevel]).toEqual([version, expected, expected]);
    }
  });

  test('at a declared restricted level before 1.35 the explicit strategy is refused, with the versions to declare and baseline as remedies', () => {
    const error = thrown(() => planPrivilegedPort({ port: 80, strategy: BindStrategy.userNamespace(), minKubernetesVersion: '1.33', ...SUPPORTED }));
    expect(error).toBeInstanceOf(BindStrategyError);
    expect(error.message).toMatch(/runAsNonRoot and runAsUser checks before Pod Security policy v1\.35, even with hostUsers: false, and minKubernetesVersion is 1\.33/);
    expect((error as BindStrategyError).remedies.map((remedy) => remedy.change)).toEqual(
      expect.arrayContaining([{ minKubernetesVersion: '1.35' }, { level: 'baseline' }]),
    );
  });
});

describeWithOracle('the level, confirmed by the real admission library (k8s.io/pod-security-admission v0.37.2)', () => {
  let oracle: PsaOracle;
  beforeAll(async () => {
    oracle = await PsaOracle.start();
  });
  afterAll(async () => oracle.stop());

  test('the plan\'s pod fails only runAsNonRoot/runAsUser at restricted before v1.35 and passes from v1.35; without hostUsers: false it fails them at every version', async () => {
    const pod = podOfPlan(planAt('1.37'));
    const { hostUsers: _hostUsers, ...hostSpec } = pod.spec;
    const [inUserNamespace, onHost] = await oracle.evaluate([pod, { ...pod, spec: hostSpec }], POLICY_VERSIONS);
    for (const version of POLICY_VERSIONS) {
      const minor = Number(version.slice(3));
      // runAsUser is a restricted check from v1.23; runAsNonRoot from v1.0.
      const rootChecks = minor >= 23 ? ['runAsNonRoot', 'runAsUser'] : ['runAsNonRoot'];
      expect([version, inUserNamespace.results![version]]).toEqual([version, { baseline: [], restricted: minor >= 35 ? [] : rootChecks }]);
      expect([version, onHost.results![version]]).toEqual([version, { baseline: [], restricted: rootChecks }]);
    }
  });
});

describe('what stands in its way', () => {
  const refusal = (intent: PrivilegedPortIntent) => thrown(() => planPrivilegedPort({ port: 80, strategy: BindStrategy.userNamespace(), ...intent }));

  test('a cluster not declared to support user namespaces, with the declaration as remedy', () => {
    const error = refusal({ level: 'baseline' }) as BindStrategyError;
    expect(error.message).toMatch(/the cluster is not declared to support user namespaces \(clusterFeatures: \{ userNamespaces: true \}\)/);
    const declare = error.remedies.find((remedy) => 'clusterFeatures' in remedy.change);
    expect(declare?.change).toEqual({ clusterFeatures: { userNamespaces: true } });
    expect(declare?.text).toMatch(/containerd ≥ 2\.0 or CRI-O ≥ 1\.25, runc ≥ 1\.2 or crun ≥ 1\.9, Linux ≥ 6\.3/);
  });

  test('hostNetwork: the network namespace is the node\'s, so root in the pod\'s user namespace holds no capability there', () => {
    expect(refusal({ hostNetwork: true, level: 'privileged', ...SUPPORTED }).message).toMatch(/with hostNetwork the pod's network namespace is the node's/);
  });

  test('a declared non-zero runAsUser', () => {
    const error = refusal({ runAsUser: 1000, minKubernetesVersion: '1.35', ...SUPPORTED }) as BindStrategyError;
    expect(error.message).toMatch(/runAsUser is 1000, but this strategy runs the binding container as uid 0/);
    expect(error.alternatives).toContain('remove runAsUser (1000): this strategy runs the binding container as uid 0');
  });

  test('a Kubernetes version without hostUsers', () => {
    expect(refusal({ minKubernetesVersion: '1.24', level: 'baseline', ...SUPPORTED }).message).toMatch(/hostUsers exists since Kubernetes 1\.25, and minKubernetesVersion is 1\.24/);
  });

  test('auto lists it among the strategies it passed over, and offers it only to an intent that declares the support', () => {
    const undeclared = thrown(() => planPrivilegedPort({ port: 80, minKubernetesVersion: '1.21' })) as BindStrategyError;
    expect(undeclared.message).toMatch(/userNamespace: the cluster is not declared to support user namespaces/);
    expect(undeclared.alternatives.join('\n')).not.toMatch(/userNamespace/);
    const declared = thrown(() => planPrivilegedPort({ port: 80, minKubernetesVersion: '1.21', ...SUPPORTED })) as BindStrategyError;
    expect(declared.remedies.map((remedy) => remedy.change)).toContainEqual({ strategy: BindStrategy.userNamespace(), minKubernetesVersion: '1.35' });
  });
});

describe('declaring user-namespace support changes a decision only to the user namespace', () => {
  const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined, freq: 2 });
  const intent: fc.Arbitrary<PrivilegedPortIntent> = fc
    .record({
      port: fc.constantFrom(53, 80, 443, 8080),
      protocol: maybe(fc.constantFrom('TCP' as const, 'UDP' as const)),
      level: maybe(fc.constantFrom('privileged' as const, 'baseline' as const, 'restricted' as const)),
      podSecurityVersion: maybe(fc.constantFrom('latest', 'v1.25', 'v1.34', 'v1.35')),
      minKubernetesVersion: maybe(fc.constantFrom('1.21', '1.25', '1.33', '1.35', '1.36', '1.37')),
      hostNetwork: maybe(fc.boolean()),
      appPortConfigurable: maybe(fc.boolean()),
      imageHasFileCapability: maybe(fc.boolean()),
      binary: maybe(fc.constant('/app/server')),
      // Mostly absent: a declared uid rules the user namespace out, and the property is about the cases it does not.
      runAsUser: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 70000 }), weight: 1 }),
    })
    .map((drawn) => Object.fromEntries(Object.entries(drawn).filter(([, value]) => value !== undefined)) as PrivilegedPortIntent);
  const outcome = (given: PrivilegedPortIntent) => {
    try {
      return JSON.stringify(planPrivilegedPort(given));
    } catch (error) {
      return error instanceof BindStrategyError ? 'refused' : `${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  test('the same intent, undeclared, declared false and declared true: identical unless the declared plan is the user namespace', () => {
    const stats = { same: 0, userNamespace: 0 };
    fc.assert(
      fc.property(intent, (given) => {
        const undeclared = outcome(given);
        expect(outcome({ ...given, clusterFeatures: {} })).toBe(undeclared);
        expect(outcome({ ...given, clusterFeatures: { userNamespaces: false } })).toBe(undeclared);
        expect(undeclared).not.toMatch(/"strategy":"userNamespace"/);
        const declared = outcome({ ...given, ...SUPPORTED });
        if (declared === undeclared) {
          stats.same++;
        } else {
          expect(JSON.parse(declared)).toMatchObject({ strategy: 'userNamespace', hostUsers: false, level: 'restricted' });
          stats.userNamespace++;
        }
      }),
      { numRuns: 1000 },
    );
    expect(stats.userNamespace).toBeGreaterThan(10);
    expect(stats.same).toBeGreaterThan(100);
  });
});
