import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, exemptingUserNamespacePods, upstreamSource } from '../check';
import { Culprits, containersPhrase, joinQuoted, sortedValues } from '../culprits';
import { displayValue, isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

/** The unconditional rule: every container's procMount is unset or `Default` (masked /proc). */
export function procMountMasked(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const types = new Set<string>();
  for (const c of pod.containers) {
    const procMount = c.securityContext.procMount;
    if (isSet(procMount) && procMount !== 'Default') {
      culprits.blameContainer(c, `${c.path}.securityContext.procMount`);
      types.add(displayValue(procMount));
    }
  }
  if (!culprits.found) return undefined;
  return culprits.failure(
    'procMount',
    `${containersPhrase(culprits.containerNames)} must not set securityContext.procMount to ${joinQuoted(sortedValues(types))}`,
  );
}


/** `procMount` (baseline): /proc stays masked, unless (from v1.35) the pod has its own user namespace. */
export const procMountCheck: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  title: '/proc mount type',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_procMount_baseline.go'),
  versions: [
    { since: 'v1.0', change: 'securityContext.procMount must be unset or Default', evaluate: procMountMasked },
    { since: 'v1.35', change: 'any procMount is allowed when spec.hostUsers is false', evaluate: exemptingUserNamespacePods(procMountMasked) },
  ],
};
