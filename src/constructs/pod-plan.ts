import type { IConstruct } from 'constructs';
import type { Cdk8sPlusWorkload } from './cdk8s-plus';
import { patchPodSecurityContext, patchPodSpec } from './security-patch';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import type { PrivilegedPortPlan } from '../planner/plan-privileged-port';
import { BIND_STRATEGY_ANNOTATION, BIND_STRATEGY_REASON_ANNOTATION } from '../planner/plan-privileged-port';

/**
 * Writes the pod-wide part of plans onto a cdk8s-plus workload: the unprivileged port sysctl,
 * `hostUsers: false` (the user-namespace strategy), the decision annotations and the
 * file-capability annotations. Several plans may meet in one pod —
 * `HardenedContainer`s on privileged ports, `hardenWorkload`, `PrivilegedPortService` with a
 * sidecar — so what each asked for is kept per workload and the pod gets all of it: the sysctl at
 * the lowest port any of them binds, every container's decision.
 */

/** What the pod's `net.ipv4.ip_unprivileged_port_start` became. */
export interface PodSysctlChange {
  /** The value the pod now has. */
  readonly value: string;
  /** The value the workload had before, if any (a lower one is kept: it already lets the ports bind). */
  readonly previous: string | undefined;
}

interface PodPlans {
  /** The lowest port a plan lowered the sysctl to. */
  lowestPort: number | undefined;
  /** The workload's own value, read before the first plan changed it. */
  readonly previous: string | undefined;
  /** Each binding container's decision. */
  readonly decisions: Map<string, { strategy: string; reason: string }>;
}

const podPlans = new WeakMap<IConstruct, PodPlans>();

/**
 * Applies a plan's pod-wide part for the containers that bind its ports.
 *
 * @returns the sysctl change, when the plan lowers `ip_unprivileged_port_start`
 */
export function applyPodPlan(
  workload: Cdk8sPlusWorkload,
  plan: PrivilegedPortPlan,
  bindingContainers: readonly string[],
): PodSysctlChange | undefined {
  const state = podPlans.get(workload) ?? newState(workload);
  podPlans.set(workload, state);
  for (const container of bindingContainers) state.decisions.set(container, { strategy: plan.strategy, reason: plan.reason });
  writeDecisions(workload, state);
  const fileCapability = plan.podAnnotations[`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${plan.containerName}`];
  if (fileCapability !== undefined) {
    for (const container of bindingContainers) workload.podMetadata.addAnnotation(`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${container}`, fileCapability);
  }
  // The pod's own user namespace holds every container of the pod: the others keep their uids, now inside it.
  if (plan.hostUsers === false) patchPodSpec(workload, { hostUsers: false });
  const planned = plan.podSecurityContext.sysctls?.find((sysctl) => sysctl.name === UNPRIVILEGED_PORT_START_SYSCTL);
  if (planned === undefined) return undefined;
  state.lowestPort = Math.min(state.lowestPort ?? Number.POSITIVE_INFINITY, Number(planned.value));
  const value = state.previous !== undefined && Number(state.previous) <= state.lowestPort ? state.previous : String(state.lowestPort);
  const others = workload.securityContext.sysctls.filter((sysctl) => sysctl.name !== UNPRIVILEGED_PORT_START_SYSCTL).map((sysctl) => ({ ...sysctl }));
  patchPodSecurityContext(workload, { sysctls: [...others, { name: UNPRIVILEGED_PORT_START_SYSCTL, value }] });
  return { value, previous: state.previous };
}

function newState(workload: Cdk8sPlusWorkload): PodPlans {
  const own = workload.securityContext.sysctls.find((sysctl) => sysctl.name === UNPRIVILEGED_PORT_START_SYSCTL);
  return { lowestPort: undefined, previous: own?.value, decisions: new Map() };
}

function writeDecisions(workload: Cdk8sPlusWorkload, state: PodPlans): void {
  const decisions = [...state.decisions];
  const strategies = [...new Set(decisions.map(([, decision]) => decision.strategy))];
  const reason =
    decisions.length === 1 ? decisions[0][1].reason : decisions.map(([container, decision]) => `${container}: ${decision.reason}`).join(' ');
  workload.podMetadata.addAnnotation(BIND_STRATEGY_ANNOTATION, strategies.join(', '));
  workload.podMetadata.addAnnotation(BIND_STRATEGY_REASON_ANNOTATION, reason);
}
