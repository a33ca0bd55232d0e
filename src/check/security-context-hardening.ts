/**
 * The hardening of a pod's security contexts that the model proves harmless: what the Pulumi
 * pack's remediation and `check --fix` both apply, judged by checking the changed object.
 */
import type { CheckOptions, ObjectCheck } from './check-object';
import { checkObject } from './check-object';
import { formatFieldPath, isPrefix, valueAt } from './node-path';
import type { BindVerdict } from '../model/bind-verdict';
import type { JsonObject } from '../model/json-value';
import { arrayField, asArray, asObject, objectField } from '../model/json-value';
import type { KubernetesObject, NodePath, PodTemplate } from '../model/workload';
import { objectsInDocument } from '../model/workload';

/** One field the hardening sets. */
export interface SecurityContextChange {
  /** The field, from the object's root. */
  readonly path: NodePath;
  /** Its new value. */
  readonly value: unknown;
}

/** What the hardening must leave alone: values it cannot see or must not rewrite. */
export interface HardeningInput {
  /** The object as the model reads it (unknowns left out, secrets unwrapped). */
  readonly object: KubernetesObject;
  /**
   * What values the caller cannot see (Pulumi's unknowns during preview) keep from being judged:
   * the whole pod, or these containers (their paths from the object's root).
   */
  readonly unseen: { readonly pod: boolean; readonly containers: readonly NodePath[] };
  /** Where secret values are, which are never rewritten. */
  readonly secretPaths: readonly NodePath[];
  /** The object's check at the options the hardening is judged at: what no change may make worse. */
  readonly check: ObjectCheck;
}

const VERDICT_RANK: Readonly<Record<BindVerdict, number>> = { denied: 0, unknown: 1, allowed: 2 };
const SECCOMP_ANNOTATION_PREFIXES = ['seccomp.security.alpha.kubernetes.io/', 'container.seccomp.security.alpha.kubernetes.io/'];
const SYS_ADMIN = /^(CAP_)?SYS_ADMIN$/i;

/**
 * The mechanical hardening of a pod's security contexts — `capabilities.drop: [ALL]`,
 * `allowPrivilegeEscalation: false`, pod `seccompProfile: RuntimeDefault` — kept only where
 * the model says no port binds worse and no new error-severity finding appears. A root
 * container that binds a privileged port with the runtime's default capabilities keeps
 * NET_BIND_SERVICE (drop ALL, add NET_BIND_SERVICE: binds, and can do nothing else privileged).
 * Containers whose fields are unseen (Pulumi's preview) or secret are left alone; so is a privileged one.
 * Each candidate change is judged by checking the changed object at `options`.
 *
 * @returns the changes, in order; none when there is nothing to change.
 */
export function hardenSecurityContext(input: HardeningInput, options: CheckOptions): SecurityContextChange[] {
  const { object, check: before } = input;
  const pod = object.pod;
  if (pod === undefined) return [];
  if (input.unseen.pod) return [];
  const blockedContainers = input.unseen.containers;

  let current: JsonObject = object.object;
  const changes: SecurityContextChange[] = [];
  // Made at the first candidate: most objects have none (hardened already).
  let baseline: Baseline | undefined;
  const accept = (candidate: readonly SecurityContextChange[]): boolean => {
    if (candidate.length === 0) return false;
    const patched = withChanges(current, candidate) as JsonObject;
    baseline ??= baselineOf(before);
    if (!noWorse(baseline, checkObject(reread(object, patched), options))) return false;
    current = patched;
    changes.push(...candidate);
    return true;
  };

  const spec = valueAt(object.object, pod.specPath);
  for (const list of ['initContainers', 'containers']) {
    (arrayField(asObject(spec), list) ?? []).forEach((_, index) => {
      const containerPath = [...pod.specPath, list, index];
      const contextPath = [...containerPath, 'securityContext'];
      if (blockedContainers.some((blocked) => isPrefix(blocked, containerPath))) return;
      if (input.secretPaths.some((secret) => isPrefix(secret, contextPath) || isPrefix(contextPath, secret))) return;
      const context = asObject(valueAt(current, contextPath));
      if (context?.privileged === true) return;
      const add = (asArray(objectField(context, 'capabilities')?.add) ?? []).filter((name) => typeof name === 'string') as string[];
      const escalation: SecurityContextChange[] =
        context?.allowPrivilegeEscalation === false || add.some((name) => SYS_ADMIN.test(name))
          ? [] // the API server refuses allowPrivilegeEscalation: false next to CAP_SYS_ADMIN
          : [{ path: [...contextPath, 'allowPrivilegeEscalation'], value: false }];
      const drop = asArray(objectField(context, 'capabilities')?.drop);
      const dropsAll = drop !== undefined && drop.includes('ALL');
      const dropAll: SecurityContextChange[] = dropsAll ? [] : [{ path: [...contextPath, 'capabilities', 'drop'], value: ['ALL'] }];
      const keepNetBind: SecurityContextChange[] = add.includes('NET_BIND_SERVICE')
        ? []
        : [{ path: [...contextPath, 'capabilities', 'add'], value: [...add, 'NET_BIND_SERVICE'] }];
      if (dropAll.length > 0 && accept([...dropAll, ...escalation])) return;
      // Without NET_BIND_SERVICE to add, this is the candidate just refused: not checked again.
      if (dropAll.length > 0 && keepNetBind.length > 0 && accept([...dropAll, ...keepNetBind, ...escalation])) return;
      accept(escalation);
    });
  }

  const podSeccompPath = [...pod.specPath, 'securityContext', 'seccompProfile'];
  if (podSeccompWanted(current, pod, podSeccompPath, input.secretPaths)) accept([{ path: podSeccompPath, value: { type: 'RuntimeDefault' } }]);

  return changes;
}

/**
 * Whether the pod's `seccompProfile` (at `podSeccompPath`) is to be set in `current`: it is not,
 * some container does not set its own, and nothing forbids it. Each condition is read only when
 * the ones before it hold (most pods set it already).
 */
function podSeccompWanted(current: JsonObject, pod: PodTemplate, podSeccompPath: NodePath, secretPaths: readonly NodePath[]): boolean {
  if (valueAt(current, podSeccompPath) !== undefined) return false;
  const containerSetsSeccomp = (container: unknown) => objectField(objectField(asObject(container), 'securityContext'), 'seccompProfile') !== undefined;
  const podContainers = ['initContainers', 'containers'].flatMap((list) => [...(arrayField(asObject(valueAt(current, pod.specPath)), list) ?? [])]);
  if (podContainers.every(containerSetsSeccomp)) return false;
  if (asObject(valueAt(current, [...pod.specPath, 'os']))?.name === 'windows') return false;
  if (secretPaths.some((secret) => isPrefix(secret, podSeccompPath) || isPrefix(podSeccompPath, secret))) return false;
  const annotations = Object.keys(asObject(asObject(valueAt(current, pod.metadataPath))?.annotations) ?? {});
  // The API server refuses a seccompProfile field that contradicts the legacy annotation.
  return !annotations.some((key) => SECCOMP_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix)));
}

/** One line per change: `spec.template.spec.containers[0].securityContext.capabilities.drop: ["ALL"]`. */
export function describeChanges(changes: readonly SecurityContextChange[], relativeTo: NodePath = []): string {
  return changes.map((change) => `${formatFieldPath(change.path.slice(relativeTo.length))}: ${JSON.stringify(change.value)}`).join('; ');
}

function reread(original: KubernetesObject, patched: JsonObject): KubernetesObject {
  const [object] = objectsInDocument(patched).objects;
  return { ...object, path: original.path };
}

/** What no candidate may make worse: the object's check before any change, as {@link noWorse} compares it. */
interface Baseline {
  /** Each port's verdict, by container name and port index. */
  readonly ports: ReadonlyMap<string, BindVerdict>;
  /** The error-severity findings, by rule and message. */
  readonly errors: ReadonlySet<string>;
}

function baselineOf(before: ObjectCheck): Baseline {
  const ports = new Map<string, BindVerdict>();
  for (const container of before.containers) {
    container.ports.forEach((port, index) => ports.set(`${container.name}\0${index}`, port.bind));
  }
  const errors = new Set(before.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}\0${f.message}`));
  return { ports, errors };
}

/** Every port binds at least as well as before, and no error-severity finding is new. */
function noWorse(before: Baseline, after: ObjectCheck): boolean {
  for (const container of after.containers) {
    for (const [index, port] of container.ports.entries()) {
      const previous = before.ports.get(`${container.name}\0${index}`);
      if (previous !== undefined && VERDICT_RANK[port.bind] < VERDICT_RANK[previous]) return false;
    }
  }
  return after.findings.every((f) => f.severity !== 'error' || before.errors.has(`${f.ruleId}\0${f.message}`));
}

/**
 * `root` with each change set, creating the maps on the way: the maps and lists on the way to
 * a change are copied, the rest is shared with `root` (which is not changed).
 */
export function withChanges(root: unknown, changes: readonly SecurityContextChange[]): unknown {
  return changes.reduce((node, change) => withValue(node, change.path, change.value), root);
}

function withValue(node: unknown, path: NodePath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [segment, ...rest] = path;
  const copy = (Array.isArray(node) ? [...node] : typeof node === 'object' && node !== null ? { ...node } : {}) as Record<string | number, unknown>;
  copy[segment] = withValue(copy[segment], rest, value);
  return copy;
}
