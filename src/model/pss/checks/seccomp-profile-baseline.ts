import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, pluralize, sortedValues } from '../culprits';
import { displayValue, quoted } from '../pod-fields';
import type { PodView } from '../pod-view';
import { annotationPath, annotationValue } from './annotations';
import { explicitSeccompDetail, explicitSeccompFaults } from './seccomp';

// Before v1.19 seccomp was set with alpha annotations (the fields arrived in Kubernetes 1.19).
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function allowedAnnotationValue(value: unknown): boolean {
  return typeof value === 'string' && (value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/'));
}

function seccompProfileBaseline1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const forbidden = new Set<string>();
  // Present keys only (an empty value is present, and forbidden).
  const inspect = (key: string, blame: (path: string) => void): void => {
    if (!Object.prototype.hasOwnProperty.call(pod.annotations, key)) return;
    const value = annotationValue(pod, key);
    if (allowedAnnotationValue(value)) return;
    blame(annotationPath(key));
    forbidden.add(`${key}=${quoted(displayValue(value))}`);
  };
  inspect(POD_ANNOTATION, (path) => culprits.blamePod(path));
  for (const c of pod.containers) inspect(CONTAINER_ANNOTATION_PREFIX + c.name, (path) => culprits.blameContainer(c, path));
  if (!culprits.found) return undefined;
  return culprits.failure(
    'seccompProfile',
    `forbidden ${pluralize(forbidden.size, 'annotation', 'annotations')} ${sortedValues(forbidden).join(', ')}`,
  );
}

function seccompProfileBaseline1_19(pod: PodView): CheckFailure | undefined {
  const faults = explicitSeccompFaults(pod);
  return faults.setters.found ? faults.setters.failure('seccompProfile', explicitSeccompDetail(faults)) : undefined;
}

/** `seccompProfile_baseline` (baseline): a seccomp profile, where set, is RuntimeDefault or Localhost. */
export const seccompProfileBaselineCheck: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  title: 'Seccomp (baseline)',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_seccompProfile_baseline.go'),
  versions: [
    {
      since: 'v1.0',
      change: 'seccomp annotations (pod and container) must be runtime/default, docker/default or localhost/*',
      evaluate: seccompProfileBaseline1_0,
    },
    {
      since: 'v1.19',
      change: 'securityContext.seccompProfile.type (pod and containers), where set, must be RuntimeDefault or Localhost; annotations are no longer checked',
      evaluate: seccompProfileBaseline1_19,
    },
  ],
};
