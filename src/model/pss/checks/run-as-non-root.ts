import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, exemptingUserNamespacePods, upstreamSource } from '../check';
import { Culprits, containersPhrase } from '../culprits';
import { isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

function runAsNonRoot1_0(pod: PodView): CheckFailure | undefined {
  const explicit = new Culprits();
  let podRunsAsNonRoot = false;
  const podValue = pod.podSecurityContext.runAsNonRoot;
  if (isSet(podValue)) {
    if (podValue === true) podRunsAsNonRoot = true;
    else explicit.blamePod('spec.securityContext.runAsNonRoot');
  }
  const implicit = new Culprits();
  for (const c of pod.containers) {
    const value = c.securityContext.runAsNonRoot;
    const path = `${c.path}.securityContext.runAsNonRoot`;
    // A container-level value overrides the pod's; an unset one inherits it.
    if (isSet(value)) {
      if (value !== true) explicit.blameContainer(c, path);
    } else if (!podRunsAsNonRoot) {
      implicit.blameContainer(c, path);
    }
  }
  if (explicit.found) {
    return explicit.failure('runAsNonRoot != true', `${explicit.setters()} must not set securityContext.runAsNonRoot=false`);
  }
  if (!implicit.found) return undefined;
  return implicit.failure(
    'runAsNonRoot != true',
    `pod or ${containersPhrase(implicit.containerNames)} must set securityContext.runAsNonRoot=true`,
  );
}


/** `runAsNonRoot` (restricted): every container must run with runAsNonRoot=true (pod-level or its own). */
export const runAsNonRootCheck: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  title: 'Running as non-root',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_runAsNonRoot.go'),
  versions: [
    { since: 'v1.0', change: 'runAsNonRoot must be true at pod level or on every container, and never false', evaluate: runAsNonRoot1_0 },
    { since: 'v1.35', change: 'any value is allowed when spec.hostUsers is false', evaluate: exemptingUserNamespacePods(runAsNonRoot1_0) },
  ],
};
