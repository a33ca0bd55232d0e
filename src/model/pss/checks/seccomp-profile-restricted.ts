import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, exemptingWindowsPods, upstreamSource } from '../check';
import { Culprits, containersPhrase } from '../culprits';
import { isSet } from '../pod-fields';
import type { PodView } from '../pod-view';
import { explicitSeccompDetail, explicitSeccompFaults } from './seccomp';

function seccompProfileRestricted1_19(pod: PodView): CheckFailure | undefined {
  const faults = explicitSeccompFaults(pod);
  if (faults.setters.found) return faults.setters.failure('seccompProfile', explicitSeccompDetail(faults));
  if (faults.podProfileAllowed) return undefined;
  // No allowed pod-level profile: every container must set its own.
  const unset = new Culprits();
  for (const c of pod.containers) {
    if (!isSet(c.securityContext.seccompProfile)) unset.blameContainer(c, `${c.path}.securityContext.seccompProfile.type`);
  }
  if (!unset.found) return undefined;
  return unset.failure(
    'seccompProfile',
    `pod or ${containersPhrase(unset.containerNames)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  );
}


/** `seccompProfile_restricted` (restricted): every container runs with a RuntimeDefault or Localhost profile. */
export const seccompProfileRestrictedCheck: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  title: 'Seccomp (restricted)',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_seccompProfile_restricted.go'),
  versions: [
    {
      since: 'v1.19',
      change: 'seccompProfile.type must be RuntimeDefault or Localhost, set on the pod or on every container',
      overrides: ['seccompProfile_baseline'],
      evaluate: seccompProfileRestricted1_19,
    },
    {
      since: 'v1.25',
      change: 'pods with spec.os.name=windows are exempt',
      overrides: ['seccompProfile_baseline'],
      evaluate: exemptingWindowsPods(seccompProfileRestricted1_19),
    },
  ],
};
