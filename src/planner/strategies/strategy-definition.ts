/**
 * The shape every bind strategy has: one record per strategy (`strategies/<kind>.ts`) that owns
 * what the strategy is — the level it can meet, what stands in its way, the pod it writes, and
 * how the planner's reasons and remedies word it. `strategies/index.ts` lists the records.
 */
import { NET_BIND_SERVICE } from '../../model/capabilities';
import type { PodSecurityLevel } from '../../model/pod-security-types';
import type { BindStrategyKind, ResolvedBindStrategyKind } from '../bind-strategy';
import type { BindRemedy } from '../bind-strategy-error';
import type { ContainerSecurityContextSpec, PodSecurityContextSpec } from '../kube-shapes';
import type { PlanFacts } from '../plan-facts';

/** The most restrictive Pod Security level a strategy meets, and what holds it below restricted. */
export interface LevelLimit {
  /** The level. */
  readonly level: PodSecurityLevel;
  /**
   * Why not more, as a refusal of a higher declared level says it: `uid 0 fails restricted's runAsNonRoot check, …`.
   * @default - none: the level is restricted
   */
  readonly cause?: string;
}

/** A strategy `auto` tried before the one it chose, and why that one did not fit. */
export interface PassedOver {
  /** The strategy. */
  readonly kind: ResolvedBindStrategyKind;
  /** Whether it runs the binding container as uid 0. */
  readonly runsAsRoot: boolean;
  /** Its obstacle, or the level it meets at most. */
  readonly why: string;
}

/** What a strategy writes: the parts of a plan that differ from one strategy to another. */
export interface StrategyRendering {
  /** The binding container's `securityContext`. */
  readonly containerSecurityContext: ContainerSecurityContextSpec;
  /** The pod's `securityContext`. */
  readonly podSecurityContext: PodSecurityContextSpec;
  /** The port the process binds for each requested port, in order. */
  readonly containerPorts: readonly number[];
  /** The pod template annotations. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Dockerfile lines for the image's final stage. */
  readonly dockerfileLines: readonly string[];
  /**
   * `false` when the pod runs in its own user namespace (`spec.hostUsers: false`).
   * @default - unset: the pod shares the node's user namespace
   */
  readonly hostUsers?: false;
}

/**
 * One bind strategy, all of it in one record.
 *
 * @typeParam K the strategy's kind
 */
export interface StrategyDefinition<K extends ResolvedBindStrategyKind = ResolvedBindStrategyKind> {
  /** Its kind: the `BindStrategy` factory's name, and what the plan's annotation records. */
  readonly kind: K;
  /** The binding container runs as uid 0 (the reasons say so, and whose uid the others run as). */
  readonly runsAsRoot: boolean;
  /** What it does, in one sentence: the reason of a plan that asked for it by name. */
  readonly summary: string;
  /**
   * The most restrictive level its pod meets with these facts, before what the pod itself costs
   * (hostNetwork makes every plan privileged: the planner applies that to every strategy).
   */
  maxLevel(facts: PlanFacts): LevelLimit;
  /**
   * Why it cannot bind the ports with these facts (the level aside), or `undefined`.
   *
   * @param explicit the strategy was asked for by name, not chosen by `auto` (which asks more of the facts)
   */
  obstacle(facts: PlanFacts, explicit: boolean): string | undefined;
  /**
   * Why `auto` chose it, in one or two sentences.
   *
   * @param passedOver the strategies before it in `auto`'s order, and why each did not fit
   */
  autoReason(facts: PlanFacts, passedOver: readonly PassedOver[]): string;
  /**
   * Its pod: `base` (non-root, every capability dropped, each port bound as it is requested)
   * with what the strategy changes.
   */
  render(base: StrategyRendering, facts: PlanFacts): StrategyRendering;
  /**
   * The remedies that lead to it when `failed` was refused, before the planner tries them (only
   * those whose change then plans are offered).
   */
  remedies(facts: PlanFacts, failed: BindStrategyKind): readonly BindRemedy[];
}

/** The capabilities of a container that keeps NET_BIND_SERVICE and nothing else. */
export function netBindServiceOnly(): ContainerSecurityContextSpec['capabilities'] {
  return { drop: ['ALL'], add: [NET_BIND_SERVICE] };
}
