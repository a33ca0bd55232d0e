import type { CapabilityNameReading } from './capabilities';
import { CRIO_DEFAULT_CAPABILITIES, RUNTIME_DEFAULT_CAPABILITIES } from './capabilities';

/**
 * What the container runtime does that the manifest does not say. Docker ≥ 20.10
 * (moby#41030) and containerd ≥ 2.0 (CRI `enable_unprivileged_ports`, containerd#9348)
 * set `net.ipv4.ip_unprivileged_port_start=0` in every pod network namespace;
 * containerd 1.x and CRI-O do not (cri-o#10050, kubernetes#102612). CRI-O starts a
 * container with fewer capabilities; gVisor's own network stack checks no privileged port.
 * Each profile's facts are quoted or observed in docs/verification.md ("Runtime profiles").
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
  /**
   * The bounding set a container starts with before its `drop` and `add` (canonical names).
   * @default RUNTIME_DEFAULT_CAPABILITIES — containerd's and Docker's fourteen
   */
  readonly defaultCapabilities?: readonly string[];
  /**
   * Capabilities the runtime removes from every set whatever the pod adds, privileged too
   * (canonical names): runsc's default `--net-raw=false` strips NET_RAW.
   * @default none
   */
  readonly withheldCapabilities?: readonly string[];
  /**
   * Who decides a bind below 1024: `kernel` — Linux, by CAP_NET_BIND_SERVICE against
   * `ip_unprivileged_port_start`; `unchecked` — the runtime's own network stack, which lets any
   * uid bind any port (gVisor's netstack).
   * @default 'kernel'
   */
  readonly privilegedPorts?: 'kernel' | 'unchecked';
  /**
   * What no_new_privs (`allowPrivilegeEscalation: false`) does to a binary's file capabilities at
   * exec: `bounded` — Linux keeps them, up to the permitted set the runtime gave the process
   * (security/commoncap.c); `ignored` — the file capabilities are dropped outright (gVisor).
   * @default 'bounded'
   */
  readonly fileCapabilitiesUnderNoNewPrivs?: 'bounded' | 'ignored';
}

/** The names of the runtime profiles. */
export type RuntimeProfileName = 'strict' | 'containerd-1' | 'cri-o' | 'containerd-2' | 'docker' | 'gvisor';

/** The lowest port any process may bind when the runtime leaves the kernel default. */
export const KERNEL_DEFAULT_UNPRIVILEGED_PORT_START = 1024;

/** Every runtime profile; `strict` first. */
export const RUNTIME_PROFILES: readonly RuntimeProfile[] = [
  {
    name: 'strict',
    describes: 'no runtime help: a verdict that holds here holds on every runtime (the portable choice)',
    defaultUnprivilegedPortStart: KERNEL_DEFAULT_UNPRIVILEGED_PORT_START,
    capabilityNames: 'worst-case',
    // The smallest default set of any runtime (CRI-O's, a subset of containerd's), and what any
    // runtime withholds (gVisor: NET_RAW): a file capability outside them fails exec somewhere.
    defaultCapabilities: CRIO_DEFAULT_CAPABILITIES,
    withheldCapabilities: ['NET_RAW'],
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
    defaultCapabilities: CRIO_DEFAULT_CAPABILITIES,
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
  {
    name: 'gvisor',
    describes: "gVisor (runsc) through containerd's CRI plugin, as GKE Sandbox runs it: its network stack (netstack) checks no privileged port",
    // Nothing in the sandbox reads the sysctl: netstack lets any uid bind any port.
    defaultUnprivilegedPortStart: 0,
    capabilityNames: 'containerd',
    privilegedPorts: 'unchecked',
    fileCapabilitiesUnderNoNewPrivs: 'ignored',
    withheldCapabilities: ['NET_RAW'],
  },
];

/** The bounding set a container of `profile` starts with before its `drop` and `add`. */
export function defaultCapabilitiesOf(profile: Pick<RuntimeProfile, 'defaultCapabilities'>): readonly string[] {
  return profile.defaultCapabilities ?? RUNTIME_DEFAULT_CAPABILITIES;
}

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
