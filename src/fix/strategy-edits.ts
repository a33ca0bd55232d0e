/**
 * How a planner's plan is written onto a workload that already exists: for each strategy of
 * `src/planner/strategies/`, the few fields that make its container bind, and nothing else. The
 * planner describes a whole pod of its own (uid 65532, every field of the securityContext); a fix
 * keeps the workload's uid, image and every other field, so it takes from the plan only what the
 * strategy needs — the sysctl, the high port and its Service mapping, the file-capability
 * annotation and NET_BIND_SERVICE in the bounding set, uid 0 with only NET_BIND_SERVICE.
 */
import type { FieldEdit } from './field-edits';
import { valueAt } from '../check/node-path';
import type { ContainerAnalysis, PortAnalysis } from '../model/bind-analysis';
import { canonicalCapabilityName, isAllCapabilities, NET_BIND_SERVICE } from '../model/capabilities';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { asArray, asObject } from '../model/json-value';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import type { KubernetesObject, NodePath, PodTemplate } from '../model/workload';
import type { ResolvedBindStrategyKind } from '../planner/bind-strategy';
import type { PrivilegedPortPlan } from '../planner/plan-privileged-port';

/** A container whose ports do not bind, as a fix plans for it. */
export interface BindingContainer {
  /** The model's view of it. */
  readonly analysis: ContainerAnalysis;
  /** The path from its object's root, e.g. `['spec', 'template', 'spec', 'containers', 0]`. */
  readonly path: NodePath;
  /** Its ports that do not bind (declared, or named by a probe or a Service). */
  readonly ports: readonly PortAnalysis[];
}

/** Where a plan is written: the workload, the container and the Services of the input that select it. */
export interface PlanTarget {
  /** The workload, as edited so far. */
  readonly object: KubernetesObject;
  /** Its pod (template). */
  readonly pod: PodTemplate;
  /** The container that binds. */
  readonly container: BindingContainer;
  /** The Services of the input that select the workload's pods, as edited so far. */
  readonly services: readonly KubernetesObject[];
}

/** A Service's edits (a high port's `targetPort`). */
export interface ServiceEdits {
  /** The Service, as edited so far. */
  readonly service: KubernetesObject;
  /** Its edits, from its root. */
  readonly edits: readonly FieldEdit[];
}

/** What writing a plan changes. */
export interface PlanEdits {
  /** The workload's edits, from its root. */
  readonly edits: readonly FieldEdit[];
  /** The Services' edits. */
  readonly serviceEdits: readonly ServiceEdits[];
  /** What was changed, in a few words (`pod sysctl net.ipv4.ip_unprivileged_port_start=80`). */
  readonly summary: string;
  /** What the manifest cannot do and a person must (configure the port, rebuild the image). */
  readonly notes: readonly string[];
}

/** Each strategy's way onto an existing workload. */
export const STRATEGY_EDITS: Readonly<Record<ResolvedBindStrategyKind, (plan: PrivilegedPortPlan, target: PlanTarget) => PlanEdits>> = {
  highPort: highPortEdits,
  userNamespace: (plan, target) => {
    const root = rootEdits(plan, target);
    return { ...root, edits: [...root.edits, { path: [...target.pod.specPath, 'hostUsers'], value: false }], summary: `hostUsers: false; ${root.summary}` };
  },
  unprivilegedPortSysctl: sysctlEdits,
  fileCapability: fileCapabilityEdits,
  rootWithNetBindService: rootEdits,
};

function sysctlEdits(plan: PrivilegedPortPlan, { object, pod }: PlanTarget): PlanEdits {
  const planned = plan.podSecurityContext.sysctls?.find((sysctl) => sysctl.name === UNPRIVILEGED_PORT_START_SYSCTL)?.value ?? String(plan.port);
  const listPath = [...pod.specPath, 'securityContext', 'sysctls'];
  const sysctls = asArray(valueAt(object.object, listPath)) ?? [];
  const index = sysctls.findIndex((sysctl) => asObject(sysctl)?.name === UNPRIVILEGED_PORT_START_SYSCTL);
  // A lower value the pod already sets lets these ports bind too, and other containers bind from it.
  const lowerAlready = index >= 0 && Number(asObject(sysctls[index])?.value) <= Number(planned);
  const edits: FieldEdit[] =
    index < 0
      ? [{ path: listPath, value: [...sysctls, { name: UNPRIVILEGED_PORT_START_SYSCTL, value: planned }] }]
      : lowerAlready ? [] : [{ path: [...listPath, index, 'value'], value: planned }];
  return { edits, serviceEdits: [], summary: `pod sysctl ${UNPRIVILEGED_PORT_START_SYSCTL}=${planned}`, notes: [] };
}

function highPortEdits(plan: PrivilegedPortPlan, { object, container, services }: PlanTarget): PlanEdits {
  const edits: FieldEdit[] = [];
  const serviceEdits: ServiceEdits[] = [];
  const moves: string[] = [];
  for (const [index, planned] of plan.containerPorts.entries()) {
    const from = plan.servicePorts[index].port;
    const to = planned.containerPort;
    if (from === to) continue;
    moves.push(`${from} → ${to}/${planned.protocol}`);
    (asArray(valueAt(object.object, [...container.path, 'ports'])) ?? []).forEach((port, portIndex) => {
      const declared = asObject(port);
      if (declared?.containerPort === from && (declared.protocol ?? 'TCP') === planned.protocol) {
        edits.push({ path: [...container.path, 'ports', portIndex, 'containerPort'], value: to });
      }
    });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const path = [...container.path, probe, handler, 'port'];
        if (valueAt(object.object, path) === from) edits.push({ path, value: to });
      }
    }
    for (const service of services) {
      const serviceChanges: FieldEdit[] = [];
      (asArray(valueAt(service.object, ['spec', 'ports'])) ?? []).forEach((port, portIndex) => {
        const entry = asObject(port);
        if (entry === undefined || (entry.protocol ?? 'TCP') !== planned.protocol) return;
        if ((entry.targetPort ?? entry.port) === from) serviceChanges.push({ path: ['spec', 'ports', portIndex, 'targetPort'], value: to });
      });
      if (serviceChanges.length > 0) serviceEdits.push({ service, edits: serviceChanges });
    }
  }
  const listens = plan.containerPorts.map((port) => `${port.containerPort}/${port.protocol}`).join(', ');
  return {
    edits,
    serviceEdits,
    summary: `high port (container port ${moves.join(', ')}; the Service maps the port clients use to it)`,
    notes: [`configure the application of container "${plan.containerName}" to listen on ${listens}: the manifest cannot make it`],
  };
}

function fileCapabilityEdits(plan: PrivilegedPortPlan, { object, pod, container }: PlanTarget): PlanEdits {
  const key = `${FILE_CAPABILITIES_ANNOTATION_PREFIX}${container.analysis.name}`;
  const annotationPath = [...pod.metadataPath, 'annotations', key];
  const declared = plan.podAnnotations[`${FILE_CAPABILITIES_ANNOTATION_PREFIX}${plan.containerName}`];
  const edits: FieldEdit[] = [];
  if (declared !== undefined && valueAt(object.object, annotationPath) === undefined) edits.push({ path: annotationPath, value: declared });
  const declaring = edits.length > 0 ? ', the file-capability annotation declared' : '';
  edits.push(...keepNetBindService(object, container));
  const notes =
    plan.dockerfileLines.length === 0
      ? []
      : [`the image of container "${container.analysis.name}" must carry the file capability; add to the final stage of its Dockerfile:\n${plan.dockerfileLines.join('\n')}`];
  return { edits, serviceEdits: [], summary: `file capability (NET_BIND_SERVICE kept in the bounding set${declaring})`, notes };
}

function rootEdits(_plan: PrivilegedPortPlan, { object, container }: PlanTarget): PlanEdits {
  const context = container.analysis.securityContext;
  const contextPath = [...container.path, 'securityContext'];
  const edits: FieldEdit[] = [];
  if (context.user.kind !== 'root') edits.push({ path: [...contextPath, 'runAsUser'], value: 0 });
  if (context.runAsNonRoot === true) edits.push({ path: [...contextPath, 'runAsNonRoot'], value: false });
  if (!context.drop.some(isAllCapabilities)) edits.push({ path: [...contextPath, 'capabilities', 'drop'], value: ['ALL'] });
  edits.push(...keepNetBindService(object, container));
  return { edits, serviceEdits: [], summary: 'uid 0 with capabilities drop [ALL] and add [NET_BIND_SERVICE]', notes: [] };
}

/**
 * NET_BIND_SERVICE in the container's bounding set: spelled exactly in `capabilities.add`
 * (containerd reads `CAP_NET_BIND_SERVICE` as `CAP_CAP_NET_BIND_SERVICE`, which grants nothing)
 * and not named in `capabilities.drop` (the runtime applies a named drop after the adds).
 */
function keepNetBindService(object: KubernetesObject, container: BindingContainer): FieldEdit[] {
  const capabilitiesPath = [...container.path, 'securityContext', 'capabilities'];
  const capabilities = asObject(valueAt(object.object, capabilitiesPath));
  const add = asArray(capabilities?.add) ?? [];
  const drop = asArray(capabilities?.drop) ?? [];
  const namesIt = (name: unknown) => typeof name === 'string' && !isAllCapabilities(name) && canonicalCapabilityName(name) === NET_BIND_SERVICE;
  const edits: FieldEdit[] = [];
  if (!add.includes(NET_BIND_SERVICE) || add.some((name) => namesIt(name) && name !== NET_BIND_SERVICE)) {
    edits.push({ path: [...capabilitiesPath, 'add'], value: [...add.filter((name) => !namesIt(name)), NET_BIND_SERVICE] });
  }
  if (drop.some(namesIt)) edits.push({ path: [...capabilitiesPath, 'drop'], value: drop.filter((name) => !namesIt(name)) });
  return edits;
}
