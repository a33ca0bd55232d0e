import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, exemptingUserNamespacePods, upstreamSource } from '../check';
import { Culprits } from '../culprits';
import { isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

// Fail closed: only a non-zero integer is provably not root (a string "1000" would not decode).
function isRootOrUndecodable(runAsUser: unknown): boolean {
  return isSet(runAsUser) && !(typeof runAsUser === 'number' && Number.isInteger(runAsUser) && runAsUser !== 0);
}

function runAsUser1_23(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  if (isRootOrUndecodable(pod.podSecurityContext.runAsUser)) culprits.blamePod('spec.securityContext.runAsUser');
  for (const c of pod.containers) {
    if (isRootOrUndecodable(c.securityContext.runAsUser)) culprits.blameContainer(c, `${c.path}.securityContext.runAsUser`);
  }
  return culprits.found ? culprits.failure('runAsUser=0', `${culprits.setters()} must not set runAsUser=0`) : undefined;
}


/** `runAsUser` (restricted, v1.23+): no pod or container may set runAsUser=0. */
export const runAsUserCheck: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  title: 'Running as non-root user',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_runAsUser.go'),
  versions: [
    { since: 'v1.23', change: 'runAsUser (pod and containers) must not be 0', evaluate: runAsUser1_23 },
    { since: 'v1.35', change: 'any value is allowed when spec.hostUsers is false', evaluate: exemptingUserNamespacePods(runAsUser1_23) },
  ],
};
