import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../model/runtime-profile';
import { PodSecurityLevel } from '../model/pod-security-types';
import { BindStrategy, ImageBase } from '../planner/bind-strategy';
import { DEFAULT_NON_ROOT_ID, planPrivilegedPort, PrivilegedPortPlan } from '../planner/plan-privileged-port';
import { Cdk8sPlusContainer, Cdk8sPlusWorkload } from './cdk8s-plus';
import { requireVerifiedPod } from './pod-verification';
import { ContainerList, patchContainerSecurityContext, patchPodSecurityContext } from './security-patch';

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
   * The uid every container runs as, unless a privileged-port strategy needs uid 0 for one.
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
   * `auto` chooses among the sysctl, the file capability (when `binary` or
   * `imageHasFileCapability` is given) and, for baseline, root; `highPort` is refused — use
   * `PrivilegedPortService`, or declare the high port on the container and map it in the Service.
   * @default BindStrategy.auto()
   */
  readonly strategy?: BindStrategy;
  /**
   * The oldest Kubernetes version the workload runs on (the sysctl strategy needs ≥ 1.22).
   * @default '1.25'
   */
  readonly minKubernetesVersion?: string;
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
}

/**
 * Hardens the containers of an existing cdk8s-plus workload (Deployment, StatefulSet,
 * DaemonSet, Job, Pod; cdk8s-plus-27 through -33 alike) in place: every container and init container gets `drop: [ALL]`, a non-root
 * uid/gid, `runAsNonRoot`, no privilege escalation, not privileged; the pod gets
 * `seccompProfile: RuntimeDefault`. Containers that declare a port below 1024 get what the
 * planner chooses to bind it. Call it after the last container is added: containers added later
 * are not hardened, but the synth-time check (every port binds, the level is met) still sees them.
 *
 * @throws BindStrategyError when no strategy binds the privileged ports at the level
 */
export function hardenWorkload(workload: Cdk8sPlusWorkload, options: HardenWorkloadOptions = {}): HardenedWorkload {
  const level = options.level ?? 'restricted';
  const user = options.user ?? DEFAULT_NON_ROOT_ID;
  const group = options.group ?? DEFAULT_NON_ROOT_ID;
  const entries: { list: ContainerList; index: number; container: Cdk8sPlusContainer }[] = [
    ...workload.containers.map((container, index) => ({ list: 'containers' as const, index, container })),
    ...workload.initContainers.map((container, index) => ({ list: 'initContainers' as const, index, container })),
  ];
  const privilegedPort = (container: Cdk8sPlusContainer) =>
    container.ports.filter((port) => port.number < KERNEL_DEFAULT_UNPRIVILEGED_PORT_START).map((port) => port.number);
  const binding = entries.filter((entry) => privilegedPort(entry.container).length > 0);

  let plan: PrivilegedPortPlan | undefined;
  if (binding.length > 0) {
    if (options.strategy?.kind === 'highPort') {
      throw new RangeError(
        `hardenWorkload cannot move the ports of existing containers (${binding.map((entry) => entry.container.name).join(', ')}): ` +
          'use PrivilegedPortService, or declare the high port on the container and map the privileged port in the Service',
      );
    }
    const lowest = Math.min(...binding.flatMap((entry) => privilegedPort(entry.container)));
    plan = planPrivilegedPort({
      port: lowest,
      strategy: options.strategy,
      level,
      podSecurityVersion: options.podSecurityVersion,
      minKubernetesVersion: options.minKubernetesVersion,
      hostNetwork: workload.hostNetwork ?? false,
      appPortConfigurable: false,
      imageHasFileCapability: options.imageHasFileCapability,
      binary: options.binary,
      imageBase: options.imageBase,
      containerName: binding[0].container.name,
      runAsUser: user,
      runAsGroup: group,
    });
  }

  for (const entry of entries) {
    const binds = plan !== undefined && binding.includes(entry);
    const context = binds ? plan!.containerSecurityContext : undefined;
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

  const existingSysctls = (workload.securityContext.sysctls ?? []).map((sysctl) => ({ name: sysctl.name, value: sysctl.value }));
  const plannedSysctls = plan?.podSecurityContext.sysctls ?? [];
  const sysctls = [...existingSysctls.filter((sysctl) => !plannedSysctls.some((planned) => planned.name === sysctl.name)), ...plannedSysctls];
  patchPodSecurityContext(workload, {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: group,
    fsGroup: group,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(sysctls.length > 0 ? { sysctls } : {}),
  });
  if (plan !== undefined) {
    for (const [key, value] of Object.entries(plan.podAnnotations)) workload.podMetadata.addAnnotation(key, value);
    const fileCapability = plan.podAnnotations[`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${plan.containerName}`];
    if (fileCapability !== undefined) {
      for (const entry of binding) workload.podMetadata.addAnnotation(`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${entry.container.name}`, fileCapability);
    }
  }
  requireVerifiedPod(workload, level, options.podSecurityVersion);
  return { plan, bindingContainers: binding.map((entry) => entry.container.name) };
}
