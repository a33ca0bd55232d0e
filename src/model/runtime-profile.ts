import type { CapabilityNameReading } from './capabilities';

/**
 * What the container runtime does that the manifest does not say. Docker ≥ 20.10
 * (moby#41030) and containerd ≥ 2.0 (CRI `enable_unprivileged_ports`, containerd#9348)
 * set `net.ipv4.ip_unprivileged_port_start=0` in every pod network namespace;
 * containerd 1.x and CRI-O do not (cri-o#10050, kubernetes#102612).
 */
export interface RuntimeProfile {
  /** The profile's name, as given on the command line. */
  readonly name: RuntimeProfileName;
  /** The runtimes (and clusters built on them) the profile describes. */
  readonly describes: string;
  /** `ip_unprivileged_port_start` in a pod's own network namespace when the pod sets no sysctl. */
  readonly defaultUnprivilegedPortStart: number;
  /** How the runtime reads capability names in `add`/`drop`. */
  readonly capabilityNames: CapabilityNameReading;
}

/** The names of the runtime profiles. */
export type RuntimeProfileName = 'strict' | 'containerd-1' | 'cri-o' | 'containerd-2' | 'docker';

/** The lowest port any process may bind when the runtime leaves the kernel default. */
export const KERNEL_DEFAULT_UNPRIVILEGED_PORT_START = 1024;

/** Every runtime profile; `strict` first. */
export const RUNTIME_PROFILES: readonly RuntimeProfile[] = [
  {
    name: 'strict',
    describes: 'no runtime help: a verdict that holds here holds on every runtime (the portable choice)',
    defaultUnprivilegedPortStart: KERNEL_DEFAULT_UNPRIVILEGED_PORT_START,
    capabilityNames: 'worst-case',
  },
  {
    name: 'containerd-1',
    describes: 'containerd 1.x, or 2.x with enable_unprivileged_ports = false',
    defaultUnprivilegedPortStart: KERNEL_DEFAULT_UNPRIVILEGED_PORT_START,
    capabilityNames: 'containerd',
  },
  {
    name: 'cri-o',
    describes: 'CRI-O (OpenShift)',
    defaultUnprivilegedPortStart: KERNEL_DEFAULT_UNPRIVILEGED_PORT_START,
    capabilityNames: 'prefix-tolerant',
  },
  {
    name: 'containerd-2',
    describes: 'containerd ≥ 2.0 (enable_unprivileged_ports = true) and kind, k3s, minikube on it',
    defaultUnprivilegedPortStart: 0,
    capabilityNames: 'containerd',
  },
  {
    name: 'docker',
    describes: 'Docker ≥ 20.10 (cri-dockerd)',
    defaultUnprivilegedPortStart: 0,
    capabilityNames: 'prefix-tolerant',
  },
];

const ALIASES: Readonly<Record<string, RuntimeProfileName>> = { kind: 'containerd-2', k3s: 'containerd-2', minikube: 'containerd-2' };

/** The default profile: assume no runtime lowers the unprivileged port range. */
export const DEFAULT_RUNTIME_PROFILE: RuntimeProfile = RUNTIME_PROFILES[0];

/** The profiles whose runtimes lower `ip_unprivileged_port_start`, named for messages. */
export const LOWERING_RUNTIMES = 'containerd ≥ 2.0, Docker ≥ 20.10, kind, k3s';

/** The profile of a name or alias (`kind`, `k3s`, `minikube`), or `undefined` when there is none. */
export function findRuntimeProfile(name: string): RuntimeProfile | undefined {
  const canonical = ALIASES[name] ?? name;
  return RUNTIME_PROFILES.find((profile) => profile.name === canonical);
}

/** Every accepted profile name and alias, for usage messages. */
export function runtimeProfileNames(): string[] {
  return [...RUNTIME_PROFILES.map((profile) => profile.name), ...Object.keys(ALIASES)];
}
