/**
 * The one adapter between the constructs and the cdk8s-plus versions they support: 27 (the
 * reference) and 28 through 33.
 *
 * What the constructs call — `Deployment`, `Service`, `Container` (`addContainer`,
 * `addInitContainer`, `mount`, `ports`), `Volume.fromEmptyDir`, `Probe.fromHttpGet` /
 * `fromTcpSocket`, `Protocol`, the pod's `securityContext.sysctls`, `hostNetwork` and
 * `podMetadata` — has the same signature and emits the same JSON in every one of them (the
 * version matrix, `test/constructs/plus-versions.test.ts`, synthesizes and compares). The
 * versions differ where the constructs do not depend on them:
 * - `Capability`: 27 spells every name `CAP_…` (containerd reads `CAP_NET_BIND_SERVICE` as
 *   `CAP_CAP_NET_BIND_SERVICE` and grants nothing) and has no `ALL`; 28+ spell them exactly and
 *   add `ALL`. The constructs never use the enum: exact names go in by JSON patch
 *   (`security-patch.ts`), the same in every version.
 * - `seccompProfile`: 28+ have a container-level field, 27 none, and no version a pod-level
 *   one; the constructs set the pod's by JSON patch in every version.
 * - 28+ have sidecar init containers (`restartPolicy: Always`); they are init containers like
 *   any other to the constructs, and hardened as such.
 * - 29+ emit `shareProcessNamespace: false`, 31+ `revisionHistoryLimit: 10` — neither matters
 *   to the capability model or Pod Security.
 * Their TypeScript types differ nominally (classes with private members, enums), so a
 * cdk8s-plus-32 `Deployment` is not a cdk8s-plus-27 one to the compiler: the constructs take the
 * structural shapes below and are generic over the module, so each user keeps the types of the
 * version they use. The public typings name no cdk8s-plus package: a project with only, say,
 * cdk8s-plus-32 type-checks them with `skipLibCheck: false`. When the module is not given (nor
 * inferred), the props take the version-neutral shapes {@link Cdk8sPlusContainerProps} and
 * {@link Cdk8sPlusServiceProps}, which any supported version's values fit.
 */
import type { Construct, IConstruct } from 'constructs';
import { satisfying } from '../planner/input-validation';

/** The cdk8s-plus packages the constructs support, the reference first. */
export const SUPPORTED_CDK8S_PLUS_PACKAGES = [
  'cdk8s-plus-27',
  'cdk8s-plus-28',
  'cdk8s-plus-29',
  'cdk8s-plus-30',
  'cdk8s-plus-31',
  'cdk8s-plus-32',
  'cdk8s-plus-33',
] as const;

/** A container of any supported cdk8s-plus, as much of it as the constructs read. */
export interface Cdk8sPlusContainer {
  /** The container's name. */
  readonly name: string;
  /** Its declared ports. */
  readonly ports: readonly { readonly number: number }[];
  /** Mounts a volume (of the same cdk8s-plus module) at a path. */
  mount(path: string, storage: never, options?: never): void;
}

/**
 * A pod-bearing workload (`Deployment`, `StatefulSet`, `DaemonSet`, `Job`, `Pod`, …) of any
 * supported cdk8s-plus, as much of it as the constructs use.
 */
export interface Cdk8sPlusWorkload extends IConstruct {
  /** The app containers. */
  readonly containers: readonly Cdk8sPlusContainer[];
  /** The init containers (sidecars included, 28+). */
  readonly initContainers: readonly Cdk8sPlusContainer[];
  /** Whether the pod uses the node's network namespace. */
  readonly hostNetwork?: boolean;
  /** The pod's securityContext; the constructs read its sysctls. */
  readonly securityContext: { readonly sysctls: readonly { readonly name: string; readonly value: string }[] };
  /** The pod template's metadata. */
  readonly podMetadata: { addAnnotation(key: string, value: string): unknown };
  /** Adds an app container (a method: each version's own `ContainerProps` fit, as they fit the neutral shape). */
  addContainer(props: Cdk8sPlusContainerProps): Cdk8sPlusContainer;
  /** Adds an init container. */
  addInitContainer(props: Cdk8sPlusContainerProps): Cdk8sPlusContainer;
}

/**
 * A cdk8s-plus module (`import * as kplus from 'cdk8s-plus-32'`), 27 through 33, as much of it
 * as the constructs use. Parameters are `never` so that every version's own props types fit.
 */
export interface Cdk8sPlusModule {
  /** The pod-bearing base class, to tell which module a workload comes from. */
  readonly AbstractPod: abstract new (...args: never[]) => Cdk8sPlusWorkload;
  /** `Deployment`. */
  readonly Deployment: new (scope: Construct, id: string, props?: never) => Cdk8sPlusWorkload;
  /** `Service`. */
  readonly Service: new (scope: Construct, id: string, props?: never) => IConstruct;
  /** `Container`, for its props type. */
  readonly Container: new (props: never) => Cdk8sPlusContainer;
  /** `Volume`, for the emptyDir of each writable path. */
  readonly Volume: { fromEmptyDir(scope: Construct, id: string, name: string, options?: never): unknown };
  /** `Probe`, for the default probes. */
  readonly Probe: { fromHttpGet(path: string, options?: never): unknown; fromTcpSocket(options?: never): unknown };
  /** `Protocol`. */
  readonly Protocol: { readonly TCP: string; readonly UDP: string; readonly SCTP: string };
}

/** What a `plus` prop must be, checked at run time: a module with the classes the constructs use. */
export const CDK8S_PLUS_MODULE = satisfying(
  `a cdk8s-plus module, e.g. import * as kplus from 'cdk8s-plus-32' (supported: ${SUPPORTED_CDK8S_PLUS_PACKAGES.join(', ')})`,
  'object',
  (plus: Partial<Record<keyof Cdk8sPlusModule, unknown>>) => typeof plus.Deployment === 'function' && typeof plus.AbstractPod === 'function',
);

/**
 * Container props as every supported cdk8s-plus version takes them (27–33), with the
 * version's own classes and enums (`Probe`, `EnvValue`, `ImagePullPolicy` …) seen structurally:
 * the props of a construct whose cdk8s-plus module is neither given nor inferred. Pass the
 * module (`plus`) or a typed workload to get that version's exact types instead.
 */
export interface Cdk8sPlusContainerProps {
  /** The image. */
  readonly image: string;
  /**
   * The container's name.
   * @default - cdk8s-plus generates one
   */
  readonly name?: string;
  /**
   * The port the container listens on (deprecated in cdk8s-plus for `portNumber`).
   * @default - none
   */
  readonly port?: number;
  /**
   * The port the container listens on.
   * @default - none
   */
  readonly portNumber?: number;
  /**
   * The ports the container listens on, each with its protocol (`Protocol.TCP` by default).
   * @default - none
   */
  readonly ports?: readonly {
    readonly number: number;
    readonly protocol?: string;
    readonly name?: string;
    readonly hostPort?: number;
    readonly hostIp?: string;
  }[];
  /**
   * The entrypoint, instead of the image's.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * The arguments, instead of the image's.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * The working directory.
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;
  /**
   * Environment variables (that version's `EnvValue`s).
   * @default - none
   */
  readonly envVariables?: Readonly<Record<string, object>>;
  /**
   * Environment sources (that version's `EnvFrom`s).
   * @default - none
   */
  readonly envFrom?: readonly object[];
  /**
   * Volume mounts (that version's `VolumeMount`s).
   * @default - none
   */
  readonly volumeMounts?: readonly object[];
  /**
   * The image pull policy (that version's `ImagePullPolicy`).
   * @default - cdk8s-plus's default (Always)
   */
  readonly imagePullPolicy?: string;
  /**
   * The readiness probe (that version's `Probe`).
   * @default - cdk8s-plus's default
   */
  readonly readiness?: object;
  /**
   * The liveness probe (that version's `Probe`).
   * @default - none
   */
  readonly liveness?: object;
  /**
   * The startup probe (that version's `Probe`).
   * @default - cdk8s-plus's default
   */
  readonly startup?: object;
  /**
   * Lifecycle hooks (that version's `ContainerLifecycle`).
   * @default - none
   */
  readonly lifecycle?: object;
  /**
   * Resource requests and limits (that version's `ContainerResources`).
   * @default - cdk8s-plus's defaults
   */
  readonly resources?: object;
  /**
   * The securityContext (that version's `ContainerSecurityContextProps`); the constructs decide
   * their own containers', so `HardenedContainerProps` leaves it out.
   * @default - cdk8s-plus's defaults
   */
  readonly securityContext?: object;
}

/** Service props as every supported cdk8s-plus version takes them, as far as the constructs pass them on. */
export interface Cdk8sPlusServiceProps {
  /**
   * The Service type (that version's `ServiceType`, e.g. `'LoadBalancer'`).
   * @default ClusterIP
   */
  readonly type?: string;
}

/** The container props of a module (`ContainerProps` of that version; {@link Cdk8sPlusContainerProps} when the module is not known). */
export type ContainerPropsOf<P extends Cdk8sPlusModule> = Cdk8sPlusModule extends P
  ? Cdk8sPlusContainerProps
  : P['Container'] extends new (props: infer C) => unknown
    ? C
    : never;

/** The Service props of a module (`ServiceProps` of that version; {@link Cdk8sPlusServiceProps} when the module is not known). */
export type ServicePropsOf<P extends Cdk8sPlusModule> = Cdk8sPlusModule extends P
  ? Cdk8sPlusServiceProps
  : P['Service'] extends new (scope: never, id: never, props?: infer S) => unknown
    ? NonNullable<S>
    : never;

/** One field's type of a module's container props, e.g. `ContainerPropOf<P, 'readiness'>` (that version's `Probe`). */
export type ContainerPropOf<P extends Cdk8sPlusModule, K extends string> = ContainerPropsOf<P> extends { readonly [key in K]?: infer V } ? V : never;

/** One field's type of a module's Service props, e.g. `ServicePropOf<P, 'type'>` (that version's `ServiceType`). */
export type ServicePropOf<P extends Cdk8sPlusModule, K extends string> = ServicePropsOf<P> extends { readonly [key in K]?: infer V } ? V : never;

/** The container props a workload's `addContainer` takes ({@link Cdk8sPlusContainerProps} when the workload's version is not known). */
export type WorkloadContainerPropsOf<W extends Cdk8sPlusWorkload> = Cdk8sPlusWorkload extends W
  ? Cdk8sPlusContainerProps
  : W['addContainer'] extends (props: infer C) => unknown
    ? C
    : never;

/** The container a workload's `addContainer` returns. */
export type WorkloadContainerOf<W extends Cdk8sPlusWorkload> = ReturnType<W['addContainer']>;

let defaultModule: Cdk8sPlusModule | undefined;

/**
 * The default module: cdk8s-plus-27, loaded only when a construct is created without `plus`
 * (so a project that uses only, say, cdk8s-plus-32 never needs 27 installed).
 */
export function defaultCdk8sPlus(construct: string): Cdk8sPlusModule {
  // Kept once loaded: `require` resolves the name through the file system on every call, a
  // cost each construct made without `plus` would pay again.
  if (defaultModule !== undefined) return defaultModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when no module is given
    defaultModule = require('cdk8s-plus-27') as Cdk8sPlusModule;
    return defaultModule;
  } catch (error) {
    throw new Error(
      `${construct}: cdk8s-plus-27 (the default) is not installed; pass the cdk8s-plus module you use, ` +
        `e.g. \`import * as kplus from 'cdk8s-plus-32'\` and \`plus: kplus\` (supported: ${SUPPORTED_CDK8S_PLUS_PACKAGES.join(', ')}). ` +
        `${(error as Error).message.split('\n')[0]}`,
    );
  }
}

const modulesByClass = new WeakMap<object, Cdk8sPlusModule>();

/**
 * The cdk8s-plus module a workload was made with: among the supported packages, the one
 * already loaded whose `AbstractPod` the workload is an instance of. Nothing is loaded here —
 * the workload's own module necessarily is.
 *
 * @throws Error when none is (a copy of cdk8s-plus this package does not resolve, e.g. a
 *   nested install): the message says to pass `plus`
 */
export function cdk8sPlusOf(workload: Cdk8sPlusWorkload, construct: string): Cdk8sPlusModule {
  const cached = modulesByClass.get(workload.constructor);
  if (cached !== undefined) return cached;
  for (const name of SUPPORTED_CDK8S_PLUS_PACKAGES) {
    const plus = loadedModule(name);
    if (plus !== undefined && workload instanceof plus.AbstractPod) {
      modulesByClass.set(workload.constructor, plus);
      return plus;
    }
  }
  throw new Error(
    `${construct}: ${workload.node.path} is not a workload of a cdk8s-plus module this package resolves ` +
      `(${SUPPORTED_CDK8S_PLUS_PACKAGES.join(', ')}); pass the module it comes from as \`plus\``,
  );
}

function loadedModule(name: string): Cdk8sPlusModule | undefined {
  let path: string;
  try {
    path = require.resolve(name);
  } catch {
    return undefined;
  }
  const loaded = require.cache?.[path];
  return loaded === undefined ? undefined : (loaded.exports as Cdk8sPlusModule);
}
