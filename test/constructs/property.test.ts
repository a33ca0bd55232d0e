import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { analyzeManifests } from './manifest';
import type { PrivilegedPortServiceProps } from '../../src/constructs';
import { PrivilegedPortService } from '../../src/constructs';
import type { PodSecurityLevel } from '../../src/model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../../src/model/pod-security-types';
import { BindStrategy, BindStrategyError } from '../../src/planner';

const strategy: fc.Arbitrary<BindStrategy> = fc.oneof(
  fc.constant(BindStrategy.auto()),
  fc.constant(BindStrategy.rootWithNetBindService()),
  fc.constant(BindStrategy.unprivilegedPortSysctl()),
  fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }).map((containerPort) => BindStrategy.highPort({ containerPort })),
  fc.constantFrom('debian' as const, 'alpine' as const).map((imageBase) => BindStrategy.fileCapability({ binary: '/app/server', imageBase })),
);

const intent: fc.Arbitrary<PrivilegedPortServiceProps> = fc.record(
  {
    image: fc.constant('example/app'),
    port: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
    strategy,
    level: fc.constantFrom<PodSecurityLevel>('privileged', 'baseline', 'restricted'),
    podSecurityVersion: fc.constantFrom('latest', 'v1.0', 'v1.19', 'v1.22', 'v1.25', 'v1.30'),
    minKubernetesVersion: fc.integer({ min: 16, max: 34 }).map((minor) => `1.${minor}`),
    hostNetwork: fc.boolean(),
    appPortConfigurable: fc.boolean(),
    imageHasFileCapability: fc.boolean(),
    binary: fc.constantFrom('/usr/local/bin/server', '/bin/app'),
  },
  { requiredKeys: ['image', 'port'] },
);

describe('PrivilegedPortService over generated intent', () => {
  it('either synthesizes a manifest that binds and meets the level, or throws BindStrategyError', () => {
    let synthesized = 0;
    let refused = 0;
    fc.assert(
      fc.property(intent, (props) => {
        const chart = Testing.chart();
        try {
          new PrivilegedPortService(chart, 'svc', props);
        } catch (error) {
          expect(error).toBeInstanceOf(BindStrategyError);
          refused++;
          return;
        }
        const manifests = Testing.synth(chart);
        const [pod] = analyzeManifests(manifests, props.podSecurityVersion);
        for (const container of pod.analysis.containers) for (const port of container.ports) expect(port.bind).toBe('allowed');
        const declared = props.level ?? 'restricted';
        expect(POD_SECURITY_LEVELS.indexOf(pod.analysis.podSecurity.level)).toBeGreaterThanOrEqual(POD_SECURITY_LEVELS.indexOf(declared));
        synthesized++;
      }),
      { numRuns: 400 },
    );
    // The generator must exercise both outcomes, or the property says little.
    expect(synthesized).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
