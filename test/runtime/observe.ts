/**
 * What a container did with its ports, read from two independent sources: the probe's
 * own report (its stdout, in the CRI log file) and the kernel's socket tables of the
 * container's network namespace (/proc/<pid>/net/{tcp,udp}{,6}, proc(5)). A port counts
 * as `listening` only when both agree.
 */
import type { KubeContainerPort } from './kube-types';

/**
 * The outcome for one port.
 * - `listening`: bind (and listen, for TCP) succeeded, and the kernel shows the socket.
 * - `eacces`: bind failed with EACCES, the kernel's answer to a port below
 *   `ip_unprivileged_port_start` without CAP_NET_BIND_SERVICE in the effective set
 *   (net/ipv4/af_inet.c, __inet_bind → inet_port_requires_bind_service).
 * - `exec-failed`: the container's process never ran the probe (execve failed, e.g. EPERM
 *   for a file capability outside the bounding set, capabilities(7)).
 * - `refused`: the API server or kubelet would not start the container at all.
 */
export type PortObservation = 'listening' | 'eacces' | 'exec-failed' | 'refused';

/** One declared port and what happened to it, with the evidence. */
export interface ObservedPort {
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly observation: PortObservation;
  /** The probe's line for the port, or the refusal/exec error, and the socket table verdict. */
  readonly evidence: string;
}

/** The message lines of a CRI container log (`<time> <stream> <P|F> <message>`), stream-tagged. */
export function parseCriLog(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^\S+ (stdout|stderr) [PF] (.*)$/.exec(line);
    if (match) lines.push(match[1] === 'stderr' ? `stderr: ${match[2]}` : match[2]);
  }
  return lines;
}

/** The probe's report: its identity line (uid, capability sets, sysctl) and one result per `proto port`. */
export interface ProbeReport {
  readonly identity?: string;
  readonly results: ReadonlyMap<string, string>;
  readonly ready: boolean;
}

/** Parses bindprobe's output (see bindprobe.c). */
export function parseProbeOutput(lines: readonly string[]): ProbeReport {
  const results = new Map<string, string>();
  let identity: string | undefined;
  let ready = false;
  for (const line of lines) {
    if (line.startsWith('bindprobe uid=')) {identity = line.slice('bindprobe '.length);} else if (line === 'bindprobe ready') {ready = true;} else {
      const match = /^(tcp|udp) (\d+) (\S+)$/.exec(line);
      if (match) results.set(`${match[1]} ${match[2]}`, match[3]);
    }
  }
  return { identity, results, ready };
}

/** Ports with a socket in the kernel's tables: TCP in LISTEN (state 0A), UDP bound (any state). */
export interface SocketTable {
  readonly tcp: ReadonlySet<number>;
  readonly udp: ReadonlySet<number>;
}

/**
 * Parses /proc/<pid>/net/{tcp,tcp6} and {udp,udp6} (proc(5): `local_address` is
 * `HEXADDR:HEXPORT`, `st` the socket state in hex, 0A = TCP_LISTEN).
 */
export function parseSocketTables(tcpTables: readonly string[], udpTables: readonly string[]): SocketTable {
  const ports = (tables: readonly string[], listeningOnly: boolean): Set<number> => {
    const found = new Set<number>();
    for (const table of tables) {
      for (const row of table.split('\n').slice(1)) {
        const fields = row.trim().split(/\s+/);
        if (fields.length < 4) continue;
        const port = parseInt(fields[1].split(':')[1] ?? '', 16);
        if (!Number.isNaN(port) && (!listeningOnly || fields[3] === '0A')) found.add(port);
      }
    }
    return found;
  };
  return { tcp: ports(tcpTables, true), udp: ports(udpTables, false) };
}

/** How the container's process ended up, which decides how every port is read. */
export type ContainerOutcome =
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'exec-failed'; readonly reason: string }
  | { readonly kind: 'ran'; readonly report: ProbeReport; readonly sockets: SocketTable };

/**
 * Classifies each declared port. Throws when the two sources disagree or the probe saw
 * something other than success or EACCES: that is a harness problem (or a kernel
 * surprise) that must be looked at, not a verdict.
 */
export function observePorts(ports: readonly KubeContainerPort[], outcome: ContainerOutcome): ObservedPort[] {
  return ports.map((port) => {
    const protocol = port.protocol ?? 'TCP';
    if (protocol === 'SCTP') throw new Error('runtime harness: the probe binds TCP and UDP only');
    const base = { containerPort: port.containerPort, protocol };
    if (outcome.kind !== 'ran') return { ...base, observation: outcome.kind, evidence: outcome.reason };
    const key = `${protocol.toLowerCase()} ${port.containerPort}`;
    const result = outcome.report.results.get(key);
    const table = protocol === 'TCP' ? outcome.sockets.tcp : outcome.sockets.udp;
    const inKernel = table.has(port.containerPort);
    const evidence = `probe: "${key} ${result ?? '(no line)'}"; /proc/<pid>/net/${protocol.toLowerCase()}{,6}: ${inKernel ? 'bound' : 'absent'}`;
    if (result === 'listening' && inKernel) return { ...base, observation: 'listening', evidence };
    if (result === 'EACCES' && !inKernel) return { ...base, observation: 'eacces', evidence };
    throw new Error(`runtime harness: inconsistent or unexpected bind result for ${key}: ${evidence}; probe identity: ${outcome.report.identity ?? '(none)'}`);
  });
}
