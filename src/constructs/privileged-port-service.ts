import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedBindStrategyKind } from '../planner/bind-strategy';
import {
  BIND_STRATEGY_ANNOTATION,
  BIND_STRATEGY_REASON_ANNOTATION,
  planPrivilegedPort,
  PrivilegedPortIntent,
  PrivilegedPortPlan,
} from '../planner/plan-privileged-port';
import { HardenedContainer, HardenedContainerProps } from './hardened-container';
import { patchPodSecurityContext } from './security-patch';

/**
 * Properties of {@link PrivilegedPortService}: the planner's intent (port, protocol, strategy,
 * level, what the image and cluster allow) plus the workload's own settings.
 */
export interface PrivilegedPortServiceProps extends PrivilegedPortIntent {
  /** The container image. */
  readonly image: string;
  /**
   * Number of pod replicas.
   * @default 2 (cdk8s-plus-27's default)
   */
  readonly replicas?: number;
  /**
   * CPU and memory requests and limits of the container.
   * @default cdk8s-plus-27's defaults (requests 1000m / 512Mi, limits 1500m / 2048Mi)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Environment variables of the container.
   * @default none
   */
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
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
   * An HTTP path for readiness and liveness probes, sent to the *container* port (8080 for a
   * high-port plan), never to the Service port.
   * @default - no readiness or liveness probe (only the startup probe below)
   */
  readonly healthCheckPath?: string;
  /**
   * The readiness probe; overrides `healthCheckPath`'s. Point it at `plan.containerPort`.
   * @default - from `healthCheckPath`, or none
   */
  readonly readiness?: kplus.Probe;
  /**
   * The liveness probe; overrides `healthCheckPath`'s. Point it at `plan.containerPort`.
   * @default - from `healthCheckPath`, or none
   */
  readonly liveness?: kplus.Probe;
  /**
   * The startup probe.
   * @default a TCP socket probe on the container port for TCP; none for UDP and SCTP
   */
  readonly startup?: kplus.Probe;
  /**
   * Paths the process writes to; each gets an `emptyDir` volume (the root filesystem is read-only).
   * @default []
   */
  readonly writablePaths?: readonly string[];
  /**
   * Init containers, hardened the same way (non-root, no capability, read-only root filesystem).
   * @default []
   */
  readonly initContainers?: readonly Omit<HardenedContainerProps, 'initContainer' | 'level' | 'podSecurityVersion'>[];
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
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;
}

/**
 * A Deployment (cdk8s-plus-27) and a Service that expose a privileged port (80, 443, 53 …) with
 * the least privilege that still binds, chosen by the planner ({@link planPrivilegedPort}) for
 * the declared Pod Security level. The decision is recorded on the workload (annotations
 * `k8s-least-privilege.dev/bind-strategy` and `…/bind-strategy-reason`) and on the construct
 * (`strategy`, `reason`, `dockerfileLines`).
 *
 * An intent no strategy can meet throws a `BindStrategyError` here; at synth time the capability
 * model checks the emitted pod template again (every port must bind under the strict runtime
 * profile, the level must be met) and `cdk8s synth` fails with its reason if anything added
 * later — a sidecar, an init container — breaks that.
 *
 * ```ts
 * const web = new PrivilegedPortService(chart, 'web', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true });
 * web.strategy; // 'highPort'
 * ```
 */
export class PrivilegedPortService extends Construct {
  /** The strategy the planner chose. */
  public readonly strategy: ResolvedBindStrategyKind;
  /** Why. */
  public readonly reason: string;
  /** Dockerfile lines for the image's final stage (file-capability strategy only; empty otherwise). */
  public readonly dockerfileLines: readonly string[];
  /** The planner's full output. */
  public readonly plan: PrivilegedPortPlan;
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The container that binds the port. */
  public readonly container: kplus.Container;
  /** The Service that exposes the port. */
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: PrivilegedPortServiceProps) {
    super(scope, id);
    const plan = planPrivilegedPort(props);
    this.plan = plan;
    this.strategy = plan.strategy;
    this.reason = plan.reason;
    this.dockerfileLines = plan.dockerfileLines;
    const decision = { [BIND_STRATEGY_ANNOTATION]: plan.strategy, [BIND_STRATEGY_REASON_ANNOTATION]: plan.reason };
    const labels = { ...(props.labels ?? {}) };
    const podSecurity = plan.podSecurityContext;

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { namespace: props.namespace, labels, annotations: decision },
      podMetadata: { labels, annotations: { ...plan.podAnnotations } },
      replicas: props.replicas,
      hostNetwork: plan.hostNetwork || undefined,
      securityContext: {
        ensureNonRoot: true,
        user: podSecurity.runAsUser,
        group: podSecurity.runAsGroup,
        fsGroup: podSecurity.fsGroup,
        sysctls: podSecurity.sysctls?.map((sysctl) => ({ name: sysctl.name, value: sysctl.value })),
      },
    });
    patchPodSecurityContext(this.deployment, { seccompProfile: podSecurity.seccompProfile });

    const containerSecurity = plan.containerSecurityContext;
    const httpProbe = props.healthCheckPath === undefined ? undefined : kplus.Probe.fromHttpGet(props.healthCheckPath, { port: plan.containerPort });
    const hardened = new HardenedContainer(this.deployment, 'container', {
      name: plan.containerName,
      image: props.image,
      ports: plan.containerPorts.map((port) => ({ name: port.name, number: port.containerPort, protocol: kplus.Protocol[port.protocol] })),
      user: containerSecurity.runAsUser,
      group: containerSecurity.runAsGroup,
      addCapabilities: containerSecurity.capabilities.add ?? [],
      readOnlyRootFilesystem: containerSecurity.readOnlyRootFilesystem,
      writablePaths: props.writablePaths,
      resources: props.resources,
      envVariables: props.env === undefined ? undefined : { ...props.env },
      command: props.command,
      args: props.args,
      readiness: props.readiness ?? httpProbe,
      liveness: props.liveness ?? httpProbe,
      startup: props.startup ?? (plan.protocol === 'TCP' ? kplus.Probe.fromTcpSocket({ port: plan.containerPort }) : undefined),
      level: props.level ?? 'restricted',
      podSecurityVersion: props.podSecurityVersion,
    });
    this.container = hardened.container;
    (props.initContainers ?? []).forEach((init, index) => {
      new HardenedContainer(this.deployment, `init-${index}`, {
        ...init,
        name: init.name ?? `init-${index}`,
        initContainer: true,
        level: props.level ?? 'restricted',
        podSecurityVersion: props.podSecurityVersion,
      });
    });

    this.service = new kplus.Service(this, 'service', {
      metadata: { namespace: props.namespace, labels, annotations: decision },
      selector: this.deployment,
      type: props.serviceType,
      // cdk8s-plus-27 targets ports by number only; the plan's named targetPort is the same port.
      ports: plan.servicePorts.map((port) => ({ name: port.name, port: port.port, targetPort: port.targetPortNumber, protocol: kplus.Protocol[port.protocol] })),
    });
  }
}
