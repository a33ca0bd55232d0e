/**
 * The bind matrix: the dimensions of a container's securityContext that decide whether
 * it can bind a port, how one combination becomes a pod, the seed cases of DESIGN.md
 * with what was observed for them on this kind of machine, and the comparison of an
 * observation with the capability model. Shared by matrix.test.ts (covering sample)
 * and full-matrix.ts (full product).
 */
import type { RuntimeProfile } from './containerd';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from './cri-config';
import type { ObservedPod, PortObservation } from './harness';
import { PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000, SETCAP_PROBE_CAPABILITY } from './image';
import type { KubeContainer, KubeContainerPort, KubePod, KubeSecurityContext } from './kube-types';
import type { Case } from './pairwise';
import { analyzePod } from '../../src/model';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';
import { findRuntimeProfile, KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../../src/model/runtime-profile';

/** The ports every matrix pod declares, each for TCP and UDP: both sides of 1024, and 79/80 around the sysctl values. */
export const MATRIX_PORTS: readonly number[] = [79, 80, 1023, 1024, 8080];

/** The container name every matrix pod uses. */
export const MATRIX_CONTAINER = 'probe';

/**
 * The dimensions. The sysctl values put 80 below (79), at (80) and above (81) the
 * start of the unprivileged range, and with 1025 make 1024 itself privileged.
 * `add: CHOWN` is a capability that is not the one needed; `CAP_NET_BIND_SERVICE` and
 * `drop: all` are spellings containerd handles in its own way (DESIGN.md).
 * `hostUsers: false` puts the pod in a user namespace of its own (a pod with it runs on
 * containerd 2.x, test/runtime/userns), and `hostNetwork` in the node's network namespace.
 */
export const MATRIX_DIMENSIONS = {
  uid: [0, 1000],
  drop: ['none', 'ALL', 'all'],
  add: ['none', 'NET_BIND_SERVICE', 'CAP_NET_BIND_SERVICE', 'CHOWN'],
  fileCapability: ['none', '+ep'],
  allowPrivilegeEscalation: ['unset', 'false'],
  privileged: [false, true],
  unprivilegedPortStart: ['unset', 79, 80, 81, 1025],
  hostUsers: ['unset', 'false'],
  hostNetwork: [false, true],
} as const;

/** One combination of the dimensions. */
export type MatrixCase = Case<typeof MATRIX_DIMENSIONS>;

/**
 * Whether a (partial) case is a pod that reaches the runtime: the API server rejects
 * `allowPrivilegeEscalation: false` with `privileged: true` and `hostUsers: false` with
 * `hostNetwork: true` (pkg/apis/core/validation/validation.go), and the kubelet a pod sysctl
 * with hostNetwork (SysctlForbidden). A refused pod would hide every other pair it carries, so
 * the covering sample leaves those pairs to edge cases of their own. The full product keeps them.
 */
export function admissible(c: Partial<MatrixCase>): boolean {
  if (c.privileged === true && c.allowPrivilegeEscalation === 'false') return false;
  if (c.hostNetwork === true && c.hostUsers === 'false') return false;
  return !(c.hostNetwork === true && c.unprivilegedPortStart !== undefined && c.unprivilegedPortStart !== 'unset');
}

/** True when the pod runs in a user namespace of its own: the harness sends it to containerd 2.x. */
export function inOwnUserNamespace(pod: KubePod): boolean {
  return pod.spec.hostUsers === false;
}

/** A pod to run, with a short label for reports. */
export interface LabelledPod {
  readonly label: string;
  readonly pod: KubePod;
  /** What DESIGN.md records as observed on port 80, when the case is one of its seeds. */
  readonly expectedPort80?: Readonly<Record<RuntimeProfile, PortObservation>>;
  /** Why the model cannot be asked about this pod (it depends on something a manifest does not show). */
  readonly notComparable?: string;
}

/** Every declared port, TCP and UDP, of a matrix container. */
export function matrixPorts(): KubeContainerPort[] {
  return MATRIX_PORTS.flatMap((containerPort) => [{ containerPort, protocol: 'TCP' as const }, { containerPort, protocol: 'UDP' as const }]);
}

/** A short, stable label: only the dimensions that differ from "nothing set". */
export function caseLabel(c: MatrixCase): string {
  const parts = [`uid ${c.uid}`];
  if (c.drop !== 'none') parts.push(`drop ${c.drop}`);
  if (c.add !== 'none') parts.push(`add ${c.add}`);
  if (c.fileCapability !== 'none') parts.push('setcap +ep');
  if (c.allowPrivilegeEscalation === 'false') parts.push('aPE false');
  if (c.privileged) parts.push('privileged');
  if (c.unprivilegedPortStart !== 'unset') parts.push(`ups=${c.unprivilegedPortStart}`);
  if (c.hostUsers === 'false') parts.push('hostUsers false');
  if (c.hostNetwork) parts.push('hostNetwork');
  return parts.join(', ');
}

/** The pod for one matrix case: one container declaring every matrix port. */
export function podForCase(c: MatrixCase): LabelledPod {
  const capabilities = {
    ...(c.drop !== 'none' ? { drop: [c.drop] } : {}),
    ...(c.add !== 'none' ? { add: [c.add] } : {}),
  };
  const securityContext: KubeSecurityContext = {
    runAsUser: c.uid,
    privileged: c.privileged,
    ...(Object.keys(capabilities).length > 0 ? { capabilities } : {}),
    ...(c.allowPrivilegeEscalation === 'false' ? { allowPrivilegeEscalation: false } : {}),
  };
  return {
    label: caseLabel(c),
    pod: matrixPod({
      fileCapability: c.fileCapability === '+ep',
      unprivilegedPortStart: c.unprivilegedPortStart === 'unset' ? undefined : c.unprivilegedPortStart,
      hostUsers: c.hostUsers === 'false' ? false : undefined,
      hostNetwork: c.hostNetwork,
      containers: [{ name: MATRIX_CONTAINER, image: PROBE_IMAGE_ROOT, ports: matrixPorts(), securityContext }],
    }),
  };
}

function matrixPod(options: {
  fileCapability?: boolean;
  unprivilegedPortStart?: number;
  hostUsers?: boolean;
  hostNetwork?: boolean;
  podSecurityContext?: KubePod['spec']['securityContext'];
  containers: KubeContainer[];
}): KubePod {
  const sysctls = options.unprivilegedPortStart === undefined ? [] : [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(options.unprivilegedPortStart) }];
  const podSecurityContext = { ...options.podSecurityContext, ...(sysctls.length > 0 ? { sysctls } : {}) };
  return {
    metadata: {
      name: 'bind-matrix',
      annotations: options.fileCapability
        ? Object.fromEntries(options.containers.map((c) => [FILE_CAPABILITIES_ANNOTATION_PREFIX + c.name, SETCAP_PROBE_CAPABILITY]))
        : {},
    },
    spec: {
      ...(options.hostUsers === false ? { hostUsers: false } : {}),
      ...(options.hostNetwork ? { hostNetwork: true } : {}),
      ...(Object.keys(podSecurityContext).length > 0 ? { securityContext: podSecurityContext } : {}),
      containers: options.containers,
    },
  };
}

const container = (securityContext: KubeSecurityContext, image = PROBE_IMAGE_ROOT, name = MATRIX_CONTAINER): KubeContainer => ({
  name,
  image,
  ports: matrixPorts(),
  securityContext,
});
const dropAllAdd = (add: string[] = []) => ({ drop: ['ALL'], ...(add.length > 0 ? { add } : {}) });

/**
 * The seed cases of DESIGN.md ("What we test against" → "The real container runtime"),
 * each with the port-80 outcome recorded there for ups 1024 (strict) and ups 0 (containerd-2).
 */
export function seedCases(): LabelledPod[] {
  const both = (strict: PortObservation, containerd2: PortObservation) => ({ strict, 'containerd-2': containerd2 });
  return [
    { label: 'seed: uid 1000, drop ALL, add NET_BIND_SERVICE', pod: matrixPod({ containers: [container({ runAsUser: 1000, capabilities: dropAllAdd(['NET_BIND_SERVICE']) })] }), expectedPort80: both('eacces', 'listening') },
    { label: 'seed: uid 1000, drop ALL, add NET_BIND_SERVICE, aPE false', pod: matrixPod({ containers: [container({ runAsUser: 1000, capabilities: dropAllAdd(['NET_BIND_SERVICE']), allowPrivilegeEscalation: false })] }), expectedPort80: both('eacces', 'listening') },
    { label: 'seed: uid 0, drop ALL, add NET_BIND_SERVICE, aPE false', pod: matrixPod({ containers: [container({ runAsUser: 0, capabilities: dropAllAdd(['NET_BIND_SERVICE']), allowPrivilegeEscalation: false })] }), expectedPort80: both('listening', 'listening') },
    { label: 'seed: uid 1000, setcap +ep, drop ALL, add NET_BIND_SERVICE, aPE false', pod: matrixPod({ fileCapability: true, containers: [container({ runAsUser: 1000, capabilities: dropAllAdd(['NET_BIND_SERVICE']), allowPrivilegeEscalation: false })] }), expectedPort80: both('listening', 'listening') },
    { label: 'seed: uid 1000, setcap +ep, drop ALL, no add', pod: matrixPod({ fileCapability: true, containers: [container({ runAsUser: 1000, capabilities: dropAllAdd() })] }), expectedPort80: both('exec-failed', 'exec-failed') },
    { label: 'seed: uid 1000, drop ALL, pod sysctl ups=80', pod: matrixPod({ unprivilegedPortStart: 80, containers: [container({ runAsUser: 1000, capabilities: dropAllAdd() })] }), expectedPort80: both('listening', 'listening') },
    { label: 'seed: uid 1000, runtime default capabilities', pod: matrixPod({ containers: [container({ runAsUser: 1000 })] }), expectedPort80: both('eacces', 'listening') },
    { label: 'seed: uid 0, drop ALL, add CAP_NET_BIND_SERVICE (unknown name)', pod: matrixPod({ containers: [container({ runAsUser: 0, capabilities: dropAllAdd(['CAP_NET_BIND_SERVICE']) })] }), expectedPort80: both('eacces', 'listening') },
  ];
}

/** Cases outside the product: refusals, host network, image users, pod-level contexts, two containers. */
export function edgeCases(): LabelledPod[] {
  return [
    { label: 'edge: runAsNonRoot, runAsUser 0', pod: matrixPod({ containers: [container({ runAsNonRoot: true, runAsUser: 0 })] }), expectedPort80: { 'strict': 'refused', 'containerd-2': 'refused' } },
    {
      label: 'edge: runAsNonRoot, image user root',
      pod: matrixPod({ containers: [container({ runAsNonRoot: true })] }),
      expectedPort80: { 'strict': 'refused', 'containerd-2': 'refused' },
      notComparable: "the image's user is not in the manifest; the model takes runAsNonRoot to promise a non-root image user",
    },
    { label: 'edge: aPE false with privileged', pod: matrixPod({ containers: [container({ runAsUser: 0, allowPrivilegeEscalation: false, privileged: true })] }), expectedPort80: { 'strict': 'refused', 'containerd-2': 'refused' } },
    { label: 'edge: runAsNonRoot, image user 1000, add NET_BIND_SERVICE', pod: matrixPod({ containers: [container({ runAsNonRoot: true, capabilities: { add: ['NET_BIND_SERVICE'] } }, PROBE_IMAGE_USER_1000)] }) },
    { label: 'edge: pod runAsUser 1000, container runAsUser 0 wins', pod: matrixPod({ podSecurityContext: { runAsUser: 1000 }, containers: [container({ runAsUser: 0 })] }) },
    { label: 'edge: pod runAsUser 1000 and runAsNonRoot, container adds NET_BIND_SERVICE', pod: matrixPod({ podSecurityContext: { runAsUser: 1000, runAsNonRoot: true }, containers: [container({ capabilities: { add: ['NET_BIND_SERVICE'] } })] }) },
    { label: 'edge: hostNetwork, uid 1000, no capabilities', pod: matrixPod({ hostNetwork: true, containers: [container({ runAsUser: 1000 })] }), expectedPort80: { 'strict': 'eacces', 'containerd-2': 'eacces' } },
    { label: 'edge: hostNetwork, uid 0', pod: matrixPod({ hostNetwork: true, containers: [container({ runAsUser: 0 })] }) },
    { label: 'edge: hostNetwork with sysctl ups=80', pod: matrixPod({ hostNetwork: true, unprivilegedPortStart: 80, containers: [container({ runAsUser: 1000 })] }), expectedPort80: { 'strict': 'refused', 'containerd-2': 'refused' } },
    { label: 'edge: aPE false with add CAP_SYS_ADMIN', pod: matrixPod({ containers: [container({ runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { add: ['CAP_SYS_ADMIN'] } })] }), expectedPort80: { 'strict': 'refused', 'containerd-2': 'refused' } },
    // The user namespace: root inside with only NET_BIND_SERVICE binds (#23); the API server refuses it with hostNetwork.
    {
      label: 'edge: hostUsers false, uid 0, drop ALL, add NET_BIND_SERVICE, aPE false',
      pod: matrixPod({ hostUsers: false, containers: [container({ runAsUser: 0, capabilities: dropAllAdd(['NET_BIND_SERVICE']), allowPrivilegeEscalation: false })] }),
      expectedPort80: { 'strict': 'listening', 'containerd-2': 'listening' },
    },
    {
      label: 'edge: hostUsers false, uid 1000, drop ALL, add NET_BIND_SERVICE',
      pod: matrixPod({ hostUsers: false, containers: [container({ runAsUser: 1000, capabilities: dropAllAdd(['NET_BIND_SERVICE']) })] }),
      expectedPort80: { 'strict': 'eacces', 'containerd-2': 'listening' },
    },
    {
      label: 'edge: hostUsers false, uid 1000, setcap +ep, drop ALL, add NET_BIND_SERVICE, aPE false',
      pod: matrixPod({ hostUsers: false, fileCapability: true, containers: [container({ runAsUser: 1000, capabilities: dropAllAdd(['NET_BIND_SERVICE']), allowPrivilegeEscalation: false })] }),
      expectedPort80: { 'strict': 'listening', 'containerd-2': 'listening' },
    },
    {
      label: 'edge: hostUsers false with hostNetwork',
      pod: matrixPod({ hostUsers: false, hostNetwork: true, containers: [container({ runAsUser: 0, capabilities: dropAllAdd(['NET_BIND_SERVICE']) })] }),
      expectedPort80: { 'strict': 'refused', 'containerd-2': 'refused' },
    },
    {
      label: 'edge: two containers, sysctl ups=1023 is pod-wide',
      pod: matrixPod({
        unprivilegedPortStart: 1023,
        containers: [
          container({ runAsUser: 1000, capabilities: dropAllAdd() }, PROBE_IMAGE_ROOT, 'first'),
          { ...container({ runAsUser: 0, capabilities: dropAllAdd(['NET_BIND_SERVICE']) }, PROBE_IMAGE_ROOT, 'second'), ports: MATRIX_PORTS.map((p) => ({ containerPort: p + 10000, protocol: 'TCP' as const })).concat([{ containerPort: 81, protocol: 'TCP' }]) },
        ],
      }),
    },
  ];
}

/** One port's observation set against the model's verdict. */
export interface PortComparison {
  readonly container: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly observation: PortObservation;
  readonly evidence: string;
  /** The model's verdict; `not compared` when the pod depends on what no manifest shows. */
  readonly bind: 'allowed' | 'denied' | 'unknown' | 'missing' | 'not compared';
  readonly reason: string;
  /**
   * `allowed` ⇔ listening, `denied` ⇔ anything else; `unknown` only where it is unknown by
   * design ({@link UNKNOWN_BY_DESIGN}), else it is a disagreement; `not compared` asserts nothing.
   */
  readonly agrees: boolean;
  /** For an `unknown` verdict: the {@link UnknownByDesign} case it falls under, if any. */
  readonly unknownByDesign?: UnknownByDesign['id'];
}

/** One port, seen from the manifest the model reads: what an {@link UnknownByDesign} case is decided on. */
export interface ManifestPort {
  readonly pod: KubePod;
  readonly containerName: string;
  readonly containerPort: number;
  /** The model profile the verdict was asked under. */
  readonly modelProfile: RuntimeProfileName;
}

/**
 * A kind of port on which the model must answer `unknown`, because its verdict depends on
 * something the manifest the harness gives it does not say. Decided from the manifest (and the
 * model's verdicts on manifests that do say it), never from the model's `unknown` verdict or its
 * reason, so that a model that falls back to `unknown` elsewhere is caught.
 */
export interface UnknownByDesign {
  readonly id: 'image-user';
  /** Why the model cannot know. */
  readonly reason: string;
  /** Whether `port` is such a port. */
  readonly applies: (port: ManifestPort) => boolean;
}

/**
 * Every case in which the harness accepts `unknown`. A verdict of `unknown` anywhere else fails
 * the comparison. There is one, observed in the covering sample, the property test and the full
 * product alike:
 *
 * - `image-user` — the image's USER, in an image the model does not read: neither the container
 *   nor the pod sets `runAsUser`, and `runAsNonRoot` is not `true` (with it the kubelet refuses
 *   a root image user, so the model may take the user to be non-root), the pod declares no file
 *   capability (with one, root and non-root both end up holding NET_BIND_SERVICE), and the port
 *   is privileged (below the pod's sysctl, or else below the profile's default start; the node's
 *   1024 with hostNetwork), and the uid alone decides: the model says `allowed` for the same pod
 *   with `runAsUser: 0` and `denied` with `runAsUser: 1000` (so a capability that is dropped, or a
 *   pod that cannot start, leaves no room for `unknown`). The uid is in the
 *   image's config, which `compareWithModel` does not give the model (it passes no image facts).
 *   That is also the only way an unread image reaches these verdicts: the file capability comes
 *   from the pod's annotation, which the model reads.
 *
 * Not here, on purpose: pods the API server or the kubelet refuse (hostNetwork with the sysctl,
 * `hostUsers: false` with hostNetwork) — the model answers `denied` for them; and invalid fields
 * — the harness builds none.
 */
export const UNKNOWN_BY_DESIGN: readonly UnknownByDesign[] = [
  {
    id: 'image-user',
    reason: "the uid comes from the image's USER, and the model is not given the image",
    applies: ({ pod, containerName, containerPort, modelProfile }) => {
      const podContext = pod.spec.securityContext;
      const own = pod.spec.containers.find((c) => c.name === containerName)?.securityContext;
      const runAsUser = own?.runAsUser ?? podContext?.runAsUser;
      const runAsNonRoot = own?.runAsNonRoot ?? podContext?.runAsNonRoot;
      const annotations = Object.keys(pod.metadata?.annotations ?? {});
      const fileCapability = annotations.includes(FILE_CAPABILITIES_ANNOTATION_PREFIX + containerName);
      const privileged = containerPort < unprivilegedPortStart(pod, modelProfile);
      if (runAsUser !== undefined || runAsNonRoot === true || fileCapability || !privileged) return false;
      // And the uid alone decides: the same pod with runAsUser 0 binds, with 1000 does not.
      const asRoot = verdictWithUser(pod, containerName, containerPort, modelProfile, 0);
      const asNonRoot = verdictWithUser(pod, containerName, containerPort, modelProfile, 1000);
      return asRoot === 'allowed' && asNonRoot === 'denied';
    },
  },
];

/** The model's verdict on `containerPort` of `containerName` (every protocol, or `mixed`) for `pod` with the container's `runAsUser` set to `uid`. */
function verdictWithUser(pod: KubePod, containerName: string, containerPort: number, modelProfile: RuntimeProfileName, uid: number): string {
  const withUser = (c: KubeContainer): KubeContainer => ({ ...c, securityContext: { ...c.securityContext, runAsUser: uid } });
  const containers = pod.spec.containers.map((c) => (c.name === containerName ? withUser(c) : c));
  const analysis = analyzePod({ metadata: pod.metadata, spec: { ...pod.spec, containers } }, { runtimeProfile: modelProfile });
  const ports = analysis.containers.find((c) => c.name === containerName)?.ports.filter((p) => p.containerPort === containerPort) ?? [];
  const verdicts = new Set(ports.map((p) => p.bind));
  return verdicts.size === 1 ? [...verdicts][0] : 'mixed';
}

/** The first port the pod's processes bind without a capability, as the pod and the profile set it. */
function unprivilegedPortStart(pod: KubePod, modelProfile: RuntimeProfileName): number {
  const sysctl = pod.spec.securityContext?.sysctls?.find((s) => s.name === 'net.ipv4.ip_unprivileged_port_start');
  if (sysctl !== undefined) return Number(sysctl.value);
  if (pod.spec.hostNetwork === true) return KERNEL_DEFAULT_UNPRIVILEGED_PORT_START;
  const profile = findRuntimeProfile(modelProfile);
  if (profile === undefined) throw new Error(`unknown runtime profile ${modelProfile}`);
  return profile.defaultUnprivilegedPortStart;
}

/** How many verdicts of `comparisons` were `unknown`, and how many of those are unknown by design. */
export function countUnknown(comparisons: readonly PortComparison[]): { unknown: number; byDesign: number } {
  const unknown = comparisons.filter((c) => c.bind === 'unknown');
  return { unknown: unknown.length, byDesign: unknown.filter((c) => c.unknownByDesign !== undefined).length };
}

/**
 * The line a runtime suite prints about its `unknown` verdicts: how many, and how many of them
 * are unknown by design (each case by name).
 */
export function describeUnknownCount(what: string, comparisons: readonly PortComparison[]): string {
  const { unknown, byDesign } = countUnknown(comparisons);
  const cases = UNKNOWN_BY_DESIGN.map((u) => `${u.id} ${comparisons.filter((c) => c.bind === 'unknown' && c.unknownByDesign === u.id).length}`).join(', ');
  return `${what}: ${comparisons.length} port comparisons, ${unknown} unknown, ${byDesign} of them unknown by design (${cases}); ${unknown - byDesign} unknown without a reason, which fails the run`;
}

/**
 * Compares every observed port of `observed` with `analyzePod` under the same profile (or
 * `modelProfile`); with `notComparable`, records the observation without asking the model.
 * An `unknown` verdict agrees only on a port that is unknown by design ({@link UNKNOWN_BY_DESIGN}).
 */
export function compareWithModel(
  pod: KubePod,
  observed: ObservedPod,
  notComparable?: string,
  modelProfile: RuntimeProfileName = observed.profile,
): PortComparison[] {
  const analysis = analyzePod({ metadata: pod.metadata, spec: pod.spec }, { runtimeProfile: modelProfile });
  return observed.containers.flatMap((oc) =>
    oc.ports.map((port): PortComparison => {
      if (notComparable !== undefined) return { container: oc.name, ...port, bind: 'not compared', reason: notComparable, agrees: true };
      const verdict = analysis.containers
        .find((c) => c.name === oc.name && c.type === oc.type)
        ?.ports.find((p) => p.containerPort === port.containerPort && p.protocol === port.protocol);
      const bind = verdict?.bind ?? 'missing';
      const reason = verdict?.reason ?? 'the model returned no verdict for this port';
      const listening = port.observation === 'listening';
      if (bind === 'unknown') {
        const byDesign = UNKNOWN_BY_DESIGN.find((u) => u.applies({ pod, containerName: oc.name, containerPort: port.containerPort, modelProfile }));
        return byDesign === undefined
          ? { container: oc.name, ...port, bind, reason: `${reason} [unknown where no case of UNKNOWN_BY_DESIGN applies]`, agrees: false }
          : { container: oc.name, ...port, bind, reason, agrees: true, unknownByDesign: byDesign.id };
      }
      const agrees = (bind === 'allowed' && listening) || (bind === 'denied' && !listening);
      return { container: oc.name, ...port, bind, reason, agrees };
    }),
  );
}

/** The disagreements of one pod run, printed with everything needed to judge them. */
export function describeDisagreements(label: string, pod: KubePod, observed: ObservedPod, comparisons: readonly PortComparison[]): string {
  const lines = [`${label} — runtime profile ${observed.profile}`];
  for (const observedContainer of observed.containers) {
    const wrong = comparisons.filter((c) => !c.agrees && c.container === observedContainer.name);
    if (wrong.length === 0) continue;
    lines.push(`  container ${observedContainer.name}: ${observedContainer.evidence.identity ?? observedContainer.evidence.failure ?? '(no evidence)'}`);
    for (const c of wrong) {
      lines.push(`    ${c.protocol} ${c.containerPort}: model ${c.bind} (${c.reason}); observed ${c.observation} (${c.evidence})`);
    }
  }
  lines.push(`  pod: ${JSON.stringify(pod)}`);
  return lines.join('\n');
}
