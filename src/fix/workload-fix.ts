/**
 * The fix of one workload, decided on the parsed object before any text is touched: first each
 * container whose ports do not bind gets the planner's plan for the workload's level
 * (bind-plan.ts), kept only when the model, checking the workload again, says the ports bind and
 * nothing got worse (fix-verification.ts); then the hardening the model proves harmless (drop
 * ALL, allowPrivilegeEscalation false, seccomp RuntimeDefault: the Pulumi pack's
 * `hardenSecurityContext`, the same code).
 */
import type { BindPlanRequirements } from './bind-plan';
import { planBindFix } from './bind-plan';
import type { FieldEdit } from './field-edits';
import { editedObject } from './field-edits';
import type { PortKey } from './fix-verification';
import { fixProblem } from './fix-verification';
import type { BindingContainer, ServiceEdits } from './strategy-edits';
import type { CheckOptions, ObjectCheck } from '../check/check-object';
import { checkObject } from '../check/check-object';
import { formatFieldPath, parseFieldPath } from '../check/node-path';
import { hardenSecurityContext } from '../check/security-context-hardening';
import { asObject, objectField } from '../model/json-value';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { describePort } from '../model/ports';
import { serviceTargetsOf } from '../model/service-selection';
import type { KubernetesObject } from '../model/workload';
import { levelRank } from '../planner/verify-pod';
import { DEFAULT_REQUIRED_LEVEL, TARGET_LEVEL_ANNOTATION } from '../rules';

/** The rules whose findings a bind fix answers. */
const BIND_RULES = ['LP001', 'LP002'];

/** One change a fix makes, for the report: what it answers, where, and what it does. */
export interface FixChange {
  /** The rules whose findings it answers. */
  readonly ruleIds: readonly string[];
  /** The container concerned, or `null` for the pod. */
  readonly container: string | null;
  /** What it does, in a few words. */
  readonly description: string;
}

/** A port the fix could not make bind, and why. */
export interface UnfixablePort {
  /** The container. */
  readonly container: string;
  /** The port, e.g. `80/TCP`. */
  readonly port: string;
  /** Why, from the planner or the model. */
  readonly why: string;
}

/** What the fix of one workload changes, and what it leaves. */
export interface WorkloadFix {
  /** The workload's edits, from its root; none when nothing is fixed. */
  readonly edits: readonly FieldEdit[];
  /** The edits of the Services that select it (a high port's targetPort), each against the Service as given in the context. */
  readonly serviceEdits: readonly ServiceEdits[];
  /** The changes, for the report. */
  readonly changes: readonly FixChange[];
  /** What a person must still do (configure a port, rebuild an image). */
  readonly notes: readonly string[];
  /** The ports left as they were, each with why. */
  readonly unfixable: readonly UnfixablePort[];
  /** The Pod Security level the plans were made for. */
  readonly level: PodSecurityLevel;
}

/** What a workload's fix is judged with. */
export interface WorkloadFixContext extends Omit<BindPlanRequirements, 'level'> {
  /** The check's options (image facts included); `serviceTargets` is made from `services`. */
  readonly options: CheckOptions;
  /** The Services of the input that select the workload's pods, as edited so far. */
  readonly services: readonly KubernetesObject[];
}

/** The fix of `object` (a workload of the input), whose check is `check`. */
export function fixWorkload(object: KubernetesObject, check: ObjectCheck, context: WorkloadFixContext): WorkloadFix {
  const level = fixLevel(object, check, context.options);
  const edits: FieldEdit[] = [];
  const changes: FixChange[] = [];
  const notes: string[] = [];
  const unfixable: UnfixablePort[] = [];
  const serviceEdits: ServiceEdits[] = [];
  // The Services as edited so far, in the order given: an edit is reported against the Service as given.
  let services = [...context.services];
  let current = object;
  let currentCheck = check;

  for (const { path } of bindingContainers(object, check)) {
    // An earlier container's plan may already bind this one's ports (the sysctl is pod-wide).
    const container = bindingContainers(current, currentCheck).find((candidate) => formatFieldPath(candidate.path) === formatFieldPath(path));
    if (container === undefined) continue;
    const ports = container.ports.map(describePort).join(', ');
    const name = container.analysis.name;
    const refuse = (why: string) => unfixable.push(...container.ports.map((port) => ({ container: name, port: describePort(port), why })));
    const result = planBindFix({ object: current, pod: current.pod!, container, services }, { ...context, level });
    if (!result.ok) {
      refuse(result.why);
      continue;
    }
    const candidate = editedObject(current, result.edits.edits);
    const editedServices = services.map((service) => {
      const own = result.edits.serviceEdits.filter((edit) => edit.service === service).flatMap((edit) => edit.edits);
      return own.length === 0 ? service : editedObject(service, own);
    });
    const after = checkWithServices(candidate, editedServices, context.options);
    // The check lists each container's ports in the model's order.
    const bound = container.ports.map((port): PortKey => ({ container: container.analysis.name, index: container.analysis.ports.indexOf(port) }));
    const problem = fixProblem(currentCheck, after, bound);
    if (problem !== undefined) {
      // What the manifest cannot do (rebuild the image) is said even when the plan is not applied.
      const todo = result.edits.notes.map((note) => `; to make it bind, ${note}`).join('');
      refuse(`the planner's ${result.plan.strategy} plan (${result.edits.summary}) was not applied: ${problem}${todo}`);
      continue;
    }
    edits.push(...result.edits.edits);
    serviceEdits.push(...result.edits.serviceEdits.map((edit) => ({ service: context.services[services.indexOf(edit.service)], edits: edit.edits })));
    changes.push({ ruleIds: BIND_RULES, container: container.analysis.name, description: `port ${ports}: ${result.plan.strategy}: ${result.edits.summary}` });
    notes.push(...result.edits.notes);
    services = editedServices;
    current = candidate;
    currentCheck = after;
  }

  const targets = serviceTargetsOf([current, ...services])(current);
  const hardening = hardenSecurityContext(
    { object: current, unseen: { pod: false, containers: [] }, secretPaths: [], check: currentCheck },
    { ...context.options, serviceTargets: () => targets },
  );
  edits.push(...hardening);
  for (const change of hardening) {
    const description = `${formatFieldPath(change.path)}: ${JSON.stringify(change.value)}`;
    changes.push({ ruleIds: hardeningRules(change), container: containerOf(current, check, change), description });
  }
  return { edits, serviceEdits, changes, notes, unfixable, level };
}

/**
 * The level a workload's plans must meet: the one required of it (`--level`, or the stricter one
 * its `pod-security-level` annotation names), and never below the one it meets now.
 */
export function fixLevel(object: KubernetesObject, check: ObjectCheck, options: CheckOptions): PodSecurityLevel {
  const annotated = [asObject(object.object.metadata), asObject(object.pod?.metadata)]
    .map((metadata) => objectField(metadata, 'annotations')?.[TARGET_LEVEL_ANNOTATION])
    .filter((level): level is PodSecurityLevel => POD_SECURITY_LEVELS.includes(level as PodSecurityLevel));
  const levels = [options.level ?? DEFAULT_REQUIRED_LEVEL, ...annotated, ...(check.analysis === undefined ? [] : [check.analysis.podSecurity.level])];
  return levels.reduce((highest, level) => (levelRank(level) > levelRank(highest) ? level : highest));
}

/** The containers with a port that does not bind, with those ports. */
function bindingContainers(object: KubernetesObject, check: ObjectCheck): BindingContainer[] {
  const pod = object.pod;
  if (pod === undefined || check.analysis === undefined) return [];
  return check.analysis.containers
    .map((analysis) => ({ analysis, path: [...pod.specPath, ...parseFieldPath(analysis.path)], ports: analysis.ports.filter((port) => port.bind !== 'allowed') }))
    .filter((container) => container.ports.length > 0);
}

/** The check of a workload with the Services that select it (their targets judge the ports only they name). */
function checkWithServices(object: KubernetesObject, services: readonly KubernetesObject[], options: CheckOptions): ObjectCheck {
  const targets = serviceTargetsOf([object, ...services])(object);
  return checkObject(object, { ...options, serviceTargets: () => targets });
}

function hardeningRules(change: FieldEdit): string[] {
  const field = change.path.at(-1);
  if (field === 'allowPrivilegeEscalation') return ['LP009'];
  if (field === 'seccompProfile') return ['LP011'];
  return ['LP004'];
}

/** The container a hardening change is in, or `null` for the pod's own securityContext. */
function containerOf(object: KubernetesObject, check: ObjectCheck, change: FieldEdit): string | null {
  const pod = object.pod!;
  const rest = change.path.slice(pod.specPath.length);
  if (rest[0] !== 'containers' && rest[0] !== 'initContainers' && rest[0] !== 'ephemeralContainers') return null;
  const path = formatFieldPath(rest.slice(0, 2));
  return check.analysis?.containers.find((container) => container.path === path)?.name ?? null;
}
