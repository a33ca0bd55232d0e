import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, exemptingWindowsPods, upstreamSource } from '../check';
import { Culprits, containersPhrase, joinQuoted, sortedValues } from '../culprits';
import { fieldsOf, isSet } from '../pod-fields';
import type { PodView } from '../pod-view';
import { capabilitiesPath, forbiddenAdditions } from './capabilities';

const isNetBindService = (name: string): boolean => name === 'NET_BIND_SERVICE';

// Exactly "ALL": the runtime matches drop names case-insensitively, upstream PSA does not.
function dropsAll(drop: unknown): boolean {
  return Array.isArray(drop) && drop.includes('ALL');
}

function capabilitiesRestricted1_22(pod: PodView): CheckFailure | undefined {
  const missingDropAll = new Culprits();
  const adding = new Culprits();
  const forbidden = new Set<string>();
  for (const c of pod.containers) {
    const capabilities = c.securityContext.capabilities;
    if (!isSet(capabilities) || !dropsAll(fieldsOf(capabilities).drop)) {
      missingDropAll.blameContainer(c, capabilitiesPath(c, 'drop'));
    }
    const added = forbiddenAdditions(c, isNetBindService);
    if (added.length > 0) {
      adding.blameContainer(c, capabilitiesPath(c, 'add'));
      added.forEach((name) => forbidden.add(name));
    }
  }
  const details: string[] = [];
  if (missingDropAll.found) {
    details.push(`${containersPhrase(missingDropAll.containerNames)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (adding.found) {
    details.push(
      `${containersPhrase(adding.containerNames)} must not include ${joinQuoted(sortedValues(forbidden))} in securityContext.capabilities.add`,
    );
  }
  return details.length === 0 ? undefined : missingDropAll.failure('unrestricted capabilities', details.join('; '), adding);
}


/** `capabilities_restricted` (restricted): every container drops ALL and may add only NET_BIND_SERVICE. */
export const capabilitiesRestrictedCheck: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  title: 'Capabilities (restricted)',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_capabilities_restricted.go'),
  versions: [
    {
      since: 'v1.22',
      change: 'capabilities.drop must include "ALL"; capabilities.add may only contain "NET_BIND_SERVICE"',
      overrides: ['capabilities_baseline'],
      evaluate: capabilitiesRestricted1_22,
    },
    {
      since: 'v1.25',
      change: 'pods with spec.os.name=windows are exempt',
      overrides: ['capabilities_baseline'],
      evaluate: exemptingWindowsPods(capabilitiesRestricted1_22),
    },
  ],
};
