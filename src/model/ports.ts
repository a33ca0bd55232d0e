import type { ContainerEntry } from './containers';
import type { FieldReading } from './json-value';
import { arrayField, asObject, describeRaw, readInteger, readString } from './json-value';

/** A protocol a containerPort may declare. */
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

const PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);

/** Whether a value is a protocol the API server accepts for a port (case matters: `tcp` is refused). */
export function isPortProtocol(value: unknown): value is PortProtocol {
  return typeof value === 'string' && PROTOCOLS.has(value);
}

/** One entry of a container's `ports`, read without trusting it. */
export interface PortDeclaration {
  /** The field path relative to the pod spec, e.g. `containers[0].ports[1]`. */
  readonly path: string;
  /** The port's `name`, when it has one (Services may target it by name). */
  readonly name: string | undefined;
  /** `containerPort` as read. */
  readonly containerPort: FieldReading<number>;
  /** `protocol` as written, `TCP` when omitted (the API default). */
  readonly protocol: string;
  /** Why the declaration is not one the API server accepts, when it is not. */
  readonly invalid: string | undefined;
}

/** The declared ports of a container, each checked for what the API server would reject. */
export function listPorts(container: ContainerEntry): PortDeclaration[] {
  const list = arrayField(container.spec, 'ports');
  if (list === undefined) return [];
  return list.map((raw, index) => {
    const port = asObject(raw);
    const path = `${container.path}.ports[${index}]`;
    const containerPort = readInteger(port, 'containerPort');
    const protocolReading = readString(port, 'protocol');
    const protocol = protocolReading.state === 'valid' ? protocolReading.value : protocolReading.state === 'absent' ? 'TCP' : describeRaw(protocolReading.raw);
    const name = readString(port, 'name');
    return {
      path,
      name: name.state === 'valid' ? name.value : undefined,
      containerPort,
      protocol,
      invalid: invalidReason(port === undefined ? raw : undefined, containerPort, protocol),
    };
  });
}

function invalidReason(notAMap: unknown, containerPort: FieldReading<number>, protocol: string): string | undefined {
  if (notAMap !== undefined) return `the ports entry is ${describeRaw(notAMap)}, not a map with containerPort`;
  if (containerPort.state === 'absent') return 'containerPort is missing';
  if (containerPort.state === 'invalid') return `containerPort is ${describeRaw(containerPort.raw)}, not an integer`;
  if (containerPort.value < 1 || containerPort.value > 65535) return `containerPort ${containerPort.value} is outside 1–65535`;
  if (!PROTOCOLS.has(protocol)) return `protocol ${protocol} is not TCP, UDP or SCTP`;
  return undefined;
}

/** Whether a value is a port number the API server accepts: an integer from 1 to 65535. */
export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** A `containerPort` as written, for messages: `80`, or the wrong value quoted (`"80"`, `null`). */
export function describeContainerPort(containerPort: unknown): string {
  return typeof containerPort === 'number' ? String(containerPort) : JSON.stringify(containerPort ?? null);
}

/**
 * A judged port for messages: `80/TCP`, and for one the container does not declare, what names
 * it: `80/TCP (from the Service web's targetPort)`.
 */
export function describePort(port: { readonly containerPort: unknown; readonly protocol: string; readonly origin?: string | undefined }): string {
  return `${describeContainerPort(port.containerPort)}/${port.protocol}${port.origin === undefined ? '' : ` (from ${port.origin})`}`;
}
