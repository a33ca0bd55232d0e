/**
 * What a workload that must listen on a (possibly privileged) port declares to the planner, and
 * how a face calls it: the planner's input types.
 */
import type { BindStrategy, ImageBase } from './bind-strategy';
import type { PlannerImageInspection } from './image-inspection';
import type { PodSecurityLevel } from '../model/pod-security-types';
import type { PortProtocol } from '../model/ports';

/** One of several ports a workload serves (`PrivilegedPortIntent.ports`). */
export interface PrivilegedPortRequest {
  /** The port clients connect to (the Service port), 1–65535. */
  readonly port: number;
  /**
   * Its protocol.
   * @default 'TCP'
   */
  readonly protocol?: PortProtocol;
  /**
   * The container port's and the Service port's name (an IANA_SVC_NAME, ≤ 15 characters, unique).
   * @default `<protocol>-<port>`, e.g. `udp-53`
   */
  readonly name?: string;
  /**
   * The unprivileged port (1024–65535) the application listens on for this port under the high-port strategy.
   * @default 8080 for the first privileged port number (or `BindStrategy.highPort({ containerPort })`), the next free one for each other, the port itself when it is ≥ 1024
   */
  readonly containerPort?: number;
}

/**
 * What every cluster the workload runs on supports beyond what its Kubernetes version says: the
 * node stack (container runtime, OCI runtime, kernel) and feature gates the planner cannot see.
 */
export interface ClusterFeatures {
  /**
   * Every node supports pods in their own user namespace (`spec.hostUsers: false`, KEP-127):
   * Kubernetes ≥ 1.33 (UserNamespacesSupport on by default; 1.30–1.32 with the gate turned on;
   * stable from 1.36), containerd ≥ 2.0 or CRI-O ≥ 1.25, runc ≥ 1.2 or crun ≥ 1.9, and Linux ≥ 6.3
   * (idmapped mounts on tmpfs, which service account tokens use). Then `auto` may choose
   * `BindStrategy.userNamespace()`, and Pod Security counts it restricted where the cluster and
   * the policy version are ≥ 1.35. Declared wrongly, the API server drops `hostUsers` (gate off) or
   * the kubelet refuses the pod (a runtime without user namespaces): a restricted namespace then
   * refuses the root container, a baseline one runs it as root on the node (docs/strategies.md).
   * @default false
   */
  readonly userNamespaces?: boolean;
}

/** What a workload that must be reachable on a (possibly privileged) port declares. */
export interface PrivilegedPortIntent {
  /**
   * The port clients connect to (the Service port), 1–65535. Give `port` for one port, or
   * `ports` for several (not both).
   * @default - none: `ports` must be given
   */
  readonly port?: number;
  /**
   * The port's protocol (with `port`; each entry of `ports` has its own).
   * @default 'TCP'
   */
  readonly protocol?: PortProtocol;
  /**
   * Several ports and protocols served by the one process, e.g. a DNS server's
   * `[{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]`. One strategy binds them all:
   * the sysctl is lowered to the lowest of them; under the high-port strategy each port number
   * gets a container port of its own (the entry's `containerPort`, else 8080, 8081, … — one
   * number under two protocols shares one). Instead of `port`, `protocol`, `portName` and `containerPort`.
   * @default - the single `port`
   */
  readonly ports?: readonly PrivilegedPortRequest[];
  /**
   * How to bind it.
   * @default BindStrategy.auto()
   */
  readonly strategy?: BindStrategy;
  /**
   * The Pod Security Standards level the pod must meet.
   * @default 'restricted'
   */
  readonly level?: PodSecurityLevel;
  /**
   * The Pod Security Standards policy version the level is evaluated at (`latest`, `v1.25`).
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * The oldest Kubernetes version the workload must run on (`1.22`, `v1.29.3`). The sysctl
   * strategy needs ≥ 1.22; the user-namespace strategy ≥ 1.25, and ≥ 1.35 to meet restricted.
   * @default '1.25' — Pod Security Admission stable
   */
  readonly minKubernetesVersion?: string;
  /**
   * What every cluster the workload runs on supports (user namespaces), which its Kubernetes
   * version alone does not tell.
   * @default {} — nothing beyond what `minKubernetesVersion` implies
   */
  readonly clusterFeatures?: ClusterFeatures;
  /**
   * The pod uses the node's network namespace. Pod Security baseline forbids it, so only
   * level `privileged` can be met, and the sysctl strategy is impossible.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * The application can be told which port to listen on, so `auto` may choose the high-port strategy.
   * @default false
   */
  readonly appPortConfigurable?: boolean;
  /**
   * The unprivileged port (1024–65535) the application listens on when the high-port strategy
   * is used (`BindStrategy.highPort({ containerPort })` takes precedence). With `port` only.
   * @default 8080, or `port` itself when it is ≥ 1024
   */
  readonly containerPort?: number;
  /**
   * The image's binary already carries the file capability `cap_net_bind_service=+ep`. Then
   * `auto` must keep NET_BIND_SERVICE in the bounding set (or the exec fails with EPERM), so it
   * chooses the file-capability strategy; high-port and sysctl plans are refused.
   * @default false
   */
  readonly imageHasFileCapability?: boolean;
  /**
   * The absolute path of the binary the container executes. Given, `auto` may choose the
   * file-capability strategy and emit the Dockerfile lines that `setcap` it.
   * @default - unknown: `auto` does not consider the file-capability strategy unless `imageHasFileCapability`
   */
  readonly binary?: string;
  /**
   * The distribution of the image's final stage, for the Dockerfile lines.
   * @default 'debian'
   */
  readonly imageBase?: ImageBase;
  /**
   * The image itself, read from disk before planning (reading is async, planning is not):
   * `await readImageInspection('oci-archive:app.tar', { binaries: ['/usr/local/bin/server'] })`.
   * The binary (`binary`, else what the image's Entrypoint/Cmd execute) is checked for
   * `cap_net_bind_service` with the effective bit: with it, `auto` chooses the file-capability
   * strategy; without it, the file-capability strategy — explicit, or `auto`'s last non-root
   * choice — throws a `BindStrategyError` naming the image, the binary and the Dockerfile lines
   * to add. The image's USER (a resolved, non-zero uid) is the default of `runAsUser`, and its
   * gid of `runAsGroup`. The image's own Entrypoint/Cmd are what it checks: a workload that
   * replaces them (`command`) must name `binary`.
   * @default - none: the planner trusts `imageHasFileCapability` and `binary`
   */
  readonly imageInspection?: PlannerImageInspection;
  /**
   * The name of the container that binds the port.
   * @default 'main' (as cdk8s-plus names a single container)
   */
  readonly containerName?: string;
  /**
   * The name of the container port and the Service port (an IANA_SVC_NAME, ≤ 15 characters). With `port` only.
   * @default `<protocol>-<port>`, e.g. `tcp-80`
   */
  readonly portName?: string;
  /**
   * The uid of the pod's processes, non-root. It contradicts `BindStrategy.rootWithNetBindService()`
   * and `BindStrategy.userNamespace()`, which run the binding container as uid 0: that is refused
   * with a `BindStrategyError`, and `auto` does not consider them when `runAsUser` is given.
   * @default the image's USER when `imageInspection` resolves it to a non-zero uid, else 65532
   */
  readonly runAsUser?: number;
  /**
   * The gid of the pod's processes, also the pod's fsGroup.
   * @default the image USER's gid when `runAsUser` comes from the image and the gid is non-zero, else 65532
   */
  readonly runAsGroup?: number;
  /**
   * Whether the container's root filesystem is read-only.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
}

/** How a face calls the planner: its name and vocabulary in messages, and what it cannot change. */
export interface PlanOptions {
  /**
   * Who plans, as messages name it: `PrivilegedPortService "web"`, `HardenedContainer web`.
   * @default 'planPrivilegedPort'
   */
  readonly caller?: string;
  /**
   * The caller's names for the intent's props, for messages (`HardenedContainer` calls `runAsUser` `user`).
   * @default - the intent's own names
   */
  readonly propNames?: Readonly<Partial<Record<keyof PrivilegedPortIntent, string>>>;
  /**
   * The container's ports are its own and cannot move (`hardenWorkload`, `HardenedContainer`):
   * an explicit high-port strategy is refused and `auto` never chooses it for a privileged port.
   * @default false
   */
  readonly containerPortsFixed?: boolean;
  /**
   * `runAsUser` is also the uid of the pod's other containers, which a root plan leaves as they
   * are (`hardenWorkload`): the root strategy's uid 0 for the binding container does not contradict it.
   * @default false — the root strategy with a declared `runAsUser` is refused
   */
  readonly runAsUserForOtherContainers?: boolean;
}
