/**
 * Linux capability names and how container runtimes read the names a manifest gives.
 *
 * Names here are canonical: upper case, without the `CAP_` prefix, as Kubernetes
 * and Pod Security Standards spell them (`NET_BIND_SERVICE`).
 */

/** Every capability of Linux 6.x (capabilities(7)), canonical names. */
export const LINUX_CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

const KNOWN = new Set(LINUX_CAPABILITIES);

/**
 * The set containerd (1.x and 2.x: pkg/oci defaultUnixCaps) and Docker start a non-privileged
 * container with, before the manifest's drop/add. CRI-O's default list is a subset
 * ({@link CRIO_DEFAULT_CAPABILITIES}).
 */
export const RUNTIME_DEFAULT_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'NET_RAW',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/**
 * CRI-O's `default_capabilities` (internal/config/capabilities Default, crio.conf(5), v1.36.3):
 * containerd's set without AUDIT_WRITE, MKNOD, NET_RAW, SETFCAP and SYS_CHROOT.
 */
export const CRIO_DEFAULT_CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETPCAP', 'SETUID',
];

/** The capability that lets a process bind a port below `net.ipv4.ip_unprivileged_port_start`. */
export const NET_BIND_SERVICE = 'NET_BIND_SERVICE';

/**
 * How a runtime turns a name from `capabilities.add`/`drop` into a kernel capability.
 * - `containerd`: upper-cases the name and prepends `CAP_` (containerd pkg/cri/opts
 *   `WithCapabilities`), so `net_bind_service` works but `CAP_NET_BIND_SERVICE` becomes
 *   `CAP_CAP_NET_BIND_SERVICE`, which runc ignores: the capability is not granted
 *   (observed with containerd 1.6 CRI: test/runtime, docs/architecture.md).
 * - `prefix-tolerant`: CRI-O and Docker accept the name with or without `CAP_`.
 * - `worst-case`: the strict profile's reading, true on every runtime: an add counts
 *   only if containerd grants it, a drop counts if any runtime drops it.
 */
export type CapabilityNameReading = 'containerd' | 'prefix-tolerant' | 'worst-case';

/** `ALL` is matched without regard to case by containerd and CRI-O alike (`strings.EqualFold`). */
export function isAllCapabilities(name: string): boolean {
  return name.toUpperCase() === 'ALL';
}

function containerdName(name: string): string | undefined {
  const upper = name.toUpperCase();
  return !upper.startsWith('CAP_') && KNOWN.has(upper) ? upper : undefined;
}

function prefixTolerantName(name: string): string | undefined {
  const upper = name.toUpperCase();
  const bare = upper.startsWith('CAP_') ? upper.slice(4) : upper;
  return KNOWN.has(bare) ? bare : undefined;
}

/** The capability that `add: [name]` grants under a reading, or `undefined` when it grants nothing. */
export function capabilityAddedBy(name: string, reading: CapabilityNameReading): string | undefined {
  return reading === 'prefix-tolerant' ? prefixTolerantName(name) : containerdName(name);
}

/** The capability that `drop: [name]` removes under a reading, or `undefined` when it removes nothing. */
export function capabilityDroppedBy(name: string, reading: CapabilityNameReading): string | undefined {
  return reading === 'containerd' ? containerdName(name) : prefixTolerantName(name);
}

/**
 * The canonical name a person meant (`cap_net_bind_service` → `NET_BIND_SERVICE`), for
 * display and for rules; `undefined` when it names no Linux capability.
 */
export function canonicalCapabilityName(name: string): string | undefined {
  return prefixTolerantName(name);
}
