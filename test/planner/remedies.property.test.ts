/**
 * No message of the planner recommends a change that the capability model calls denied. Over
 * generated intents (every strategy, level, port list, uid, image fact and face option), every
 * message the planner produces — each refusal with its alternatives, each plan's reason, each
 * input error — is collected, and:
 * - every remedy of a refusal, applied to the intent, plans a pod that the model (analyzePod,
 *   strict runtime profile) says binds every port and meets the level the changed intent declares;
 * - no plan, whether chosen or reached by a remedy, is the trap: a non-root container with
 *   `add: [NET_BIND_SERVICE]` and neither a file capability nor the sysctl;
 * - no message tells a non-root container to add NET_BIND_SERVICE: a sentence that speaks of adding
 *   or keeping it also names the file capability (setcap) or uid 0.
 */
import * as fc from 'fast-check';
import { analyzePod } from '../../src/model/analyze';
import type { PodSecurityLevel } from '../../src/model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../../src/model/pod-security-types';
import type { PlanOptions, PrivilegedPortIntent, PrivilegedPortPlan } from '../../src/planner';
import { BindStrategy, BindStrategyError, planPrivilegedPort, podOfPlan } from '../../src/planner';

const strategy: fc.Arbitrary<BindStrategy | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(BindStrategy.auto()),
  fc.constant(BindStrategy.rootWithNetBindService()),
  fc.constant(BindStrategy.userNamespace()),
  fc.constant(BindStrategy.unprivilegedPortSysctl()),
  fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }).map((containerPort) => BindStrategy.highPort({ containerPort })),
  fc.constantFrom('debian' as const, 'alpine' as const).map((imageBase) => BindStrategy.fileCapability({ binary: '/app/server', imageBase })),
);

const protocol = fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const);
const portNumber = fc.oneof(fc.constantFrom(53, 80, 443, 8080, 8443), fc.integer({ min: 1, max: 65535 }));

/** `port` (+ protocol), or a list of distinct `ports`. */
const ports: fc.Arbitrary<Partial<PrivilegedPortIntent>> = fc.oneof(
  fc.record({ port: portNumber, protocol }, { requiredKeys: ['port'] }),
  fc.uniqueArray(fc.record({ port: portNumber, protocol }), { minLength: 1, maxLength: 4, selector: (entry) => `${entry.port}/${entry.protocol}` }).map((list) => ({ ports: list })),
);

const intent: fc.Arbitrary<PrivilegedPortIntent> = fc
  .tuple(
    ports,
    fc.record(
      {
        strategy,
        level: fc.constantFrom<PodSecurityLevel>('privileged', 'baseline', 'restricted'),
        podSecurityVersion: fc.constantFrom('latest', 'v1.0', 'v1.22', 'v1.25', 'v1.34', 'v1.35'),
        minKubernetesVersion: fc.integer({ min: 18, max: 37 }).map((minor) => `1.${minor}`),
        clusterFeatures: fc.record({ userNamespaces: fc.boolean() }, { requiredKeys: [] }),
        hostNetwork: fc.boolean(),
        appPortConfigurable: fc.boolean(),
        imageHasFileCapability: fc.boolean(),
        binary: fc.constantFrom('/usr/local/bin/server', '/bin/app'),
        runAsUser: fc.integer({ min: 1, max: 70000 }),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([portProps, rest]) => ({ ...portProps, ...rest }));

const options: fc.Arbitrary<PlanOptions> = fc.record(
  { containerPortsFixed: fc.boolean(), runAsUserForOtherContainers: fc.boolean(), caller: fc.constant('HardenedContainer web'), propNames: fc.constant({ runAsUser: 'user' }) },
  { requiredKeys: [] },
);

/** Why a plan would not bind, or violate the level it declares, or be the trap; undefined when it is sound. */
function unsound(plan: PrivilegedPortPlan, declared: PodSecurityLevel): string | undefined {
  const analysis = analyzePod(podOfPlan(plan), { runtimeProfile: 'strict', podSecurityVersion: plan.podSecurityVersion });
  const denied = analysis.containers.flatMap((container) => container.ports.filter((port) => port.bind !== 'allowed').map((port) => `${port.containerPort}/${port.protocol} ${port.bind}: ${port.reason}`));
  if (denied.length > 0) return `ports not allowed: ${denied.join('; ')}`;
  if (POD_SECURITY_LEVELS.indexOf(analysis.podSecurity.level) < POD_SECURITY_LEVELS.indexOf(declared)) return `meets ${analysis.podSecurity.level}, not ${declared}`;
  const context = plan.containerSecurityContext;
  const addsNetBindService = context.capabilities.add?.includes('NET_BIND_SERVICE') === true;
  const hasFileCapability = Object.keys(plan.podAnnotations).some((key) => key.startsWith('file-capabilities.k8s-least-privilege.dev/'));
  const hasSysctl = plan.podSecurityContext.sysctls !== undefined;
  if (addsNetBindService && context.runAsUser !== 0 && !hasFileCapability && !hasSysctl) return 'the trap: non-root with add NET_BIND_SERVICE alone';
  return undefined;
}

/** The sentences of a message that advise adding or keeping NET_BIND_SERVICE without a file capability or uid 0. */
function trapAdvice(message: string): string[] {
  return message
    .split(/(?<=[.;])\s+|\n/)
    .filter((sentence) => /\b(add|adds|adding|keep|keeps|keeping)\b[^.;]*NET_BIND_SERVICE|capabilities\.add/i.test(sentence))
    .filter((sentence) => !/file capabilit|setcap|cap_net_bind_service|uid 0|root/i.test(sentence));
}

describe('the planner never recommends a change the model calls denied', () => {
  it('every remedy binds; no plan is the trap; no message advises NET_BIND_SERVICE for a non-root process', () => {
    const stats = { plans: 0, refusals: 0, remedies: 0, inputErrors: 0, messages: 0 };
    fc.assert(
      fc.property(intent, options, (given, face) => {
        const messages: string[] = [];
        try {
          const plan = planPrivilegedPort(given, face);
          stats.plans++;
          messages.push(plan.reason);
          expect(unsound(plan, given.level ?? 'restricted')).toBeUndefined();
        } catch (error) {
          if (!(error instanceof BindStrategyError)) {
            // A malformed generated intent (a high-port clash, say): its message is checked too.
            expect(error).toBeInstanceOf(RangeError);
            stats.inputErrors++;
            messages.push((error as Error).message);
          } else {
            stats.refusals++;
            messages.push(error.message, ...error.alternatives);
            expect(error.alternatives).toEqual(error.remedies.map((remedy) => remedy.text));
            for (const remedy of error.remedies) {
              const changed = { ...given, ...remedy.change };
              const plan = planPrivilegedPort(changed, face);
              stats.remedies++;
              messages.push(plan.reason);
              const problem = unsound(plan, changed.level ?? 'restricted');
              if (problem !== undefined) throw new Error(`remedy "${remedy.text}" of "${error.message}" plans a pod that ${problem}`);
            }
          }
        }
        stats.messages += messages.length;
        for (const message of messages) expect(trapAdvice(message)).toEqual([]);
      }),
      { numRuns: 600 },
    );
    // The generator must reach every outcome, or the property says little.
    expect(stats.plans).toBeGreaterThan(100);
    expect(stats.refusals).toBeGreaterThan(100);
    expect(stats.remedies).toBeGreaterThan(200);
  });

  it('the text check catches the trap advice it is for', () => {
    expect(trapAdvice('Port 80 < 1024 needs CAP_NET_BIND_SERVICE, which is not in the bounding set (capabilities.drop removes it; add NET_BIND_SERVICE to capabilities.add).')).not.toEqual([]);
    expect(trapAdvice('non-root; the binary has cap_net_bind_service=+ep and the bounding set keeps only NET_BIND_SERVICE.')).toEqual([]);
  });
});
