import type { Cdk8sPlusContainer, Cdk8sPlusWorkload } from './cdk8s-plus';
import type { PodSysctlChange } from './pod-plan';
import { applyPodPlan } from './pod-plan';
import { requireVerifiedPod } from './pod-verification';
import type { ContainerList } from './security-patch';
import { patchContainerSecurityContext, patchPodSecurityContext } from './security-patch';
import type { PodSecurityLevel } from '../model/pod-security-types';
import type { PortProtocol } from '../model/ports';
import type { BindStrategy, ImageBase } from '../planner/bind-strategy';
import type { PropRules } from '../planner/input-validation';
import { satisfying, validateProps } from '../planner/input-validation';
import { intentRules, NON_ROOT_GID, NON_ROOT_UID } from '../planner/intent-rules';
import type { ClusterFeatures, PrivilegedPortPlan, PrivilegedPortRequest } from '../planner/plan-privileged-port';
import { DEFAULT_NON_ROOT_ID, planPrivilegedPort } from '../planner/plan-privileged-port';
import { describePorts, isPrivilegedPort } from '../planner/port-requests';

/** Options of {@link hardenWorkload}. */
export interface HardenWorkloadOptions {
  /**
   * The Pod Security level the workload must meet; checked by the capability model at synth time.
   * @default 'restricted'
   */
  readonly level?: PodSecurityLevel;
  /**
   * The Pod Security Standards policy version the level is checked at.
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * The uid every container runs as — except the containers that bind a port below 1024 under
   * the root or the user-namespace strategy, which run as uid 0 (the explanation says so).
   * @default 65532
   */
  readonly user?: number;
  /**
   * The gid every container runs as, also the pod's fsGroup.
   * @default 65532
   */
  readonly group?: number;
  /**
   * How containers that declare a port below 1024 bind it. Their ports cannot be moved here, so
   * `auto` chooses among uid 0 in the pod's own user namespace (with `clusterFeatures`), the
   * sysctl, the file capability (when `binary` or `imageHasFileCapability` is given) and, for
   * baseline, root; `highPort` is refused — use
   * `PrivilegedPortService`, or declare the high port on the container and map it in the Service.
   * @default BindStrategy.auto()
   */
  readonly strategy?: BindStrategy;
  /**
   * The oldest Kubernetes version the workload runs on (the sysctl strategy needs ≥ 1.22, the
   * user-namespace strategy ≥ 1.25, and ≥ 1.35 for restricted).
   * @default '1.25'
   */
  readonly minKubernetesVersion?: string;
  /**
   * What every cluster the workload runs on supports: `{ userNamespaces: true }` lets the planner
   * run the pod in its own user namespace (`hostUsers: false`), where the binding containers run
   * as uid 0 and the others as `user`.
   * @default {} — nothing beyond what `minKubernetesVersion` implies
   */
  readonly clusterFeatures?: ClusterFeatures;
  /**
   * The binaries of the containers with privileged ports carry `cap_net_bind_service=+ep`.
   * @default false
   */
  readonly imageHasFileCapability?: boolean;
  /**
   * The binary `setcap` would mark, so `auto` may choose the file capability.
   * @default - unknown
   */
  readonly binary?: string;
  /**
   * The distribution of the image's final stage, for the Dockerfile lines.
   * @default 'debian'
   */
  readonly imageBase?: ImageBase;
}

/** What {@link hardenWorkload} did. */
export interface HardenedWorkload {
  /** The plan for the containers that declare privileged ports, or `undefined` when none does. */
  readonly plan: PrivilegedPortPlan | undefined;
  /** The containers given the plan's securityContext (those with a port below 1024). */
  readonly bindingContainers: readonly string[];
  /**
   * What was changed, one sentence each: every container's securityContext, the pod's, and — with
   * the sysctl strategy — the pod-wide sysctl `net.ipv4.ip_unprivileged_port_start`, which lets
   * every container of the pod bind ports from that value up.
   */
  readonly explanation: string;
}

const HARDEN_WORKLOAD_RULES: PropRules = {
  user: NON_ROOT_UID,
  group: NON_ROOT_GID,
  ...intentRules('level', 'podSecurityVersion', 'strategy', 'minKubernetesVersion', 'clusterFeatures', 'imageHasFileCapability', 'binary', 'imageBase'),
};

const WORKLOAD = satisfying(
  'a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod … of cdk8s-plus-27 to -33)',
  'object',
  (workload: { containers?: unknown; initContainers?: unknown }) => Array.isArray(workload.containers) && Array.isArray(workload.initContainers),
);

/**
 * Hardens the containers of an existing cdk8s-plus workload (Deployment, StatefulSet,
 * DaemonSet, Job, Pod; cdk8s-plus-27 through -33 alike) in place: every container and init container gets `drop: [ALL]`, a non-root
 * uid/gid, `runAsNonRoot`, no privilege escalation, not privileged; the pod gets
 * `seccompProfile: RuntimeDefault`. Containers that declare a port below 1024 get what the
 * planner chooses to bind it — with the sysctl strategy (the default choice for a fixed port on
 * Kubernetes ≥ 1.22) that is the pod-wide sysctl `net.ipv4.ip_unprivileged_port_start` set to the
 * lowest such port, which lets every container of the pod bind from there up. The result's
 * `explanation` lists every change. Call it after the last container is added: containers added later
 * are not hardened, but the synth-time check (every port binds, the level is met) still sees them.
 *
 * @throws BindStrategyError when no strategy binds the privileged ports at the level
 * @throws TypeError or RangeError when an option has the wrong type or value (named, with what is accepted)
 */
export function hardenWorkload(workload: Cdk8sPlusWorkload, options: HardenWorkloadOptions = {}): HardenedWorkload {
  validateProps('hardenWorkload', { workload }, { workload: WORKLOAD });
  validateProps('hardenWorkload', options, HARDEN_WORKLOAD_RULES);
  const level = options.level ?? 'restricted';
  const user = options.user ?? DEFAULT_NON_ROOT_ID;
  const group = options.group ?? DEFAULT_NON_ROOT_ID;
  const entries: { list: ContainerList; index: number; container: Cdk8sPlusContainer }[] = [
    ...workload.containers.map((container, index) => ({ list: 'containers' as const, index, container })),
    ...workload.initContainers.map((container, index) => ({ list: 'initContainers' as const, index, container })),
  ];
  const privilegedPorts = (container: Cdk8sPlusContainer) => container.ports.filter((port) => isPrivilegedPort(port.number));
  const binding = entries.filter((entry) => privilegedPorts(entry.container).length > 0);
  const bindingNames = binding.map((entry) => entry.container.name);

  const requests = binding.flatMap((entry) => privilegedPorts(entry.container));
  const plan = binding.length === 0 ? undefined : planWorkload(workload, options, requests, bindingNames[0]);
  for (const entry of entries) {
    const context = plan !== undefined && binding.includes(entry) ? plan.containerSecurityContext : undefined;
    patchContainerSecurityContext(workload, {
      list: entry.list,
      index: entry.index,
      fields: {
        runAsUser: context?.runAsUser ?? user,
        runAsGroup: group,
        runAsNonRoot: context?.runAsNonRoot ?? true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: context?.capabilities ?? { drop: ['ALL'] },
      },
    });
  }
  patchPodSecurityContext(workload, { runAsNonRoot: true, runAsUser: user, runAsGroup: group, fsGroup: group, seccompProfile: { type: 'RuntimeDefault' } });
  const sysctl = plan === undefined ? undefined : applyPodPlan(workload, plan, bindingNames);
  requireVerifiedPod(workload, level, options.podSecurityVersion);
  return {
    plan,
    bindingContainers: bindingNames,
    explanation: explain({ entries: entries.map((entry) => entry.container.name), bindingNames, user, group, plan, sysctl }),
  };
}

function planWorkload(
  workload: Cdk8sPlusWorkload,
  options: HardenWorkloadOptions,
  declared: readonly { readonly number: number; readonly protocol?: string }[],
  containerName: string,
): PrivilegedPortPlan {
  const ports: PrivilegedPortRequest[] = [];
  for (const port of declared) {
    const protocol = (port.protocol ?? 'TCP') as PortProtocol;
    if (!ports.some((known) => known.port === port.number && known.protocol === protocol)) ports.push({ port: port.number, protocol });
  }
  return planPrivilegedPort(
    {
      ports,
      strategy: options.strategy,
      level: options.level,
      podSecurityVersion: options.podSecurityVersion,
      minKubernetesVersion: options.minKubernetesVersion,
      clusterFeatures: options.clusterFeatures,
      hostNetwork: workload.hostNetwork ?? false,
      appPortConfigurable: false,
      imageHasFileCapability: options.imageHasFileCapability,
      binary: options.binary,
      imageBase: options.imageBase,
      containerName,
      runAsUser: options.user,
      runAsGroup: options.group,
    },
    // `user` is every container's uid; a root plan changes only the binding containers' (the explanation says so).
    { caller: 'hardenWorkload', containerPortsFixed: true, runAsUserForOtherContainers: true, propNames: { runAsUser: 'user', runAsGroup: 'group' } },
  );
}

interface Changes {
  readonly entries: readonly string[];
  readonly bindingNames: readonly string[];
  readonly user: number;
  readonly group: number;
  readonly plan: PrivilegedPortPlan | undefined;
  readonly sysctl: PodSysctlChange | undefined;
}

/** The changes, one sentence each. */
function explain(changes: Changes): string {
  const { plan, sysctl, bindingNames } = changes;
  const sentences = [
    `Every container (${changes.entries.join(', ')}) drops ALL capabilities, runs as uid ${changes.user} and gid ${changes.group} with runAsNonRoot, ` +
      'no privilege escalation and not privileged; the pod gets seccompProfile RuntimeDefault, runAsUser, runAsGroup and fsGroup.',
  ];
  if (plan !== undefined) {
    sentences.push(`${bindingNames.join(', ')} ${bindingNames.length === 1 ? 'binds' : 'bind'} ${describePorts(plan.servicePorts)} with ${plan.strategy}: ${plan.reason}`);
    if (plan.strategy === 'rootWithNetBindService') {
      sentences.push(`So ${bindingNames.join(', ')} ${bindingNames.length === 1 ? 'runs' : 'run'} as uid 0 with only NET_BIND_SERVICE; the other containers run as uid ${changes.user}.`);
    }
    if (plan.strategy === 'userNamespace') {
      sentences.push(
        "The pod gets hostUsers: false: every container of it runs in the pod's own user namespace, its uids mapped to unprivileged host ids. " +
          `${bindingNames.join(', ')} ${bindingNames.length === 1 ? 'runs' : 'run'} as uid 0 inside it with only NET_BIND_SERVICE; the other containers run as uid ${changes.user} inside it.`,
      );
    }
    if (plan.strategy === 'fileCapability') {
      sentences.push(
        `The pod template declares the file capability of ${bindingNames.join(', ')} (annotation file-capabilities.k8s-least-privilege.dev/<container>); ` +
          'the image must carry it (the plan\'s dockerfileLines).',
      );
    }
  }
  if (sysctl !== undefined) {
    sentences.push(
      sysctl.previous === sysctl.value
        ? `The pod's sysctl net.ipv4.ip_unprivileged_port_start stays ${sysctl.value}, which already lets every container of the pod bind ports from ${sysctl.value} up.`
        : `The pod's sysctl net.ipv4.ip_unprivileged_port_start is set to ${sysctl.value}${sysctl.previous === undefined ? '' : ` (it was ${sysctl.previous})`}: ` +
            `pod-wide, every container of the pod may now bind ports from ${sysctl.value} up without a capability.`,
    );
  }
  return sentences.join(' ');
}
