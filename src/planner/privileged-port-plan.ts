/**
 * The planner's answer — the plan a face writes into the manifest — and the pod it describes.
 */
import type { BindStrategyKind, ResolvedBindStrategyKind } from './bind-strategy';
import type { ContainerPortSpec, ContainerSecurityContextSpec, PodSecurityContextSpec, ServicePortSpec } from './kube-shapes';
import type { PodInput, PodSecurityLevel } from '../model/pod-security-types';
import type { PortProtocol } from '../model/ports';

/** The pod template annotation that records the strategy the planner chose. */
export const BIND_STRATEGY_ANNOTATION = 'k8s-least-privilege.dev/bind-strategy';

/** The pod template annotation that records why. */
export const BIND_STRATEGY_REASON_ANNOTATION = 'k8s-least-privilege.dev/bind-strategy-reason';

/** The planner's answer: everything a face (cdk8s, Pulumi, YAML) writes into the manifest. */
export interface PrivilegedPortPlan {
  /** The strategy chosen. */
  readonly strategy: ResolvedBindStrategyKind;
  /** The strategy asked for (`auto` or the explicit one). */
  readonly requestedStrategy: BindStrategyKind;
  /** Why this strategy, in one or two sentences. */
  readonly reason: string;
  /** The Pod Security level the plan meets (verified by the model), at {@link PrivilegedPortPlan.podSecurityVersion}. */
  readonly level: PodSecurityLevel;
  /** The policy version the level was verified at (`latest` resolved). */
  readonly podSecurityVersion: string;
  /** The port clients connect to (the first one; `servicePorts` has every one). */
  readonly port: number;
  /** Its protocol. */
  readonly protocol: PortProtocol;
  /** The port the process binds for it (differs from `port` for the high-port strategy; `containerPorts` has every one). */
  readonly containerPort: number;
  /** The container that binds it. */
  readonly containerName: string;
  /** Whether the pod uses hostNetwork. */
  readonly hostNetwork: boolean;
  /**
   * `false` when the pod runs in its own user namespace (`spec.hostUsers: false`, the user-namespace
   * strategy): write it on the pod spec.
   * @default - unset: the pod shares the node's user namespace
   */
  readonly hostUsers?: false;
  /** The binding container's `securityContext`. */
  readonly containerSecurityContext: ContainerSecurityContextSpec;
  /** The pod's `securityContext` (sysctls, seccomp RuntimeDefault, runAsNonRoot, ids, fsGroup). */
  readonly podSecurityContext: PodSecurityContextSpec;
  /** The binding container's named ports, one per requested port. */
  readonly containerPorts: readonly ContainerPortSpec[];
  /** The Service's ports, each mapped to a container port by name and number. */
  readonly servicePorts: readonly ServicePortSpec[];
  /** The pod template annotations: the decision, and the file capability when the image has one. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Dockerfile lines for the image's final stage (file-capability strategy only; empty otherwise). */
  readonly dockerfileLines: readonly string[];
}

/**
 * The pod a plan describes, with one container running `image`: what the planner verifies,
 * and what a face without cdk8s can start from.
 */
export function podOfPlan(
  plan: PrivilegedPortPlan,
  image = 'image',
): PodInput & { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } {
  return {
    metadata: { annotations: { ...plan.podAnnotations } },
    spec: {
      ...(plan.hostNetwork ? { hostNetwork: true } : {}),
      ...(plan.hostUsers === false ? { hostUsers: false } : {}),
      securityContext: plan.podSecurityContext,
      containers: [{ name: plan.containerName, image, securityContext: plan.containerSecurityContext, ports: plan.containerPorts }],
    },
  };
}
