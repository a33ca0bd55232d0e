import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, containersPhrase } from '../culprits';
import { isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

// Only an absent/null or literal `false` is allowed; anything else could be (or become) true.
function privileged1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  for (const c of pod.containers) {
    const value = c.securityContext.privileged;
    if (isSet(value) && value !== false) culprits.blameContainer(c, `${c.path}.securityContext.privileged`);
  }
  if (!culprits.found) return undefined;
  return culprits.failure('privileged', `${containersPhrase(culprits.containerNames)} must not set securityContext.privileged=true`);
}

/** `privileged` (baseline): no container may run privileged. */
export const privilegedCheck: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  title: 'Privileged containers',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_privileged.go'),
  versions: [{ since: 'v1.0', change: 'securityContext.privileged must be unset or false', evaluate: privileged1_0 }],
};
