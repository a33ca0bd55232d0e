/** A Kubernetes minor version such as 1.22, compared by minor. */
export interface KubernetesVersion {
  /** The major number (always 1 today). */
  readonly major: number;
  /** The minor number. */
  readonly minor: number;
}

/**
 * The first Kubernetes release whose kubelet counts `net.ipv4.ip_unprivileged_port_start` as a
 * safe sysctl (allowed by default): kubernetes/kubernetes#103298, merged in #103326, listed as
 * "since Kubernetes 1.22" in the sysctl task page (kubernetes/website#29841). Older kubelets
 * reject the pod with SysctlForbidden unless the node allows it as an unsafe sysctl.
 */
export const UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE: KubernetesVersion = { major: 1, minor: 22 };

/**
 * The first Kubernetes release whose API knows `spec.hostUsers` (KEP-127, alpha behind the
 * UserNamespacesSupport gate; beta off by default from 1.30, on by default from 1.33, stable and
 * locked from 1.36: pkg/features/kube_features.go). An older API server drops the field, and so
 * does any whose gate is off (pkg/api/pod/util.go dropDisabledFields): the pod then runs in the
 * node's user namespace.
 */
export const USER_NAMESPACES_SINCE: KubernetesVersion = { major: 1, minor: 25 };

/**
 * The first Kubernetes release, and Pod Security policy version, that admits uid 0 at restricted in
 * a pod with `hostUsers: false`: k8s.io/pod-security-admission's `runAsNonRoot` and `runAsUser`
 * checks relax for such pods from policy v1.35 on, unconditionally (check_runAsUser.go
 * `runAsUser1_35`; before, only behind the alpha gate UserNamespacesPodSecurityStandards, 1.29+).
 * An API server evaluates at most its own version's policy, so both must be 1.35 or later.
 */
export const USER_NAMESPACE_RESTRICTED_SINCE: KubernetesVersion = { major: 1, minor: 35 };

/**
 * The default minimum Kubernetes version: 1.25, the release where Pod Security Admission, whose
 * levels the planner targets, became stable (and PodSecurityPolicy was removed).
 */
export const DEFAULT_MIN_KUBERNETES_VERSION = '1.25';

const VERSION = /^v?(\d+)\.(\d+)(?:\.\d+)?$/;

/**
 * Reads `1.22`, `v1.22` or `1.22.3`.
 * @throws RangeError for anything else.
 */
export function parseKubernetesVersion(text: string): KubernetesVersion {
  const match = VERSION.exec(text.trim());
  if (!match) throw new RangeError(`invalid Kubernetes version "${text}": expected "1.N" such as "1.25"`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Whether `version` is `since` or later. */
export function isAtLeast(version: KubernetesVersion, since: KubernetesVersion): boolean {
  return version.major !== since.major ? version.major > since.major : version.minor >= since.minor;
}

/** `1.22`. */
export function formatKubernetesVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}`;
}
