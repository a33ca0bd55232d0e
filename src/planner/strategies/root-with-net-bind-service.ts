/**
 * The root strategy: the binding container runs as uid 0 with every capability dropped but
 * NET_BIND_SERVICE (root keeps its bounding set on exec, so it binds). Baseline at most: the last
 * resort, never against a declared uid.
 */
import type { StrategyDefinition, StrategyRendering } from './strategy-definition';
import { netBindServiceOnly } from './strategy-definition';
import type { BindStrategyKind } from '../bind-strategy';
import { BindStrategy } from '../bind-strategy';
import type { BindRemedy } from '../bind-strategy-error';
import type { PlanFacts } from '../plan-facts';
import type { PrivilegedPortIntent } from '../privileged-port-intent';

/** The root strategy (`BindStrategy.rootWithNetBindService()`). */
export const rootWithNetBindService: StrategyDefinition<'rootWithNetBindService'> = {
  kind: 'rootWithNetBindService',
  runsAsRoot: true,
  summary: 'uid 0 with every capability dropped but NET_BIND_SERVICE, no privilege escalation (baseline at most).',
  maxLevel: () => ({ level: 'baseline', cause: "uid 0 fails restricted's runAsNonRoot check, so the pod meets baseline at most" }),
  obstacle: (facts) => rootContradiction(facts),
  autoReason: (facts, passedOver) => {
    const nonRoot = passedOver.filter((strategy) => !strategy.runsAsRoot);
    return (
      `No non-root strategy fits (${nonRoot.map((strategy) => `${strategy.kind}: ${strategy.why}`).join('; ')}), and the declared level is ${facts.level}: ` +
      'uid 0 with every capability dropped but NET_BIND_SERVICE, no privilege escalation.'
    );
  },
  render: (base) => asRootWithNetBindService(base),
  remedies: (facts, failed) => rootRemedies(facts, failed),
};

/** A declared `runAsUser` that a strategy running the binding container as uid 0 contradicts, as its obstacle. */
export function rootContradiction(facts: PlanFacts): string | undefined {
  if (facts.contradictsRoot === undefined) return undefined;
  return `${facts.propName('runAsUser')} is ${facts.contradictsRoot}, but this strategy runs the binding container as uid 0: the two contradict`;
}

/** The binding container as uid 0 (runAsNonRoot off for it alone) with every capability dropped but NET_BIND_SERVICE. */
export function asRootWithNetBindService(base: StrategyRendering): StrategyRendering {
  return {
    ...base,
    containerSecurityContext: { ...base.containerSecurityContext, runAsUser: 0, runAsNonRoot: false, capabilities: netBindServiceOnly() },
  };
}

function rootRemedies(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  const restricted = facts.level === 'restricted';
  const uid = facts.contradictsRoot;
  const removeUid = uid === undefined ? undefined : `remove ${facts.propName('runAsUser')} (${uid}): this strategy runs the binding container as uid 0`;
  const change: Partial<PrivilegedPortIntent> = {
    ...(failed !== 'rootWithNetBindService' ? { strategy: BindStrategy.rootWithNetBindService() } : {}),
    ...(restricted ? { level: 'baseline' as const } : {}),
    ...(uid !== undefined ? { runAsUser: undefined } : {}),
  };
  if (Object.keys(change).length === 0) return [];
  const steps = [restricted ? "declare level: 'baseline' (uid 0 meets baseline at most)" : undefined, removeUid].filter((step) => step !== undefined);
  const text =
    failed !== 'rootWithNetBindService'
      ? `BindStrategy.rootWithNetBindService() (uid 0 with only NET_BIND_SERVICE${steps.length > 0 ? `; ${steps.join('; ')}` : ', baseline'})`
      : steps.join(', and ');
  return [{ text, change }];
}
