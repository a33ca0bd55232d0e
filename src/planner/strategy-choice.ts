/**
 * Which strategy a plan uses, and why: `auto` takes the first record of `strategies/index.ts`
 * that fits the facts (meets the declared level and has no obstacle); an explicit strategy is
 * its record, refused when it has an obstacle or cannot meet the level.
 */
import type { BindStrategy, BindStrategyKind, ResolvedBindStrategyKind } from './bind-strategy';
import { strategyLabel } from './bind-strategy';
import type { BindStrategyError } from './bind-strategy-error';
import { imageLabelOf } from './image-inspection';
import type { PlanFacts } from './plan-facts';
import type { PrivilegedPortIntent } from './privileged-port-intent';
import { STRATEGIES, strategyDefinition } from './strategies';
import type { LevelLimit, PassedOver, StrategyDefinition } from './strategies/strategy-definition';
import { levelRank } from './verify-pod';

/** The strategy chosen, and why. */
export interface StrategyChoice {
  /** Its record. */
  readonly definition: StrategyDefinition;
  /** Why, in one or two sentences: the plan's reason. */
  readonly reason: string;
}

/** A refusal of `kind` for `why` (with its remedies, when the planner recommends). */
export type Refusal = (kind: BindStrategyKind, why: string) => BindStrategyError;

/**
 * The strategy for `requested` with these facts.
 *
 * @throws BindStrategyError (made by `refuse`) when it cannot bind the ports at the declared level
 */
export function chooseStrategy(requested: BindStrategy, facts: PlanFacts, intent: PrivilegedPortIntent, refuse: Refusal): StrategyChoice {
  const choice = requested.kind === 'auto' ? chooseAutomatically(facts, refuse) : checkExplicit(requested.kind, facts, refuse);
  return withImageUser(choice, facts, intent);
}

/** The most restrictive level a strategy's pod meets with these facts. */
function levelLimit(definition: StrategyDefinition, facts: PlanFacts): LevelLimit {
  // hostNetwork fails baseline's host_namespaces check whatever the securityContext.
  if (facts.hostNetwork) return { level: 'privileged', cause: "hostNetwork fails baseline's host_namespaces check, so the pod is privileged" };
  return definition.maxLevel(facts);
}

/** Why `auto` cannot take a strategy (its obstacle, or the level it meets at most), or `undefined` when it fits. */
function misfit(definition: StrategyDefinition, facts: PlanFacts): string | undefined {
  const why = definition.obstacle(facts, false);
  if (why !== undefined) return why;
  const limit = levelLimit(definition, facts);
  return levelRank(limit.level) < levelRank(facts.level) ? `meets ${limit.level} at most` : undefined;
}

function chooseAutomatically(facts: PlanFacts, refuse: Refusal): StrategyChoice {
  const passedOver: PassedOver[] = [];
  for (const definition of STRATEGIES) {
    const why = misfit(definition, facts);
    if (why === undefined) return { definition, reason: definition.autoReason(facts, passedOver) };
    passedOver.push({ kind: definition.kind, runsAsRoot: definition.runsAsRoot, why });
  }
  const obstacles = passedOver.map((strategy) => `${strategy.kind}: ${strategy.why}`).join('; ');
  throw refuse('auto', `no strategy fits the declared facts (${obstacles})`);
}

function checkExplicit(kind: ResolvedBindStrategyKind, facts: PlanFacts, refuse: Refusal): StrategyChoice {
  const definition = strategyDefinition(kind);
  const why = definition.obstacle(facts, true);
  if (why !== undefined) throw refuse(kind, why);
  const limit = levelLimit(definition, facts);
  if (levelRank(limit.level) < levelRank(facts.level)) throw refuse(kind, limit.cause ?? `meets ${limit.level} at most`);
  return { definition, reason: `Chosen explicitly (${strategyLabel(kind)}): ${definition.summary}` };
}

/** The choice's reason, saying whose uid the pod runs as when it comes from the image's USER. */
function withImageUser(choice: StrategyChoice, facts: PlanFacts, intent: PrivilegedPortIntent): StrategyChoice {
  if (facts.runAsUserSource !== 'image' || intent.imageInspection === undefined) return choice;
  const user = `uid ${facts.runAsUser}, the USER "${intent.imageInspection.user.configured}" of ${imageLabelOf(intent.imageInspection)}`;
  const sentence = choice.definition.runsAsRoot
    ? `The binding container runs as uid 0; the pod's other containers run as ${user}.`
    : `The pod runs as ${user}.`;
  return { ...choice, reason: `${choice.reason} ${sentence}` };
}
