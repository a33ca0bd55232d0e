/**
 * Issue 7: fields of the wrong type, absent or `null`, out of range. The API server would
 * reject most of these manifests; the checker must still report the resource — with a
 * finding or an `unknown` verdict naming the field — and never throw.
 */
import { checkText, parseReport, checkInProcess, inputFile, removeWorkDirectories } from './run-checker';
import type { CheckReport, ResourceReport } from '../../src/check/report';

afterAll(removeWorkDirectories);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A Deployment that touches every field the model and the rules read. */
const FULL_DEPLOYMENT: Json = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'full',
    namespace: 'shop',
    annotations: { 'k8s-least-privilege.dev/pod-security-level': 'restricted' },
  },
  spec: {
    replicas: 1,
    template: {
      metadata: {
        labels: { app: 'full' },
        annotations: {
          'file-capabilities.k8s-least-privilege.dev/web': 'cap_net_bind_service=+ep',
          'k8s-least-privilege.dev/suppress': 'LP004: the image needs CHOWN at start',
          'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default',
        },
      },
      spec: {
        hostNetwork: false,
        hostPID: false,
        hostIPC: false,
        hostUsers: true,
        securityContext: {
          runAsUser: 1000,
          runAsGroup: 1000,
          runAsNonRoot: true,
          fsGroup: 2000,
          supplementalGroups: [3000],
          sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }],
          seccompProfile: { type: 'RuntimeDefault' },
          seLinuxOptions: { type: 'container_t', level: 's0' },
          appArmorProfile: { type: 'RuntimeDefault' },
          windowsOptions: { hostProcess: false },
        },
        volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'host', hostPath: { path: '/var/log' } }],
        initContainers: [{ name: 'init', image: 'busybox', securityContext: { runAsUser: 0, capabilities: { drop: ['ALL'], add: ['CHOWN'] } } }],
        ephemeralContainers: [{ name: 'debug', image: 'busybox', ports: [{ containerPort: 9000 }] }],
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [
              { name: 'http', containerPort: 80, protocol: 'TCP', hostPort: 0 },
              { name: 'dns', containerPort: 53, protocol: 'UDP' },
            ],
            securityContext: {
              runAsUser: 1000,
              runAsNonRoot: true,
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              procMount: 'Default',
              capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            livenessProbe: { httpGet: { path: '/', port: 80, host: '127.0.0.1' } },
            lifecycle: { preStop: { tcpSocket: { port: 80 } } },
          },
        ],
      },
    },
  },
};

/** Every path to a node of `value` (the root excluded). */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function withValueAt(root: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {node[last] = value;}
  return copy;
}

const REPLACEMENTS: readonly (Json | undefined)[] = [undefined, null, '0', 'true', 'x', -1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, 1e300, 0.5, true, [], {}, [null], { '': null }];

function expectSaneResource(resource: ResourceReport): void {
  for (const container of resource.containers) {
    for (const port of container.ports) {
      expect(['allowed', 'denied', 'unknown']).toContain(port.bind);
      expect(port.reason.length).toBeGreaterThan(0);
    }
  }
  for (const finding of resource.findings) {
    expect(Number.isInteger(finding.line) && finding.line >= 1).toBe(true);
    expect(finding.message.length).toBeGreaterThan(0);
  }
}

describe('every field of a full Deployment: dropped, null, retyped or out of range', () => {
  // Below apiVersion/kind (whose cases are input errors, in input-cases.test.ts), every node
  // gets every replacement; all variants go into one stream, one document each.
  const paths = pathsOf(FULL_DEPLOYMENT).filter((path) => path[0] !== 'apiVersion' && path[0] !== 'kind');
  const variants = paths.flatMap((path) => REPLACEMENTS.map((value) => ({ path, value, document: withValueAt(FULL_DEPLOYMENT, path, value) })));
  let report: CheckReport;

  beforeAll(() => {
    const file = inputFile('variants.yaml', variants.map((variant) => JSON.stringify(variant.document)).join('\n---\n'));
    report = parseReport(checkInProcess(file));
  });

  test(`each of the ${variants.length} variants is a resource, at its own document, and no error entry`, () => {
    expect(report.errors).toEqual([]);
    expect(report.resources.map((resource) => resource.source.document)).toEqual(variants.map((_, index) => index));
    report.resources.forEach(expectSaneResource);
  });

  test('when a wrong-typed field of the container makes port 80 unknown, the reason names that field', () => {
    const decisive = ['runAsUser', 'privileged', 'capabilities', 'add', 'containerPort'];
    variants.forEach((variant, index) => {
      const field = variant.path[variant.path.length - 1];
      if (!(typeof variant.value === 'string' && decisive.includes(String(field)) && variant.path.includes('containers'))) return;
      const web = report.resources[index].containers.find((container) => container.name === 'web');
      const port80 = web?.ports.find((port) => port.containerPort === 80);
      if (port80 !== undefined && port80.bind === 'unknown') expect(port80.reason).toMatch(new RegExp(String(field)));
    });
  });
});

describe('the cases the issue names', () => {
  const pod = (podSecurityContext: Json, container: Record<string, Json>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { securityContext: podSecurityContext, containers: [{ name: 'web', ports: [{ containerPort: 80 }], ...container }] },
  });

  function port80(document: Json) {
    const { report } = checkText(JSON.stringify(document), 'pod.json');
    expect(report.errors).toEqual([]);
    const resource = report.resources[0];
    return { resource, port: resource.containers[0]?.ports[0], ruleIds: resource.findings.map((finding) => finding.ruleId) };
  }

  test.each([
    ['runAsUser: "0"', pod({}, { securityContext: { runAsUser: '0' } }), /runAsUser is "0", not a uid from 0 to 2147483647/],
    ['privileged: "true"', pod({}, { securityContext: { runAsUser: 1000, privileged: 'true' } }), /privileged is "true", not true or false/],
    ['allowPrivilegeEscalation: "false"', pod({}, { securityContext: { allowPrivilegeEscalation: 'false' } }), /allowPrivilegeEscalation is "false", not true or false/],
    ['containerPort: "80"', pod({}, { ports: [{ containerPort: '80' }], securityContext: { runAsUser: 1000 } }), /containerPort is "80", not an integer/],
    ['a named port as containerPort', pod({}, { ports: [{ name: 'http', containerPort: 'http' }] }), /containerPort is "http", not an integer/],
    ['containerPort -1', pod({}, { ports: [{ containerPort: -1 }] }), /outside 1–65535/],
    ['containerPort 65536', pod({}, { ports: [{ containerPort: 65536 }] }), /outside 1–65535/],
    ['containerPort 1e300', pod({}, { ports: [{ containerPort: 1e300 }] }), /not an integer|outside/],
    ['a sysctl value that is not a number', pod({ runAsUser: 1000, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: 'eighty' }] }, {}), /"eighty", not a port number/],
    ['a sysctl value that is a YAML number, not a string', pod({ runAsUser: 1000, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: 80 }] }, {}), /not a port number as a string/],
  ])('%s: port 80 is unknown, the reason names the field, and LP002 says so', (_, document, reason) => {
    const { port, ruleIds } = port80(document);
    expect(port).toMatchObject({ bind: 'unknown', reason: expect.stringMatching(reason) });
    expect(ruleIds).toContain('LP002');
  });

  test.each([
    // The API server refuses uids outside 0–2147483647 (see docs/input-handling.md).
    ['runAsUser: -5', -5],
    ['runAsUser: 2^31', 2 ** 31],
  ])('%s: unknown, with the range named', (_, uid) => {
    const { port, ruleIds } = port80(pod({}, { securityContext: { runAsUser: uid } }));
    expect(port).toMatchObject({ bind: 'unknown', reason: expect.stringMatching(/not a uid from 0 to 2147483647/) });
    expect(ruleIds).toContain('LP002');
  });

  test('an unknown capability name is LP006, and grants nothing', () => {
    const { port, ruleIds } = port80(pod({}, { securityContext: { runAsUser: 0, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVCE', 'CAP_FOO'] } } }));
    expect(port?.bind).toBe('denied');
    expect(ruleIds).toContain('LP006');
  });

  test('missing containers, and null where a map or a list is expected: the resource, without containers', () => {
    for (const spec of [{}, { containers: null }, { containers: {} }, { containers: 'web' }, null, 'spec', []] as Json[]) {
      const { resource } = port80({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
      expect(resource).toMatchObject({ kind: 'Pod', name: 'p', containers: [] });
      expectSaneResource(resource);
    }
  });

  test('null containers, ports, securityContext and capabilities inside the lists', () => {
    const { resource } = port80({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: null,
      spec: { securityContext: null, containers: [null, { name: 'web', ports: [null, { containerPort: null }], securityContext: { capabilities: { add: null, drop: [null] } } }] },
    });
    expect(resource.name).toBeNull();
    expectSaneResource(resource);
  });
});
