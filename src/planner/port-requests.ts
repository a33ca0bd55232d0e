/**
 * The ports an intent asks for — `port` (+ `protocol`, `portName`, `containerPort`) or `ports` —
 * as one list with the defaults applied, and the container port each listens on under the
 * high-port strategy. A DNS server asks for 53/UDP and 53/TCP: one process, one strategy, two ports.
 */
import { inputError } from './input-validation';
import type { PortProtocol } from '../model/ports';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../model/runtime-profile';

/** One port a plan binds, with its defaults applied. */
export interface PortRequest {
  /** The port clients connect to (the Service port). */
  readonly port: number;
  /** Its protocol. */
  readonly protocol: PortProtocol;
  /** The container port's and the Service port's name. */
  readonly name: string;
  /** The container port asked for under the high-port strategy, if any. */
  readonly containerPort: number | undefined;
  /** Where the intent gave it, for messages: `port`, `ports[1]`. */
  readonly source: string;
}

/** The single-port props and the list: `PrivilegedPortIntent`'s, as far as they matter here. */
export interface PortIntent {
  /**
   * The single port.
   * @default - none: `ports` is given
   */
  readonly port?: number;
  /**
   * The single port's protocol.
   * @default 'TCP'
   */
  readonly protocol?: PortProtocol;
  /**
   * The single port's name.
   * @default `<protocol>-<port>`
   */
  readonly portName?: string;
  /**
   * The single port's container port under the high-port strategy (read by the planner, not here).
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Several ports instead of the single one.
   * @default - the single `port`
   */
  readonly ports?: readonly { readonly port: number; readonly protocol?: PortProtocol; readonly name?: string; readonly containerPort?: number }[];
}

/** The unprivileged port the high-port strategy listens on unless told otherwise. */
export const DEFAULT_HIGH_PORT = 8080;

/**
 * The ports of a (validated) intent: `ports`, or the single `port`.
 *
 * @throws TypeError when neither `port` nor `ports` is given
 * @throws RangeError when both are, or when two entries repeat a port and protocol or a name
 */
export function portRequestsOf(caller: string, intent: PortIntent): PortRequest[] {
  if (intent.ports === undefined) {
    if (intent.port === undefined) {
      throw inputError(caller, { path: '.port', value: undefined, accepted: 'an integer from 1 to 65535 (or give ports: [{ port, protocol? }, …])', wrongType: true });
    }
    const protocol = intent.protocol ?? 'TCP';
    // The single port's containerPort is the planner's `preferred` (after the strategy's own), as it always was.
    return [{ port: intent.port, protocol, name: intent.portName ?? defaultPortName(intent.port, protocol), containerPort: undefined, source: 'port' }];
  }
  const single = (['port', 'protocol', 'portName', 'containerPort'] as const).find((prop) => intent[prop] !== undefined);
  if (single !== undefined) {
    throw new RangeError(
      `${caller}: ${single} and ports are both given; port, protocol, portName and containerPort describe a single port — with ports, ` +
        'give each entry its own ({ port, protocol?, name?, containerPort? })',
    );
  }
  const requests = intent.ports.map((entry, index): PortRequest => {
    const protocol = entry.protocol ?? 'TCP';
    return { port: entry.port, protocol, name: entry.name ?? defaultPortName(entry.port, protocol), containerPort: entry.containerPort, source: `ports[${index}]` };
  });
  requests.forEach((request, index) => {
    const earlier = requests.slice(0, index);
    const sameSocket = earlier.find((other) => other.port === request.port && other.protocol === request.protocol);
    if (sameSocket !== undefined) throw new RangeError(`${caller}: ${request.source} repeats ${describePort(request)} of ${sameSocket.source}`);
    const sameName = earlier.find((other) => other.name === request.name);
    if (sameName !== undefined) throw new RangeError(`${caller}: ${request.source} is named "${request.name}" like ${sameName.source}; port names must be unique (give each a name)`);
  });
  return requests;
}

/** Whether a port is below the kernel's default `ip_unprivileged_port_start`. */
export function isPrivilegedPort(port: number): boolean {
  return port < KERNEL_DEFAULT_UNPRIVILEGED_PORT_START;
}

/** The lowest privileged port of the requests, or `undefined` when none is privileged. */
export function lowestPrivilegedPort(requests: readonly PortRequest[]): number | undefined {
  const privileged = requests.map((request) => request.port).filter(isPrivilegedPort);
  return privileged.length === 0 ? undefined : Math.min(...privileged);
}

/**
 * The container port of each request under the high-port strategy, in order: the entry's own
 * `containerPort`; else `preferred` (from `BindStrategy.highPort({ containerPort })` or the
 * intent's `containerPort`) for the first request's port; else the port itself when it is not
 * privileged; else the next free port from 8080 up. One port number under two protocols (53/UDP and
 * 53/TCP) listens on one container port.
 *
 * @throws RangeError when two different ports would listen on one container port and protocol
 */
export function highContainerPorts(caller: string, requests: readonly PortRequest[], preferred: number | undefined): number[] {
  const byPort = new Map<number, number>();
  for (const request of requests) {
    if (request.containerPort !== undefined && !byPort.has(request.port)) byPort.set(request.port, request.containerPort);
  }
  if (preferred !== undefined && requests.length > 0 && !byPort.has(requests[0].port)) byPort.set(requests[0].port, preferred);
  for (const request of requests) if (!isPrivilegedPort(request.port) && !byPort.has(request.port)) byPort.set(request.port, request.port);
  const used = new Set(byPort.values());
  let next = DEFAULT_HIGH_PORT;
  for (const request of requests) {
    if (byPort.has(request.port)) continue;
    while (used.has(next)) next++;
    byPort.set(request.port, next);
    used.add(next);
  }
  const containerPorts = requests.map((request) => request.containerPort ?? byPort.get(request.port)!);
  requests.forEach((request, index) => {
    const clash = requests.findIndex(
      (other, j) => j < index && other.port !== request.port && other.protocol === request.protocol && containerPorts[j] === containerPorts[index],
    );
    if (clash >= 0) {
      throw new RangeError(
        `${caller}: ${describePort(requests[clash])} (${requests[clash].source}) and ${describePort(request)} (${request.source}) would both listen on ` +
          `${containerPorts[index]}/${request.protocol} under the high-port strategy; give each its own containerPort`,
      );
    }
  });
  return containerPorts;
}

/** `80/TCP`. */
export function describePort(request: { readonly port: number; readonly protocol: string }): string {
  return `${request.port}/${request.protocol}`;
}

/** The requests as messages name them: `port 80/TCP`, `ports 53/UDP and 53/TCP`. */
export function describePorts(requests: readonly { readonly port: number; readonly protocol: string }[]): string {
  const each = requests.map(describePort);
  if (each.length === 1) return `port ${each[0]}`;
  return `ports ${each.slice(0, -1).join(', ')} and ${each[each.length - 1]}`;
}

function defaultPortName(port: number, protocol: PortProtocol): string {
  return `${protocol.toLowerCase()}-${port}`;
}
