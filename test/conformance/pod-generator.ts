/**
 * A seeded generator of random pods that reaches every Pod Security Admission check, for the
 * differential test of our evaluator against the real admission library (the oracle).
 *
 * The pods are what the API server accepts structurally — every field has the type of
 * `k8s.io/api/core/v1` — and mostly what users write, with a small share of odd-but-valid values
 * that checkers get wrong: capability names in odd case or with `CAP_`, `null` where a field is
 * optional, empty objects and lists, sysctl names with `/` separators, a volume with no source
 * (the API server makes it an `emptyDir`), versions of allowed lists that changed over time.
 * Some pods are ones API validation refuses but the library still judges, because that is where
 * the two levels disagree: Windows pods (`spec.os.name: windows`) with Linux-only securityContext
 * fields, and a volume naming two sources (see {@link OverrideFault}).
 */
import fc from 'fast-check';

/** A generated pod: what `evaluatePodSecurity` and the oracle both take. */
export interface GeneratedPod {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

type Json = Record<string, unknown>;

// ---- value pools -------------------------------------------------------------------------------

/** The capabilities PSS baseline allows to add (policy/check_capabilities_baseline.go). */
const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];
/** Capabilities outside the baseline list (NET_RAW is a runtime default but not allowed by baseline). */
const OTHER_CAPABILITIES = ['NET_RAW', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_TIME', 'BPF', 'ALL'];

/** Sysctls PSS baseline allows, with the policy version that first allowed them (policy/check_sysctls.go). */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', // v1.0
  'net.ipv4.ip_local_reserved_ports', // v1.27
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', // v1.29
  'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', // v1.32
  'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat', // v1.37
];
const UNSAFE_SYSCTLS = ['kernel.msgmax', 'net.core.somaxconn', 'vm.swappiness', 'net.ipv4.ip_forward', 'kernel.sem'];

const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t', 'unconfined_t'];
const PROBE_HOSTS = ['127.0.0.1', 'localhost', '::1', 'example.com', '10.0.0.1'];

// ---- helpers -----------------------------------------------------------------------------------

/** `arb` with probability `p`, else absent (undefined, removed from the object). */
function maybe<T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  // noBias: fast-check favours small integers, which would turn every chance into ~17%.
  return fc.noBias(fc.integer({ min: 0, max: 999 })).chain((n) => (n < p * 1000 ? arb : fc.constant(undefined)));
}

/** `arb` mostly; `null` (an explicit null is how YAML writes an empty optional field) with a small share. */
function orNull<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: arb, weight: 19 }, { arbitrary: fc.constant(null), weight: 1 });
}

/** Drops undefined members, recursively, so pods look as parsed YAML does. */
function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as unknown as T;
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}

/** A capability name as users write it: mostly exact, sometimes lower/mixed case or `CAP_`-prefixed. */
const capabilityName: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ arbitrary: fc.constantFrom(...BASELINE_CAPABILITIES), weight: 3 }, { arbitrary: fc.constantFrom(...OTHER_CAPABILITIES), weight: 2 }),
    fc.constantFrom('exact', 'exact', 'exact', 'exact', 'lower', 'mixed', 'CAP_', 'cap_'),
  )
  .map(([name, form]) => {
    switch (form) {
      case 'lower': return name.toLowerCase();
      case 'mixed': return name.charAt(0) + name.slice(1).toLowerCase();
      case 'CAP_': return `CAP_${name}`;
      case 'cap_': return `cap_${name.toLowerCase()}`;
      default: return name;
    }
  });

const dropName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant('ALL'), weight: 8 },
  { arbitrary: fc.constantFrom('all', 'All', 'CAP_ALL'), weight: 2 },
  { arbitrary: capabilityName, weight: 2 },
);

const capabilities = fc.record(
  {
    add: orNull(fc.array(capabilityName, { maxLength: 3 })),
    drop: orNull(fc.array(dropName, { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

/** Mostly false: `true` for privileged, host namespaces and hostProcess fails baseline outright. */
const mostlyFalse = fc.constantFrom(false, false, true);

const seLinuxOptions: fc.Arbitrary<Json> = fc.constant(null).chain(() =>
  sparseRecord(
    {
      type: fc.oneof({ arbitrary: fc.constantFrom(...SELINUX_TYPES.slice(0, 4), ''), weight: 3 }, { arbitrary: fc.constantFrom(...SELINUX_TYPES.slice(4)), weight: 1 }),
      user: fc.constantFrom('', 'system_u', 'user_u'),
      role: fc.constantFrom('', 'system_r', 'object_r'),
      level: fc.constantFrom('s0', 's0:c1,c2'),
    },
    0.3,
  ),
);

const seccompProfile = fc.oneof(
  { arbitrary: fc.constant({ type: 'RuntimeDefault' }), weight: 4 },
  { arbitrary: fc.constant({ type: 'Localhost', localhostProfile: 'profiles/audit.json' }), weight: 2 },
  { arbitrary: fc.constant({ type: 'Unconfined' }), weight: 2 },
);

const appArmorProfile = fc.oneof(
  { arbitrary: fc.constant({ type: 'RuntimeDefault' }), weight: 3 },
  { arbitrary: fc.constant({ type: 'Localhost', localhostProfile: 'k8s-apparmor-example' }), weight: 2 },
  { arbitrary: fc.constant({ type: 'Unconfined' }), weight: 1 },
);

const windowsOptions = fc.record(
  { hostProcess: mostlyFalse, runAsUserName: fc.constantFrom('ContainerUser', 'NT AUTHORITY\\SYSTEM') },
  { requiredKeys: [] },
);

const uid = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.constantFrom(1000, 65534, 101), weight: 5 },
  { arbitrary: fc.constantFrom(1, 2147483647), weight: 1 },
);

/** Fields common to pod- and container-level securityContext. */
const commonSecurityContextFields = {
  runAsNonRoot: fc.boolean(),
  runAsUser: uid,
  runAsGroup: uid,
  seLinuxOptions: orNull(seLinuxOptions),
  seccompProfile: orNull(seccompProfile),
  appArmorProfile: orNull(appArmorProfile),
  windowsOptions: orNull(windowsOptions),
};

function sparseRecord(fields: Record<string, fc.Arbitrary<unknown>>, p: number): fc.Arbitrary<Json> {
  const entries = Object.entries(fields).map(([k, arb]) => fc.tuple(fc.constant(k), maybe(arb, p)));
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)));
}

const containerSecurityContext = (p: number): fc.Arbitrary<Json> => sparseRecord(
  {
    ...commonSecurityContextFields,
    privileged: mostlyFalse,
    allowPrivilegeEscalation: fc.boolean(),
    capabilities: orNull(capabilities),
    procMount: fc.constantFrom('Default', 'Default', 'Default', 'Unmasked'),
    readOnlyRootFilesystem: fc.boolean(),
  },
  p,
);

const sysctl = fc
  .tuple(
    fc.oneof({ arbitrary: fc.constantFrom(...SAFE_SYSCTLS), weight: 4 }, { arbitrary: fc.constantFrom(...UNSAFE_SYSCTLS), weight: 2 }),
    fc.constantFrom('dot', 'dot', 'dot', 'dot', 'dot', 'dot', 'dot', 'dot', 'slash'),
  )
  // The API accepts `/` as the separator (kubelet converts it); the policy lists use dots.
  .map(([name, sep]) => ({ name: sep === 'slash' ? name.replace(/\./g, '/') : name, value: '1' }));

const podSecurityContext = (p: number): fc.Arbitrary<Json> => sparseRecord(
  {
    ...commonSecurityContextFields,
    fsGroup: fc.constantFrom(0, 2000),
    supplementalGroups: fc.array(fc.constantFrom(0, 3000), { maxLength: 2 }),
    sysctls: orNull(fc.array(sysctl, { maxLength: 3 })),
  },
  p,
);

/**
 * How a pod is drawn, so that all three levels are common (each of the ~40 fields drawn at
 * random would make nearly every pod privileged):
 * - `random`: every field independently and often, so most pods fail baseline;
 * - `sparse`: the same fields, rarely set, so many pods meet baseline and fail restricted;
 * - `hardened`: a restricted-compliant pod (runAsNonRoot, RuntimeDefault seccomp, no privilege
 *   escalation, drop ALL) with a few random changes, so the pass side of every restricted check
 *   and the pod-versus-container precedence are exercised too;
 * - `override`: a hardened pod, often a Windows one, with an {@link OverrideFault}: where the
 *   two levels, each judged with its own checks, can disagree.
 */
type Profile = 'random' | 'sparse' | 'hardened' | 'override';
const FIELD_CHANCE: Record<Profile, number> = { random: 0.3, sparse: 0.08, hardened: 0.04, override: 0.02 };
const isHardened = (profile: Profile): boolean => profile === 'hardened' || profile === 'override';
const HARDENED_CONTAINER: Json = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const HARDENED_POD: Json = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/** A probe or lifecycle handler; `host` (an SSRF vector) is what the hostProbesAndHostLifecycle check looks at. */
function handler(kind: 'probe' | 'lifecycle', p: number): fc.Arbitrary<Json> {
  const host = maybe(fc.oneof({ arbitrary: fc.constantFrom(...PROBE_HOSTS), weight: 2 }, { arbitrary: fc.constant(''), weight: 1 }), p / 2);
  const httpGet = fc.record({ path: fc.constant('/healthz'), port: fc.constantFrom(8080, 'http'), host, scheme: maybe(fc.constantFrom('HTTP', 'HTTPS'), 0.3) }).map((h) => ({ httpGet: compact(h) }));
  const tcpSocket = fc.record({ port: fc.constantFrom(8080, 53), host }).map((t) => ({ tcpSocket: compact(t) }));
  const exec = fc.constant({ exec: { command: ['true'] } });
  const other = kind === 'probe' ? fc.constant({ grpc: { port: 9090 } }) : fc.constant({ sleep: { seconds: 1 } });
  return fc.oneof(
    { arbitrary: httpGet, weight: 3 },
    { arbitrary: tcpSocket, weight: 3 },
    { arbitrary: exec, weight: 1 },
    { arbitrary: other, weight: 1 },
  );
}

const probe = (p: number): fc.Arbitrary<Json> => handler('probe', p).map((h) => ({ ...h, periodSeconds: 10 }));
const lifecycle = (p: number): fc.Arbitrary<Json> => sparseRecord({ postStart: handler('lifecycle', p), preStop: handler('lifecycle', p) }, 0.6);

const containerPort = (p: number): fc.Arbitrary<Json> =>
  fc
    .record({
      containerPort: fc.constantFrom(80, 443, 53, 8080),
      protocol: maybe(fc.constantFrom('TCP', 'UDP', 'SCTP'), 0.5),
      hostPort: maybe(fc.constantFrom(0, 80, 8080, 30053), p),
    })
    .map(compact);

function container(name: string, kind: 'container' | 'initContainer' | 'ephemeralContainer', profile: Profile): fc.Arbitrary<Json> {
  const p = FIELD_CHANCE[profile];
  const securityContext =
    isHardened(profile)
      ? containerSecurityContext(p).map((changes) => ({ ...HARDENED_CONTAINER, ...changes }))
      : fc.oneof(
        { arbitrary: containerSecurityContext(p), weight: 12 },
        { arbitrary: fc.constant({}), weight: 1 },
        { arbitrary: fc.constant(null), weight: 1 },
      );
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  if (kind !== 'ephemeralContainer') {
    // Validation forbids ports, probes and lifecycle on ephemeral containers.
    fields.ports = fc.array(containerPort(p), { maxLength: 2 });
    fields.livenessProbe = probe(p);
    fields.readinessProbe = probe(p);
    fields.startupProbe = probe(p);
    fields.lifecycle = lifecycle(p);
  }
  // securityContext is drawn for (nearly) every container; the rest less often.
  return fc.tuple(maybe(securityContext, isHardened(profile) ? 0.97 : 0.9), sparseRecord(fields, 0.25)).map(([sc, rest]) =>
    compact({
      name,
      image: 'registry.example/app:1.0',
      ...(kind === 'ephemeralContainer' ? { targetContainerName: 'app-0' } : {}),
      ...rest,
      securityContext: sc,
    }),
  );
}

/** Every inline volume source; the first nine are the ones PSS restricted allows. */
const VOLUME_SOURCES: Record<string, Json> = {
  emptyDir: {},
  configMap: { name: 'settings' },
  secret: { secretName: 'tls' },
  persistentVolumeClaim: { claimName: 'data' },
  downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
  projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
  ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
  csi: { driver: 'inline.storage.example' },
  image: { reference: 'registry.example/data:1', pullPolicy: 'IfNotPresent' },
  hostPath: { path: '/var/run/docker.sock', type: 'Socket' },
  gcePersistentDisk: { pdName: 'disk' },
  awsElasticBlockStore: { volumeID: 'vol-1' },
  gitRepo: { repository: 'https://example.com/repo.git' },
  nfs: { server: 'nfs.example', path: '/exports' },
  iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 },
  glusterfs: { endpoints: 'glusterfs-cluster', path: 'vol' },
  rbd: { monitors: ['10.0.0.1:6789'], image: 'foo' },
  flexVolume: { driver: 'example/lvm' },
  cinder: { volumeID: 'vol-2' },
  cephfs: { monitors: ['10.0.0.1:6789'] },
  flocker: { datasetName: 'ds' },
  fc: { wwids: ['3600508b400105e210000900000490000'] },
  azureFile: { secretName: 'az', shareName: 'share' },
  vsphereVolume: { volumePath: '[datastore1] volumes/myDisk' },
  quobyte: { registry: 'registry:7861', volume: 'vol' },
  azureDisk: { diskName: 'disk', diskURI: 'https://example/disk.vhd' },
  photonPersistentDisk: { pdID: 'pd' },
  portworxVolume: { volumeID: 'pxvol' },
  scaleIO: { gateway: 'https://gw', system: 'sys', secretRef: { name: 'sio' } },
  storageos: { volumeName: 'vol' },
};
const ALLOWED_VOLUME_TYPES = Object.keys(VOLUME_SOURCES).slice(0, 9);
const RESTRICTED_VOLUME_TYPES = Object.keys(VOLUME_SOURCES).slice(10);

const allowedVolumeSource: fc.Arbitrary<Json> = fc.constantFrom(...ALLOWED_VOLUME_TYPES).map((t) => ({ [t]: VOLUME_SOURCES[t] }));
const volumeSource: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: allowedVolumeSource, weight: 6 },
  { arbitrary: fc.constant({ hostPath: VOLUME_SOURCES.hostPath }), weight: 2 },
  { arbitrary: fc.constantFrom(...RESTRICTED_VOLUME_TYPES).map((t) => ({ [t]: VOLUME_SOURCES[t] })), weight: 2 },
  // No source at all: the API server defaults it to emptyDir (SetDefaults_Volume).
  { arbitrary: fc.constant({}), weight: 1 },
);

// ---- override faults ---------------------------------------------------------------------------

/**
 * A fault failing the baseline check of one override pair: a restricted check that replaces a
 * baseline check at restricted (`OverrideCheckIDs`, k8s.io/pod-security-admission policy/check_*.go).
 * There are four pairs; what the restricted check makes of the fault:
 * - `seccompProfile`: `seccompProfile_restricted` replaces `seccompProfile_baseline` from v1.19
 *   (check_seccompProfile_restricted.go) and exempts Windows pods from v1.25: a Windows pod with
 *   `Unconfined` is admitted at restricted and refused at baseline;
 * - `capabilities`: `capabilities_restricted` replaces `capabilities_baseline` from v1.22
 *   (check_capabilities_restricted.go), Windows pods exempt from v1.25 likewise;
 * - `hostPathVolume`: `restrictedVolumes` replaces `hostPathVolumes` from v1.0
 *   (check_restrictedVolumes.go), which a volume that also names an allowed source passes (API
 *   validation refuses a volume with two sources; the library judges it all the same);
 * - `procMount`: `procMount_restricted` replaces `procMount` from v1.35
 *   (check_procMount_restricted.go), the other way round: in a user namespace (`hostUsers: false`)
 *   baseline admits `Unmasked`, restricted does not.
 * API validation also refuses these securityContext fields on Windows pods ("cannot be set when
 * spec.os.name is windows"), which is why the restricted checks exempt them; the library judges
 * such pods all the same, and so must our evaluator.
 */
type OverrideFault =
  | { readonly kind: 'seccompProfile'; readonly where: 'pod' | 'container' }
  | { readonly kind: 'capabilities'; readonly add: string }
  | { readonly kind: 'hostPathVolume'; readonly alongside: string }
  | { readonly kind: 'procMount' };

const overrideFault: fc.Arbitrary<OverrideFault> = fc.oneof(
  fc.constantFrom<'pod' | 'container'>('pod', 'container').map((where): OverrideFault => ({ kind: 'seccompProfile', where })),
  fc.constantFrom(...OTHER_CAPABILITIES).map((add): OverrideFault => ({ kind: 'capabilities', add })),
  fc.constantFrom(...ALLOWED_VOLUME_TYPES).map((alongside): OverrideFault => ({ kind: 'hostPathVolume', alongside })),
  fc.constant<OverrideFault>({ kind: 'procMount' }),
);

/** Mostly Windows pods, whose exemptions make the levels disagree; some Linux ones and some with no `os`. */
const overrideOs: fc.Arbitrary<Json> = fc.constantFrom({ os: { name: 'windows' } }, { os: { name: 'windows' } }, { os: { name: 'linux' } }, {});

/** `spec` with `fault` applied: to the pod's securityContext, its first container's, or as one more volume. */
function withFault(spec: Json, fault: OverrideFault): Json {
  const [first, ...others] = spec.containers as Json[];
  const firstChanged = (changes: Json): Json => ({
    ...spec,
    containers: [{ ...first, securityContext: { ...(first.securityContext as Json | undefined), ...changes } }, ...others],
  });
  const unconfined = { type: 'Unconfined' };
  switch (fault.kind) {
    case 'seccompProfile':
      return fault.where === 'container'
        ? firstChanged({ seccompProfile: unconfined })
        : { ...spec, securityContext: { ...(spec.securityContext as Json), seccompProfile: unconfined } };
    case 'capabilities':
      return firstChanged({ capabilities: { drop: ['ALL'], add: [fault.add] } });
    case 'hostPathVolume': {
      const volume = { name: 'vol-host', hostPath: VOLUME_SOURCES.hostPath, [fault.alongside]: VOLUME_SOURCES[fault.alongside] };
      return { ...spec, volumes: [...((spec.volumes as Json[] | undefined) ?? []), volume] };
    }
    case 'procMount':
      return { ...firstChanged({ procMount: 'Unmasked' }), hostUsers: false };
  }
}

const SECCOMP_ANNOTATION_VALUES = ['runtime/default', 'docker/default', 'localhost/profile.json', 'unconfined', ''];
const APPARMOR_ANNOTATION_VALUES = ['runtime/default', 'runtime/default', 'localhost/k8s-apparmor-example', 'unconfined', ''];

function annotations(containerNames: readonly string[], p: number): fc.Arbitrary<Record<string, string> | undefined> {
  const entries: Array<fc.Arbitrary<[string, string] | undefined>> = [
    maybe(fc.constantFrom(...SECCOMP_ANNOTATION_VALUES).map((v) => ['seccomp.security.alpha.kubernetes.io/pod', v] as [string, string]), p / 2),
  ];
  for (const name of containerNames) {
    entries.push(maybe(fc.constantFrom(...SECCOMP_ANNOTATION_VALUES).map((v) => [`container.seccomp.security.alpha.kubernetes.io/${name}`, v] as [string, string]), p / 3));
    entries.push(maybe(fc.constantFrom(...APPARMOR_ANNOTATION_VALUES).map((v) => [`container.apparmor.security.beta.kubernetes.io/${name}`, v] as [string, string]), p / 2));
  }
  return fc.tuple(maybe(fc.constant({ 'app.kubernetes.io/name': 'web' }), 0.3), ...entries).map(([base, ...pairs]) => {
    const present = pairs.filter((pair): pair is [string, string] => pair !== undefined);
    if (!base && present.length === 0) return undefined;
    return { ...(base ?? {}), ...Object.fromEntries(present) };
  });
}

/** Random pods reaching every Pod Security Admission check and every override pair, Windows pods among them. */
export function podArbitrary(): fc.Arbitrary<GeneratedPod> {
  const shape = fc.record({
    profile: fc.constantFrom<Profile>('random', 'sparse', 'hardened', 'override'),
    containers: fc.integer({ min: 1, max: 3 }),
    initContainers: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 1 }),
    ephemeralContainers: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.constant(1), weight: 1 }),
    volumes: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 2 }),
  });
  return shape.chain((n) => {
    const names = {
      containers: Array.from({ length: n.containers }, (_, i) => `app-${i}`),
      initContainers: Array.from({ length: n.initContainers }, (_, i) => `init-${i}`),
      ephemeralContainers: Array.from({ length: n.ephemeralContainers }, (_, i) => `debug-${i}`),
    };
    const p = FIELD_CHANCE[n.profile];
    const spec = fc.tuple(
      // hostUsers: false relaxes runAsNonRoot, runAsUser and procMount from v1.35.
      n.profile === 'override' ? overrideOs : sparseRecord({ os: fc.constantFrom({ name: 'linux' }, { name: 'windows' }) }, 0.25),
      sparseRecord({ hostUsers: fc.constantFrom(false, false, true) }, 0.3),
      sparseRecord({ hostNetwork: mostlyFalse, hostPID: mostlyFalse, hostIPC: mostlyFalse }, p / 2),
      isHardened(n.profile)
        ? podSecurityContext(p).map((changes) => ({ ...HARDENED_POD, ...changes }))
        : fc.oneof(
          { arbitrary: podSecurityContext(p), weight: 10 },
          { arbitrary: fc.constant({}), weight: 1 },
          { arbitrary: fc.constant(null), weight: 1 },
        ),
    ).map(([os, users, hostNamespaces, securityContext]) => ({ ...os, ...users, ...hostNamespaces, securityContext }));
    const source = n.profile === 'random' ? volumeSource : fc.oneof({ arbitrary: volumeSource, weight: 1 }, { arbitrary: allowedVolumeSource, weight: 4 });
    const volumes = fc.tuple(...Array.from({ length: n.volumes }, (_, i) => source.map((s) => ({ name: `vol-${i}`, ...s }))));
    return fc
      .record({
        spec,
        containers: fc.tuple(...names.containers.map((c) => container(c, 'container', n.profile))),
        initContainers: fc.tuple(...names.initContainers.map((c) => container(c, 'initContainer', n.profile))),
        ephemeralContainers: fc.tuple(...names.ephemeralContainers.map((c) => container(c, 'ephemeralContainer', n.profile))),
        volumes,
        annotations: annotations([...names.initContainers, ...names.containers, ...names.ephemeralContainers], p),
        fault: n.profile === 'override' ? overrideFault : fc.constant(undefined),
      })
      .map((drawn): GeneratedPod => {
        const podSpec: Json = { ...drawn.spec, containers: drawn.containers };
        if (drawn.initContainers.length > 0) podSpec.initContainers = drawn.initContainers;
        if (drawn.ephemeralContainers.length > 0) podSpec.ephemeralContainers = drawn.ephemeralContainers;
        if (drawn.volumes.length > 0) podSpec.volumes = drawn.volumes;
        return compact({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'generated', ...(drawn.annotations ? { annotations: drawn.annotations } : {}) },
          spec: drawn.fault === undefined ? podSpec : withFault(podSpec, drawn.fault),
        });
      });
  });
}

/** `count` pods from `seed`: the same seed always gives the same pods. */
export function generatePods(count: number, seed: number): GeneratedPod[] {
  return fc.sample(podArbitrary(), { numRuns: count, seed });
}
