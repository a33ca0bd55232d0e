/**
 * Random pods for the property test (property.test.ts): securityContexts drawn by fast-check
 * from every field that decides a bind, with the spellings people really write.
 */
import * as fc from 'fast-check';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from './cri-config';
import { PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000, SETCAP_PROBE_CAPABILITY } from './image';
import type { KubeContainerPort, KubePod, KubeSecurityContext } from './kube-types';

/**
 * Names for `capabilities.add`/`drop`: the canonical one, the spellings containerd reads its own
 * way (`CAP_` prefixed: ignored; lower and mixed case: upper-cased; `all`: everything), another
 * capability, and the one the API server pairs with no_new_privs.
 */
export const CAPABILITY_POOL: readonly string[] = [
  'NET_BIND_SERVICE', 'net_bind_service', 'Net_Bind_Service', 'CAP_NET_BIND_SERVICE', 'cap_net_bind_service',
  'ALL', 'all', 'CHOWN', 'SYS_ADMIN', 'CAP_SYS_ADMIN',
];

/** The ports of interest around every boundary, and any port up to 9000. */
const port = fc.oneof(fc.constantFrom(22, 53, 79, 80, 81, 443, 1023, 1024, 1025, 8080), fc.integer({ min: 1, max: 9000 }));

/**
 * `ip_unprivileged_port_start`: unset half the time, else a boundary value or any value up to
 * 9000 (the kernel refuses values at or above the ephemeral range's start, 32768).
 */
const unprivilegedPortStart = fc.option(
  fc.oneof(fc.constantFrom(0, 53, 79, 80, 81, 443, 1023, 1024, 1025), fc.integer({ min: 0, max: 9000 })),
  { freq: 2 },
);

const tristate = <T>(values: readonly T[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

/** One random pod's securityContext-relevant facts. */
export interface RandomPodFacts {
  readonly runAsUser?: 0 | 1000;
  readonly runAsUserAt: 'pod' | 'container';
  readonly runAsNonRoot?: boolean;
  readonly runAsNonRootAt: 'pod' | 'container';
  /** The image's USER when runAsUser is unset: root, or 1000. */
  readonly imageUser: 'root' | '1000';
  readonly drop?: readonly string[];
  readonly add?: readonly string[];
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly seccompRuntimeDefault: boolean;
  readonly unprivilegedPortStart: number | null;
  readonly fileCapability: boolean;
  /** `hostUsers: false`: the pod's own user namespace (the harness runs it on containerd 2.x). */
  readonly ownUserNamespace: boolean;
  readonly hostNetwork: boolean;
  readonly ports: readonly { readonly containerPort: number; readonly protocol: 'TCP' | 'UDP' }[];
}

/** The arbitrary of {@link RandomPodFacts}. */
export const randomPodFacts: fc.Arbitrary<RandomPodFacts> = fc.record({
  runAsUser: tristate([0, 1000] as const),
  runAsUserAt: fc.constantFrom('pod', 'container'),
  runAsNonRoot: tristate([true, false]),
  runAsNonRootAt: fc.constantFrom('pod', 'container'),
  imageUser: fc.constantFrom('root', '1000'),
  drop: fc.option(fc.uniqueArray(fc.constantFrom(...CAPABILITY_POOL), { maxLength: 3 }), { nil: undefined }),
  add: fc.option(fc.uniqueArray(fc.constantFrom(...CAPABILITY_POOL), { maxLength: 3 }), { nil: undefined }),
  privileged: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
  allowPrivilegeEscalation: tristate([true, false]),
  seccompRuntimeDefault: fc.boolean(),
  unprivilegedPortStart,
  fileCapability: fc.boolean(),
  ownUserNamespace: fc.boolean(),
  hostNetwork: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  ports: fc.uniqueArray(fc.record({ containerPort: port, protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }), {
    minLength: 1,
    maxLength: 4,
    selector: (p) => `${p.protocol}/${p.containerPort}`,
  }),
});

/** The container name of every random pod. */
const CONTAINER = 'fuzz';

/**
 * The pod for `facts`. With runAsNonRoot and no runAsUser the image's USER decides, and the
 * model takes runAsNonRoot as the promise of a non-root one: such pods use the uid-1000 image,
 * since a root image is refused by kubelet for a reason no manifest shows. Without
 * `userNamespaces` (containerd 2.x not built here) no pod gets `hostUsers: false`.
 */
export function randomPod(facts: RandomPodFacts, userNamespaces = true): KubePod {
  const podSc: Record<string, unknown> = {};
  const containerSc: Record<string, unknown> = {};
  if (facts.runAsUser !== undefined) (facts.runAsUserAt === 'pod' ? podSc : containerSc).runAsUser = facts.runAsUser;
  if (facts.runAsNonRoot !== undefined) (facts.runAsNonRootAt === 'pod' ? podSc : containerSc).runAsNonRoot = facts.runAsNonRoot;
  if (facts.seccompRuntimeDefault) podSc.seccompProfile = { type: 'RuntimeDefault' };
  if (facts.unprivilegedPortStart !== null) podSc.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(facts.unprivilegedPortStart) }];
  if (facts.drop !== undefined || facts.add !== undefined) {
    containerSc.capabilities = { ...(facts.drop ? { drop: facts.drop } : {}), ...(facts.add ? { add: facts.add } : {}) };
  }
  if (facts.privileged !== undefined) containerSc.privileged = facts.privileged;
  if (facts.allowPrivilegeEscalation !== undefined) containerSc.allowPrivilegeEscalation = facts.allowPrivilegeEscalation;
  const image = facts.runAsUser === undefined && (facts.runAsNonRoot === true || facts.imageUser === '1000') ? PROBE_IMAGE_USER_1000 : PROBE_IMAGE_ROOT;
  const ports: KubeContainerPort[] = facts.ports.map((p) => ({ ...p }));
  return {
    metadata: {
      name: 'fuzz',
      annotations: facts.fileCapability ? { [FILE_CAPABILITIES_ANNOTATION_PREFIX + CONTAINER]: SETCAP_PROBE_CAPABILITY } : {},
    },
    spec: {
      ...(facts.ownUserNamespace && userNamespaces ? { hostUsers: false } : {}),
      ...(facts.hostNetwork ? { hostNetwork: true } : {}),
      ...(Object.keys(podSc).length > 0 ? { securityContext: podSc } : {}),
      containers: [
        { name: CONTAINER, image, ports, ...(Object.keys(containerSc).length > 0 ? { securityContext: containerSc as KubeSecurityContext } : {}) },
      ],
    },
  };
}

/** A one-line description of a random pod, for reports. */
export function describeFacts(f: RandomPodFacts): string {
  const parts: string[] = [];
  parts.push(f.runAsUser === undefined ? `uid unset (image ${f.runAsNonRoot === true ? '1000' : f.imageUser})` : `uid ${f.runAsUser} (${f.runAsUserAt})`);
  if (f.runAsNonRoot !== undefined) parts.push(`runAsNonRoot ${f.runAsNonRoot} (${f.runAsNonRootAt})`);
  if (f.drop) parts.push(`drop [${f.drop.join(', ')}]`);
  if (f.add) parts.push(`add [${f.add.join(', ')}]`);
  if (f.privileged !== undefined) parts.push(`privileged ${f.privileged}`);
  if (f.allowPrivilegeEscalation !== undefined) parts.push(`aPE ${f.allowPrivilegeEscalation}`);
  if (f.seccompRuntimeDefault) parts.push('seccomp RuntimeDefault');
  if (f.unprivilegedPortStart !== null) parts.push(`ups=${f.unprivilegedPortStart}`);
  if (f.fileCapability) parts.push('setcap +ep');
  if (f.ownUserNamespace) parts.push('hostUsers false');
  if (f.hostNetwork) parts.push('hostNetwork');
  parts.push(`ports ${f.ports.map((p) => `${p.containerPort}/${p.protocol}`).join(' ')}`);
  return parts.join(', ');
}
