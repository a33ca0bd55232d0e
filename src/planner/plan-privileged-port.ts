/**
 * The planner's one entry, `planPrivilegedPort`: the intent checked, the strategy chosen
 * (strategy-choice.ts, over the records of strategies/), the plan written (plan-rendering.ts)
 * and verified by the capability model before it is returned; a refusal carries its remedies
 * (bind-remedies.ts).
 */
import { remediesFor } from './bind-remedies';
import { BindStrategy } from './bind-strategy';
import { BindStrategyError } from './bind-strategy-error';
import { succeeds, validateProps } from './input-validation';
import { PRIVILEGED_PORT_INTENT_RULES } from './intent-rules';
import { readFacts } from './plan-facts';
import { renderPlan } from './plan-rendering';
import { describePorts, portRequestsOf } from './port-requests';
import type { PlanOptions, PrivilegedPortIntent } from './privileged-port-intent';
import type { PrivilegedPortPlan } from './privileged-port-plan';
import { podOfPlan } from './privileged-port-plan';
import type { Refusal } from './strategy-choice';
import { chooseStrategy } from './strategy-choice';
import { levelRank, verifyPod } from './verify-pod';
import type { PodSecurityLevel } from '../model/pod-security-types';

export { DEFAULT_NON_ROOT_ID } from './plan-facts';
export { DEFAULT_HIGH_PORT } from './port-requests';
export type { ClusterFeatures, PlanOptions, PrivilegedPortIntent, PrivilegedPortRequest } from './privileged-port-intent';
export { BIND_STRATEGY_ANNOTATION, BIND_STRATEGY_REASON_ANNOTATION, podOfPlan } from './privileged-port-plan';
export type { PrivilegedPortPlan } from './privileged-port-plan';

/**
 * Chooses how a container binds the intent's ports (`port`, or several `ports`) with the least
 * privilege that fits the declared facts, and writes it out: securityContexts, named ports, the
 * Service mapping, annotations and Dockerfile lines. Pure. The intent is checked at run time
 * first (JavaScript callers and casts get past the types): a prop of the wrong type or value
 * throws, naming the prop, the value, its type and what is accepted. The plan is verified by the
 * capability model before it is returned: every port `allowed` under the strict runtime profile,
 * and the declared level met.
 *
 * `auto` prefers, in order: the high port (no privilege at all; needs a configurable port), uid 0
 * in the pod's own user namespace (only with `clusterFeatures: { userNamespaces: true }`, and
 * where Pod Security counts it restricted: Kubernetes and policy ≥ 1.35), the sysctl (no
 * capability, no image change; Kubernetes ≥ 1.22, not with hostNetwork), the file capability
 * (when the image already has one, every other non-root plan would make its exec fail; else
 * when the binary is known: a capability, and an image change), and root with NET_BIND_SERVICE
 * only when the declared level is baseline or lower and no `runAsUser` is declared.
 *
 * A refusal carries its remedies (`BindStrategyError.remedies`), each planned and verified by the
 * model before it is recommended.
 *
 * @param intent what the workload declares
 * @param options who plans, for messages, and what the caller cannot change
 * @throws BindStrategyError when the strategy cannot meet the level with the declared facts
 * @throws TypeError when a prop has the wrong type (`port: '80'`, `strategy: 'highPort'`)
 * @throws RangeError when a prop's value is not accepted (port out of range, bad names or ids,
 *   `port` and `ports` together, a port repeated, a binary path that a Dockerfile `RUN` line
 *   cannot carry as one word: binary-path.ts)
 */
export function planPrivilegedPort(intent: PrivilegedPortIntent, options: PlanOptions = {}): PrivilegedPortPlan {
  return planIntent(intent, options, true);
}

function planIntent(intent: PrivilegedPortIntent, options: PlanOptions, recommend: boolean): PrivilegedPortPlan {
  const caller = options.caller ?? 'planPrivilegedPort';
  validateProps(caller, intent, PRIVILEGED_PORT_INTENT_RULES, options.propNames);
  const requested = intent.strategy ?? BindStrategy.auto();
  const requests = portRequestsOf(caller, intent);
  const facts = readFacts(intent, requested, requests, options);
  const refuse: Refusal = (kind, why) => {
    const remedies = recommend ? remediesFor(intent, facts, kind, (changed) => succeeds(() => planIntent(changed, options, false))) : [];
    return new BindStrategyError(kind, facts.level, describePorts(requests), why, remedies);
  };
  if (facts.declaredCapabilityContradicted) {
    throw refuse(requested.kind, `${facts.propName('imageHasFileCapability')} is declared, but ${facts.imageLacksCapability}`);
  }
  const choice = chooseStrategy(requested, facts, intent, refuse);
  return verified(renderPlan(facts, requested.kind, choice), choice.definition.maxLevel(facts).level);
}

/**
 * The plan once the model agrees with it, with the level it meets: the model's, at the plan's
 * policy version, but no more than the strategy's own limit — which also knows what the oldest
 * cluster's admission applies (uid 0 in a user namespace is restricted only where that is ≥ 1.35).
 */
function verified(plan: PrivilegedPortPlan, limit: PodSecurityLevel): PrivilegedPortPlan {
  const verdict = modelVerdict(plan);
  if (verdict.problems.length > 0) {
    // The planner and the model disagree: a bug here, never a user error.
    throw new Error(`k8s-least-privilege planner bug: the ${plan.strategy} plan fails the capability model: ${verdict.problems.join('; ')}`);
  }
  return { ...plan, level: levelRank(limit) < levelRank(verdict.level) ? limit : verdict.level };
}

/** What {@link verified} needs of the model's verification of a plan's pod. */
interface ModelVerdict {
  /** The verification's problems; none when the model agrees. */
  readonly problems: readonly string[];
  /** The level the pod meets. */
  readonly level: PodSecurityLevel;
}

/**
 * The model's verdicts on plans' pods, by the pod (as JSON), the declared level and the policy
 * version. Why a cache: an app declares many workloads from a few intents (every web server the
 * same high-port plan, every DNS server the same sysctl plan), and a plan's pod names no image,
 * so their pods are one pod; the model's verdict is a pure function of it, and analyzing it is
 * most of what planning costs. Cleared when full, so a long-lived process planning ever new pods
 * holds a bounded number.
 */
const modelVerdicts = new Map<string, ModelVerdict>();
const MODEL_VERDICTS_MAX = 256;

function modelVerdict(plan: PrivilegedPortPlan): ModelVerdict {
  const pod = podOfPlan(plan);
  const key = JSON.stringify([pod, plan.level, plan.podSecurityVersion]);
  const known = modelVerdicts.get(key);
  if (known !== undefined) return known;
  const verification = verifyPod(pod, { level: plan.level, podSecurityVersion: plan.podSecurityVersion });
  const verdict: ModelVerdict = { problems: verification.problems, level: verification.analysis.podSecurity.level };
  if (modelVerdicts.size >= MODEL_VERDICTS_MAX) modelVerdicts.clear();
  modelVerdicts.set(key, verdict);
  return verdict;
}
