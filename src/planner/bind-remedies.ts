/**
 * What the planner recommends when it refuses an intent. Every candidate is tried before it is
 * recommended: the intent with the candidate's change applied is planned again, and only a plan
 * that succeeds — verified by the capability model, every port binding under the strict runtime
 * profile at the level it declares — makes the candidate a remedy. So no recommendation of ours
 * leads into the trap this library exists to catch (a non-root `add: [NET_BIND_SERVICE]`).
 */
import type { BindStrategyKind } from './bind-strategy';
import type { BindRemedy } from './bind-strategy-error';
import type { PlanFacts } from './plan-facts';
import type { PrivilegedPortIntent } from './privileged-port-intent';
import { STRATEGIES } from './strategies';

/** The intent with a remedy's change applied (a prop set to `undefined` is removed). */
export function withChange(intent: PrivilegedPortIntent, change: Partial<PrivilegedPortIntent>): PrivilegedPortIntent {
  return { ...intent, ...change };
}

/**
 * The remedies for a refused intent: the candidates for what failed whose change, applied to the
 * intent, `plans` (the planner itself, without remedies of its own) accepts.
 */
export function remediesFor(
  intent: PrivilegedPortIntent,
  facts: PlanFacts,
  failed: BindStrategyKind,
  plans: (intent: PrivilegedPortIntent) => boolean,
): BindRemedy[] {
  return candidates(facts, failed).filter((remedy) => plans(withChange(intent, remedy.change)));
}

/** The candidates, in order: what the pod itself needs, then each strategy's (`strategies/<kind>.ts`) in `auto`'s order. */
function candidates(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  return [
    ...hostNetworkRemedies(facts),
    ...(facts.declaredCapabilityContradicted
      ? [{ text: `remove ${facts.propName('imageHasFileCapability')}, which the image contradicts`, change: { imageHasFileCapability: undefined } }]
      : []),
    ...STRATEGIES.flatMap((strategy) => strategy.remedies(facts, failed)),
  ];
}

function hostNetworkRemedies(facts: PlanFacts): BindRemedy[] {
  if (!facts.hostNetwork || facts.level === 'privileged') return [];
  return [
    { text: "drop hostNetwork (a hostNetwork pod fails baseline's host_namespaces check whatever else it does)", change: { hostNetwork: false } },
    { text: "declare level: 'privileged' (the only level a hostNetwork pod meets)", change: { level: 'privileged' } },
  ];
}
