/**
 * The Kubernetes API shapes the planner emits (core/v1 field names), so a face on it — cdk8s,
 * Pulumi, plain YAML — can copy them as they are.
 */
import type { PortProtocol } from '../model/ports';

/** `capabilities` of a container securityContext; names exact (`ALL`, `NET_BIND_SERVICE`), never `CAP_`-prefixed. */
export interface CapabilitiesSpec {
  /** Capabilities removed from the runtime's default set. */
  readonly drop: readonly string[];
  /** Capabilities added to the bounding set. */
  readonly add?: readonly string[];
}

/** `seccompProfile`. */
export interface SeccompProfileSpec {
  /** Always `RuntimeDefault` here. */
  readonly type: 'RuntimeDefault';
}

/** A container's `securityContext`. */
export interface ContainerSecurityContextSpec {
  /** The uid the process runs as. */
  readonly runAsUser: number;
  /** The gid the process runs as. */
  readonly runAsGroup: number;
  /** `true` unless the strategy runs as uid 0. */
  readonly runAsNonRoot: boolean;
  /** Always `false`: no_new_privs. It does not stop a file capability (docs/architecture.md). */
  readonly allowPrivilegeEscalation: false;
  /** Always `false`. */
  readonly privileged: false;
  /** Always `true` by default; writable paths are emptyDir volumes. */
  readonly readOnlyRootFilesystem: boolean;
  /** `drop: [ALL]` plus only what the strategy needs. */
  readonly capabilities: CapabilitiesSpec;
}

/** One entry of the pod's `securityContext.sysctls`. */
export interface SysctlSpec {
  /** The sysctl's name. */
  readonly name: string;
  /** Its value, a string as the API requires. */
  readonly value: string;
}

/** The pod's `securityContext`. */
export interface PodSecurityContextSpec {
  /** Non-root by default for every container of the pod. */
  readonly runAsNonRoot: true;
  /** The default uid of the pod's containers. */
  readonly runAsUser: number;
  /** The default gid of the pod's containers. */
  readonly runAsGroup: number;
  /** The group that owns the pod's volumes. */
  readonly fsGroup: number;
  /** `RuntimeDefault` for every container. */
  readonly seccompProfile: SeccompProfileSpec;
  /** The sysctls the strategy sets (the unprivileged port sysctl), or none. */
  readonly sysctls?: readonly SysctlSpec[];
}

/** A named container port. */
export interface ContainerPortSpec {
  /** An IANA_SVC_NAME, which the Service targets. */
  readonly name: string;
  /** The port the process binds. */
  readonly containerPort: number;
  /** The protocol. */
  readonly protocol: PortProtocol;
}

/** A Service port and the container port it forwards to. */
export interface ServicePortSpec {
  /** The port's name (same as the container port's). */
  readonly name: string;
  /** The port clients connect to: the privileged port the user asked for. */
  readonly port: number;
  /** The container port's name, which the Service may target. */
  readonly targetPort: string;
  /** The container port's number, for faces that can target only numbers (cdk8s-plus-27). */
  readonly targetPortNumber: number;
  /** The protocol. */
  readonly protocol: PortProtocol;
}
