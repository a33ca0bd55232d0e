import type { BindStrategyKind } from './bind-strategy';
import { strategyLabel } from './bind-strategy';
import type { PrivilegedPortIntent } from './privileged-port-intent';
import type { PodSecurityLevel } from '../model/pod-security-types';

/**
 * One way out of a {@link BindStrategyError}: what to do, and the change to the intent that does
 * it. The planner recommends a remedy only after planning the intent with the change applied:
 * that plan succeeded and the capability model verified it (every port binds under the strict
 * runtime profile, the level is met). So no remedy leads into a pod that cannot bind.
 */
export interface BindRemedy {
  /** What to do, in one sentence. */
  readonly text: string;
  /**
   * The props to change (a prop set to `undefined` is removed). Where the remedy needs a value
   * only you know — the path of the binary to `setcap` when none was declared — it holds
   * `/path/to/binary` in its place.
   */
  readonly change: Partial<PrivilegedPortIntent>;
}

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
  /** What would work instead, one sentence each (the text of {@link BindStrategyError.remedies}, and any given as text only). */
  public readonly alternatives: readonly string[];
  /** What would work instead, each with the change to the intent that the planner verified. */
  public readonly remedies: readonly BindRemedy[];

  /**
   * @param strategy the strategy asked for
   * @param level the declared level
   * @param port the ports, as messages name them (`port 80/TCP`)
   * @param why why the strategy cannot bind them
   * @param alternatives what would work instead: verified remedies, or sentences
   */
  constructor(strategy: BindStrategyKind, level: PodSecurityLevel, port: string, why: string, alternatives: readonly (string | BindRemedy)[]) {
    const texts = alternatives.map((alternative) => (typeof alternative === 'string' ? alternative : alternative.text));
    const tail = texts.length > 0 ? ` Alternatives: ${texts.join('; ')}.` : '';
    super(`${strategyLabel(strategy)} cannot bind ${port} at Pod Security "${level}": ${why}.${tail}`);
    this.name = 'BindStrategyError';
    this.strategy = strategy;
    this.level = level;
    this.alternatives = texts;
    this.remedies = alternatives.filter((alternative): alternative is BindRemedy => typeof alternative !== 'string');
  }
}
