/**
 * The planner's vocabulary as run-time rules (`input-validation.ts`): what a port, a level, a
 * strategy, a uid … must be. The planner checks its intent with {@link PRIVILEGED_PORT_INTENT_RULES};
 * the faces (constructs, the Pulumi component, `hardenWorkload`) reuse the same rules for the
 * props they share with it, and add rules for their own.
 */
import { BINARY_PATH } from './binary-path';
import type { BindStrategyKind } from './bind-strategy';
import type { InputProblem, PropRules, ValueRule } from './input-validation';
import { BOOLEAN, integer, listOf, objectWith, oneOf, required, satisfying, succeeds, text } from './input-validation';
import { parseKubernetesVersion } from './kubernetes-version';
import type { PrivilegedPortIntent } from './privileged-port-intent';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { resolvePolicyVersion } from '../model/pss';

/** Every strategy kind, as the strategy rule accepts it (the type makes sure none is left out). */
const BIND_STRATEGY_KINDS = Object.keys({
  auto: true,
  highPort: true,
  userNamespace: true,
  unprivilegedPortSysctl: true,
  fileCapability: true,
  rootWithNetBindService: true,
} satisfies Record<BindStrategyKind, true>) as readonly BindStrategyKind[];

/** A port number. */
export const PORT = integer(1, 65535);

/** A port's protocol, as Kubernetes spells it. */
export const PROTOCOL = oneOf(['TCP', 'UDP', 'SCTP']);

/** A Pod Security Standards level. */
export const LEVEL = oneOf(POD_SECURITY_LEVELS);

/** A Pod Security Standards policy version. */
export const POLICY_VERSION = satisfying('"latest" or "v1.N" (v1.0 … and later)', 'string', (value: string) => succeeds(() => resolvePolicyVersion(value)));

/** A Kubernetes version, compared by minor. */
export const KUBERNETES_VERSION = satisfying('a Kubernetes version "1.N" such as "1.25" (also "v1.N" or "1.N.P")', 'string', (value: string) =>
  succeeds(() => parseKubernetesVersion(value)),
);

/** What the clusters support beyond their Kubernetes version. */
export const CLUSTER_FEATURES = objectWith({ userNamespaces: BOOLEAN }, 'an object { userNamespaces?: boolean }');

/** A path the container writes to (an `emptyDir` mount). */
export const WRITABLE_PATH = text('an absolute path in the container, e.g. "/tmp"', /^\//);

/** The port the high-port strategy listens on. */
export const HIGH_PORT = integer(1024, 65535, 'an integer from 1024 to 65535 (an unprivileged port)');

/** The distribution of an image's final stage. */
export const IMAGE_BASE = oneOf(['debian', 'alpine']);

/** A non-root uid. */
export const NON_ROOT_UID = integer(1, 2147483647, 'a non-root uid from 1 to 2147483647 (uid 0 is BindStrategy.rootWithNetBindService() or BindStrategy.userNamespace())');

/** A non-zero gid. */
export const NON_ROOT_GID = integer(1, 2147483647, 'a gid from 1 to 2147483647');

/** A uid or gid, 0 included. */
export const ID = integer(0, 2147483647, 'an id from 0 to 2147483647');

/** A container name. */
export const CONTAINER_NAME = text('a DNS label (lower-case letters, digits and inner "-", at most 63)', /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);

/** A port name. */
export const PORT_NAME = text('an IANA_SVC_NAME (at most 15 lower-case letters, digits and inner "-", at least one letter)', /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/);

/** An image read from disk before planning. */
export const IMAGE_INSPECTION = satisfying(
  "an ImageInspection from await readImageInspection('oci-archive:app.tar', …)",
  'object',
  (value: { image?: unknown; user?: unknown }) => typeof value.image === 'string' && typeof value.user === 'object' && value.user !== null,
);

const STRATEGY_ACCEPTED =
  'a BindStrategy from one of its factories: BindStrategy.auto(), BindStrategy.highPort({ containerPort? }), BindStrategy.userNamespace(), BindStrategy.unprivilegedPortSysctl(), ' +
  'BindStrategy.fileCapability({ binary, imageBase? }), BindStrategy.rootWithNetBindService()';

const STRATEGY_FIELDS: Readonly<Partial<Record<BindStrategyKind, PropRules>>> = {
  fileCapability: { binary: required(BINARY_PATH), imageBase: IMAGE_BASE },
  highPort: { containerPort: HIGH_PORT },
};

/** Each kind's fields as one rule, made once rather than on every check of a strategy. */
const STRATEGY_FIELD_RULES = Object.fromEntries(BIND_STRATEGY_KINDS.map((kind) => [kind, objectWith(STRATEGY_FIELDS[kind] ?? {})])) as Readonly<
  Record<BindStrategyKind, ValueRule>
>;

/**
 * A bind strategy: a `BindStrategy` made by a factory, or an object of its shape (another copy of
 * this package makes instances of another class), with the fields its kind needs.
 */
export const STRATEGY: ValueRule = {
  accepted: STRATEGY_ACCEPTED,
  problems: (value): readonly InputProblem[] => {
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    if (!BIND_STRATEGY_KINDS.includes(kind as BindStrategyKind)) return [{ path: '', value, accepted: STRATEGY_ACCEPTED, wrongType: true }];
    return STRATEGY_FIELD_RULES[kind as BindStrategyKind].problems(value);
  },
};

/** One entry of `ports`. */
export const PORT_REQUEST = objectWith({ port: required(PORT), protocol: PROTOCOL, name: PORT_NAME, containerPort: HIGH_PORT });

/** Every prop of `PrivilegedPortIntent` (the type makes sure none is left out). */
export const PRIVILEGED_PORT_INTENT_RULES: Readonly<Record<keyof PrivilegedPortIntent, ValueRule>> = {
  port: PORT,
  protocol: PROTOCOL,
  ports: listOf(PORT_REQUEST, { minLength: 1 }),
  strategy: STRATEGY,
  level: LEVEL,
  podSecurityVersion: POLICY_VERSION,
  minKubernetesVersion: KUBERNETES_VERSION,
  clusterFeatures: CLUSTER_FEATURES,
  hostNetwork: BOOLEAN,
  appPortConfigurable: BOOLEAN,
  containerPort: HIGH_PORT,
  imageHasFileCapability: BOOLEAN,
  binary: BINARY_PATH,
  imageBase: IMAGE_BASE,
  imageInspection: IMAGE_INSPECTION,
  containerName: CONTAINER_NAME,
  portName: PORT_NAME,
  runAsUser: NON_ROOT_UID,
  runAsGroup: NON_ROOT_GID,
  readOnlyRootFilesystem: BOOLEAN,
};

/** The intent's rules for the given props only: what a face shares with the planner. */
export function intentRules(...props: readonly (keyof PrivilegedPortIntent)[]): PropRules {
  return Object.fromEntries(props.map((prop) => [prop, PRIVILEGED_PORT_INTENT_RULES[prop]]));
}
