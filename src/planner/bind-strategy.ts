/**
 * The ways a container can listen on a privileged port, as typed intent. `auto` lets the
 * planner choose the least privileged one that fits what the workload declares.
 */
import { BINARY_PATH } from './binary-path';
import { required, validateProps } from './input-validation';
import { HIGH_PORT, IMAGE_BASE } from './intent-rules';

/** The name of a bind strategy; `auto` is resolved by the planner to one of the others. */
export type BindStrategyKind = 'auto' | 'highPort' | 'userNamespace' | 'unprivilegedPortSysctl' | 'fileCapability' | 'rootWithNetBindService';

/** A concrete strategy: what {@link BindStrategyKind} `auto` resolves to. */
export type ResolvedBindStrategyKind = Exclude<BindStrategyKind, 'auto'>;

/** The package manager family of the image's final stage, which decides how `setcap` is installed. */
export type ImageBase = 'debian' | 'alpine';

/** Options of {@link BindStrategy.fileCapability}. */
export interface FileCapabilityOptions {
  /** Absolute path of the binary the container executes, which `setcap` marks, e.g. `/usr/local/bin/server`. */
  readonly binary: string;
  /**
   * The distribution of the image's final stage: Debian/Ubuntu install `setcap` from `libcap2-bin`,
   * Alpine from `libcap`.
   * @default 'debian'
   */
  readonly imageBase?: ImageBase;
}

/** Options of {@link BindStrategy.highPort}. */
export interface HighPortOptions {
  /**
   * The unprivileged port (≥ 1024) the application listens on; the Service maps the
   * privileged port to it.
   * @default 8080, or the requested port itself when it is already ≥ 1024
   */
  readonly containerPort?: number;
}

/**
 * How a container binds a privileged port, as typed intent (cdk8s-plus style: an
 * enum-like class with static factories).
 *
 * | factory | process | Pod Security |
 * |---|---|---|
 * | {@link BindStrategy.highPort} | non-root, no capability, listens on ≥ 1024; the Service maps the port | restricted |
 * | {@link BindStrategy.userNamespace} | uid 0 inside the pod's own user namespace (`hostUsers: false`), `drop: [ALL]`, `add: [NET_BIND_SERVICE]` | restricted from Kubernetes and policy v1.35, baseline before |
 * | {@link BindStrategy.unprivilegedPortSysctl} | non-root, no capability; pod sysctl `net.ipv4.ip_unprivileged_port_start=<port>` | restricted |
 * | {@link BindStrategy.fileCapability} | non-root, binary has `cap_net_bind_service=+ep`, `add: [NET_BIND_SERVICE]` | restricted |
 * | {@link BindStrategy.rootWithNetBindService} | uid 0, `drop: [ALL]`, `add: [NET_BIND_SERVICE]` | baseline |
 */
export class BindStrategy {
  /**
   * Let the planner choose the least privileged strategy that fits the declared facts
   * (docs/strategies.md has the decision table).
   */
  public static auto(): BindStrategy {
    return new BindStrategy('auto');
  }

  /**
   * Run as uid 0 with every capability dropped but `NET_BIND_SERVICE`: root keeps its bounding
   * set on exec, so it binds. Meets Pod Security *baseline* only (restricted forbids uid 0).
   */
  public static rootWithNetBindService(): BindStrategy {
    return new BindStrategy('rootWithNetBindService');
  }

  /**
   * Run the pod in its own user namespace (`hostUsers: false`) and the binding container as uid 0
   * there — an unprivileged uid on the node, unique to the pod — with every capability dropped but
   * `NET_BIND_SERVICE`, no privilege escalation: the runtime creates the pod's network namespace
   * inside its user namespace, so the capability counts there and nowhere else. No image change,
   * no application setting. Needs a cluster that supports user namespaces (declare
   * `clusterFeatures: { userNamespaces: true }`) and no `hostNetwork`. Meets *restricted* where the
   * cluster and the Pod Security policy version are ≥ 1.35 (earlier policies count uid 0 as root
   * whatever the namespace), *baseline* before.
   */
  public static userNamespace(): BindStrategy {
    return new BindStrategy('userNamespace');
  }

  /**
   * Run as non-root; the image gives the binary the file capability `cap_net_bind_service=+ep`
   * (the plan carries the Dockerfile lines) and the container keeps `NET_BIND_SERVICE` in its
   * bounding set with `add: [NET_BIND_SERVICE]`. Meets *restricted*.
   */
  public static fileCapability(options: FileCapabilityOptions): BindStrategy {
    validateProps('BindStrategy.fileCapability', options, { binary: required(BINARY_PATH), imageBase: IMAGE_BASE });
    return new BindStrategy('fileCapability', options.binary, options.imageBase ?? 'debian');
  }

  /**
   * Listen on an unprivileged port as non-root with no capability at all; the Service
   * maps the privileged port to it. Meets *restricted*; the application's port must be configurable.
   */
  public static highPort(options: HighPortOptions = {}): BindStrategy {
    validateProps('BindStrategy.highPort', options, { containerPort: HIGH_PORT });
    return new BindStrategy('highPort', undefined, undefined, options.containerPort);
  }

  /**
   * Set the pod sysctl `net.ipv4.ip_unprivileged_port_start` to the port, so any uid binds it
   * with no capability. A safe sysctl since Kubernetes 1.22; pod-wide; impossible with
   * `hostNetwork`. Meets *restricted*.
   */
  public static unprivilegedPortSysctl(): BindStrategy {
    return new BindStrategy('unprivilegedPortSysctl');
  }

  private constructor(
    /** Which strategy. */
    public readonly kind: BindStrategyKind,
    /** The binary `setcap` marks (file capability only). */
    public readonly binary?: string,
    /** The image's distribution (file capability only). */
    public readonly imageBase?: ImageBase,
    /** The port the application listens on (high port only). */
    public readonly containerPort?: number,
  ) {}

  /** The factory call that makes this strategy, e.g. `BindStrategy.highPort()`. */
  public toString(): string {
    return strategyLabel(this.kind);
  }
}

/** The factory call of a strategy kind, e.g. `BindStrategy.highPort()`. */
export function strategyLabel(kind: BindStrategyKind): string {
  return `BindStrategy.${kind}()`;
}
