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
