/**
 * The planner asked about a container of an existing workload whose ports do not bind: the
 * workload's own facts (its ports, uid, hostNetwork, the image's file capability, the Services
 * of the input that map its ports) become the planner's intent, and the plan it chooses is
 * written with the strategy's edits (strategy-edits.ts). The planner stays the one place that
 * chooses; a refusal carries its reasons and remedies.
 */
import type { PlanEdits, PlanTarget } from './strategy-edits';
import { STRATEGY_EDITS } from './strategy-edits';
import { valueAt } from '../check/node-path';
import { NET_BIND_SERVICE } from '../model/capabilities';
import { asArray, asObject } from '../model/json-value';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { isPortProtocol } from '../model/ports';
import { BindStrategyError } from '../planner/bind-strategy-error';
import type { PrivilegedPortPlan, PrivilegedPortRequest } from '../planner/plan-privileged-port';
import { DEFAULT_HIGH_PORT, planPrivilegedPort } from '../planner/plan-privileged-port';

/** What the plan must meet beyond binding, and what the workload's owner declared. */
export interface BindPlanRequirements {
  /** The Pod Security level the plan must meet. */
  readonly level: PodSecurityLevel;
  /**
   * The Pod Security Standards policy version.
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * The applications can be told to listen on another port (`check --fix --app-port-configurable`):
   * a port that a Service of the input maps may then move to a high port.
   * @default false
   */
  readonly appPortConfigurable?: boolean;
}

/** A plan and its edits, or why there is none. */
export type BindPlanResult =
  | { readonly ok: true; readonly plan: PrivilegedPortPlan; readonly edits: PlanEdits }
  | { readonly ok: false; readonly why: string };

/** The least-privilege plan for the target's container and ports, written as edits of the workload (and its Services). */
export function planBindFix(target: PlanTarget, requirements: BindPlanRequirements): BindPlanResult {
  const { container } = target;
  const ports: PrivilegedPortRequest[] = [];
  for (const port of container.ports) {
    const { containerPort, protocol } = port;
    if (typeof containerPort !== 'number' || !isPortProtocol(protocol)) continue;
    if (!ports.some((known) => known.port === containerPort && known.protocol === protocol)) ports.push({ port: containerPort, protocol });
  }
  if (ports.length === 0) return { ok: false, why: 'no port of it is a valid number and protocol the planner could bind' };
  const movable = requirements.appPortConfigurable === true && container.ports.every((port) => port.source === 'declared' && mappedByService(target, port.containerPort));
  const context = container.analysis.securityContext;
  const fileCapability = context.fileCapabilities;
  let plan: PrivilegedPortPlan;
  try {
    plan = planPrivilegedPort(
      {
        ports: movable ? withFreeHighPorts(ports, declaredPorts(target)) : ports,
        level: requirements.level,
        podSecurityVersion: requirements.podSecurityVersion,
        hostNetwork: asObject(valueAt(target.object.object, target.pod.specPath))?.hostNetwork === true,
        appPortConfigurable: movable,
        imageHasFileCapability: fileCapability?.effective === true && fileCapability.permitted.has(NET_BIND_SERVICE),
        // The binary the image runs, when it was read: the file capability may then be planned, with the Dockerfile lines.
        binary: context.imageFacts?.binary?.assumed === true ? undefined : context.imageFacts?.binary?.path,
        containerName: container.analysis.name,
        runAsUser: context.user.kind === 'non-root' ? context.user.uid : undefined,
      },
      { caller: `check --fix: container "${container.analysis.name}"`, containerPortsFixed: !movable },
    );
  } catch (error) {
    if (error instanceof BindStrategyError || error instanceof TypeError || error instanceof RangeError) return { ok: false, why: error.message };
    throw error;
  }
  return { ok: true, plan, edits: STRATEGY_EDITS[plan.strategy](plan, target) };
}

/**
 * The requests with the high port each would move to: from 8080 up, past every port a container of
 * the pod declares (the containers share one network namespace, so two cannot listen on one port).
 * One number under two protocols shares one high port, as the planner does.
 */
function withFreeHighPorts(ports: readonly PrivilegedPortRequest[], taken: ReadonlySet<number>): PrivilegedPortRequest[] {
  const chosen = new Map<number, number>();
  let next = DEFAULT_HIGH_PORT;
  return ports.map((request) => {
    let containerPort = chosen.get(request.port);
    if (containerPort === undefined) {
      while (taken.has(next)) next++;
      chosen.set(request.port, (containerPort = next++));
    }
    return { ...request, containerPort };
  });
}

/** Every port number a container of the target's pod declares. */
function declaredPorts(target: PlanTarget): Set<number> {
  const spec = asObject(valueAt(target.object.object, target.pod.specPath));
  const containers = ['initContainers', 'containers'].flatMap((list) => asArray(spec?.[list]) ?? []);
  const ports = containers.flatMap((container) => asArray(asObject(container)?.ports) ?? []);
  return new Set(ports.map((port) => asObject(port)?.containerPort).filter((port): port is number => typeof port === 'number'));
}

/** Whether a Service of the input sends traffic to the port: its targetPort (or port) is the number. */
function mappedByService(target: PlanTarget, containerPort: unknown): boolean {
  return target.services.some((service) =>
    (asArray(valueAt(service.object, ['spec', 'ports'])) ?? []).some((entry) => {
      const port = asObject(entry);
      return port !== undefined && (port.targetPort ?? port.port) === containerPort;
    }),
  );
}
