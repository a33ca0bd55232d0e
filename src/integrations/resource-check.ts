import type { KubernetesResource } from './kubernetes-resource';
import { unknownScope } from './pulumi-properties';
import type { CheckOptions, ObjectCheck, ObjectFinding } from '../check/check-object';
import { checkObject } from '../check/check-object';
import { isPrefix, valueAt } from '../check/node-path';
import { asObject } from '../model/json-value';
import type { NodePath } from '../model/workload';

/** One finding, and whether it can be judged with the values known now. */
export interface JudgedFinding extends ObjectFinding {
  /**
   * `false` when a value the finding may depend on is unknown (preview): the finding was
   * computed without it and must not be reported; `pulumi up` judges it with the real value.
   */
  readonly judged: boolean;
}

/** What the rules say about one resource, preview-aware. */
export interface ResourceCheck {
  /** The model's verdicts with unknown values left out. */
  readonly check: ObjectCheck;
  /** Every finding, each marked judged or not. */
  readonly findings: readonly JudgedFinding[];
  /** The unknown values some finding was withheld for. */
  readonly withheldFor: readonly NodePath[];
}

/**
 * Runs every rule (through {@link checkObject}) over a resource and marks the findings that
 * depend on a value unknown during preview: an unknown the rules never read (the image, an
 * env var, a ConfigMap's generated name) withholds nothing; one in a container's security
 * fields withholds that container's findings; one at pod level withholds them all.
 */
export function checkResource(resource: KubernetesResource, options: CheckOptions): ResourceCheck {
  const check = checkObject(resource.object, options);
  const pod = resource.object.pod;
  const relevant = pod === undefined ? [] : resource.unknownPaths.map((path) => ({ path, scope: unknownScope(pod, path) })).filter(({ scope }) => scope.kind !== 'irrelevant');
  const withheld = new Set<NodePath>();
  const findings = check.findings.map((finding) => {
    const blocking = relevant.filter(({ scope }) => {
      if (scope.kind !== 'container' || finding.container === null) return true;
      const name = asObject(valueAt(resource.object.object, scope.containerPath))?.name;
      return isPrefix(scope.containerPath, finding.path) || name === undefined || name === finding.container;
    });
    blocking.forEach(({ path }) => withheld.add(path));
    return { ...finding, judged: blocking.length === 0 };
  });
  return { check, findings, withheldFor: [...withheld] };
}
