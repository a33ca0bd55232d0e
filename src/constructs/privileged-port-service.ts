import { Construct } from 'constructs';
import type {
  Cdk8sPlusModule,
  ContainerPropOf,
  ContainerPropsOf,
  ServicePropOf,
} from './cdk8s-plus';
import {
  CDK8S_PLUS_MODULE,
  defaultCdk8sPlus,
} from './cdk8s-plus';
import { addHardenedContainer } from './container-hardening';
import type { HardenedContainerProps } from './hardened-container';
import { HardenedContainer } from './hardened-container';
import { applyPodPlan } from './pod-plan';
import { requireVerifiedPod } from './pod-verification';
import type { ReferenceApi } from './reference-api';
import { asReferenceApi } from './reference-api';
import { patchPodSecurityContext } from './security-patch';
import type { ResolvedBindStrategyKind } from '../planner/bind-strategy';
import { requireBinaryWithCommand } from '../planner/image-inspection';
import { integer, listOf, mapOf, NON_EMPTY_TEXT, objectWith, required, text, validateProps } from '../planner/input-validation';
import type { PropRules } from '../planner/input-validation';
import { WRITABLE_PATH } from '../planner/intent-rules';
import {
  BIND_STRATEGY_ANNOTATION,
  BIND_STRATEGY_REASON_ANNOTATION,
  planPrivilegedPort,
} from '../planner/plan-privileged-port';
import type {
  PrivilegedPortIntent,
  PrivilegedPortPlan,
} from '../planner/plan-privileged-port';

/**
 * Properties of {@link PrivilegedPortService}: the planner's intent (port, protocol, strategy,
 * level, what the image and cluster allow) plus the workload's own settings, typed by the
 * cdk8s-plus module `P` the construct is made with.
 */
export interface PrivilegedPortServiceProps<P extends Cdk8sPlusModule = Cdk8sPlusModule> extends PrivilegedPortIntent {
  /**
   * The cdk8s-plus module to build the Deployment and the Service with:
   * `import * as kplus from 'cdk8s-plus-32'` and `plus: kplus`. 27 through 33 are supported.
   * @default cdk8s-plus-27 (then it must be installed; the props take the version-neutral shapes)
   */
  readonly plus?: P;
  /** The container image. */
  readonly image: string;
  /**
   * Number of pod replicas.
   * @default 2 (cdk8s-plus's default)
   */
  readonly replicas?: number;
  /**
   * CPU and memory requests and limits of the container.
   * @default cdk8s-plus's defaults (requests 1000m / 512Mi, limits 1500m / 2048Mi)
   */
  readonly resources?: ContainerPropOf<P, 'resources'>;
  /**
   * Environment variables of the container.
   * @default none
   */
  readonly env?: ContainerPropOf<P, 'envVariables'>;
  /**
   * The container's entrypoint.
   * @default the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * The entrypoint's arguments.
   * @default the image's CMD
   */
  readonly args?: string[];
  /**
   * An HTTP path for readiness and liveness probes, sent to the first TCP *container* port (8080
   * for a high-port plan), never to the Service port.
   * @default - no readiness or liveness probe (only the startup probe below)
   */
  readonly healthCheckPath?: string;
  /**
   * The readiness probe; overrides `healthCheckPath`'s. Point it at `plan.containerPort`.
   * @default - from `healthCheckPath`, or none
   */
  readonly readiness?: ContainerPropOf<P, 'readiness'>;
  /**
   * The liveness probe; overrides `healthCheckPath`'s. Point it at `plan.containerPort`.
   * @default - from `healthCheckPath`, or none
   */
  readonly liveness?: ContainerPropOf<P, 'liveness'>;
  /**
   * The startup probe.
   * @default a TCP socket probe on the container port for TCP; none for UDP and SCTP
   */
  readonly startup?: ContainerPropOf<P, 'startup'>;
  /**
   * Paths the process writes to; each gets an `emptyDir` volume (the root filesystem is read-only).
   * @default []
   */
  readonly writablePaths?: readonly string[];
  /**
   * Init containers, hardened the same way (non-root, no capability, read-only root filesystem).
   * @default []
   */
  readonly initContainers?: readonly Omit<HardenedContainerProps<ContainerPropsOf<P>>, 'initContainer' | 'level' | 'podSecurityVersion' | 'plus'>[];
  /**
   * The namespace of the Deployment and the Service.
   * @default - none: the namespace `kubectl` applies to
   */
  readonly namespace?: string;
  /**
   * Labels of the Deployment, its pods and the Service.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The Service's type.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServicePropOf<P, 'type'>;
}

/** The workload props checked at run time (the planner checks the intent's). */
const PRIVILEGED_PORT_SERVICE_RULES: PropRules = {
  image: required(NON_EMPTY_TEXT),
  plus: CDK8S_PLUS_MODULE,
  replicas: integer(0, 2147483647, 'an integer ≥ 0'),
  command: listOf(text()),
  args: listOf(text()),
  healthCheckPath: text('an HTTP path starting with "/"', /^\//),
  writablePaths: listOf(WRITABLE_PATH),
  initContainers: listOf(objectWith({ image: required(NON_EMPTY_TEXT) }, 'HardenedContainer props { image, … }')),
  namespace: NON_EMPTY_TEXT,
  labels: mapOf(text()),
};

/**
 * A Deployment and a Service (cdk8s-plus 27 through 33: `plus`) that expose a privileged port (80, 443, 53 …) with
 * the least privilege that still binds, chosen by the planner ({@link planPrivilegedPort}) for
 * the declared Pod Security level. The decision is recorded on the workload (annotations
 * `k8s-least-privilege.dev/bind-strategy` and `…/bind-strategy-reason`) and on the construct
 * (`strategy`, `reason`, `dockerfileLines`).
 *
 * With `imageInspection` (the image read from disk first: `await readImageInspection('oci-archive:app.tar')`),
 * the file-capability strategy is checked against the image itself: a binary without
 * `cap_net_bind_service=+ep` throws a `BindStrategyError` with the Dockerfile lines to add,
 * and the image's USER is the pod's uid unless `runAsUser` is given.
 *
 * An intent no strategy can meet throws a `BindStrategyError` here; at synth time the capability
 * model checks the emitted pod template again (every port must bind under the strict runtime
 * profile, the level must be met) and `cdk8s synth` fails with its reason if anything added
 * later — a sidecar, an init container — breaks that.
 *
 * Several ports and protocols are one service: a DNS server serves 53/UDP and 53/TCP with
 * `ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]` — one strategy binds
 * them all, the container declares each and the Service exposes each.
 *
 * ```ts
 * const web = new PrivilegedPortService(chart, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true });
 * web.strategy; // 'highPort'
 * ```
 *
 * @throws BindStrategyError when no strategy meets the declared level with the declared facts
 * @throws TypeError or RangeError when a prop has the wrong type or value (named, with what is accepted)
 */
export class PrivilegedPortService<P extends Cdk8sPlusModule = Cdk8sPlusModule> extends Construct {
  /** The strategy the planner chose. */
  public readonly strategy: ResolvedBindStrategyKind;
  /** Why. */
  public readonly reason: string;
  /** Dockerfile lines for the image's final stage (file-capability strategy only; empty otherwise). */
  public readonly dockerfileLines: readonly string[];
  /** The planner's full output. */
  public readonly plan: PrivilegedPortPlan;
  /** The Deployment. */
  public readonly deployment: InstanceType<P['Deployment']>;
  /** The container that binds the port. */
  public readonly container: ReturnType<InstanceType<P['Deployment']>['addContainer']>;
  /** The Service that exposes the port. */
  public readonly service: InstanceType<P['Service']>;

  /**
   * @param scope the chart (or construct) the Deployment and the Service go in
   * @param id the construct id
   * @param props the image, the port(s), the strategy and the Pod Security level
   * @throws TypeError or RangeError naming the prop on a value that does not fit; BindStrategyError when no strategy binds the ports
   */
  constructor(scope: Construct, id: string, props: PrivilegedPortServiceProps<P>) {
    super(scope, id);
    const caller = `PrivilegedPortService ${id}`;
    validateProps(caller, props, PRIVILEGED_PORT_SERVICE_RULES);
    requireBinaryWithCommand(caller, props, props.command !== undefined);
    const plan = planPrivilegedPort(props, { caller });
    // The module through the reference API: what is called here means the same in 27–33 (cdk8s-plus.ts).
    const kplus = asReferenceApi(props.plus ?? defaultCdk8sPlus(caller));
    // The version-typed props, read as the reference's: the same fields in every version.
    const given = props as unknown as PrivilegedPortServiceProps<ReferenceApi>;
    const level = props.level ?? 'restricted';
    this.plan = plan;
    this.strategy = plan.strategy;
    this.reason = plan.reason;
    this.dockerfileLines = plan.dockerfileLines;
    const decision = { [BIND_STRATEGY_ANNOTATION]: plan.strategy, [BIND_STRATEGY_REASON_ANNOTATION]: plan.reason };
    const labels = { ...(props.labels ?? {}) };
    const podSecurity = plan.podSecurityContext;

    const deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { namespace: props.namespace, labels, annotations: decision },
      podMetadata: { labels },
      replicas: props.replicas,
      hostNetwork: plan.hostNetwork || undefined,
      securityContext: { ensureNonRoot: true, user: podSecurity.runAsUser, group: podSecurity.runAsGroup, fsGroup: podSecurity.fsGroup },
    });
    this.deployment = deployment as unknown as InstanceType<P['Deployment']>;
    patchPodSecurityContext(deployment, { seccompProfile: podSecurity.seccompProfile });

    const containerSecurity = plan.containerSecurityContext;
    // The probes knock on the first TCP port the process listens on (no startup probe for UDP or SCTP only).
    const tcpPort = plan.containerPorts.find((port) => port.protocol === 'TCP');
    const probePort = tcpPort?.containerPort ?? plan.containerPort;
    const httpProbe = props.healthCheckPath === undefined ? undefined : kplus.Probe.fromHttpGet(props.healthCheckPath, { port: probePort });
    const container = addHardenedContainer(
      // Made only for volumes: a construct with nothing under it would lengthen every walk of the tree at synth.
      () => new Construct(deployment, 'container'),
      deployment,
      {
        name: plan.containerName,
        image: props.image,
        ports: plan.containerPorts.map((port) => ({ name: port.name, number: port.containerPort, protocol: kplus.Protocol[port.protocol] })),
        resources: given.resources,
        envVariables: given.env === undefined ? undefined : { ...given.env },
        command: props.command,
        args: props.args,
        readiness: given.readiness ?? httpProbe,
        liveness: given.liveness ?? httpProbe,
        startup: given.startup ?? (tcpPort === undefined ? undefined : kplus.Probe.fromTcpSocket({ port: tcpPort.containerPort })),
      },
      {
        user: containerSecurity.runAsUser,
        group: containerSecurity.runAsGroup,
        addCapabilities: containerSecurity.capabilities.add ?? [],
        readOnlyRootFilesystem: containerSecurity.readOnlyRootFilesystem,
        writablePaths: props.writablePaths ?? [],
        initContainer: false,
        plus: kplus,
        caller,
      },
    );
    this.container = container as unknown as ReturnType<InstanceType<P['Deployment']>['addContainer']>;
    // The pod's sysctl and annotations, where a sidecar added later with HardenedContainer adds its own.
    applyPodPlan(deployment, plan, [container.name]);
    (given.initContainers ?? []).forEach((init, index) => {
      new HardenedContainer(deployment, `init-${index}`, {
        ...init,
        name: init.name ?? `init-${index}`,
        initContainer: true,
        level,
        podSecurityVersion: props.podSecurityVersion,
        // A fact about the cluster, as true of the init containers' plans as of the main one's.
        clusterFeatures: init.clusterFeatures ?? props.clusterFeatures,
        plus: kplus,
      });
    });
    requireVerifiedPod(deployment, level, props.podSecurityVersion);

    const service = new kplus.Service(this, 'service', {
      metadata: { namespace: props.namespace, labels, annotations: decision },
      selector: deployment,
      type: given.serviceType,
      // cdk8s-plus (27–33) targets ports by number only; the plan's named targetPort is the same port.
      ports: plan.servicePorts.map((port) => ({
        name: port.name,
        port: port.port,
        targetPort: port.targetPortNumber,
        protocol: kplus.Protocol[port.protocol],
      })),
    });
    this.service = service as unknown as InstanceType<P['Service']>;
  }
}
