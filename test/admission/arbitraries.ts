/**
 * Random pods and workloads for the differential test of the admission policy: values the API
 * server accepts (so that the oracle decodes them as it would), biased to the cases the model
 * distinguishes — uids, runAsNonRoot, privileged, capability spellings and ALL, drop/add order,
 * the port-start sysctl and its values, hostNetwork, hostUsers, Windows, init and ephemeral
 * containers, named ports, and file-capability annotations in setcap's text form.
 */
import * as fc from 'fast-check';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../../src/model/file-capabilities';

const maybe = <T>(arb: fc.Arbitrary<T>, freq = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: freq, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) });

/** Drops the keys whose value is undefined. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const CAPABILITY_NAMES = [
  'ALL', 'all', 'All', 'NET_BIND_SERVICE', 'net_bind_service', 'Net_Bind_Service', 'CAP_NET_BIND_SERVICE', 'cap_net_bind_service',
  'CHOWN', 'CAP_CHOWN', 'chown', 'SYS_ADMIN', 'CAP_SYS_ADMIN', 'NET_RAW', 'SETFCAP', 'SYS_TIME', 'FOO', 'CAP_CAP_CHOWN', '',
];

const PORTS = [1, 22, 53, 79, 80, 443, 1000, 1023, 1024, 1025, 8080, 32767, 32768, 32769, 65535];

const port = fc.record({
  containerPort: fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 1, max: 65535 })),
  protocol: maybe(fc.constantFrom('TCP', 'UDP', 'SCTP')),
  name: maybe(fc.constantFrom('http', 'https', 'dns', 'metrics'), 1),
});

const capabilities = fc.record({
  add: maybe(fc.array(fc.constantFrom(...CAPABILITY_NAMES), { maxLength: 3 })),
  drop: maybe(fc.array(fc.constantFrom(...CAPABILITY_NAMES), { maxLength: 3 })),
});

const uid = fc.oneof(fc.constantFrom(0, 1, 101, 1000, 65534, 2147483647), fc.integer({ min: 0, max: 2147483647 }));

const containerSecurityContext = fc.record({
  runAsUser: maybe(uid),
  runAsNonRoot: maybe(fc.boolean()),
  privileged: maybe(fc.boolean(), 1),
  allowPrivilegeEscalation: maybe(fc.boolean()),
  capabilities: maybe(capabilities, 3),
});

/** A setcap clause: a capability list and one to three actions. */
const setcapClause = fc
  .tuple(
    fc.oneof(
      fc.constantFrom('cap_net_bind_service', 'CAP_NET_BIND_SERVICE', 'net_bind_service', 'cap_chown', 'cap_net_bind_service,cap_chown', 'cap_sys_admin', 'all', '', 'cap_setfcap,cap_net_bind_service'),
      fc.constantFrom('bogus', 'cap_cap_chown', 'cap_net_bind_service,'),
    ),
    fc.array(fc.tuple(fc.constantFrom('=', '+', '-'), fc.constantFrom('', 'e', 'p', 'i', 'ep', 'pe', 'eip', 'P', 'EP')), { minLength: 1, maxLength: 3 }),
  )
  .map(([list, actions]) => list + actions.map(([operator, flags]) => operator + flags).join(''));

/** A file-capability annotation value: the usual forms, random clauses, and broken ones. */
export const fileCapabilityText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('cap_net_bind_service=+ep', 'cap_net_bind_service+ep', 'cap_net_bind_service=ep', 'cap_net_bind_service+p', 'cap_chown=+ep', 'all=ep', '=ep') },
  { weight: 4, arbitrary: fc.array(setcapClause, { minLength: 1, maxLength: 3 }).chain((clauses) => fc.constantFrom(' ', '\t', '  ', '\n').map((gap) => clauses.join(gap))) },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', 'bogus', 'cap_net_bind_service', '+ep', 'cap_net_bind_service=+ep ', '\u00a0cap_net_bind_service=+ep', 'cap_net_bind_service=+ep\u2003cap_chown+p') },
);

interface ContainerShape {
  readonly image: string | undefined;
  readonly ports: ReadonlyArray<Record<string, unknown>>;
  readonly securityContext: Record<string, unknown> | undefined;
  readonly annotation: string | undefined;
}

const container: fc.Arbitrary<ContainerShape> = fc.record({
  image: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('nginx:1.27', 'registry.example/app@sha256:0123') }, { weight: 1, arbitrary: fc.constantFrom(undefined, '') }),
  ports: fc.array(port, { maxLength: 3 }),
  securityContext: maybe(containerSecurityContext, 4),
  annotation: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fileCapabilityText }),
});

const STARTS = ['0', '1', '53', '80', '443', '1000', '1023', '1024', '32768', '32769', '65535', '080', 'abc', '', '1000000', '-1'];

const podShape = fc.record({
  init: fc.array(container, { maxLength: 2 }),
  main: fc.array(container, { minLength: 1, maxLength: 3 }),
  ephemeral: fc.array(container, { maxLength: 1 }),
  hostNetwork: maybe(fc.boolean(), 1),
  hostUsers: maybe(fc.boolean(), 1),
  windows: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('linux', 'windows') }),
  runAsUser: maybe(uid, 1),
  runAsNonRoot: maybe(fc.boolean(), 1),
  sysctl: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('net.ipv4.ip_unprivileged_port_start', 'net/ipv4/ip_unprivileged_port_start'), fc.constantFrom(...STARTS)) },
  ),
  otherSysctl: fc.boolean(),
  strayAnnotation: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('ghost', '', 'c9') }),
});

/** A random pod: `{ metadata, spec }` with the names `i0`, `c0`, `e0` …. */
export const randomPod = podShape.map((shape) => {
  const annotations: Record<string, string> = {};
  const render = (prefix: string) => (c: ContainerShape, index: number) => {
    const name = `${prefix}${index}`;
    if (c.annotation !== undefined) annotations[FILE_CAPABILITIES_ANNOTATION_PREFIX + name] = c.annotation;
    const caps = c.securityContext?.capabilities as Record<string, unknown> | undefined;
    const securityContext =
      c.securityContext === undefined ? undefined : compact({ ...c.securityContext, capabilities: caps === undefined ? undefined : compact(caps) });
    return compact({ name, image: c.image, ports: c.ports.length === 0 ? undefined : c.ports.map((p) => compact({ ...p })), securityContext });
  };
  if (shape.strayAnnotation !== undefined) annotations[FILE_CAPABILITIES_ANNOTATION_PREFIX + shape.strayAnnotation] = 'cap_net_bind_service=+ep';
  const sysctls = [
    ...(shape.otherSysctl ? [{ name: 'net.ipv4.ping_group_range', value: '0 2147483647' }] : []),
    ...(shape.sysctl === undefined ? [] : [{ name: shape.sysctl[0], value: shape.sysctl[1] }]),
  ];
  const podSecurityContext = compact({
    runAsUser: shape.runAsUser,
    runAsNonRoot: shape.runAsNonRoot,
    sysctls: sysctls.length === 0 ? undefined : sysctls,
  });
  return {
    metadata: compact({ annotations: Object.keys(annotations).length === 0 ? undefined : annotations }),
    spec: compact({
      initContainers: shape.init.length === 0 ? undefined : shape.init.map(render('i')),
      containers: shape.main.map(render('c')),
      ephemeralContainers: shape.ephemeral.length === 0 ? undefined : shape.ephemeral.map(render('e')),
      hostNetwork: shape.hostNetwork,
      hostUsers: shape.hostUsers,
      os: shape.windows === undefined ? undefined : { name: shape.windows },
      securityContext: Object.keys(podSecurityContext).length === 0 ? undefined : podSecurityContext,
    }),
  };
});

/** The kinds a pod can be wrapped in. */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController', 'CronJob'] as const;

/** A kind the policy covers. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The pod `{ metadata, spec }` as an object of `kind`, named `name`. */
export function wrapPod(pod: { metadata?: Record<string, unknown>; spec: Record<string, unknown> }, kind: WorkloadKind, name = 'subject'): Record<string, unknown> {
  const labels = { app: name };
  const template = { metadata: { ...pod.metadata, labels }, spec: pod.spec };
  const selector = { matchLabels: labels };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...pod.metadata, name, namespace: 'default' }, spec: pod.spec };
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, spec: { selector: labels, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: { name, namespace: 'default' }, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata: { name, namespace: 'default' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'default' }, spec: { selector, template } };
  }
}
