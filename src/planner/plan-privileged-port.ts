import { remediesFor } from './bind-remedies';
import type { BindStrategyKind, ImageBase, ResolvedBindStrategyKind } from './bind-strategy';
import { BindStrategy, strategyLabel } from './bind-strategy';
import { BindStrategyError } from './bind-strategy-error';
import { fileCapabilityDockerfileLines, NET_BIND_SERVICE_FILE_CAPABILITY } from './dockerfile';
import type { PlannerImageInspection } from './image-inspection';
import { imageLabelOf } from './image-inspection';
import { succeeds, validateProps } from './input-validation';
import { PRIVILEGED_PORT_INTENT_RULES } from './intent-rules';
import type {
  ContainerPortSpec,
  ContainerSecurityContextSpec,
  PodSecurityContextSpec,
  ServicePortSpec,
} from './kube-shapes';
import { formatKubernetesVersion, isAtLeast, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE } from './kubernetes-version';
import type { PlanFacts } from './plan-facts';
import { readFacts } from './plan-facts';
import { describePorts, highContainerPorts, isPrivilegedPort, portRequestsOf } from './port-requests';
import { levelRank, verifyPod } from './verify-pod';
import { NET_BIND_SERVICE } from '../model/capabilities';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import type { PodInput, PodSecurityLevel } from '../model/pod-security-types';
import type { PortProtocol } from '../model/ports';
import { resolvePolicyVersion } from '../model/pss';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../model/runtime-profile';

export { DEFAULT_NON_ROOT_ID } from './plan-facts';
export { DEFAULT_HIGH_PORT } from './port-requests';

/** The pod template annotation that records the strategy the planner chose. */
export const BIND_STRATEGY_ANNOTATION = 'k8s-least-privilege.dev/bind-strategy';

/** The pod template annotation that records why. */
export const BIND_STRATEGY_REASON_ANNOTATION = 'k8s-least-privilege.dev/bind-strategy-reason';

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
   * The uid of the pod's processes, non-root. It contradicts `BindStrategy.rootWithNetBindService()`,
   * which runs the binding container as uid 0: that is refused with a `BindStrategyError`, and
   * `auto` does not consider the root strategy when `runAsUser` is given.
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
 * Chooses how a container binds the intent's ports (`port`, or several `ports`) with the least
 * privilege that fits the declared facts, and writes it out: securityContexts, named ports, the
 * Service mapping, annotations and Dockerfile lines. Pure. The intent is checked at run time
 * first (JavaScript callers and casts get past the types): a prop of the wrong type or value
 * throws, naming the prop, the value, its type and what is accepted. The plan is verified by the
 * capability model before it is returned: every port `allowed` under the strict runtime profile,
 * and the declared level met.
 *
 * `auto` prefers, in order: the file capability when the image already has one (any other
 * restricted plan would make its exec fail), the high port (no privilege at all; needs a
 * configurable port), the sysctl (no capability, no image change; Kubernetes ≥ 1.22, not with
 * hostNetwork), the file capability when the binary is known (a capability, and an image
 * change), and root with NET_BIND_SERVICE only when the declared level is baseline or lower and
 * no `runAsUser` is declared.
 *
 * A refusal carries its remedies (`BindStrategyError.remedies`), each planned and verified by the
 * model before it is recommended.
 *
 * @param intent what the workload declares
 * @param options who plans, for messages, and what the caller cannot change
 * @throws BindStrategyError when the strategy cannot meet the level with the declared facts
 * @throws TypeError when a prop has the wrong type (`port: '80'`, `strategy: 'highPort'`)
 * @throws RangeError when a prop's value is not accepted (port out of range, bad names or ids,
 *   `port` and `ports` together, a port repeated)
 */
export function planPrivilegedPort(intent: PrivilegedPortIntent, options: PlanOptions = {}): PrivilegedPortPlan {
  return planIntent(intent, options, true);
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
      securityContext: plan.podSecurityContext,
      containers: [{ name: plan.containerName, image, securityContext: plan.containerSecurityContext, ports: plan.containerPorts }],
    },
  };
}

interface Choice {
  readonly kind: ResolvedBindStrategyKind;
  readonly reason: string;
}

/** A refusal of `kind` for `why`, with its remedies when `recommend`. */
type Refusal = (kind: BindStrategyKind, why: string) => BindStrategyError;

function planIntent(intent: PrivilegedPortIntent, options: PlanOptions, recommend: boolean): PrivilegedPortPlan {
  const caller = options.caller ?? 'planPrivilegedPort';
  validateProps(caller, intent, PRIVILEGED_PORT_INTENT_RULES, options.propNames);
  const strategy = intent.strategy ?? BindStrategy.auto();
  const requests = portRequestsOf(caller, intent);
  const facts = readFacts(intent, strategy, requests, options);
  const podSecurityVersion = resolvePolicyVersion(intent.podSecurityVersion ?? 'latest');
  const refuse: Refusal = (kind, why) => {
    const remedies = recommend ? remediesFor(intent, facts, kind, (changed) => succeeds(() => planIntent(changed, options, false))) : [];
    return new BindStrategyError(kind, facts.level, describePorts(requests), why, remedies);
  };
  if (facts.declaredCapabilityContradicted) {
    throw refuse(strategy.kind, `${facts.propName('imageHasFileCapability')} is declared, but ${facts.imageLacksCapability}`);
  }
  const choice = withImageUser(strategy.kind === 'auto' ? chooseAutomatically(facts, refuse) : checkExplicit(strategy, facts, refuse), facts, intent);

  const containerName = intent.containerName ?? 'main';
  const containerPorts =
    choice.kind === 'highPort' ? highContainerPorts(caller, requests, strategy.containerPort ?? intent.containerPort) : requests.map((request) => request.port);
  const { binary, runAsUser, runAsGroup, imageBase } = facts;
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
    ...(choice.kind === 'unprivilegedPortSysctl' ? { sysctls: [{ name: UNPRIVILEGED_PORT_START_SYSCTL, value: String(facts.lowestPrivileged) }] } : {}),
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

  return verified({
    strategy: choice.kind,
    requestedStrategy: strategy.kind,
    reason: choice.reason,
    level: facts.level,
    podSecurityVersion,
    port: requests[0].port,
    protocol: requests[0].protocol,
    containerPort: containerPorts[0],
    containerName,
    hostNetwork: facts.hostNetwork,
    containerSecurityContext,
    podSecurityContext,
    containerPorts: requests.map(
      (request, index): ContainerPortSpec => ({ name: request.name, containerPort: containerPorts[index], protocol: request.protocol }),
    ),
    servicePorts: requests.map(
      (request, index): ServicePortSpec => ({
        name: request.name,
        port: request.port,
        targetPort: request.name,
        targetPortNumber: containerPorts[index],
        protocol: request.protocol,
      }),
    ),
    podAnnotations,
    dockerfileLines,
  });
}

function verified(plan: PrivilegedPortPlan): PrivilegedPortPlan {
  const verification = verifyPod(podOfPlan(plan), { level: plan.level, podSecurityVersion: plan.podSecurityVersion });
  if (!verification.ok) {
    // The planner and the model disagree: a bug here, never a user error.
    throw new Error(`k8s-least-privilege planner bug: the ${plan.strategy} plan fails the capability model: ${verification.problems.join('; ')}`);
  }
  return { ...plan, level: verification.analysis.podSecurity.level };
}

/** The choice's reason, saying whose uid the pod runs as when it comes from the image's USER. */
function withImageUser(choice: Choice, facts: PlanFacts, intent: PrivilegedPortIntent): Choice {
  if (facts.runAsUserSource !== 'image' || intent.imageInspection === undefined) return choice;
  const user = `uid ${facts.runAsUser}, the USER "${intent.imageInspection.user.configured}" of ${imageLabelOf(intent.imageInspection)}`;
  const sentence =
    choice.kind === 'rootWithNetBindService'
      ? `The binding container runs as uid 0; the pod's other containers run as ${user}.`
      : `The pod runs as ${user}.`;
  return { ...choice, reason: `${choice.reason} ${sentence}` };
}

/** The most restrictive level a strategy can meet with these facts. */
function maxLevel(kind: ResolvedBindStrategyKind, facts: PlanFacts): PodSecurityLevel {
  // hostNetwork fails baseline's host_namespaces check whatever the securityContext.
  if (facts.hostNetwork) return 'privileged';
  return kind === 'rootWithNetBindService' ? 'baseline' : 'restricted';
}

/** Why a strategy cannot bind the ports with these facts (other than the level), or undefined. */
function obstacle(kind: ResolvedBindStrategyKind, facts: PlanFacts, explicit: boolean): string | undefined {
  const carrier =
    facts.imageCheck?.hasNetBindService === true
      ? `${facts.imageCheck.binary} in the image ${facts.imageCheck.image} carries ${facts.imageCheck.found}`
      : "the image's binary carries cap_net_bind_service=+ep (imageHasFileCapability)";
  const fileCapabilityConflict = `${carrier}, and with drop [ALL] and no NET_BIND_SERVICE in the bounding set its exec fails with EPERM`;
  const privileged = facts.ports.filter((request) => isPrivilegedPort(request.port));
  switch (kind) {
    case 'highPort':
      if (facts.imageHasFileCapability) return fileCapabilityConflict;
      if (privileged.length > 0 && facts.containerPortsFixed) {
        return (
          `${facts.caller} cannot move the ports of the containers it is given (${describePorts(privileged)}): the application must listen on a port ≥ ` +
          `${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}, the container declare that port, and a Service map the privileged port to it`
        );
      }
      if (!explicit && !facts.appPortConfigurable && privileged.length > 0) return "the application's port is not declared configurable (appPortConfigurable)";
      return undefined;
    case 'unprivilegedPortSysctl':
      if (facts.lowestPrivileged === undefined) {
        return `${describePorts(facts.ports)} ${facts.ports.length === 1 ? 'is' : 'are'} not privileged (≥ ${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}), so ${UNPRIVILEGED_PORT_START_SYSCTL} need not change`;
      }
      if (facts.hostNetwork) return `${UNPRIVILEGED_PORT_START_SYSCTL} is a network-namespace sysctl, and the kubelet rejects it with hostNetwork (SysctlForbidden)`;
      if (!isAtLeast(facts.kubernetes, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE)) {
        return `${UNPRIVILEGED_PORT_START_SYSCTL} is a safe sysctl only since Kubernetes ${formatKubernetesVersion(UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE)} (kubernetes#103298), and ${facts.propName('minKubernetesVersion')} is ${formatKubernetesVersion(facts.kubernetes)}`;
      }
      if (facts.imageHasFileCapability) return fileCapabilityConflict;
      return undefined;
    case 'fileCapability':
      if (facts.imageLacksCapability !== undefined) return facts.imageLacksCapability;
      if (!facts.imageHasFileCapability && facts.binary === undefined) return 'the binary to setcap is not known (give binary, or BindStrategy.fileCapability({ binary }))';
      return undefined;
    case 'rootWithNetBindService':
      if (facts.contradictsRoot !== undefined) {
        return `${facts.propName('runAsUser')} is ${facts.contradictsRoot}, but this strategy runs the binding container as uid 0: the two contradict`;
      }
      return undefined;
  }
}

const RESTRICTED_ORDER: readonly ResolvedBindStrategyKind[] = ['highPort', 'unprivilegedPortSysctl', 'fileCapability'];

function chooseAutomatically(facts: PlanFacts, refuse: Refusal): Choice {
  const portText = describePorts(facts.ports);
  const fits = (kind: ResolvedBindStrategyKind) =>
    levelRank(maxLevel(kind, facts)) >= levelRank(facts.level) && obstacle(kind, facts, false) === undefined;

  if (facts.imageHasFileCapability && fits('fileCapability')) {
    return {
      kind: 'fileCapability',
      reason:
        "The image's binary carries cap_net_bind_service=+ep, so the container must keep NET_BIND_SERVICE in its bounding set (restricted allows exactly that add) or its exec fails with EPERM; " +
        `non-root, it gains the capability on exec and binds ${portText}.`,
    };
  }
  if (fits('highPort')) {
    return facts.lowestPrivileged === undefined
      ? {
        kind: 'highPort',
        reason: `${facts.ports.length === 1 ? `Port ${facts.ports[0].port}` : capitalized(portText)} ${facts.ports.length === 1 ? 'is' : 'are'} not privileged (≥ ${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}): a non-root process with no capability binds ${facts.ports.length === 1 ? 'it' : 'them'}.`,
      }
      : {
        kind: 'highPort',
        reason:
            `The application's port is configurable: it listens on an unprivileged port as non-root with no capability and the Service maps ${mappedPorts(facts)} to it — ` +
            'no privilege at all, no pod-wide change, the same on every runtime and Kubernetes version.',
      };
  }
  if (fits('unprivilegedPortSysctl')) {
    return {
      kind: 'unprivilegedPortSysctl',
      reason:
        `The application's port is fixed; the pod sets the safe sysctl ${UNPRIVILEGED_PORT_START_SYSCTL}=${facts.lowestPrivileged} (Kubernetes ≥ 1.22), so a non-root process with no capability binds ${portText} — ` +
        `no capability and no image change. The sysctl is pod-wide: every container of the pod may bind ports ≥ ${facts.lowestPrivileged}, in the pod's own network namespace only.`,
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
  throw refuse('auto', `no strategy fits the declared facts (${describeObstacles(facts)})`);
}

function checkExplicit(strategy: BindStrategy, facts: PlanFacts, refuse: Refusal): Choice {
  const kind = strategy.kind as ResolvedBindStrategyKind;
  const why = obstacle(kind, facts, true);
  if (why !== undefined) throw refuse(kind, why);
  if (levelRank(maxLevel(kind, facts)) < levelRank(facts.level)) {
    const cause = facts.hostNetwork
      ? "hostNetwork fails baseline's host_namespaces check, so the pod is privileged"
      : "uid 0 fails restricted's runAsNonRoot check, so the pod meets baseline at most";
    throw refuse(kind, cause);
  }
  return { kind, reason: `Chosen explicitly (${strategyLabel(kind)}): ${EXPLICIT_SUMMARY[kind]}` };
}

const EXPLICIT_SUMMARY: Readonly<Record<ResolvedBindStrategyKind, string>> = {
  highPort: 'the application listens on an unprivileged port as non-root with no capability; the Service maps the privileged port to it.',
  unprivilegedPortSysctl: `the pod sets ${UNPRIVILEGED_PORT_START_SYSCTL} to the lowest port, so a non-root process with no capability binds it; the sysctl is pod-wide (every container of the pod may bind ports from there up).`,
  fileCapability: 'non-root; the binary has cap_net_bind_service=+ep and the bounding set keeps only NET_BIND_SERVICE.',
  rootWithNetBindService: 'uid 0 with every capability dropped but NET_BIND_SERVICE, no privilege escalation (baseline at most).',
};

function describeObstacles(facts: PlanFacts): string {
  const kinds: ResolvedBindStrategyKind[] = [...RESTRICTED_ORDER, 'rootWithNetBindService'];
  return kinds
    .map((kind) => {
      const why = obstacle(kind, facts, false);
      if (why !== undefined) return `${kind}: ${why}`;
      return `${kind}: meets ${maxLevel(kind, facts)} at most`;
    })
    .join('; ');
}

/** The ports a high-port Service maps, as the reason names them: `80`, or `53/UDP and 53/TCP`. */
function mappedPorts(facts: PlanFacts): string {
  return facts.ports.length === 1 ? String(facts.ports[0].port) : describePorts(facts.ports).replace(/^ports /, '');
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
