import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, containersPhrase, pluralize, sortedValues } from '../culprits';
import { displayValue, fieldsOf, isSet, itemsOf } from '../pod-fields';
import type { PodView } from '../pod-view';

function hostPorts1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const hostPorts = new Set<string>();
  for (const c of pod.containers) {
    itemsOf(c.fields.ports).forEach((port, index) => {
      const hostPort = fieldsOf(port).hostPort;
      if (isSet(hostPort) && hostPort !== 0) {
        culprits.blameContainer(c, `${c.path}.ports[${index}].hostPort`);
        hostPorts.add(displayValue(hostPort));
      }
    });
  }
  if (!culprits.found) return undefined;
  const names = culprits.containerNames;
  return culprits.failure(
    'hostPort',
    `${containersPhrase(names)} ${pluralize(names.length, 'uses', 'use')} ` +
      `${pluralize(hostPorts.size, 'hostPort', 'hostPorts')} ${sortedValues(hostPorts).join(', ')}`,
  );
}

/** `hostPorts` (baseline): no container port may be bound on the host. */
export const hostPortsCheck: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  title: 'Host ports',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_hostPorts.go'),
  versions: [{ since: 'v1.0', change: 'ports[*].hostPort must be unset or 0', evaluate: hostPorts1_0 }],
};
