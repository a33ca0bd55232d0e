import { PodSecurityLevel } from '../model/pod-security-types';
import { BindStrategyKind } from './bind-strategy';

/**
 * The planner cannot meet the intent: the strategy asked for (or, for `auto`, every
 * strategy) cannot bind the port at the declared Pod Security level with the declared facts.
 * The message names the strategy, the port, the level, why, and the alternatives.
 */
export class BindStrategyError extends Error {
  /** The strategy that was asked for (`auto` when none fits). */
  public readonly strategy: BindStrategyKind;
  /** The declared Pod Security level. */
  public readonly level: PodSecurityLevel;
  /** What would work instead, one sentence each. */
  public readonly alternatives: readonly string[];

  constructor(strategy: BindStrategyKind, level: PodSecurityLevel, port: string, why: string, alternatives: readonly string[]) {
    const tail = alternatives.length > 0 ? ` Alternatives: ${alternatives.join('; ')}.` : '';
    super(`BindStrategy.${strategy}() cannot bind ${port} at Pod Security "${level}": ${why}.${tail}`);
    this.name = 'BindStrategyError';
    this.strategy = strategy;
    this.level = level;
    this.alternatives = alternatives;
  }
}
