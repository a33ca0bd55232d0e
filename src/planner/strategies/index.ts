/**
 * Every bind strategy's record, in the order `auto` tries them: the least privileged first.
 *
 * 1. high port — no privilege at all (needs a configurable port, or a port that is not privileged);
 * 2. the user namespace — uid 0 inside the pod's own user namespace with only NET_BIND_SERVICE
 *    (needs a cluster declared to support user namespaces; `auto` takes it only where Pod Security
 *    counts it restricted, Kubernetes and policy ≥ 1.35);
 * 3. the sysctl — no capability and no image change (Kubernetes ≥ 1.22, not with hostNetwork);
 * 4. the file capability — a capability and an image change (needs the binary, or an image whose
 *    binary carries it: that rules out 1 and 3 through their obstacles, so it comes first then,
 *    unless the user namespace fits);
 * 5. root with NET_BIND_SERVICE — uid 0 on the node, baseline at most, never against a declared uid.
 *
 * Why the user namespace ranks above the sysctl and the file capability, though its process is
 * uid 0 and holds a capability: least privilege is judged by what a compromised process can reach
 * outside its pod. In the user namespace nothing it holds counts outside: its uids map to a block
 * of host ids that no other pod and no host file uses (KEP-127), and NET_BIND_SERVICE is held in a
 * user namespace that owns only the pod's own network namespace. The sysctl's and the file
 * capability's process runs in the node's user namespace as a uid (65532 by default) that every
 * pod with the same uid shares, so an escape reaches their files and processes; the file
 * capability's NET_BIND_SERVICE is held in the node's initial user namespace and needs an image
 * change, and the sysctl opens the ports to every container of the pod. What the user namespace
 * costs stays inside the pod: the binding process owns the image's root-owned files (the read-only
 * root filesystem keeps them read-only). Only a declared cluster gets it, so no decision changes
 * for an intent that does not declare user-namespace support.
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
import { userNamespace } from './user-namespace';

/** Every strategy, in the order `auto` tries them. */
export const STRATEGIES = [highPort, userNamespace, unprivilegedPortSysctl, fileCapability, rootWithNetBindService] as const;

/** The kinds that have a record: every `ResolvedBindStrategyKind` (a kind without one fails to compile where it is looked up). */
export type DefinedStrategyKind = (typeof STRATEGIES)[number]['kind'];

/** The record of a strategy asked for by name. */
export function strategyDefinition(kind: DefinedStrategyKind): StrategyDefinition {
  const definition = STRATEGIES.find((strategy) => strategy.kind === kind);
  if (definition === undefined) throw new Error(`k8s-least-privilege planner bug: no record for the strategy ${kind}`);
  return definition;
}
