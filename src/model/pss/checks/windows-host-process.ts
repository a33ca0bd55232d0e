import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits } from '../culprits';
import type { Fields } from '../pod-fields';
import { fieldsOf, isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

function hostProcess(securityContext: Fields): boolean {
  const value = fieldsOf(securityContext.windowsOptions).hostProcess;
  return isSet(value) && value !== false;
}

function windowsHostProcess1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  if (hostProcess(pod.podSecurityContext)) culprits.blamePod('spec.securityContext.windowsOptions.hostProcess');
  for (const c of pod.containers) {
    if (hostProcess(c.securityContext)) culprits.blameContainer(c, `${c.path}.securityContext.windowsOptions.hostProcess`);
  }
  if (!culprits.found) return undefined;
  return culprits.failure('hostProcess', `${culprits.setters()} must not set securityContext.windowsOptions.hostProcess=true`);
}

/** `windowsHostProcess` (baseline): no Windows HostProcess containers (full host access). */
export const windowsHostProcessCheck: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  title: 'HostProcess',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_windowsHostProcess.go'),
  versions: [{ since: 'v1.0', change: 'windowsOptions.hostProcess (pod and containers) must be unset or false', evaluate: windowsHostProcess1_0 }],
};
