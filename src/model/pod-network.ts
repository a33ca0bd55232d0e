import type { JsonObject } from './json-value';
import { describeRaw, objectField, readBoolean, readString, arrayField, asObject } from './json-value';
import type { RuntimeProfile } from './runtime-profile';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from './runtime-profile';

/** The sysctl that sets the lowest port a process may bind without CAP_NET_BIND_SERVICE. */
export const UNPRIVILEGED_PORT_START_SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

/**
 * The kernel refuses an `ip_unprivileged_port_start` above the start of
 * `ip_local_port_range` (net/ipv4/sysctl_net_ipv4.c ipv4_privileged_ports), whose default is 32768.
 */
const LOCAL_PORT_RANGE_START = 32768;

/** Where the pod's `ip_unprivileged_port_start` comes from, and its value. */
export type UnprivilegedPortStart =
  | { readonly state: 'known'; readonly value: number; readonly source: 'sysctl' | 'runtime' | 'kernel-default' | 'node' }
  | { readonly state: 'unknown'; readonly reason: string }
  /** The pod never runs: the kubelet or the kernel rejects its sysctl. */
  | { readonly state: 'pod-fails'; readonly reason: string };

/** The pod-wide facts that decide which ports are privileged. */
export interface PodNetwork {
  /** `hostNetwork: true`: the pod shares the node's network namespace and its sysctls. */
  readonly hostNetwork: boolean;
  /** `spec.os.name: windows`. */
  readonly windows: boolean;
  /** `ip_unprivileged_port_start` in the pod's network namespace. */
  readonly unprivilegedPortStart: UnprivilegedPortStart;
  /**
   * `hostUsers: false` without hostNetwork: the pod runs in a user namespace of its own, which owns
   * the pod's network namespace (the runtime creates the one inside the other, KEP-127). Its uid 0 is
   * an unprivileged uid on the node, and the capabilities it holds count in the pod's network
   * namespace only. Absent in a network view made before this field existed: read as `false`.
   */
  readonly ownUserNamespace?: boolean;
}

/** Reads the pod-wide network facts under a runtime profile. */
export function podNetwork(podSpec: JsonObject | undefined, profile: RuntimeProfile): PodNetwork {
  const hostNetworkReading = readBoolean(podSpec, 'hostNetwork');
  const hostNetwork = hostNetworkReading.state === 'valid' && hostNetworkReading.value;
  const os = readString(objectField(podSpec, 'os'), 'name');
  const windows = os.state === 'valid' && os.value === 'windows';
  const hostUsers = readBoolean(podSpec, 'hostUsers');
  const userNamespace = hostUsers.state === 'valid' && !hostUsers.value;
  let start: UnprivilegedPortStart;
  if (hostNetworkReading.state === 'invalid') {
    start = { state: 'unknown', reason: `hostNetwork is ${describeRaw(hostNetworkReading.raw)}, not true or false; the API server rejects this manifest` };
  } else if (hostNetwork && userNamespace) {
    start = { state: 'pod-fails', reason: HOST_NETWORK_IN_USER_NAMESPACE };
  } else {
    start = unprivilegedPortStart(podSpec, hostNetwork, profile);
  }
  return { hostNetwork, windows, unprivilegedPortStart: start, ownUserNamespace: userNamespace && !hostNetwork };
}

/**
 * `hostUsers: false` with `hostNetwork: true`: pkg/apis/core/validation (validateHostUsers) forbids it
 * unless the alpha gate UserNamespacesHostNetworkSupport (KEP-5607) is on; then the pod runs in the
 * node's network namespace, which its user namespace does not own, so root inside holds no
 * capability there. Observed through the CRI plugin (test/runtime/user-namespace.test.ts):
 * containerd 2.2 refuses the sandbox, 2.4 runs it and a bind of port 80 fails with EACCES.
 */
const HOST_NETWORK_IN_USER_NAMESPACE =
  'the API server rejects hostUsers: false with hostNetwork: true (unless the alpha gate UserNamespacesHostNetworkSupport is on, ' +
  "and then root in the pod's user namespace holds no capability in the node's network namespace: EACCES below 1024); " +
  'drop hostNetwork to bind as root in a user namespace';

function unprivilegedPortStart(podSpec: JsonObject | undefined, hostNetwork: boolean, profile: RuntimeProfile): UnprivilegedPortStart {
  const sysctl = findSysctl(podSpec);
  if (sysctl !== undefined) {
    if (hostNetwork) {
      return {
        state: 'pod-fails',
        reason: `the kubelet rejects the pod (SysctlForbidden): ${UNPRIVILEGED_PORT_START_SYSCTL} is a network-namespace sysctl and the pod uses hostNetwork`,
      };
    }
    if (typeof sysctl !== 'string' || !/^\d{1,6}$/.test(sysctl)) {
      return { state: 'unknown', reason: `the pod sets ${UNPRIVILEGED_PORT_START_SYSCTL} to ${describeRaw(sysctl)}, not a port number as a string` };
    }
    const value = Number(sysctl);
    if (value > LOCAL_PORT_RANGE_START) {
      return {
        state: 'pod-fails',
        reason: `the pod sandbox fails to start: the kernel refuses ${UNPRIVILEGED_PORT_START_SYSCTL}=${value}, above the start of ip_local_port_range (${LOCAL_PORT_RANGE_START} by default)`,
      };
    }
    return { state: 'known', value, source: 'sysctl' };
  }
  // Runtimes lower the start only in a pod's own network namespace, never on the node's.
  if (hostNetwork) return { state: 'known', value: KERNEL_DEFAULT_UNPRIVILEGED_PORT_START, source: 'node' };
  const value = profile.defaultUnprivilegedPortStart;
  return { state: 'known', value, source: value === KERNEL_DEFAULT_UNPRIVILEGED_PORT_START ? 'kernel-default' : 'runtime' };
}

/** The pod's value for the sysctl (dotted or slash-separated name), `undefined` when it sets none. */
function findSysctl(podSpec: JsonObject | undefined): unknown {
  const sysctls = arrayField(objectField(podSpec, 'securityContext'), 'sysctls');
  for (const entry of sysctls ?? []) {
    const sysctl = asObject(entry);
    const name = typeof sysctl?.name === 'string' ? sysctl.name.replace(/\//g, '.') : undefined;
    if (name === UNPRIVILEGED_PORT_START_SYSCTL) return sysctl!.value ?? null;
  }
  return undefined;
}
