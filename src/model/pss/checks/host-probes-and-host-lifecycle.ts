import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, containersPhrase, joinQuoted, pluralize, sortedValues } from '../culprits';
import { displayValue, fieldsOf, isSet } from '../pod-fields';
import type { ContainerView, PodView } from '../pod-view';

// A probe or handler with a host reaches another machine with the kubelet's network identity.
const HANDLERS = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle.postStart', 'lifecycle.preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

function handlerFields(container: ContainerView, handler: (typeof HANDLERS)[number]): unknown {
  if (!handler.startsWith('lifecycle.')) return container.fields[handler];
  return fieldsOf(container.fields.lifecycle)[handler.slice('lifecycle.'.length)];
}

function hostProbesAndHostLifecycle1_34(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const names = new Set<string>();
  const hosts = new Set<string>();
  for (const c of pod.containers) {
    for (const handler of HANDLERS) {
      const fields = fieldsOf(handlerFields(c, handler));
      for (const action of ACTIONS) {
        const host = fieldsOf(fields[action]).host;
        if (!isSet(host) || host === '') continue;
        culprits.blameContainer(c, `${c.path}.${handler}.${action}.host`);
        names.add(c.name);
        hosts.add(displayValue(host));
      }
    }
  }
  if (!culprits.found) return undefined;
  // Upstream names containers and hosts as sorted sets here.
  return culprits.failure(
    'probe or lifecycle host',
    `${containersPhrase(sortedValues(names))} ${pluralize(names.size, 'uses', 'use')} ` +
      `${pluralize(hosts.size, 'probe or lifecycle host', 'probe or lifecycle hosts')} ${joinQuoted(sortedValues(hosts))}`,
  );
}

/** `hostProbesAndHostLifecycle` (baseline, v1.34+): probes and lifecycle handlers may not target another host. */
export const hostProbesAndHostLifecycleCheck: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  title: 'Probe and lifecycle hosts',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_hostProbesAndhostLifecycle.go'),
  versions: [
    {
      since: 'v1.34',
      change: 'httpGet.host and tcpSocket.host of liveness, readiness and startup probes and of postStart/preStop handlers must be unset or empty',
      evaluate: hostProbesAndHostLifecycle1_34,
    },
  ],
};
