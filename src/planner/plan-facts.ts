/**
 * What the planner knows when it chooses: the intent's declarations with their defaults applied,
 * and what the image (when it was read) says about its binary and user.
 */
import type { BindStrategy, ImageBase } from './bind-strategy';
import { fileCapabilityDockerfileLines } from './dockerfile';
import type { ImageBinaryCheck } from './image-inspection';
import { checkImageBinary, imageUserIds } from './image-inspection';
import type { KubernetesVersion } from './kubernetes-version';
import { DEFAULT_MIN_KUBERNETES_VERSION, parseKubernetesVersion } from './kubernetes-version';
import type { PortRequest } from './port-requests';
import { lowestPrivilegedPort } from './port-requests';
import type { PlanOptions, PrivilegedPortIntent } from './privileged-port-intent';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { resolvePolicyVersion } from '../model/pss';

/**
 * The default uid and gid: 65532, the `nonroot` user of distroless and Chainguard images — a
 * non-zero id with no entry in most images' /etc/passwd and no meaning on the host.
 */
export const DEFAULT_NON_ROOT_ID = 65532;

/** The facts a plan is chosen from. */
export interface PlanFacts {
  /** Who plans, for messages. */
  readonly caller: string;
  /** The intent's props as the caller names them, for messages (`runAsUser` is `user` to `HardenedContainer`). */
  readonly propName: (prop: keyof PrivilegedPortIntent) => string;
  /** The ports, in order. */
  readonly ports: readonly PortRequest[];
  /** The lowest port below 1024, or `undefined` when none is. */
  readonly lowestPrivileged: number | undefined;
  /** The declared level. */
  readonly level: PodSecurityLevel;
  /** The policy version the level is evaluated at (`latest` resolved, e.g. `v1.35`). */
  readonly podSecurityVersion: string;
  /** Whether the pod uses the node's network namespace. */
  readonly hostNetwork: boolean;
  /** The oldest Kubernetes version to run on. */
  readonly kubernetes: KubernetesVersion;
  /** Every cluster is declared to support pods in their own user namespace (`clusterFeatures.userNamespaces`). */
  readonly userNamespaces: boolean;
  /** The application's port can be configured. */
  readonly appPortConfigurable: boolean;
  /** The container's ports are its own (hardenWorkload, HardenedContainer): the high-port strategy cannot move them. */
  readonly containerPortsFixed: boolean;
  /** The image's binary carries cap_net_bind_service=+ep (declared, or read from the image). */
  readonly imageHasFileCapability: boolean;
  /** The binary `setcap` marks, when known. */
  readonly binary: string | undefined;
  /** The binary as the image has it, when an image inspection was given and tells which binary. */
  readonly imageCheck: ImageBinaryCheck | undefined;
  /** Why the image cannot serve the file-capability strategy (its binary lacks the capability), with the Dockerfile lines. */
  readonly imageLacksCapability: string | undefined;
  /** `imageHasFileCapability` is declared, and the image read shows the binary without it. */
  readonly declaredCapabilityContradicted: boolean;
  /** The uid of the pod's processes (non-root). */
  readonly runAsUser: number;
  /** The gid of the pod's processes. */
  readonly runAsGroup: number;
  /** Where `runAsUser` comes from: declared in the intent, the image's USER, or the default. */
  readonly runAsUserSource: 'declared' | 'image' | 'default';
  /** A declared `runAsUser` that the root strategy would contradict (not when it is the other containers' uid). */
  readonly contradictsRoot: number | undefined;
  /** The image's distribution, for the Dockerfile lines. */
  readonly imageBase: ImageBase;
  /** The container that binds the ports. */
  readonly containerName: string;
  /** Whether the container's root filesystem is read-only. */
  readonly readOnlyRootFilesystem: boolean;
  /** The container port asked for the first port under the high-port strategy (`BindStrategy.highPort({ containerPort })`, else the intent's `containerPort`). */
  readonly preferredHighPort: number | undefined;
}

/** The facts of a validated intent. */
export function readFacts(intent: PrivilegedPortIntent, strategy: BindStrategy, ports: readonly PortRequest[], options: PlanOptions): PlanFacts {
  const imageIds = intent.imageInspection === undefined || intent.runAsUser !== undefined ? undefined : imageUserIds(intent.imageInspection);
  const runAsUser = intent.runAsUser ?? imageIds?.runAsUser ?? DEFAULT_NON_ROOT_ID;
  const runAsGroup = intent.runAsGroup ?? imageIds?.runAsGroup ?? DEFAULT_NON_ROOT_ID;
  const imageBase = strategy.imageBase ?? intent.imageBase ?? 'debian';
  const declaredBinary = strategy.binary ?? intent.binary;
  const imageCheck = intent.imageInspection === undefined ? undefined : checkImageBinary(intent.imageInspection, declaredBinary);
  let imageLacksCapability: string | undefined;
  if (imageCheck !== undefined && !imageCheck.hasNetBindService) {
    const lines = fileCapabilityDockerfileLines({ binary: imageCheck.binary, imageBase, runAsUser, runAsGroup });
    imageLacksCapability =
      `the image ${imageCheck.image} does not give ${imageCheck.binary} cap_net_bind_service with the effective bit (it has ${imageCheck.found}), ` +
      `so under this plan the binary binds nothing (EACCES); add to the final stage of its Dockerfile:\n${lines.join('\n')}\n`;
  }
  const names = options.propNames ?? {};
  return {
    caller: options.caller ?? 'planPrivilegedPort',
    propName: (prop) => names[prop] ?? prop,
    ports,
    lowestPrivileged: lowestPrivilegedPort(ports),
    level: intent.level ?? 'restricted',
    podSecurityVersion: resolvePolicyVersion(intent.podSecurityVersion ?? 'latest'),
    hostNetwork: intent.hostNetwork ?? false,
    kubernetes: parseKubernetesVersion(intent.minKubernetesVersion ?? DEFAULT_MIN_KUBERNETES_VERSION),
    userNamespaces: intent.clusterFeatures?.userNamespaces ?? false,
    appPortConfigurable: intent.appPortConfigurable ?? false,
    containerPortsFixed: options.containerPortsFixed ?? false,
    imageHasFileCapability: (intent.imageHasFileCapability ?? false) || imageCheck?.hasNetBindService === true,
    binary: declaredBinary ?? imageCheck?.binary,
    imageCheck,
    imageLacksCapability,
    declaredCapabilityContradicted: imageLacksCapability !== undefined && intent.imageHasFileCapability === true,
    runAsUser,
    runAsGroup,
    runAsUserSource: intent.runAsUser !== undefined ? 'declared' : imageIds !== undefined ? 'image' : 'default',
    contradictsRoot: intent.runAsUser !== undefined && options.runAsUserForOtherContainers !== true ? intent.runAsUser : undefined,
    imageBase,
    containerName: intent.containerName ?? 'main',
    readOnlyRootFilesystem: intent.readOnlyRootFilesystem ?? true,
    preferredHighPort: strategy.containerPort ?? intent.containerPort,
  };
}
