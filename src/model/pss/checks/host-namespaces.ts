import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits } from '../culprits';
import { displayValue, isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

function hostNamespaces1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const shared: string[] = [];
  for (const field of HOST_NAMESPACE_FIELDS) {
    const value = pod.spec[field];
    if (isSet(value) && value !== false) {
      culprits.blamePod(`spec.${field}`);
      shared.push(`${field}=${displayValue(value)}`);
    }
  }
  return culprits.found ? culprits.failure('host namespaces', shared.join(', ')) : undefined;
}

/** `hostNamespaces` (baseline): the pod must not share the host's network, PID or IPC namespace. */
export const hostNamespacesCheck: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  title: 'Host namespaces',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_hostNamespaces.go'),
  versions: [{ since: 'v1.0', change: 'hostNetwork, hostPID and hostIPC must be unset or false', evaluate: hostNamespaces1_0 }],
};
