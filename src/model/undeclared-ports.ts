/**
 * Ports nobody declared. `containerPort` is informational: a container that declares no `ports`
 * may still listen on 80. The objects carry other evidence of what a container listens on: its
 * probes, the Services that send traffic to its pod, and its image's `ExposedPorts`. The ports
 * they name are judged as declared ones are, marked with where they came from.
 */
import type { ContainerEntry } from './containers';
import type { ImageFacts, UnreadImage } from './image-facts';
import { isUnreadImage } from './image-facts';
import type { JsonObject } from './json-value';
import { objectField } from './json-value';
import type { PortDeclaration, PortProtocol } from './ports';
import { isPortNumber } from './ports';

/**
 * Where a judged port comes from: the container's `ports` (`declared`), one of its probes, a
 * Service of the same input that targets its pod, or its image's `ExposedPorts`.
 */
export type PortSource = 'declared' | 'probe' | 'service' | 'image';

/** A number a Service sends traffic to on the pods it selects. */
export interface ServiceTarget {
  /** The Service's `metadata.name`, for messages. */
  readonly service: string;
  /** `targetPort`, or `port` when the Service gives no targetPort. */
  readonly port: number;
  /** The Service port's protocol, `TCP` when omitted. */
  readonly protocol: PortProtocol;
  /** `true` when the Service gives no `targetPort`, so that `port` stands for it. */
  readonly defaulted: boolean;
}

/** A port a container does not declare, though a probe, a Service or its image says it listens on it. */
export interface UndeclaredPort {
  /** What names it. */
  readonly source: Exclude<PortSource, 'declared'>;
  /** What names it, for messages: `the livenessProbe's httpGet.port`, `the Service web's targetPort`. */
  readonly origin: string;
  /**
   * The field that names it, relative to the pod spec (`containers[0].livenessProbe.httpGet.port`);
   * the container (or its `image`) when the evidence is outside the pod.
   */
  readonly path: string;
  /** The port number. */
  readonly containerPort: number;
  /** Its protocol. */
  readonly protocol: PortProtocol;
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_ACTIONS = ['tcpSocket', 'httpGet', 'grpc'] as const;

/**
 * The ports each container of a pod listens on without declaring them, in `containers`' order:
 * - its probes' `tcpSocket.port`, `httpGet.port` and `grpc.port`: a number, or a name the kubelet
 *   resolves against the container's own port names (a name that resolves to nothing is no port);
 *   a probe with a `host` probes another address, not this container's listener;
 * - `serviceTargets`, the numbers the Services that select the pod target, given to the pod's
 *   only long-running container: with several, which one listens is not known, and none is
 *   chosen (a named targetPort resolves only to a declared port, so it is never undeclared);
 * - its image's `ExposedPorts`, when the container runs the image's own start (no `command`, no
 *   `args`: a container that overrides them may run another program of the image).
 * A port any container of the pod declares, or that an earlier source named, is left out: each
 * port is judged once.
 */
export function undeclaredPorts(
  containers: readonly ContainerEntry[],
  declared: readonly (readonly PortDeclaration[])[],
  images: readonly (ImageFacts | UnreadImage | undefined)[],
  serviceTargets: readonly ServiceTarget[],
): UndeclaredPort[][] {
  // The ports judged so far: made only once some evidence names a port (most pods have none).
  let judged: Set<string> | undefined;
  const serviceListener = serviceTargets.length === 0 ? undefined : onlyListener(containers);
  return containers.map((container, index) => {
    const named = probePorts(container, declared[index]);
    if (container === serviceListener) {
      for (const target of serviceTargets) {
        const origin = target.defaulted ? `the Service ${target.service}'s port (it sets no targetPort)` : `the Service ${target.service}'s targetPort`;
        named.push({ source: 'service', origin, path: container.path, containerPort: target.port, protocol: target.protocol });
      }
    }
    const facts = images[index];
    if (isLongRunning(container) && runsImageStart(container) && facts !== undefined && !isUnreadImage(facts)) {
      for (const exposed of facts.exposedPorts) {
        named.push({ source: 'image', origin: "the image's ExposedPorts", path: `${container.path}.image`, containerPort: exposed.port, protocol: exposed.protocol });
      }
    }
    if (named.length === 0) return named;
    judged ??= declaredPortKeys(declared);
    const found: UndeclaredPort[] = [];
    for (const port of named) {
      const key = portKey(port.containerPort, port.protocol);
      if (judged.has(key)) continue;
      judged.add(key);
      found.push(port);
    }
    return found;
  });
}

/** The keys of every port any container of the pod declares as the API server accepts it. */
function declaredPortKeys(declared: readonly (readonly PortDeclaration[])[]): Set<string> {
  const keys = new Set<string>();
  for (const ports of declared) {
    for (const port of ports) if (port.invalid === undefined && port.containerPort.state === 'valid') keys.add(portKey(port.containerPort.value, port.protocol));
  }
  return keys;
}

/** The pod's only long-running container, to which a Service's targets go; undefined with none or several. */
function onlyListener(containers: readonly ContainerEntry[]): ContainerEntry | undefined {
  let listener: ContainerEntry | undefined;
  for (const container of containers) {
    if (!isLongRunning(container)) continue;
    if (listener !== undefined) return undefined;
    listener = container;
  }
  return listener;
}

function portKey(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** Whether a container runs for the pod's life beside the others: a container, or a sidecar (an init container with `restartPolicy: Always`). */
function isLongRunning(container: ContainerEntry): boolean {
  return container.type === 'container' || (container.type === 'initContainer' && container.spec.restartPolicy === 'Always');
}

/** Whether the container runs what its image starts: it overrides neither `command` nor `args`. */
function runsImageStart(container: ContainerEntry): boolean {
  const overrides = (value: unknown) => Array.isArray(value) && value.length > 0;
  return !overrides(container.spec.command) && !overrides(container.spec.args);
}

/** The ports a container's probes connect to on the pod's IP: always TCP. */
function probePorts(container: ContainerEntry, declared: readonly PortDeclaration[]): UndeclaredPort[] {
  const ports: UndeclaredPort[] = [];
  for (const probe of PROBES) {
    for (const action of PROBE_ACTIONS) {
      const handler = objectField(objectField(container.spec, probe), action);
      // `host: localhost` is the node's loopback (the kubelet probes from the node): not this container.
      if (handler === undefined || (handler.host !== undefined && handler.host !== null && handler.host !== '')) continue;
      const port = probePort(handler, action, declared);
      if (port === undefined) continue;
      ports.push({ source: 'probe', origin: `the ${probe}'s ${action}.port`, path: `${container.path}.${probe}.${action}.port`, containerPort: port, protocol: 'TCP' });
    }
  }
  return ports;
}

/**
 * The number a probe's `port` connects to: an integer from 1 to 65535, or (`tcpSocket`, `httpGet`)
 * the name of one of the container's ports, resolved as the kubelet does, by name alone.
 */
function probePort(handler: JsonObject, action: (typeof PROBE_ACTIONS)[number], declared: readonly PortDeclaration[]): number | undefined {
  const port = handler.port;
  if (typeof port === 'number') return isPortNumber(port) ? port : undefined;
  if (typeof port !== 'string' || action === 'grpc') return undefined;
  // A port the API server rejects resolves to nothing it would run.
  const named = declared.find((candidate) => candidate.name === port)?.containerPort;
  return named?.state === 'valid' && isPortNumber(named.value) ? named.value : undefined;
}
