/**
 * The model's word on a fix, before it is written: the workload as fixed is checked again, and
 * the fix stands only if the ports it was for now bind, no port binds worse than before, the Pod
 * Security level the workload met is still met, and no error-severity finding is new.
 */
import type { ObjectCheck, ObjectFinding } from '../check/check-object';
import type { PortReport } from '../check/report';
import type { BindVerdict } from '../model/bind-verdict';
import { describePort } from '../model/ports';
import { levelRank } from '../planner/verify-pod';

/** A port of a workload: its container and its place in the container's judged ports. */
export interface PortKey {
  /** The container's name. */
  readonly container: string;
  /** The index among the container's judged ports (declared first, then the undeclared ones). */
  readonly index: number;
}

const VERDICT_RANK: Readonly<Record<BindVerdict, number>> = { denied: 0, unknown: 1, allowed: 2 };

/**
 * Why the workload as fixed (`after`) is not acceptable, in one sentence, or `undefined` when it
 * is: every port of `bound` must be `allowed` after, no port may bind worse than `before`, the
 * Pod Security level may not drop, and no unsuppressed error-severity finding may be new (on a rule,
 * container and field that had none).
 */
export function fixProblem(before: ObjectCheck, after: ObjectCheck, bound: readonly PortKey[]): string | undefined {
  const portsBefore = portsByKey(before);
  const portsAfter = portsByKey(after);
  for (const key of bound) {
    const port = portsAfter.get(keyOf(key));
    if (port?.bind !== 'allowed') {
      return port === undefined
        ? `container "${key.container}" would lose a port it declares`
        : `container "${key.container}" port ${describePort(port)} would still be ${port.bind}: ${port.reason}`;
    }
  }
  for (const [key, port] of portsAfter) {
    const previous = portsBefore.get(key);
    if (previous !== undefined && VERDICT_RANK[port.bind] < VERDICT_RANK[previous.bind]) {
      return `port ${describePort(port)} of container "${key.split('\0')[0]}" would be ${port.bind} (it is ${previous.bind} now): ${port.reason}`;
    }
  }
  const levelBefore = before.analysis?.podSecurity.level;
  const levelAfter = after.analysis?.podSecurity.level;
  if (levelBefore !== undefined && levelAfter !== undefined && levelRank(levelAfter) < levelRank(levelBefore)) {
    return `the pod would meet Pod Security ${levelAfter} only, not ${levelBefore} as it does now`;
  }
  // A finding is the same when its rule, container and field are: its wording may change with the fix.
  const findingKey = (finding: ObjectFinding) => JSON.stringify([finding.ruleId, finding.container, finding.path]);
  const errorsBefore = new Set(before.findings.filter((finding) => finding.severity === 'error').map(findingKey));
  const newError = after.findings.find((finding) => finding.severity === 'error' && finding.suppressionReason === undefined && !errorsBefore.has(findingKey(finding)));
  return newError === undefined ? undefined : `it would bring a new error (${newError.ruleId}): ${newError.message}`;
}

function keyOf(key: PortKey): string {
  return `${key.container}\0${key.index}`;
}

function portsByKey(check: ObjectCheck): Map<string, PortReport> {
  const ports = new Map<string, PortReport>();
  for (const container of check.containers) container.ports.forEach((port, index) => ports.set(keyOf({ container: container.name, index }), port));
  return ports;
}
