/**
 * Every bind strategy's record, in the order `auto` tries them: the least privileged first.
 *
 * 1. high port — no privilege at all (needs a configurable port, or a port that is not privileged);
 * 2. the sysctl — no capability and no image change (Kubernetes ≥ 1.22, not with hostNetwork);
 * 3. the file capability — a capability and an image change (needs the binary, or an image whose
 *    binary carries it: that rules out 1 and 2 through their obstacles, so it comes first then);
 * 4. root with NET_BIND_SERVICE — uid 0, baseline at most, never against a declared uid.
 *
 * To add a strategy: write `strategies/<kind>.ts` exporting a {@link StrategyDefinition} named
 * after its kind (its level, obstacles, rendering, reasons and remedies), and put it in
 * {@link STRATEGIES} at the rank of its privilege. Its public face is its kind in
 * `BindStrategyKind` and a factory on `BindStrategy` (bind-strategy.ts); the compiler then asks
 * for the kind in intent-rules.ts's list, and refuses a kind without a record here.
 * test/planner/strategies.test.ts checks the file names and the order, docs/strategies.md has
 * the decision table.
 */
import { fileCapability } from './file-capability';
import { highPort } from './high-port';
import { rootWithNetBindService } from './root-with-net-bind-service';
import type { StrategyDefinition } from './strategy-definition';
import { unprivilegedPortSysctl } from './unprivileged-port-sysctl';

/** Every strategy, in the order `auto` tries them. */
export const STRATEGIES = [highPort, unprivilegedPortSysctl, fileCapability, rootWithNetBindService] as const;

/** The kinds that have a record: every `ResolvedBindStrategyKind` (a kind without one fails to compile where it is looked up). */
export type DefinedStrategyKind = (typeof STRATEGIES)[number]['kind'];

/** The record of a strategy asked for by name. */
export function strategyDefinition(kind: DefinedStrategyKind): StrategyDefinition {
  const definition = STRATEGIES.find((strategy) => strategy.kind === kind);
  if (definition === undefined) throw new Error(`k8s-least-privilege planner bug: no record for the strategy ${kind}`);
  return definition;
}
