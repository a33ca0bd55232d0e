/**
 * Pod spec → CRI requests, as kubelet builds them, plus the refusals that happen before
 * any runtime call (API server validation and kubelet admission). Pure: no I/O.
 *
 * Mapping, following kubelet (kubernetes/kubernetes, pkg/kubelet/kuberuntime/):
 *
 * | pod spec                                              | CRI field                                                         | kubelet source |
 * |-------------------------------------------------------|-------------------------------------------------------------------|----------------|
 * | metadata.name / namespace, a fresh uid                | PodSandboxConfig.metadata                                         | kuberuntime_sandbox.go generatePodSandboxConfig |
 * | spec.hostNetwork / hostPID / hostIPC, shareProcessNamespace | NamespaceOption network/pid/ipc = NODE, pid = POD when shared, else POD/CONTAINER | util.go namespacesForPod |
 * | spec.hostUsers (with user-namespace support: `userNamespaceBlock`) | NamespaceOption.userns_options: false → POD, uid and gid 0 → 65536·k, length 65536; else NODE | util.go NamespacesForPod; userns/userns_manager.go |
 * | spec.securityContext.sysctls                          | LinuxPodSandboxConfig.sysctls                                     | kuberuntime_sandbox.go generatePodSandboxLinuxConfig |
 * | spec.securityContext.runAsUser / runAsGroup           | LinuxSandboxSecurityContext.run_as_user / run_as_group            | idem |
 * | any container privileged                              | LinuxSandboxSecurityContext.privileged                            | idem (HasPrivilegedContainer) |
 * | fsGroup, supplementalGroups                           | supplemental_groups (fsGroup first), sandbox and container        | idem; security_context.go determineEffectiveSecurityContext |
 * | merged securityContext (container wins; the pod gives runAsUser, runAsGroup, runAsNonRoot, seccompProfile) | LinuxContainerSecurityContext | pkg/securitycontext/util.go DetermineEffectiveSecurityContext |
 * | capabilities.add / drop, verbatim                     | capabilities.add_capabilities / drop_capabilities                 | security_context.go convertToRuntimeCapabilities |
 * | privileged                                            | privileged                                                        | convertToRuntimeSecurityContext |
 * | runAsUser (else the image's uid, else its user name)  | run_as_user (else run_as_username)                                | determineEffectiveSecurityContext; kuberuntime_container.go getImageUser |
 * | runAsGroup                                            | run_as_group                                                      | convertToRuntimeSecurityContext |
 * | readOnlyRootFilesystem                                | readonly_rootfs                                                   | convertToRuntimeSecurityContext |
 * | allowPrivilegeEscalation === false                    | no_new_privs = true; unset or true → false                        | pkg/securitycontext/util.go AddNoNewPrivileges |
 * | seccompProfile (unset → Unconfined: kubelet's seccompDefault is off by default) | seccomp                                    | helpers.go getSeccompProfile |
 *
 * Refusals, each keeping the container from ever running (observed as `refused`):
 * - runAsNonRoot with runAsUser 0, with an image user 0 (no user in the image counts as
 *   root), or with a non-numeric image user: kubelet's verifyRunAsNonRoot
 *   (security_context_others.go), a CreateContainerConfigError for that container.
 * - allowPrivilegeEscalation: false with privileged: true or an added `CAP_SYS_ADMIN`: the API
 *   server rejects the pod (pkg/apis/core/validation/validation.go ValidateSecurityContext).
 * - A sysctl outside kubelet's safe set, or a `net.*` sysctl with hostNetwork: kubelet
 *   rejects the pod, SysctlForbidden (pkg/kubelet/sysctl/safe_sysctls.go, allowlist.go).
 * - `hostUsers: false` with hostNetwork, hostPID or hostIPC: the API server rejects the pod
 *   (validation.go validateHostUsers), hostNetwork unless the alpha gate
 *   UserNamespacesHostNetworkSupport (KEP-5607) is on (`SandboxPlacement.userNamespacesHostNetworkSupport`).
 *
 * Init containers are planned like regular containers and listed first, in order; the harness
 * runs them one at a time before the others, as kubelet does (kuberuntime_manager.go
 * computePodActions: each init container must finish before the next starts).
 *
 * Not translated, because nothing here depends on them: resources, volumes, probes,
 * environment, masked/readonly /proc paths (containerd applies its defaults), SELinux and
 * AppArmor (neither is enabled on the test machine). The workload's command is replaced by
 * the probe — unless it names one of the probe's two copies (`/bindprobe`, `/bindprobe-setcap`),
 * which then runs as named — and its image by the probe image (see image.ts). An image named
 * in `runAsIs` (one the harness imported for a test, whose program is bindprobe under another
 * name) is kept, with the container's `command` and `args` sent as kubelet sends them: unset,
 * containerd runs the image's Entrypoint and Cmd.
 */
import type { ContainerConfig, ImageUser, NamespaceOption, PodSandboxConfig, SecurityProfile, UserNamespace } from './cri';
import { PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000, PROBE_PATH, SETCAP_PROBE_CAPABILITY, SETCAP_PROBE_PATH } from './image';
import type { KubeContainer, KubeContainerPort, KubePod, KubeSecurityContext, KubeSeccompProfile } from './kube-types';

/** The pod template annotation by which a workload declares its binary's file capabilities (DESIGN.md). */
export const FILE_CAPABILITIES_ANNOTATION_PREFIX = 'file-capabilities.k8s-least-privilege.dev/';

/**
 * Sysctls kubelet allows without `--allowed-unsafe-sysctls` (pkg/kubelet/sysctl/safe_sysctls.go,
 * Kubernetes ≥ 1.29). `net.ipv4.ip_unprivileged_port_start` is safe since 1.22.
 */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

/** Where the runtime writes logs and which identity the sandbox gets; chosen by the harness. */
export interface SandboxPlacement {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly logDirectory: string;
  /**
   * The kubelet supports user namespaces (UserNamespacesSupport on) and gives this pod the k-th
   * block of host ids (k ≥ 1): a `hostUsers: false` pod gets `userns_options` mode POD with it,
   * any other mode NODE. Unset: no `userns_options`, as a kubelet without the support sends — and
   * a `hostUsers: false` pod is an error, since it would silently run in the host's user namespace.
   */
  readonly userNamespaceBlock?: number;
  /**
   * The API server runs with the alpha gate UserNamespacesHostNetworkSupport (KEP-5607): a pod with
   * `hostUsers: false` and `hostNetwork: true` is admitted and reaches the runtime. Unset, the API
   * server refuses it, as every cluster without the gate does.
   */
  readonly userNamespacesHostNetworkSupport?: boolean;
}

/** The size of the block of host ids kubelet gives each pod (its default `idsPerPod`). */
export const IDS_PER_POD = 65536;

/** What kubelet sends for a `hostUsers: false` pod given the k-th block of host ids: container id 0 → host id 65536·k, 65536 of them. */
export function podUserNamespace(block: number): UserNamespace {
  if (!Number.isInteger(block) || block < 1) throw new Error(`runtime harness: user-namespace block ${block}: kubelet never gives a pod block 0 (the host's ids)`);
  const mapping = { host_id: block * IDS_PER_POD, container_id: 0, length: IDS_PER_POD };
  return { mode: 'POD', uids: [mapping], gids: [{ ...mapping }] };
}

/** Which list of the pod spec a container comes from. */
export type ContainerType = 'initContainer' | 'container';

/** What every container plan says: the container and its declared ports. */
interface PlannedContainerBase {
  readonly name: string;
  readonly type: ContainerType;
  readonly ports: readonly KubeContainerPort[];
}

/** One container of the pod, ready to create, or refused before it could run. */
export type ContainerPlan =
  | (PlannedContainerBase & { readonly config: ContainerConfig; readonly refusal?: undefined })
  | (PlannedContainerBase & { readonly config?: undefined; readonly refusal: string });

/** The CRI requests for a pod, or the reason no sandbox is ever created. */
export interface PodPlan {
  readonly sandbox: PodSandboxConfig;
  /** Set when the API server or kubelet admission rejects the whole pod. */
  readonly podRefusal?: string;
  readonly containers: readonly ContainerPlan[];
}

/** Looks up the user recorded in an image, as kubelet does with ImageStatus. */
export type ImageUserLookup = (image: string) => ImageUser | undefined;

/**
 * Builds the CRI requests for `pod`, one ContainerConfig per init container (in order, first)
 * and per regular container. Each container runs the probe (the setcap copy when the pod's
 * file-capabilities annotation for it says `cap_net_bind_service=+ep`) with every declared
 * port as an argument.
 */
export function planPod(pod: KubePod, placement: SandboxPlacement, imageUser: ImageUserLookup, runAsIs: ReadonlySet<string> = new Set()): PodPlan {
  if (pod.spec.ephemeralContainers?.length) {
    // Ephemeral containers are added to a running pod through its ephemeralcontainers
    // subresource (kubectl debug); no workload template carries them.
    throw new Error('runtime harness: ephemeral containers are not run; test their ports in a pod of their own');
  }
  const initContainers = pod.spec.initContainers ?? [];
  const allContainers = [...initContainers, ...pod.spec.containers];
  const namespaces = namespacesForPod(pod, placement.userNamespaceBlock);
  const podSc = pod.spec.securityContext ?? {};
  const supplementalGroups = [...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : []), ...(podSc.supplementalGroups ?? [])];
  const sysctls = Object.fromEntries((podSc.sysctls ?? []).map((s) => [s.name, s.value]));

  const sandbox: PodSandboxConfig = {
    metadata: { name: placement.name, uid: placement.uid, namespace: placement.namespace, attempt: 0 },
    hostname: pod.spec.hostNetwork ? '' : placement.name,
    log_directory: placement.logDirectory,
    labels: { 'io.kubernetes.pod.name': placement.name },
    annotations: {},
    linux: {
      cgroup_parent: '',
      security_context: {
        namespace_options: namespaces,
        ...(podSc.runAsUser !== undefined ? { run_as_user: { value: podSc.runAsUser } } : {}),
        ...(podSc.runAsGroup !== undefined ? { run_as_group: { value: podSc.runAsGroup } } : {}),
        supplemental_groups: supplementalGroups,
        privileged: allContainers.some((c) => c.securityContext?.privileged === true),
        seccomp: seccompProfile(podSc.seccompProfile),
      },
      sysctls,
    },
  };

  const podRefusal = userNamespaceRefusal(pod, placement) ?? apiValidationRefusal(pod) ?? sysctlAdmissionRefusal(pod);
  const containers = allContainers.map((container, index): ContainerPlan => {
    const type: ContainerType = index < initContainers.length ? 'initContainer' : 'container';
    const ports = container.ports ?? [];
    const asIs = container.image !== undefined && runAsIs.has(container.image);
    const image = asIs ? container.image! : probeImageFor(container);
    const effective = effectiveSecurityContext(pod, container);
    const user = imageUser(image);
    const refusal = podRefusal ?? runAsNonRootRefusal(effective, user);
    if (refusal !== undefined) return { name: container.name, type, ports, refusal };
    const securityContext: ContainerConfig['linux']['security_context'] = {
      ...(effective.capabilities
        ? { capabilities: { add_capabilities: [...(effective.capabilities.add ?? [])], drop_capabilities: [...(effective.capabilities.drop ?? [])] } }
        : {}),
      privileged: effective.privileged === true,
      namespace_options: namespaces,
      ...(effective.runAsUser !== undefined
        ? { run_as_user: { value: effective.runAsUser } }
        : user?.uid !== undefined ? { run_as_user: user.uid } : {}),
      run_as_username: effective.runAsUser === undefined && user?.uid === undefined ? user?.username ?? '' : '',
      ...(effective.runAsGroup !== undefined ? { run_as_group: { value: effective.runAsGroup } } : {}),
      readonly_rootfs: effective.readOnlyRootFilesystem === true,
      supplemental_groups: supplementalGroups,
      no_new_privs: effective.allowPrivilegeEscalation === false,
      seccomp: seccompProfile(effective.seccompProfile),
    };
    const config: ContainerConfig = {
      metadata: { name: container.name, attempt: 0 },
      image: { image },
      command: asIs ? [...(container.command ?? [])] : [probeCommandOf(pod, container)],
      args: asIs ? [...(container.args ?? [])] : ports.map((p) => `${(p.protocol ?? 'TCP').toLowerCase()}:${p.containerPort}`),
      log_path: `${container.name}/0.log`,
      labels: { 'io.kubernetes.container.name': container.name },
      annotations: {},
      linux: { security_context: securityContext },
    };
    return { name: container.name, type, ports, config };
  });
  return { sandbox, podRefusal, containers };
}

/**
 * The container's security context after merging the pod's: the pod level supplies only
 * runAsUser, runAsGroup, runAsNonRoot and seccompProfile, and every field the container
 * sets wins (pkg/securitycontext/util.go DetermineEffectiveSecurityContext).
 */
export function effectiveSecurityContext(pod: KubePod, container: KubeContainer): KubeSecurityContext {
  const podSc = pod.spec.securityContext ?? {};
  const inherited: KubeSecurityContext = {
    runAsUser: podSc.runAsUser,
    runAsGroup: podSc.runAsGroup,
    runAsNonRoot: podSc.runAsNonRoot,
    seccompProfile: podSc.seccompProfile,
  };
  const own = Object.fromEntries(Object.entries(container.securityContext ?? {}).filter(([, v]) => v !== undefined));
  return { ...inherited, ...own };
}

/**
 * The probe copy the container runs: the one its `command` names, when it names one (a pod
 * whose binary is decided by the image, not by the annotation); else the setcap copy when the
 * annotation declares the file capability, else the plain probe.
 */
export function probeCommandOf(pod: KubePod, container: KubeContainer): string {
  const named = container.command?.[0];
  if (named === PROBE_PATH || named === SETCAP_PROBE_PATH) return named;
  return usesSetcapProbe(pod, container.name) ? SETCAP_PROBE_PATH : PROBE_PATH;
}

/** True when the pod's annotation gives this container's binary `cap_net_bind_service=+ep`. */
export function usesSetcapProbe(pod: KubePod, containerName: string): boolean {
  const declared = pod.metadata?.annotations?.[FILE_CAPABILITIES_ANNOTATION_PREFIX + containerName];
  if (declared === undefined) return false;
  if (declared.trim().toLowerCase() !== SETCAP_PROBE_CAPABILITY) {
    throw new Error(`runtime harness: the probe image only carries ${SETCAP_PROBE_CAPABILITY}; container "${containerName}" declares "${declared}"`);
  }
  return true;
}

/** The probe image variant named by the container, else the one whose user is root like most images. */
function probeImageFor(container: KubeContainer): string {
  return container.image === PROBE_IMAGE_USER_1000 ? PROBE_IMAGE_USER_1000 : PROBE_IMAGE_ROOT;
}

function namespacesForPod(pod: KubePod, userNamespaceBlock: number | undefined): NamespaceOption {
  const namespaces: NamespaceOption = {
    network: pod.spec.hostNetwork ? 'NODE' : 'POD',
    pid: pod.spec.hostPID ? 'NODE' : pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
  };
  if (userNamespaceBlock === undefined) {
    if (pod.spec.hostUsers === false) {
      throw new Error('runtime harness: a pod with hostUsers: false needs a kubelet with user-namespace support (SandboxPlacement.userNamespaceBlock) and containerd ≥ 2.0');
    }
    return namespaces;
  }
  return { ...namespaces, userns_options: pod.spec.hostUsers === false ? podUserNamespace(userNamespaceBlock) : { mode: 'NODE', uids: [], gids: [] } };
}

function seccompProfile(profile: KubeSeccompProfile | undefined): SecurityProfile {
  if (profile === undefined) return { profile_type: 'Unconfined' };
  return profile.type === 'Localhost'
    ? { profile_type: 'Localhost', localhost_ref: profile.localhostProfile ?? '' }
    : { profile_type: profile.type };
}

function runAsNonRootRefusal(effective: KubeSecurityContext, user: ImageUser | undefined): string | undefined {
  if (effective.runAsNonRoot !== true) return undefined;
  if (effective.runAsUser !== undefined) {
    return effective.runAsUser === 0 ? "kubelet: container's runAsUser breaks non-root policy" : undefined;
  }
  if (user?.uid === undefined && user?.username) {
    return `kubelet: container has runAsNonRoot and image has non-numeric user (${user.username}), cannot verify user is non-root`;
  }
  // No user in the image at all means root (kuberuntime_container.go getImageUser).
  return (user?.uid?.value ?? 0) === 0 ? 'kubelet: container has runAsNonRoot and image will run as root' : undefined;
}

/**
 * pkg/apis/core/validation validateHostUsers: a pod in its own user namespace may not share the
 * node's network, PID or IPC namespace (hostNetwork only behind the alpha gate of KEP-5607).
 */
function userNamespaceRefusal(pod: KubePod, placement: SandboxPlacement): string | undefined {
  if (pod.spec.hostUsers !== false) return undefined;
  const shared: [boolean | undefined, string][] = [
    [pod.spec.hostNetwork && placement.userNamespacesHostNetworkSupport !== true, 'hostNetwork'],
    [pod.spec.hostPID, 'HostPID'],
    [pod.spec.hostIPC, 'HostIPC'],
  ];
  const field = shared.find(([set]) => set === true)?.[1];
  return field === undefined ? undefined : `API server: spec.${field}: Forbidden: when \`pod.Spec.HostUsers\` is false`;
}

function apiValidationRefusal(pod: KubePod): string | undefined {
  const listed = (field: 'initContainers' | 'containers') => (pod.spec[field] ?? []).map((container, index) => ({ container, path: `spec.${field}[${index}].securityContext` }));
  for (const { container, path } of [...listed('initContainers'), ...listed('containers')]) {
    const sc = container.securityContext;
    if (sc?.allowPrivilegeEscalation !== false) continue;
    if (sc.privileged === true) return `API server: ${path}: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`;
    if (sc.capabilities?.add?.includes('CAP_SYS_ADMIN')) {
      return `API server: ${path}: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`;
    }
  }
  return undefined;
}

function sysctlAdmissionRefusal(pod: KubePod): string | undefined {
  for (const { name } of pod.spec.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(name)) return `kubelet: SysctlForbidden: forbidden sysctl: "${name}" not allowlisted`;
    if (pod.spec.hostNetwork && name.startsWith('net.')) {
      return `kubelet: SysctlForbidden: forbidden sysctl: "${name}" not allowed with host net enabled`;
    }
  }
  return undefined;
}
