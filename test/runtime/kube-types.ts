/**
 * The parts of a Kubernetes pod (core/v1) that the runtime harness translates into CRI
 * requests. Field names and meanings are those of the Kubernetes API reference; only
 * what kubelet hands to the runtime for a bind test is here.
 */

/** core/v1 Capabilities: names passed to the runtime exactly as written. */
export interface KubeCapabilities {
  readonly add?: readonly string[];
  readonly drop?: readonly string[];
}

/** core/v1 SeccompProfile. */
export interface KubeSeccompProfile {
  readonly type: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  readonly localhostProfile?: string;
}

/** core/v1 SecurityContext (container level). */
export interface KubeSecurityContext {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: KubeCapabilities;
  readonly seccompProfile?: KubeSeccompProfile;
}

/** core/v1 Sysctl. */
export interface KubeSysctl {
  readonly name: string;
  readonly value: string;
}

/** core/v1 PodSecurityContext. */
export interface KubePodSecurityContext {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly fsGroup?: number;
  readonly supplementalGroups?: readonly number[];
  readonly sysctls?: readonly KubeSysctl[];
  readonly seccompProfile?: KubeSeccompProfile;
}

/** core/v1 ContainerPort. */
export interface KubeContainerPort {
  readonly containerPort: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly name?: string;
}

/** core/v1 Container. */
export interface KubeContainer {
  readonly name: string;
  readonly image?: string;
  /** Replaces the image's Entrypoint; the harness honours only the probe's own paths (cri-config.ts), or any for an image run as is. */
  readonly command?: readonly string[];
  /** Replaces the image's Cmd; honoured only for an image run as is (cri-config.ts). */
  readonly args?: readonly string[];
  readonly ports?: readonly KubeContainerPort[];
  readonly securityContext?: KubeSecurityContext;
}

/** core/v1 PodSpec. */
export interface KubePodSpec {
  readonly containers: readonly KubeContainer[];
  readonly initContainers?: readonly KubeContainer[];
  readonly ephemeralContainers?: readonly KubeContainer[];
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly shareProcessNamespace?: boolean;
  /** `false`: the pod gets a user namespace of its own (KEP-127); unset or true: the node's. */
  readonly hostUsers?: boolean;
  readonly securityContext?: KubePodSecurityContext;
}

/** core/v1 ObjectMeta, the part that matters here. */
export interface KubeObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A pod, or the pod template of a workload. */
export interface KubePod {
  readonly metadata?: KubeObjectMeta;
  readonly spec: KubePodSpec;
}
