import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, containersPhrase, joinQuoted, sortedValues } from '../culprits';
import type { PodView } from '../pod-view';
import { capabilitiesPath, forbiddenAdditions } from './capabilities';

/** What baseline lets a container add: the container runtimes' default set minus NET_RAW (upstream `capabilities_allowed_1_0`). */
export const BASELINE_ADDABLE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const isAllowed1_0 = (name: string): boolean => BASELINE_ADDABLE_CAPABILITIES.has(name);

function capabilitiesBaseline1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const forbidden = new Set<string>();
  for (const c of pod.containers) {
    const added = forbiddenAdditions(c, isAllowed1_0);
    if (added.length === 0) continue;
    culprits.blameContainer(c, capabilitiesPath(c, 'add'));
    added.forEach((name) => forbidden.add(name));
  }
  if (!culprits.found) return undefined;
  return culprits.failure(
    'non-default capabilities',
    `${containersPhrase(culprits.containerNames)} must not include ${joinQuoted(sortedValues(forbidden))} in securityContext.capabilities.add`,
  );
}

/** `capabilities_baseline` (baseline): only the runtime's default capabilities (without NET_RAW) may be added. */
export const capabilitiesBaselineCheck: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  title: 'Capabilities (baseline)',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_capabilities_baseline.go'),
  versions: [
    {
      since: 'v1.0',
      change: 'capabilities.add limited to AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT',
      evaluate: capabilitiesBaseline1_0,
    },
  ],
};
