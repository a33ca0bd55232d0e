import { NET_BIND_SERVICE } from '../model/capabilities';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import { PodInput, PodSecurityLevel } from '../model/pod-security-types';
import { PortProtocol } from '../model/ports';
import { resolvePolicyVersion } from '../model/pss';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../model/runtime-profile';
import { BindStrategy, BindStrategyKind, ImageBase, ResolvedBindStrategyKind } from './bind-strategy';
import { BindStrategyError } from './bind-strategy-error';
import { fileCapabilityDockerfileLines, NET_BIND_SERVICE_FILE_CAPABILITY } from './dockerfile';
import { checkImageBinary, ImageBinaryCheck, imageLabelOf, imageUserIds, PlannerImageInspection } from './image-inspection';
import {
  ContainerPortSpec,
  ContainerSecurityContextSpec,
  PodSecurityContextSpec,
  ServicePortSpec,
} from './kube-shapes';
import {
  DEFAULT_MIN_KUBERNETES_VERSION,
  formatKubernetesVersion,
  isAtLeast,
  KubernetesVersion,
  parseKubernetesVersion,
  UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE,
} from './kubernetes-version';
import { levelRank, verifyPod } from './verify-pod';

/** The pod template annotation that records the strategy the planner chose. */
export const BIND_STRATEGY_ANNOTATION = 'k8s-least-privilege.dev/bind-strategy';

/** The pod template annotation that records why. */
export const BIND_STRATEGY_REASON_ANNOTATION = 'k8s-least-privilege.dev/bind-strategy-reason';

/**
 * The default uid and gid: 65532, the `nonroot` user of distroless and Chainguard images — a
 * non-zero id with no entry in most images' /etc/passwd and no meaning on the host.
 */
export const DEFAULT_NON_ROOT_ID = 65532;

/** The unprivileged port the high-port strategy listens on unless told otherwise. */
export const DEFAULT_HIGH_PORT = 8080;

/** What a workload that must be reachable on a (possibly privileged) port declares. */
export interface PrivilegedPortIntent {
  /** The port clients connect to (the Service port), 1–65535. */
  readonly port: number;
  /**
   * The port's protocol.
   * @default 'TCP'
   */
  readonly protocol?: PortProtocol;
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
   * strategy needs ≥ 1.22.
   * @default '1.25' — Pod Security Admission stable
   */
  readonly minKubernetesVersion?: string;
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
   * The unprivileged port the application listens on when the high-port strategy is used
   * (`BindStrategy.highPort({ containerPort })` takes precedence).
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
   * The name of the container port and the Service port (an IANA_SVC_NAME, ≤ 15 characters).
   * @default `<protocol>-<port>`, e.g. `tcp-80`
   */
  readonly portName?: string;
  /**
   * The uid of the pod's processes (the root strategy overrides it with 0 for the binding container only).
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
  /** The port clients connect to. */
  readonly port: number;
  /** The protocol. */
  readonly protocol: PortProtocol;
  /** The port the process binds (differs from `port` for the high-port strategy). */
  readonly containerPort: number;
  /** The container that binds it. */
  readonly containerName: string;
  /** Whether the pod uses hostNetwork. */
  readonly hostNetwork: boolean;
  /** The binding container's `securityContext`. */
  readonly containerSecurityContext: ContainerSecurityContextSpec;
  /** The pod's `securityContext` (sysctls, seccomp RuntimeDefault, runAsNonRoot, ids, fsGroup). */
  readonly podSecurityContext: PodSecurityContextSpec;
  /** The binding container's named ports. */
  readonly containerPorts: readonly ContainerPortSpec[];
  /** The Service's ports, each mapped to a container port by name and number. */
  readonly servicePorts: readonly ServicePortSpec[];
  /** The pod template annotations: the decision, and the file capability when the image has one. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Dockerfile lines for the image's final stage (file-capability strategy only; empty otherwise). */
  readonly dockerfileLines: readonly string[];
}

interface Facts {
  readonly port: number;
  readonly protocol: PortProtocol;
  readonly level: PodSecurityLevel;
  readonly hostNetwork: boolean;
  readonly kubernetes: KubernetesVersion;
  readonly appPortConfigurable: boolean;
  readonly imageHasFileCapability: boolean;
  readonly binary: string | undefined;
  /** The binary as the image has it, when an image inspection was given and tells which binary. */
  readonly imageCheck: ImageBinaryCheck | undefined;
  /** Why the image cannot serve the file-capability strategy (its binary lacks the capability), with the Dockerfile lines. */
  readonly imageLacksCapability: string | undefined;
}

interface Choice {
  readonly kind: ResolvedBindStrategyKind;
  readonly reason: string;
}

const IANA_SVC_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Chooses how a container binds `intent.port` with the least privilege that fits the declared
 * facts, and writes it out: securityContexts, named ports, the Service mapping, annotations and
 * Dockerfile lines. Pure. The plan is verified by the capability model before it is returned:
 * every port `allowed` under the strict runtime profile, and the declared level met.
 *
 * `auto` prefers, in order: the file capability when the image already has one (any other
 * restricted plan would make its exec fail), the high port (no privilege at all; needs a
 * configurable port), the sysctl (no capability, no image change; Kubernetes ≥ 1.22, not with
 * hostNetwork), the file capability when the binary is known (a capability, and an image
 * change), and root with NET_BIND_SERVICE only when the declared level is baseline or lower.
 *
 * @throws BindStrategyError when the strategy cannot meet the level with the declared facts
 * @throws RangeError when the intent is malformed (port out of range, bad names or ids)
 */
export function planPrivilegedPort(intent: PrivilegedPortIntent): PrivilegedPortPlan {
  const strategy = intent.strategy ?? BindStrategy.auto();
  const imageIds = intent.imageInspection === undefined || intent.runAsUser !== undefined ? undefined : imageUserIds(intent.imageInspection);
  const runAsUser = readId('runAsUser', intent.runAsUser ?? imageIds?.runAsUser);
  const runAsGroup = readId('runAsGroup', intent.runAsGroup ?? imageIds?.runAsGroup);
  const imageBase = strategy.imageBase ?? intent.imageBase ?? 'debian';
  const facts = readFacts(intent, strategy, { runAsUser, runAsGroup, imageBase });
  const podSecurityVersion = resolvePolicyVersion(intent.podSecurityVersion ?? 'latest');
  const chosen = strategy.kind === 'auto' ? chooseAutomatically(facts) : checkExplicit(strategy, facts);
  const choice = imageIds === undefined || intent.imageInspection === undefined
    ? chosen
    : { ...chosen, reason: `${chosen.reason} The pod runs as uid ${runAsUser}, the USER "${intent.imageInspection.user.configured}" of ${imageLabelOf(intent.imageInspection)}.` };

  const containerName = intent.containerName ?? 'main';
  if (!DNS_LABEL.test(containerName)) throw new RangeError(`containerName "${containerName}" is not a DNS label (lower-case letters, digits, '-', ≤ 63)`);
  const portName = intent.portName ?? `${facts.protocol.toLowerCase()}-${facts.port}`;
  if (!IANA_SVC_NAME.test(portName)) throw new RangeError(`portName "${portName}" is not an IANA_SVC_NAME (≤ 15 lower-case letters, digits and inner '-', at least one letter)`);

  const containerPort = choice.kind === 'highPort' ? highPortOf(strategy, intent, facts) : facts.port;
  const binary = facts.binary;
  const root = choice.kind === 'rootWithNetBindService';
  const keepsNetBindService = root || choice.kind === 'fileCapability';

  const containerSecurityContext: ContainerSecurityContextSpec = {
    runAsUser: root ? 0 : runAsUser,
    runAsGroup,
    runAsNonRoot: !root,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: intent.readOnlyRootFilesystem ?? true,
    capabilities: keepsNetBindService ? { drop: ['ALL'], add: [NET_BIND_SERVICE] } : { drop: ['ALL'] },
  };
  const podSecurityContext: PodSecurityContextSpec = {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    fsGroup: runAsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(choice.kind === 'unprivilegedPortSysctl' ? { sysctls: [{ name: UNPRIVILEGED_PORT_START_SYSCTL, value: String(facts.port) }] } : {}),
  };
  const podAnnotations: Record<string, string> = {
    [BIND_STRATEGY_ANNOTATION]: choice.kind,
    [BIND_STRATEGY_REASON_ANNOTATION]: choice.reason,
  };
  if (choice.kind === 'fileCapability' || facts.imageHasFileCapability) {
    podAnnotations[`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${containerName}`] = NET_BIND_SERVICE_FILE_CAPABILITY;
  }
  const dockerfileLines =
    choice.kind === 'fileCapability' && binary !== undefined && !facts.imageHasFileCapability
      ? fileCapabilityDockerfileLines({ binary, imageBase, runAsUser, runAsGroup })
      : [];

  const plan: PrivilegedPortPlan = {
    strategy: choice.kind,
    requestedStrategy: strategy.kind,
    reason: choice.reason,
    level: facts.level,
    podSecurityVersion,
    port: facts.port,
    protocol: facts.protocol,
    containerPort,
    containerName,
    hostNetwork: facts.hostNetwork,
    containerSecurityContext,
    podSecurityContext,
    containerPorts: [{ name: portName, containerPort, protocol: facts.protocol }],
    servicePorts: [{ name: portName, port: facts.port, targetPort: portName, targetPortNumber: containerPort, protocol: facts.protocol }],
    podAnnotations,
    dockerfileLines,
  };
  return verified(plan);
}

/**
 * The pod a plan describes, with one container running `image`: what the planner verifies,
 * and what a face without cdk8s can start from.
 */
export function podOfPlan(plan: PrivilegedPortPlan, image = 'image'): PodInput & { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } {
  return {
    metadata: { annotations: { ...plan.podAnnotations } },
    spec: {
      ...(plan.hostNetwork ? { hostNetwork: true } : {}),
      securityContext: plan.podSecurityContext,
      containers: [{ name: plan.containerName, image, securityContext: plan.containerSecurityContext, ports: plan.containerPorts }],
    },
  };
}

function verified(plan: PrivilegedPortPlan): PrivilegedPortPlan {
  const verification = verifyPod(podOfPlan(plan), { level: plan.level, podSecurityVersion: plan.podSecurityVersion });
  if (!verification.ok) {
    // The planner and the model disagree: a bug here, never a user error.
    throw new Error(`k8s-least-privilege planner bug: the ${plan.strategy} plan fails the capability model: ${verification.problems.join('; ')}`);
  }
  return { ...plan, level: verification.analysis.podSecurity.level };
}

function readFacts(intent: PrivilegedPortIntent, strategy: BindStrategy, image: { runAsUser: number; runAsGroup: number; imageBase: ImageBase }): Facts {
  const port = intent.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be an integer from 1 to 65535, got ${port}`);
  const protocol = intent.protocol ?? 'TCP';
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) throw new RangeError(`protocol must be TCP, UDP or SCTP, got ${String(protocol)}`);
  const level = intent.level ?? 'restricted';
  if (levelRank(level) < 0) throw new RangeError(`level must be privileged, baseline or restricted, got ${String(level)}`);
  if (intent.binary !== undefined && !intent.binary.startsWith('/')) throw new RangeError(`binary must be an absolute path in the image, got "${intent.binary}"`);
  const declaredBinary = strategy.binary ?? intent.binary;
  const imageCheck = intent.imageInspection === undefined ? undefined : checkImageBinary(intent.imageInspection, declaredBinary);
  let imageLacksCapability: string | undefined;
  if (imageCheck !== undefined && !imageCheck.hasNetBindService) {
    const lines = fileCapabilityDockerfileLines({ binary: imageCheck.binary, ...image });
    imageLacksCapability =
      `the image ${imageCheck.image} does not give ${imageCheck.binary} cap_net_bind_service with the effective bit (it has ${imageCheck.found}), ` +
      `so under this plan the binary binds nothing (EACCES); add to the final stage of its Dockerfile:\n${lines.join('\n')}\n`;
    if (intent.imageHasFileCapability === true) {
      throw new BindStrategyError(strategy.kind, level, `port ${port}/${protocol}`, `imageHasFileCapability is declared, but ${imageLacksCapability}`, []);
    }
  }
  return {
    port,
    protocol,
    level,
    hostNetwork: intent.hostNetwork ?? false,
    kubernetes: parseKubernetesVersion(intent.minKubernetesVersion ?? DEFAULT_MIN_KUBERNETES_VERSION),
    appPortConfigurable: intent.appPortConfigurable ?? false,
    imageHasFileCapability: (intent.imageHasFileCapability ?? false) || imageCheck?.hasNetBindService === true,
    binary: declaredBinary ?? imageCheck?.binary,
    imageCheck,
    imageLacksCapability,
  };
}

function readId(field: string, value: number | undefined): number {
  const id = value ?? DEFAULT_NON_ROOT_ID;
  if (!Number.isInteger(id) || id < 1 || id > 2147483647) {
    throw new RangeError(`${field} must be a non-root id from 1 to 2147483647, got ${id} (uid 0 is BindStrategy.rootWithNetBindService())`);
  }
  return id;
}

function highPortOf(strategy: BindStrategy, intent: PrivilegedPortIntent, facts: Facts): number {
  const port = strategy.containerPort ?? intent.containerPort ?? (facts.port >= KERNEL_DEFAULT_UNPRIVILEGED_PORT_START ? facts.port : DEFAULT_HIGH_PORT);
  if (!Number.isInteger(port) || port < KERNEL_DEFAULT_UNPRIVILEGED_PORT_START || port > 65535) {
    throw new RangeError(`containerPort must be an integer from 1024 to 65535 for the high-port strategy, got ${port}`);
  }
  return port;
}

/** The most restrictive level a strategy can meet with these facts. */
function maxLevel(kind: ResolvedBindStrategyKind, facts: Facts): PodSecurityLevel {
  // hostNetwork fails baseline's host_namespaces check whatever the securityContext.
  if (facts.hostNetwork) return 'privileged';
  return kind === 'rootWithNetBindService' ? 'baseline' : 'restricted';
}

/** Why a strategy cannot bind the port with these facts (other than the level), or undefined. */
function obstacle(kind: ResolvedBindStrategyKind, facts: Facts, explicit: boolean): string | undefined {
  const carrier =
    facts.imageCheck?.hasNetBindService === true
      ? `${facts.imageCheck.binary} in the image ${facts.imageCheck.image} carries ${facts.imageCheck.found}`
      : 'the image\'s binary carries cap_net_bind_service=+ep (imageHasFileCapability)';
  const fileCapabilityConflict = `${carrier}, and with drop [ALL] and no NET_BIND_SERVICE in the bounding set its exec fails with EPERM`;
  switch (kind) {
    case 'highPort':
      if (facts.imageHasFileCapability) return fileCapabilityConflict;
      if (!explicit && !facts.appPortConfigurable && facts.port < KERNEL_DEFAULT_UNPRIVILEGED_PORT_START) {
        return 'the application\'s port is not declared configurable (appPortConfigurable)';
      }
      return undefined;
    case 'unprivilegedPortSysctl':
      if (facts.port >= KERNEL_DEFAULT_UNPRIVILEGED_PORT_START) {
        return `port ${facts.port} is not privileged (≥ ${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}), so ${UNPRIVILEGED_PORT_START_SYSCTL} need not change`;
      }
      if (facts.hostNetwork) return `${UNPRIVILEGED_PORT_START_SYSCTL} is a network-namespace sysctl, and the kubelet rejects it with hostNetwork (SysctlForbidden)`;
      if (!isAtLeast(facts.kubernetes, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE)) {
        return `${UNPRIVILEGED_PORT_START_SYSCTL} is a safe sysctl only since Kubernetes ${formatKubernetesVersion(UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE)} (kubernetes#103298), and minKubernetesVersion is ${formatKubernetesVersion(facts.kubernetes)}`;
      }
      if (facts.imageHasFileCapability) return fileCapabilityConflict;
      return undefined;
    case 'fileCapability':
      if (facts.imageLacksCapability !== undefined) return facts.imageLacksCapability;
      if (!facts.imageHasFileCapability && facts.binary === undefined) return 'the binary to setcap is not known (give binary, or BindStrategy.fileCapability({ binary }))';
      return undefined;
    case 'rootWithNetBindService':
      return undefined;
  }
}

const RESTRICTED_ORDER: readonly ResolvedBindStrategyKind[] = ['highPort', 'unprivilegedPortSysctl', 'fileCapability'];

function chooseAutomatically(facts: Facts): Choice {
  const portText = portTextOf(facts);
  const fits = (kind: ResolvedBindStrategyKind) => levelRank(maxLevel(kind, facts)) >= levelRank(facts.level) && obstacle(kind, facts, false) === undefined;

  if (facts.imageHasFileCapability && fits('fileCapability')) {
    return {
      kind: 'fileCapability',
      reason:
        `The image's binary carries cap_net_bind_service=+ep, so the container must keep NET_BIND_SERVICE in its bounding set (restricted allows exactly that add) or its exec fails with EPERM; ` +
        `non-root, it gains the capability on exec and binds ${portText}.`,
    };
  }
  if (fits('highPort')) {
    return facts.port >= KERNEL_DEFAULT_UNPRIVILEGED_PORT_START
      ? { kind: 'highPort', reason: `Port ${facts.port} is not privileged (≥ ${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}): a non-root process with no capability binds it.` }
      : {
          kind: 'highPort',
          reason:
            `The application's port is configurable: it listens on an unprivileged port as non-root with no capability and the Service maps ${facts.port} to it — ` +
            'no privilege at all, no pod-wide change, the same on every runtime and Kubernetes version.',
        };
  }
  if (fits('unprivilegedPortSysctl')) {
    return {
      kind: 'unprivilegedPortSysctl',
      reason:
        `The application's port is fixed; the pod sets the safe sysctl ${UNPRIVILEGED_PORT_START_SYSCTL}=${facts.port} (Kubernetes ≥ 1.22), so a non-root process with no capability binds ${portText} — ` +
        'no capability and no image change; it applies to the pod\'s own network namespace only.',
    };
  }
  if (fits('fileCapability')) {
    return {
      kind: 'fileCapability',
      reason:
        `The port is fixed and the sysctl is not available (${obstacle('unprivilegedPortSysctl', facts, false) ?? 'not at this level'}): the image gives ${facts.binary} the file capability cap_net_bind_service=+ep ` +
        '(see the Dockerfile lines) and the container keeps only NET_BIND_SERVICE in its bounding set.',
    };
  }
  if (fits('rootWithNetBindService')) {
    return {
      kind: 'rootWithNetBindService',
      reason:
        `No non-root strategy fits (${RESTRICTED_ORDER.map((kind) => `${kind}: ${obstacle(kind, facts, false)}`).join('; ')}), and the declared level is ${facts.level}: ` +
        'uid 0 with every capability dropped but NET_BIND_SERVICE, no privilege escalation.',
    };
  }
  throw new BindStrategyError('auto', facts.level, portText, `no strategy fits the declared facts (${describeObstacles(facts)})`, alternatives(facts, undefined));
}

function checkExplicit(strategy: BindStrategy, facts: Facts): Choice {
  const kind = strategy.kind as ResolvedBindStrategyKind;
  const why = obstacle(kind, facts, true);
  const highest = maxLevel(kind, facts);
  if (why === undefined && levelRank(highest) < levelRank(facts.level)) {
    const cause = facts.hostNetwork
      ? 'hostNetwork fails baseline\'s host_namespaces check, so the pod is privileged'
      : 'uid 0 fails restricted\'s runAsNonRoot check, so the pod meets baseline at most';
    throw new BindStrategyError(kind, facts.level, portTextOf(facts), cause, alternatives(facts, kind));
  }
  if (why !== undefined) throw new BindStrategyError(kind, facts.level, portTextOf(facts), why, alternatives(facts, kind));
  return { kind, reason: `Chosen explicitly (${strategy}): ${EXPLICIT_SUMMARY[kind]}` };
}

function portTextOf(facts: Facts): string {
  return `port ${facts.port}/${facts.protocol}`;
}

const EXPLICIT_SUMMARY: Readonly<Record<ResolvedBindStrategyKind, string>> = {
  highPort: 'the application listens on an unprivileged port as non-root with no capability; the Service maps the privileged port to it.',
  unprivilegedPortSysctl: `the pod sets ${UNPRIVILEGED_PORT_START_SYSCTL} to the port, so a non-root process with no capability binds it.`,
  fileCapability: 'non-root; the binary has cap_net_bind_service=+ep and the bounding set keeps only NET_BIND_SERVICE.',
  rootWithNetBindService: 'uid 0 with every capability dropped but NET_BIND_SERVICE, no privilege escalation (baseline at most).',
};

function describeObstacles(facts: Facts): string {
  const kinds: ResolvedBindStrategyKind[] = [...RESTRICTED_ORDER, 'rootWithNetBindService'];
  return kinds
    .map((kind) => {
      const why = obstacle(kind, facts, false);
      const highest = maxLevel(kind, facts);
      if (why !== undefined) return `${kind}: ${why}`;
      return `${kind}: meets ${highest} at most`;
    })
    .join('; ');
}

/** What would work instead, for the error message. */
function alternatives(facts: Facts, failed: ResolvedBindStrategyKind | undefined): string[] {
  if (facts.hostNetwork && facts.level !== 'privileged') {
    return [`drop hostNetwork (it fails baseline's host_namespaces check), or declare level: 'privileged'`];
  }
  const list: string[] = [];
  const consider = (kind: ResolvedBindStrategyKind, text: string) => {
    if (kind !== failed && levelRank(maxLevel(kind, facts)) >= levelRank(facts.level)) list.push(text);
  };
  if (facts.imageHasFileCapability) {
    consider('fileCapability', 'BindStrategy.fileCapability({ binary }) (restricted: the image already carries the capability)');
  } else {
    consider('highPort', 'BindStrategy.highPort({ containerPort }) (restricted; make the application listen on a port ≥ 1024 — appPortConfigurable: true for auto)');
    if (!facts.hostNetwork && facts.port < KERNEL_DEFAULT_UNPRIVILEGED_PORT_START) {
      consider('unprivilegedPortSysctl', `BindStrategy.unprivilegedPortSysctl() (restricted; needs minKubernetesVersion ≥ 1.22, no hostNetwork)`);
    }
    consider('fileCapability', 'BindStrategy.fileCapability({ binary }) (restricted; setcap the binary in the image — give binary for auto)');
  }
  consider('rootWithNetBindService', `BindStrategy.rootWithNetBindService() (baseline only — declare level: 'baseline')`);
  if (facts.level === 'restricted' && failed !== 'highPort' && failed !== 'unprivilegedPortSysctl' && failed !== 'fileCapability') {
    list.push(`declare level: 'baseline' to allow BindStrategy.rootWithNetBindService()`);
  }
  return list;
}
