import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, exemptingWindowsPods, upstreamSource } from '../check';
import { Culprits, containersPhrase } from '../culprits';
import type { PodView } from '../pod-view';

// Only a literal `false` sets no_new_privs; unset defaults to allowing escalation.
function allowPrivilegeEscalation1_8(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  for (const c of pod.containers) {
    if (c.securityContext.allowPrivilegeEscalation !== false) {
      culprits.blameContainer(c, `${c.path}.securityContext.allowPrivilegeEscalation`);
    }
  }
  if (!culprits.found) return undefined;
  return culprits.failure(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(culprits.containerNames)} must set securityContext.allowPrivilegeEscalation=false`,
  );
}


/** `allowPrivilegeEscalation` (restricted, v1.8+): every container sets allowPrivilegeEscalation=false. */
export const allowPrivilegeEscalationCheck: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  title: 'Privilege escalation',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_allowPrivilegeEscalation.go'),
  versions: [
    // The field exists since Kubernetes 1.8.
    { since: 'v1.8', change: 'securityContext.allowPrivilegeEscalation must be false', evaluate: allowPrivilegeEscalation1_8 },
    { since: 'v1.25', change: 'pods with spec.os.name=windows are exempt', evaluate: exemptingWindowsPods(allowPrivilegeEscalation1_8) },
  ],
};
