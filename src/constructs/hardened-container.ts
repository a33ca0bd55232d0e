import { Construct } from 'constructs';
import type { Cdk8sPlusContainerProps, Cdk8sPlusModule, Cdk8sPlusWorkload, WorkloadContainerOf, WorkloadContainerPropsOf } from './cdk8s-plus';
import { CDK8S_PLUS_MODULE } from './cdk8s-plus';
import { addHardenedContainer } from './container-hardening';
import { applyPodPlan } from './pod-plan';
import { requireVerifiedPod } from './pod-verification';
import { asReferenceContainerProps } from './reference-api';
import type { ImageInspection } from '../image/inspect';
import { canonicalCapabilityName } from '../model/capabilities';
import type { PodSecurityLevel } from '../model/pod-security-types';
import type { PortProtocol } from '../model/ports';
import type { ImageBase, ResolvedBindStrategyKind } from '../planner/bind-strategy';
import { BindStrategy } from '../planner/bind-strategy';
import { requireBinaryWithCommand } from '../planner/image-inspection';
import type { PropRules } from '../planner/input-validation';
import { BOOLEAN, listOf, NON_EMPTY_TEXT, objectWith, required, text, validateProps } from '../planner/input-validation';
import { CONTAINER_NAME, ID, intentRules, LEVEL, POLICY_VERSION, PORT, PROTOCOL, WRITABLE_PATH } from '../planner/intent-rules';
import type { ClusterFeatures, PrivilegedPortPlan, PrivilegedPortRequest } from '../planner/plan-privileged-port';
import { DEFAULT_NON_ROOT_ID, planPrivilegedPort } from '../planner/plan-privileged-port';
import { isPrivilegedPort } from '../planner/port-requests';

/**
 * Properties of {@link HardenedContainer}: the container props of the workload's cdk8s-plus
 * version (`C`; the version-neutral {@link Cdk8sPlusContainerProps} by default), with the
 * securityContext decided here.
 */
export type HardenedContainerProps<C = Cdk8sPlusContainerProps> = Omit<C, 'securityContext'> & ContainerHardeningProps;

/**
 * How a {@link HardenedContainer} binds the ports below 1024 it declares (`portNumber`,
 * `ports`): the planner's intent, as far as one container decides it. Used only when the
 * container declares such a port.
 */
export interface ContainerBindingProps {
  /**
   * How the container binds its privileged ports. Its ports are its own, so the high-port
   * strategy is refused (declare the high port instead, and map the privileged port in the
   * Service), and `auto` chooses among uid 0 in the pod's own user namespace (with
   * `clusterFeatures: { userNamespaces: true }`, no `user` given, Kubernetes and Pod Security
   * ≥ 1.35), the sysctl, the file capability (when `binary` or `imageHasFileCapability` is given)
   * and, for a `level` of baseline or below with no `user` given, root with NET_BIND_SERVICE.
   * `user: 0` means a root strategy: `BindStrategy.userNamespace()` when asked for, else
   * `BindStrategy.rootWithNetBindService()`.
   * @default BindStrategy.auto()
   */
  readonly strategy?: BindStrategy;
  /**
   * The oldest Kubernetes version the workload runs on (the sysctl strategy needs ≥ 1.22, the
   * user-namespace strategy ≥ 1.25, and ≥ 1.35 for restricted).
   * @default '1.25'
   */
  readonly minKubernetesVersion?: string;
  /**
   * What every cluster the workload runs on supports: `{ userNamespaces: true }` lets the planner
   * run the pod in its own user namespace (`hostUsers: false`, every container of the pod).
   * @default {} — nothing beyond what `minKubernetesVersion` implies
   */
  readonly clusterFeatures?: ClusterFeatures;
  /**
   * The image's binary already carries `cap_net_bind_service=+ep`, so the container must keep
   * NET_BIND_SERVICE (`auto` then chooses the file capability).
   * @default false
   */
  readonly imageHasFileCapability?: boolean;
  /**
   * The absolute path of the binary the container executes, so `auto` may choose the file
   * capability and the plan carries the Dockerfile lines that `setcap` it.
   * @default - unknown
   */
  readonly binary?: string;
  /**
   * The distribution of the image's final stage, for the Dockerfile lines.
   * @default 'debian'
   */
  readonly imageBase?: ImageBase;
  /**
   * The image read from disk before planning (`await readImageInspection(…)`): its binary's file
   * capability is checked, and its USER is the default `user`.
   * @default - none: the planner trusts `imageHasFileCapability` and `binary`
   */
  readonly imageInspection?: ImageInspection;
}

/** What {@link HardenedContainer} adds to the container props. */
export interface ContainerHardeningProps extends ContainerBindingProps {
  /**
   * The uid the process runs as. 0 turns `runAsNonRoot` off for this container, which
   * Pod Security restricted refuses; with a port below 1024 it means the root strategy.
   * @default 65532 (the `nonroot` user of distroless images), or the image's USER with `imageInspection`
   */
  readonly user?: number;
  /**
   * The gid the process runs as.
   * @default 65532
   */
  readonly group?: number;
  /**
   * Capabilities to keep after `drop: [ALL]`, exact names as Kubernetes and Pod Security spell
   * them (`NET_BIND_SERVICE`, never `CAP_NET_BIND_SERVICE`: containerd ignores that spelling).
   * Restricted allows only `NET_BIND_SERVICE`. A port below 1024 needs none of them: the
   * planner adds what its strategy needs (`capabilities.add` alone never lets a non-root
   * process bind one).
   * @default [] — no capability at all
   */
  readonly addCapabilities?: readonly string[];
  /**
   * Paths the process writes to. The root filesystem is read-only; each path gets its own
   * `emptyDir` volume mounted there.
   * @default [] — nothing writable
   */
  readonly writablePaths?: readonly string[];
  /**
   * Whether the root filesystem is read-only.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Add it as an init container instead of an app container.
   * @default false
   */
  readonly initContainer?: boolean;
  /**
   * The Pod Security level the workload's pod template must meet, checked by the capability
   * model at synth time together with every container port (each must bind).
   * @default 'restricted'
   */
  readonly level?: PodSecurityLevel;
  /**
   * The Pod Security Standards policy version the level is checked at (`latest`, `v1.25`).
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * The cdk8s-plus module the workload comes from (`import * as kplus from 'cdk8s-plus-32'`),
   * for the `emptyDir` volumes of `writablePaths`.
   * @default - the supported cdk8s-plus (27–33) whose workload class it is
   */
  readonly plus?: Cdk8sPlusModule;
}

/** The props checked at run time: the hardening props and the container props the planner reads. */
const HARDENED_CONTAINER_RULES: PropRules = {
  image: required(NON_EMPTY_TEXT),
  name: CONTAINER_NAME,
  portNumber: PORT,
  port: PORT,
  ports: listOf(objectWith({ number: required(PORT), protocol: PROTOCOL, name: text() })),
  command: listOf(text()),
  user: ID,
  group: ID,
  addCapabilities: listOf(text('a capability name such as "NET_BIND_SERVICE"')),
  writablePaths: listOf(WRITABLE_PATH),
  readOnlyRootFilesystem: BOOLEAN,
  initContainer: BOOLEAN,
  level: LEVEL,
  podSecurityVersion: POLICY_VERSION,
  plus: CDK8S_PLUS_MODULE,
  ...intentRules('strategy', 'minKubernetesVersion', 'clusterFeatures', 'imageHasFileCapability', 'binary', 'imageBase', 'imageInspection'),
};

/**
 * A container added to a cdk8s-plus workload (27 through 33; the type of `container` and of the
 * props follow the workload's version) with the least privilege by default: non-root
 * uid/gid with `runAsNonRoot`, `allowPrivilegeEscalation: false`, `privileged: false`, a read-only
 * root filesystem with an `emptyDir` for each writable path, `capabilities: { drop: [ALL] }` plus
 * only `addCapabilities`, and `seccompProfile: RuntimeDefault`. It meets Pod Security *restricted*
 * unless told otherwise, and `cdk8s synth` fails — with the capability model's reason — if the
 * workload's pod template does not meet the declared level or one of its ports cannot bind.
 *
 * A port below 1024 (`portNumber: 80`, or in `ports`) binds by construction: the same planner as
 * `PrivilegedPortService` chooses how (`strategy`, `auto` by default) and the container, and
 * where needed the pod (the sysctl, the decision and file-capability annotations), get what it
 * chose; `strategy`, `reason` and `dockerfileLines` say what that was.
 *
 * ```ts
 * const deployment = new kplus.Deployment(chart, 'web', { containers: [] });
 * const web = new HardenedContainer(deployment, 'web', { image: 'nginx:1.27', portNumber: 80, writablePaths: ['/var/cache/nginx', '/var/run'] });
 * web.strategy; // 'unprivilegedPortSysctl': the pod sets net.ipv4.ip_unprivileged_port_start=80, the container keeps no capability
 * ```
 *
 * @throws BindStrategyError when no strategy binds its privileged ports at the level
 * @throws TypeError or RangeError when a prop has the wrong type or value (named, with what is accepted)
 */
export class HardenedContainer<W extends Cdk8sPlusWorkload = Cdk8sPlusWorkload> extends Construct {
  /** The cdk8s-plus container, for mounts, env and probes added later. */
  public readonly container: WorkloadContainerOf<W>;
  /** The uid the container runs as. */
  public readonly user: number;
  /** The capabilities it keeps after `drop: [ALL]`: `addCapabilities`, and what the plan needs. */
  public readonly addCapabilities: readonly string[];
  /** The planner's output for the ports below 1024, or `undefined` when the container declares none. */
  public readonly plan: PrivilegedPortPlan | undefined;
  /** The strategy that binds the ports below 1024, or `undefined` when the container declares none. */
  public readonly strategy: ResolvedBindStrategyKind | undefined;
  /** Why that strategy, or `undefined` when the container declares no port below 1024. */
  public readonly reason: string | undefined;
  /** Dockerfile lines for the image's final stage (file-capability strategy only; empty otherwise). */
  public readonly dockerfileLines: readonly string[];

  /**
   * @param workload the cdk8s-plus workload (27–33) the container is added to
   * @param id the construct id
   * @param props the container props of that cdk8s-plus version, with the hardening props
   * @throws TypeError or RangeError naming the prop on a value that does not fit; BindStrategyError when no strategy binds its privileged ports
   */
  constructor(workload: W, id: string, props: HardenedContainerProps<WorkloadContainerPropsOf<W>>) {
    super(workload, id);
    const caller = `HardenedContainer ${id}`;
    validateProps(caller, props, HARDENED_CONTAINER_RULES);
    const given = props as unknown as HardenedContainerProps;
    const privileged = privilegedPortsOf(given);
    const plan = privileged.length === 0 ? undefined : planPorts(caller, workload, given, privileged);
    this.plan = plan;
    this.strategy = plan?.strategy;
    this.reason = plan?.reason;
    this.dockerfileLines = plan?.dockerfileLines ?? [];
    this.user = plan?.containerSecurityContext.runAsUser ?? given.user ?? DEFAULT_NON_ROOT_ID;
    const requested = exactCapabilityNames(caller, given.addCapabilities ?? []);
    const planned = plan?.containerSecurityContext.capabilities.add ?? [];
    this.addCapabilities = [...planned, ...requested.filter((name) => !planned.includes(name))];

    const container = addHardenedContainer(() => this, workload, asReferenceContainerProps(withoutHardeningProps(given)), {
      user: this.user,
      group: plan?.containerSecurityContext.runAsGroup ?? given.group ?? DEFAULT_NON_ROOT_ID,
      addCapabilities: this.addCapabilities,
      readOnlyRootFilesystem: given.readOnlyRootFilesystem ?? true,
      writablePaths: given.writablePaths ?? [],
      initContainer: given.initContainer ?? false,
      plus: given.plus,
      caller,
    });
    this.container = container as unknown as WorkloadContainerOf<W>;
    if (plan !== undefined) applyPodPlan(workload, plan, [container.name]);
    requireVerifiedPod(workload, given.level ?? 'restricted', given.podSecurityVersion);
  }
}

/** The distinct ports below 1024 the container props declare. */
function privilegedPortsOf(props: HardenedContainerProps): PrivilegedPortRequest[] {
  const single = props.portNumber ?? props.port;
  const declared: { port: number; protocol: PortProtocol }[] = [
    ...(single === undefined ? [] : [{ port: single, protocol: 'TCP' as const }]),
    ...(props.ports ?? []).map((port) => ({ port: port.number, protocol: (port.protocol ?? 'TCP') as PortProtocol })),
  ];
  return declared.filter(
    (port, index) =>
      isPrivilegedPort(port.port) && declared.findIndex((other) => other.port === port.port && other.protocol === port.protocol) === index,
  );
}

/** The plan for the container's privileged ports (its ports are fixed: they are its own). */
function planPorts(
  caller: string,
  workload: Cdk8sPlusWorkload,
  props: HardenedContainerProps,
  ports: readonly PrivilegedPortRequest[],
): PrivilegedPortPlan {
  const root = props.user === 0;
  const strategy = props.strategy ?? BindStrategy.auto();
  const rootStrategy = strategy.kind === 'rootWithNetBindService' || strategy.kind === 'userNamespace';
  if (root && strategy.kind !== 'auto' && !rootStrategy) {
    throw new RangeError(
      `${caller}: user is 0, but ${strategy.toString()} runs the container as non-root; remove user, or choose BindStrategy.rootWithNetBindService() (Pod Security baseline) ` +
        'or BindStrategy.userNamespace() (uid 0 inside the pod\'s own user namespace)',
    );
  }
  requireBinaryWithCommand(caller, props, props.command !== undefined);
  return planPrivilegedPort(
    {
      ports,
      strategy: root && !rootStrategy ? BindStrategy.rootWithNetBindService() : strategy,
      level: props.level,
      podSecurityVersion: props.podSecurityVersion,
      minKubernetesVersion: props.minKubernetesVersion,
      clusterFeatures: props.clusterFeatures,
      hostNetwork: workload.hostNetwork ?? false,
      imageHasFileCapability: props.imageHasFileCapability,
      binary: props.binary,
      imageBase: props.imageBase,
      imageInspection: props.imageInspection,
      containerName: props.name,
      runAsUser: root ? undefined : props.user,
      runAsGroup: props.group,
      readOnlyRootFilesystem: props.readOnlyRootFilesystem,
    },
    { caller, containerPortsFixed: true, propNames: { runAsUser: 'user', runAsGroup: 'group', containerName: 'name' } },
  );
}

function withoutHardeningProps(props: HardenedContainerProps): Cdk8sPlusContainerProps {
  const {
    user: _user,
    group: _group,
    addCapabilities: _add,
    writablePaths: _paths,
    readOnlyRootFilesystem: _readOnly,
    initContainer: _init,
    level: _level,
    podSecurityVersion: _version,
    plus: _plus,
    strategy: _strategy,
    minKubernetesVersion: _kubernetes,
    clusterFeatures: _features,
    imageHasFileCapability: _hasCapability,
    binary: _binary,
    imageBase: _base,
    imageInspection: _inspection,
    ...containerProps
  } = props;
  return containerProps;
}

/** The names as written, refused unless each is a canonical capability name. */
function exactCapabilityNames(caller: string, names: readonly string[]): readonly string[] {
  for (const name of names) {
    const canonical = canonicalCapabilityName(name);
    if (canonical !== name) {
      const hint = canonical === undefined ? 'it names no Linux capability' : `write "${canonical}": containerd reads "${name}" as another, unknown name and grants nothing`;
      throw new RangeError(`${caller}: addCapabilities entry "${name}" is not an exact capability name; ${hint}`);
    }
  }
  return [...names];
}
