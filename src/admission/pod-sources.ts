/**
 * Where each kind the policy covers keeps its pod: the kinds are grouped by the path to their pod
 * template, one policy per group, so that every expression type-checks against the schema of every
 * kind its policy matches (an expression that reads `object.spec.template` does not compile for a
 * Pod).
 */

/** A resource rule of a policy's matchConstraints. */
export interface ResourceRule {
  /** API groups (`''` is the core group). */
  readonly apiGroups: readonly string[];
  /** API versions. */
  readonly apiVersions: readonly string[];
  /** Resources, with subresources as `pods/ephemeralcontainers`. */
  readonly resources: readonly string[];
}

/** A group of kinds whose pod sits at the same path. */
export interface PodSource {
  /** The suffix of the policy names: `pods`, `workloads`, `cronjobs`. */
  readonly name: string;
  /** The kinds, for documentation. */
  readonly kinds: readonly string[];
  /** The resources the policy matches. */
  readonly resourceRules: readonly ResourceRule[];
  /** The path from `object` to the pod template (`''` for a Pod itself, which is its own template). */
  readonly templatePath: string;
  /**
   * The kinds whose controller made an object of this group from a template that the policies
   * already judged (a Deployment's ReplicaSets, a ReplicaSet's Pods): such an object is not judged
   * again, so that a workload admitted before the policy existed keeps rolling out.
   */
  readonly judgedControllers: readonly string[];
}

/** Every group, pods first. */
export const POD_SOURCES: readonly PodSource[] = [
  {
    name: 'pods',
    kinds: ['Pod'],
    // Ephemeral containers arrive on the pods/ephemeralcontainers subresource, with the whole Pod.
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers'] }],
    templatePath: '',
    judgedControllers: ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'],
  },
  {
    name: 'workloads',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'],
    resourceRules: [
      { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'] },
      { apiGroups: [''], apiVersions: ['v1'], resources: ['replicationcontrollers'] },
    ],
    templatePath: 'spec.template',
    judgedControllers: ['Deployment', 'CronJob'],
  },
  {
    name: 'cronjobs',
    kinds: ['CronJob'],
    resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], resources: ['cronjobs'] }],
    templatePath: 'spec.jobTemplate.spec.template',
    judgedControllers: [],
  },
];

/** The CEL path of the pod spec: `object.spec`, `object.spec.template.spec`. */
export function podSpecPath(source: PodSource): string {
  return source.templatePath === '' ? 'object.spec' : `object.${source.templatePath}.spec`;
}

/** The CEL path of the pod template's metadata. */
export function podMetadataPath(source: PodSource): string {
  return source.templatePath === '' ? 'object.metadata' : `object.${source.templatePath}.metadata`;
}

/** The schema path (from the object) of a CEL path from `object`, for the oracle's size hints. */
export function schemaPathOf(celPath: string): string {
  return celPath.replace(/^object\.?/, '');
}

/**
 * The policy's matchConditions: an update is judged only when it changes the pod template (a
 * controller that labels or finalizes a pod, or scales a Deployment, is never held up by it), and
 * an object made by a controller from a judged template is not judged again.
 */
export function matchConditions(source: PodSource): { name: string; expression: string }[] {
  const template = source.templatePath === '' ? 'spec' : source.templatePath;
  const conditions = [{ name: 'changes-the-pod-template', expression: `request.operation != 'UPDATE' || object.${template} != oldObject.${template}` }];
  if (source.judgedControllers.length > 0) {
    conditions.push({
      name: 'not-made-from-a-judged-template',
      expression:
        '!object.metadata.?ownerReferences.orValue([]).exists(r, r.?controller.orValue(false) && ' +
        `r.kind in [${source.judgedControllers.map((kind) => `'${kind}'`).join(', ')}])`,
    });
  }
  return conditions;
}
