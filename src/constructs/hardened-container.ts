import type * as kplus27 from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { canonicalCapabilityName } from '../model/capabilities';
import { PodSecurityLevel } from '../model/pod-security-types';
import { DEFAULT_NON_ROOT_ID } from '../planner/plan-privileged-port';
import {
  asReferenceApi,
  asReferenceWorkload,
  Cdk8sPlusModule,
  Cdk8sPlusWorkload,
  cdk8sPlusOf,
  WorkloadContainerOf,
  WorkloadContainerPropsOf,
} from './cdk8s-plus';
import { patchContainerSecurityContext } from './security-patch';
import { requireVerifiedPod } from './pod-verification';

/**
 * Properties of {@link HardenedContainer}: the container props of the workload's cdk8s-plus
 * version (`C`, cdk8s-plus-27's by default), with the securityContext decided here.
 */
export type HardenedContainerProps<C = kplus27.ContainerProps> = Omit<C, 'securityContext'> & ContainerHardeningProps;

/** What {@link HardenedContainer} adds to the container props. */
export interface ContainerHardeningProps {
  /**
   * The uid the process runs as. 0 turns `runAsNonRoot` off for this container, which
   * Pod Security restricted refuses.
   * @default 65532 (the `nonroot` user of distroless images)
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
   * Restricted allows only `NET_BIND_SERVICE`.
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

/**
 * A container added to a cdk8s-plus workload (27 through 33; the type of `container` and of the
 * props follow the workload's version) with the least privilege by default: non-root
 * uid/gid with `runAsNonRoot`, `allowPrivilegeEscalation: false`, `privileged: false`, a read-only
 * root filesystem with an `emptyDir` for each writable path, `capabilities: { drop: [ALL] }` plus
 * only `addCapabilities`, and `seccompProfile: RuntimeDefault`. It meets Pod Security *restricted*
 * unless told otherwise, and `cdk8s synth` fails — with the capability model's reason — if the
 * workload's pod template does not meet the declared level or one of its ports cannot bind.
 *
 * ```ts
 * const deployment = new kplus.Deployment(chart, 'web', { containers: [] });
 * new HardenedContainer(deployment, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080, writablePaths: ['/tmp'] });
 * ```
 */
export class HardenedContainer<W extends Cdk8sPlusWorkload = kplus27.AbstractPod> extends Construct {
  /** The cdk8s-plus container, for mounts, env and probes added later. */
  public readonly container: WorkloadContainerOf<W>;
  /** The uid the container runs as. */
  public readonly user: number;
  /** The capabilities it keeps after `drop: [ALL]`. */
  public readonly addCapabilities: readonly string[];

  constructor(workload: W, id: string, props: HardenedContainerProps<WorkloadContainerPropsOf<W>>) {
    super(workload, id);
    const { user = DEFAULT_NON_ROOT_ID, group = DEFAULT_NON_ROOT_ID, writablePaths = [], initContainer = false, level = 'restricted' } = props;
    if (!Number.isInteger(user) || user < 0) throw new RangeError(`HardenedContainer ${id}: user must be a uid ≥ 0, got ${user}`);
    if (!Number.isInteger(group) || group < 0) throw new RangeError(`HardenedContainer ${id}: group must be a gid ≥ 0, got ${group}`);
    this.user = user;
    this.addCapabilities = exactCapabilityNames(id, props.addCapabilities ?? []);

    // Through the reference API: the container props the constructs set mean the same in 27–33.
    const pod = asReferenceWorkload(workload);
    const containerProps: kplus27.ContainerProps = {
      ...withoutHardeningProps(props as unknown as HardenedContainerProps),
      securityContext: {
        user,
        group,
        ensureNonRoot: user !== 0,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
      },
    };
    const container = initContainer ? pod.addInitContainer(containerProps) : pod.addContainer(containerProps);
    this.container = container as unknown as WorkloadContainerOf<W>;
    const list = initContainer ? 'initContainers' : 'containers';
    const index = (initContainer ? pod.initContainers : pod.containers).indexOf(container);

    if (writablePaths.length > 0) {
      const plus = asReferenceApi(props.plus ?? cdk8sPlusOf(workload, `HardenedContainer ${id}`));
      writablePaths.forEach((path, i) => {
        const volume = plus.Volume.fromEmptyDir(this, `writable-${i}`, volumeName(container.name, path, i));
        container.mount(path, volume);
      });
    }

    patchContainerSecurityContext(workload, {
      list,
      index,
      fields: {
        capabilities: this.addCapabilities.length > 0 ? { drop: ['ALL'], add: [...this.addCapabilities] } : { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    requireVerifiedPod(workload, level, props.podSecurityVersion);
  }
}

function withoutHardeningProps(props: HardenedContainerProps): kplus27.ContainerProps {
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
    ...containerProps
  } = props;
  return containerProps;
}

/** The names as written, refused unless each is a canonical capability name. */
function exactCapabilityNames(id: string, names: readonly string[]): readonly string[] {
  for (const name of names) {
    const canonical = canonicalCapabilityName(name);
    if (canonical !== name) {
      const hint = canonical === undefined ? 'it names no Linux capability' : `write "${canonical}": containerd reads "${name}" as another, unknown name and grants nothing`;
      throw new RangeError(`HardenedContainer ${id}: addCapabilities entry "${name}" is not an exact capability name; ${hint}`);
    }
  }
  return [...names];
}

/** A DNS-label volume name for a writable path, unique within the pod. */
function volumeName(container: string, path: string, index: number): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  const name = `${container}-${slug}`.slice(0, 56).replace(/-+$/, '');
  return `${name}-w${index}`;
}
