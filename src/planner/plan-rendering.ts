/**
 * Writes a chosen strategy out as a plan: the pod every strategy starts from (non-root, every
 * capability dropped, seccomp RuntimeDefault, the decision annotated), changed by the strategy's
 * record, and the named container and Service ports.
 */
import type { BindStrategyKind } from './bind-strategy';
import { NET_BIND_SERVICE_FILE_CAPABILITY } from './dockerfile';
import type { ContainerPortSpec, ServicePortSpec } from './kube-shapes';
import type { PlanFacts } from './plan-facts';
import type { PrivilegedPortPlan } from './privileged-port-plan';
import { BIND_STRATEGY_ANNOTATION, BIND_STRATEGY_REASON_ANNOTATION } from './privileged-port-plan';
import type { StrategyRendering } from './strategies/strategy-definition';
import type { StrategyChoice } from './strategy-choice';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';

/**
 * The plan of a chosen strategy (not yet verified by the model).
 *
 * @param facts the facts it was chosen from
 * @param requested the strategy asked for
 * @param choice the strategy chosen, and why
 * @throws RangeError when two ports would listen on one container port under the high-port strategy
 */
export function renderPlan(facts: PlanFacts, requested: BindStrategyKind, choice: StrategyChoice): PrivilegedPortPlan {
  const { definition, reason } = choice;
  const rendered = definition.render(baseRendering(facts, definition.kind, reason), facts);
  const { containerPorts } = rendered;
  return {
    strategy: definition.kind,
    requestedStrategy: requested,
    reason,
    level: facts.level,
    podSecurityVersion: facts.podSecurityVersion,
    port: facts.ports[0].port,
    protocol: facts.ports[0].protocol,
    containerPort: containerPorts[0],
    containerName: facts.containerName,
    hostNetwork: facts.hostNetwork,
    ...(rendered.hostUsers === false ? { hostUsers: false as const } : {}),
    containerSecurityContext: rendered.containerSecurityContext,
    podSecurityContext: rendered.podSecurityContext,
    containerPorts: facts.ports.map(
      (request, index): ContainerPortSpec => ({ name: request.name, containerPort: containerPorts[index], protocol: request.protocol }),
    ),
    servicePorts: facts.ports.map(
      (request, index): ServicePortSpec => ({
        name: request.name,
        port: request.port,
        targetPort: request.name,
        targetPortNumber: containerPorts[index],
        protocol: request.protocol,
      }),
    ),
    podAnnotations: rendered.podAnnotations,
    dockerfileLines: rendered.dockerfileLines,
  };
}

/** The pod every strategy starts from: non-root, no capability, each port bound as it is requested. */
function baseRendering(facts: PlanFacts, kind: string, reason: string): StrategyRendering {
  const { runAsUser, runAsGroup } = facts;
  return {
    containerSecurityContext: {
      runAsUser,
      runAsGroup,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: facts.readOnlyRootFilesystem,
      capabilities: { drop: ['ALL'] },
    },
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser,
      runAsGroup,
      fsGroup: runAsGroup,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containerPorts: facts.ports.map((request) => request.port),
    podAnnotations: {
      [BIND_STRATEGY_ANNOTATION]: kind,
      [BIND_STRATEGY_REASON_ANNOTATION]: reason,
      // The image's binary carries the capability whatever the strategy: the checker reads it from here.
      ...(facts.imageHasFileCapability ? { [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${facts.containerName}`]: NET_BIND_SERVICE_FILE_CAPABILITY } : {}),
    },
    dockerfileLines: [],
  };
}
