/**
 * Ports nobody declared (src/model/undeclared-ports.ts): the ports a container's probes, the
 * Services selecting its pod and its image's ExposedPorts name without a `ports` entry are judged
 * by the same model function as declared ones, each once, marked with where it came from.
 */
import type { PortAnalysis } from '../../src/model/bind-analysis';
import { analyzeBinding } from '../../src/model/bind-analysis';
import type { ImageFacts, ImageFactsLookup } from '../../src/model/image-facts';
import type { ServiceTarget } from '../../src/model/undeclared-ports';

type Container = Record<string, unknown>;

/** A pod of `containers`; the first is named `web` unless it says otherwise. */
function pod(...containers: Container[]) {
  return { metadata: {}, spec: { containers: containers.map((container, index) => ({ name: index === 0 ? 'web' : `c${index}`, image: 'example/web', ...container })) } };
}

/** Non-root without any capability: a port below 1024 is denied. */
const NON_ROOT = { securityContext: { runAsUser: 1000, capabilities: { drop: ['ALL'] } } };

const service = (port: number, extra: Partial<ServiceTarget> = {}): ServiceTarget => ({ service: 'web', port, protocol: 'TCP', defaulted: false, ...extra });

/** The ports of the pod's containers, flattened, as `{container, port, source, origin, path, bind}`. */
function ports(input: ReturnType<typeof pod>, targets: readonly ServiceTarget[] = [], images?: ImageFactsLookup) {
  return analyzeBinding(input, undefined, images, targets).containers.flatMap((container) =>
    container.ports.map((port: PortAnalysis) => ({ container: container.name, port: `${String(port.containerPort)}/${port.protocol}`, source: port.source, origin: port.origin, path: port.path, bind: port.bind })),
  );
}

describe('probes', () => {
  test.each([
    ['tcpSocket', { livenessProbe: { tcpSocket: { port: 80 } } }, "the livenessProbe's tcpSocket.port", 'containers[0].livenessProbe.tcpSocket.port'],
    ['httpGet', { readinessProbe: { httpGet: { path: '/ready', port: 80 } } }, "the readinessProbe's httpGet.port", 'containers[0].readinessProbe.httpGet.port'],
    ['grpc', { startupProbe: { grpc: { port: 80 } } }, "the startupProbe's grpc.port", 'containers[0].startupProbe.grpc.port'],
  ])('a %s probe on a port nothing declares: judged, from the probe', (_kind, probe, origin, path) => {
    expect(ports(pod({ ...NON_ROOT, ...probe }))).toEqual([{ container: 'web', port: '80/TCP', source: 'probe', origin, path, bind: 'denied' }]);
  });

  test('a probe on a declared port, by number or by name, is not judged twice', () => {
    const declared = { ports: [{ name: 'http', containerPort: 8080 }] };
    const judged = ports(pod({ ...declared, livenessProbe: { httpGet: { port: 'http' } }, readinessProbe: { tcpSocket: { port: 8080 } } }));
    expect(judged).toEqual([expect.objectContaining({ port: '8080/TCP', source: 'declared', origin: undefined, path: 'containers[0].ports[0]' })]);
  });

  test('a name resolves as the kubelet resolves it, by name alone: to a UDP port, the probe connects to TCP', () => {
    const judged = ports(pod({ ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }], livenessProbe: { tcpSocket: { port: 'dns' } } }));
    expect(judged.map(({ port, source }) => [port, source])).toEqual([['53/UDP', 'declared'], ['53/TCP', 'probe']]);
  });

  test.each([
    ['a name no port has', { livenessProbe: { httpGet: { port: 'http' } } }],
    ['a number as a string (the API server rejects it)', { livenessProbe: { httpGet: { port: '80' } } }],
    ['a name for a grpc port, which takes a number only', { ports: [{ name: 'g', containerPort: 9000, protocol: 'UDP' }], livenessProbe: { grpc: { port: 'g' } } }],
    ['0', { livenessProbe: { tcpSocket: { port: 0 } } }],
    ['70000', { livenessProbe: { tcpSocket: { port: 70000 } } }],
    ['80.5', { livenessProbe: { tcpSocket: { port: 80.5 } } }],
    ['a probe of another host (localhost is the node)', { livenessProbe: { httpGet: { host: 'localhost', port: 80 } } }],
    ['a tcpSocket probe of another host', { livenessProbe: { tcpSocket: { host: '10.0.0.1', port: 80 } } }],
    ['an exec probe', { livenessProbe: { exec: { command: ['true'] } } }],
    ['a probe that is not a map', { livenessProbe: 'tcp:80' }],
  ])('%s: no port', (_what, container) => {
    expect(ports(pod(container)).filter((port) => port.source === 'probe')).toEqual([]);
  });

  test('an empty host is the pod IP, as for the kubelet', () => {
    expect(ports(pod({ livenessProbe: { httpGet: { host: '', port: 80 } } }))).toEqual([expect.objectContaining({ port: '80/TCP', source: 'probe' })]);
  });

  test('two probes on one port: judged once, from the first', () => {
    const judged = ports(pod({ livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { httpGet: { port: 8080 } } }));
    expect(judged).toEqual([expect.objectContaining({ port: '8080/TCP', origin: "the livenessProbe's httpGet.port" })]);
  });

  test('a port another container of the pod declares is its, not the probing container\'s', () => {
    const judged = ports(pod({ livenessProbe: { tcpSocket: { port: 9000 } } }, { ports: [{ containerPort: 9000 }] }));
    expect(judged).toEqual([expect.objectContaining({ container: 'c1', port: '9000/TCP', source: 'declared' })]);
  });
});

describe('Service targets', () => {
  test('the pod\'s one container gets the port: non-root without the capability, denied, as a declared 80 would be', () => {
    const undeclared = analyzeBinding(pod(NON_ROOT), undefined, undefined, [service(80)]).containers[0].ports[0];
    const declared = analyzeBinding(pod({ ...NON_ROOT, ports: [{ containerPort: 80 }] })).containers[0].ports[0];
    expect(undeclared).toMatchObject({ source: 'service', origin: "the Service web's targetPort", path: 'containers[0]', containerPort: 80, protocol: 'TCP', name: undefined });
    expect({ bind: undeclared.bind, reason: undeclared.reason }).toEqual({ bind: declared.bind, reason: declared.reason });
    expect(undeclared.bind).toBe('denied');
  });

  test('a Service without targetPort: its port, said so', () => {
    expect(ports(pod({}), [service(80, { defaulted: true })])[0].origin).toBe("the Service web's port (it sets no targetPort)");
  });

  test('a target some container declares, with its protocol, is not judged again; with another protocol it is', () => {
    const declared = { ports: [{ containerPort: 53, protocol: 'UDP' }] };
    expect(ports(pod(declared), [service(53, { protocol: 'UDP' })]).map(({ port, source }) => [port, source])).toEqual([['53/UDP', 'declared']]);
    expect(ports(pod(declared), [service(53)]).map(({ port, source }) => [port, source])).toEqual([['53/UDP', 'declared'], ['53/TCP', 'service']]);
  });

  test('with two containers, which one listens is not known: none is given the port', () => {
    expect(ports(pod({}, {}), [service(80)])).toEqual([]);
  });

  test('a sidecar (an init container with restartPolicy: Always) may listen too; a plain init container may not', () => {
    const withInit = (restartPolicy?: string) => ({
      metadata: {},
      spec: { initContainers: [{ name: 'init', image: 'example/init', ...(restartPolicy ? { restartPolicy } : {}) }], containers: [{ name: 'web', image: 'example/web' }] },
    });
    expect(ports(withInit(), [service(80)])).toEqual([expect.objectContaining({ container: 'web', source: 'service' })]);
    expect(ports(withInit('Always'), [service(80)])).toEqual([]);
  });

  test('two Services on one port, or a probe and a Service: judged once, the probe first', () => {
    const judged = ports(pod({ readinessProbe: { tcpSocket: { port: 80 } } }), [service(80), service(80, { service: 'other' })]);
    expect(judged).toEqual([expect.objectContaining({ port: '80/TCP', source: 'probe' })]);
  });
});

describe("the image's ExposedPorts", () => {
  const facts = (exposedPorts: ImageFacts['exposedPorts']): ImageFactsLookup => () => ({
    image: 'example/web (oci:web)',
    user: { uid: 1000, configured: '1000', numeric: true },
    userFailure: undefined,
    startFailure: undefined,
    binary: { path: '/server', fileCapabilities: undefined, note: undefined },
    exposedPorts,
  });

  test('judged for a container that runs the image\'s own start, after the declared ports, from the image', () => {
    const judged = ports(pod({ ports: [{ containerPort: 8080 }] }), [], facts([{ port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]));
    expect(judged.map(({ port, source, origin, path }) => [port, source, origin, path])).toEqual([
      ['8080/TCP', 'declared', undefined, 'containers[0].ports[0]'],
      ['80/TCP', 'image', "the image's ExposedPorts", 'containers[0].image'],
      ['53/UDP', 'image', "the image's ExposedPorts", 'containers[0].image'],
    ]);
    // uid 1000 from the image, no capability: 80 is denied as a declared 80 would be.
    expect(judged[1].bind).toBe('denied');
  });

  test.each([
    ['command', { command: ['/server', 'worker'] }],
    ['args', { args: ['--port=8080'] }],
  ])('a container that overrides %s may run another program: the image\'s ports are not its', (_field, container) => {
    expect(ports(pod(container), [], facts([{ port: 80, protocol: 'TCP' }]))).toEqual([]);
  });

  test('an image not read says nothing', () => {
    const unread: ImageFactsLookup = () => ({ unread: true, image: 'example/web', binary: '/server', why: 'offline' });
    expect(ports(pod({}), [], unread)).toEqual([]);
  });

  test('a probe, a Service and the image naming one port: judged once, from the probe', () => {
    const judged = ports(pod({ livenessProbe: { tcpSocket: { port: 80 } } }), [service(80)], facts([{ port: 80, protocol: 'TCP' }]));
    expect(judged.map(({ port, source }) => [port, source])).toEqual([['80/TCP', 'probe']]);
  });
});
