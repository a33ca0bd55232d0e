import { createHash } from 'node:crypto';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { plannedPodTemplate } from './pod-template';
import type { ResolvedBindStrategyKind } from '../planner/bind-strategy';
import { requireBinaryWithCommand } from '../planner/image-inspection';
import type { PropRules, ValueRule } from '../planner/input-validation';
import { integer, listOf, NON_EMPTY_TEXT, oneOf, required, text, validateProps } from '../planner/input-validation';
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

/** The component's Pulumi type token. */
export const PRIVILEGED_PORT_SERVICE_TYPE = 'k8s-least-privilege:index:PrivilegedPortService';

/**
 * The label that ties the Deployment's pods to the Service: the component's logical name.
 * Its own key, so labels the user gives can never change what the Service selects.
 */
export const PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL = 'k8s-least-privilege.dev/privileged-port-service';

/**
 * Arguments of {@link PrivilegedPortService}.
 *
 * The planning inputs — everything of {@link PrivilegedPortIntent}: `port`, `protocol`, `ports`,
 * `strategy`, `level`, `podSecurityVersion`, `minKubernetesVersion`, `clusterFeatures`, `hostNetwork`,
 * `appPortConfigurable`, `containerPort`, the image facts (`imageHasFileCapability`, `binary`,
 * `imageBase`, `imageInspection` — the image read before the program declares the component:
 * `await readImageInspection(…)`), `containerName`, `portName`, `runAsUser`, `runAsGroup`,
 * `readOnlyRootFilesystem` — are plain values, never `Input`s: they decide which
 * securityContexts, ports, sysctls, `hostUsers` and annotations are written, the plan is checked by the
 * capability model before any resource is registered, and `strategy`, `reason` and
 * `dockerfileLines` must be the same in `pulumi preview` as in `pulumi up`. An `Output` may have
 * no value during preview, so a plan that depended on one could only be made, and refused, in
 * the middle of an update. Everything else may be an `Input`.
 */
export interface PrivilegedPortServiceArgs extends PrivilegedPortIntent {
  /** The container image; may be unknown during preview (an image built by another resource). */
  readonly image: pulumi.Input<string>;
  /**
   * `metadata.name` of the Deployment and of the Service.
   * @default - auto-named by Pulumi from the component's name (`<name>-<random suffix>`)
   */
  readonly name?: pulumi.Input<string>;
  /**
   * The namespace of the Deployment and the Service.
   * @default - the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Labels of the Deployment, its pods and the Service. The selector uses only
   * {@link PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL}.
   * @default {}
   */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Number of pod replicas.
   * @default 1 (Kubernetes' default)
   */
  readonly replicas?: pulumi.Input<number>;
  /**
   * CPU and memory requests and limits of the container.
   * @default none
   */
  readonly resources?: pulumi.Input<k8s.types.input.core.v1.ResourceRequirements>;
  /**
   * Environment variables of the container.
   * @default none
   */
  readonly env?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.EnvVar>[]>;
  /**
   * The container's entrypoint.
   * @default the image's ENTRYPOINT
   */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The entrypoint's arguments.
   * @default the image's CMD
   */
  readonly args?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * An HTTP path for the readiness and liveness probes, sent to the first TCP *container* port
   * (8080 for a high-port plan), never to the Service port.
   * @default - no readiness or liveness probe (only the startup probe below)
   */
  readonly healthCheckPath?: pulumi.Input<string>;
  /**
   * Paths the process writes to; each gets an `emptyDir` volume (the root filesystem is read-only).
   * Plain strings: they decide the pod's volumes, which the model checks.
   * @default []
   */
  readonly writablePaths?: readonly string[];
  /**
   * The pod's service account.
   * @default - the namespace's `default`
   */
  readonly serviceAccountName?: pulumi.Input<string>;
  /**
   * The Service's type (`ClusterIP`, `NodePort`, `LoadBalancer`).
   * @default 'ClusterIP'
   */
  readonly serviceType?: pulumi.Input<string>;
  /**
   * Annotations of the Service beside the decision's (load balancer settings, …).
   * @default {}
   */
  readonly serviceAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Every planning input, each of which must be a plain value (see {@link PrivilegedPortServiceArgs}). */
const PLANNING_INPUTS: Readonly<Record<keyof PrivilegedPortIntent, true>> = {
  port: true,
  protocol: true,
  ports: true,
  strategy: true,
  level: true,
  podSecurityVersion: true,
  minKubernetesVersion: true,
  clusterFeatures: true,
  hostNetwork: true,
  appPortConfigurable: true,
  containerPort: true,
  imageHasFileCapability: true,
  binary: true,
  imageBase: true,
  imageInspection: true,
  containerName: true,
  portName: true,
  runAsUser: true,
  runAsGroup: true,
  readOnlyRootFilesystem: true,
};

/** A pulumi Input: an Output or a Promise passes (its value is not known yet); a plain value must fit `rule`. */
function input(rule: ValueRule): ValueRule {
  const accepted = `${rule.accepted}, or an Output of one`;
  return {
    accepted,
    required: rule.required,
    problems: (value) =>
      pulumi.Output.isInstance(value) || isPromiseLike(value) ? [] : rule.problems(value).map((found) => (found.path === '' ? { ...found, accepted } : found)),
  };
}

/** The workload arguments checked at run time, where they are plain values (the planner checks the planning inputs). */
const PRIVILEGED_PORT_SERVICE_RULES: PropRules = {
  image: required(input(NON_EMPTY_TEXT)),
  name: input(NON_EMPTY_TEXT),
  namespace: input(NON_EMPTY_TEXT),
  replicas: input(integer(0, 2147483647, 'an integer ≥ 0')),
  healthCheckPath: input(text('an HTTP path starting with "/"', /^\//)),
  serviceAccountName: input(NON_EMPTY_TEXT),
  serviceType: input(oneOf(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'])),
  writablePaths: listOf(WRITABLE_PATH),
};

/**
 * A Deployment (`kubernetes:apps/v1:Deployment`) and a Service (`kubernetes:core/v1:Service`)
 * that expose a privileged port (80, 443, 53 …) with the least privilege that still binds — the
 * Pulumi face of the same planner as the cdk8s `PrivilegedPortService` ({@link planPrivilegedPort}).
 *
 * The plan is made, and checked by the capability model (every port binds under the strict
 * runtime profile, the declared level is met), when the component is constructed, before any
 * resource is registered: an intent no strategy meets throws a `BindStrategyError` in
 * `pulumi preview`, and nothing is created. The decision is on the component (`strategy`,
 * `reason`, `dockerfileLines`, also stack-exportable outputs) and on the Deployment and its pod
 * template (annotations `k8s-least-privilege.dev/bind-strategy` and `…-reason`), so the
 * `k8s-least-privilege` policy pack and `k8s-least-privilege check` see why.
 *
 * Several ports and protocols are one component: a DNS server serves 53/UDP and 53/TCP with
 * `ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]`.
 *
 * ```ts
 * const web = new PrivilegedPortService('web', { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true });
 * export const strategy = web.strategy; // 'highPort'
 * ```
 */
export class PrivilegedPortService extends pulumi.ComponentResource {
  /** The planner's full output (known when the program runs, preview included). */
  public readonly plan: PrivilegedPortPlan;
  /** The strategy the planner chose. */
  public readonly strategy: pulumi.Output<ResolvedBindStrategyKind>;
  /** Why. */
  public readonly reason: pulumi.Output<string>;
  /** Dockerfile lines for the image's final stage (file-capability strategy only; empty otherwise). */
  public readonly dockerfileLines: pulumi.Output<string[]>;
  /** The Deployment. */
  public readonly deployment: k8s.apps.v1.Deployment;
  /** The Service. */
  public readonly service: k8s.core.v1.Service;
  /** The Deployment's `metadata.name`. */
  public readonly deploymentName: pulumi.Output<string>;
  /** The Service's `metadata.name`. */
  public readonly serviceName: pulumi.Output<string>;

  /**
   * @param name the component's logical name, also the Deployment's and the Service's
   * @param args the planning inputs (plain values) and the workload's settings (Inputs)
   * @param opts component options (`parent`, `providers`, `protect`, …); the children inherit them
   * @throws BindStrategyError when no strategy meets the declared level with the declared facts
   * @throws TypeError when a planning input is an Output or a Promise, or an argument has the wrong type (named, with what is accepted)
   * @throws RangeError when an argument's value is not accepted (named, with what is accepted)
   */
  constructor(name: string, args: PrivilegedPortServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Plan (and refuse) before anything is registered.
    const caller = `PrivilegedPortService "${name}"`;
    requireKnownPlanningInputs(name, args);
    validateProps(caller, args, PRIVILEGED_PORT_SERVICE_RULES);
    requireBinaryWithCommand(caller, args, args.command !== undefined);
    const plan = planPrivilegedPort(args, { caller });
    const template = plannedPodTemplate(plan, args.writablePaths ?? [], caller);
    super(PRIVILEGED_PORT_SERVICE_TYPE, name, {}, opts);
    this.plan = plan;

    const decision = { [BIND_STRATEGY_ANNOTATION]: plan.strategy, [BIND_STRATEGY_REASON_ANNOTATION]: plan.reason };
    const selector = { [PRIVILEGED_PORT_SERVICE_SELECTOR_LABEL]: selectorValue(name) };
    const labels = mergedWithOurs(args.labels, selector);
    const [planned] = template.spec.containers;
    // The probes knock on the first TCP port the process listens on (no startup probe for UDP or SCTP only).
    const tcpPort = plan.containerPorts.find((port) => port.protocol === 'TCP');
    const httpProbe =
      args.healthCheckPath === undefined
        ? undefined
        : { httpGet: { path: args.healthCheckPath, port: tcpPort?.containerPort ?? plan.containerPort } };

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name: args.name, namespace: args.namespace, labels, annotations: decision },
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels, annotations: template.annotations },
            spec: {
              ...template.spec,
              serviceAccountName: args.serviceAccountName,
              containers: [
                {
                  ...planned,
                  image: args.image,
                  command: args.command,
                  args: args.args,
                  env: args.env,
                  resources: args.resources,
                  readinessProbe: httpProbe,
                  livenessProbe: httpProbe,
                  startupProbe: tcpPort === undefined ? undefined : { tcpSocket: { port: tcpPort.containerPort } },
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );

    const serviceAnnotations = mergedWithOurs(args.serviceAnnotations, decision);
    this.service = new k8s.core.v1.Service(
      name,
      {
        metadata: { name: args.name, namespace: args.namespace, labels, annotations: serviceAnnotations },
        spec: {
          type: args.serviceType,
          selector,
          // The named targetPort follows the container port wherever the plan puts it (8080 for a high port).
          ports: plan.servicePorts.map((port) => ({ name: port.name, port: port.port, targetPort: port.targetPort, protocol: port.protocol })),
        },
      },
      { parent: this },
    );

    this.strategy = pulumi.output(plan.strategy);
    this.reason = pulumi.output(plan.reason);
    this.dockerfileLines = pulumi.output([...plan.dockerfileLines]);
    this.deploymentName = this.deployment.metadata.name;
    this.serviceName = this.service.metadata.name;
    this.registerOutputs({
      strategy: this.strategy,
      reason: this.reason,
      dockerfileLines: this.dockerfileLines,
      deploymentName: this.deploymentName,
      serviceName: this.serviceName,
    });
  }
}

/**
 * The given labels (or annotations) with ours on top, so the given ones cannot change them. A
 * plain record keeps its values' Inputs as they are, so ours stay known during preview even when
 * a given value is not; a record that is itself an Input is merged once it resolves.
 */
function mergedWithOurs(
  given: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  ours: Record<string, string>,
): pulumi.Input<Record<string, pulumi.Input<string>>> {
  if (given === undefined) return { ...ours };
  if (pulumi.Output.isInstance(given) || isPromiseLike(given)) return pulumi.output(given).apply((resolved) => ({ ...resolved, ...ours }));
  return { ...(given as Record<string, pulumi.Input<string>>), ...ours };
}

/** Refuses an Output or a Promise where the planner needs a value (JavaScript callers, casts). */
function requireKnownPlanningInputs(name: string, args: PrivilegedPortServiceArgs): void {
  for (const field of Object.keys(PLANNING_INPUTS) as (keyof PrivilegedPortIntent)[]) {
    const value: unknown = args[field];
    const kind = pulumi.Output.isInstance(value) ? 'a pulumi Output' : isPromiseLike(value) ? 'a Promise' : undefined;
    if (kind === undefined) continue;
    throw new TypeError(
      `PrivilegedPortService "${name}": ${field} is ${kind}, but the planning inputs (${Object.keys(PLANNING_INPUTS).join(', ')}) ` +
        'must be plain values when the program runs: they decide the securityContexts, ports and sysctls, which the capability model ' +
        'checks before anything is registered, and an Output may have no value during preview. Pass the value itself ' +
        '(from pulumi.Config, e.g. config.requireNumber), or create the component inside .apply() when it truly depends on another resource.',
    );
  }
}

function isPromiseLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The logical name as a label value (≤ 63 characters, alphanumeric ends), with a hash suffix when it had to change. */
function selectorValue(name: string): string {
  if (name.length > 0 && name.length <= 63 && LABEL_VALUE.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const slug = name.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 54).replace(/[^A-Za-z0-9]+$/, '');
  return slug.length > 0 ? `${slug}-${hash}` : hash;
}
