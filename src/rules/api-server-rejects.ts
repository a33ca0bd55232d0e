import { listContainers } from '../model/containers';
import { asArray, asObject } from '../model/json-value';
import type { RuleFinding } from './support/rule';
import { defineRule } from './support/rule';

/**
 * A port name as the API server accepts it (pkg/apis/core/validation validateContainerPorts:
 * IsValidPortName): an IANA_SVC_NAME, at most 15 lowercase letters, digits and single
 * hyphens, with at least one letter, not starting or ending with a hyphen.
 */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

/**
 * LP018: what the API server's pod validation rejects, so that the pod is never created:
 * container names missing or used twice across containers, initContainers and
 * ephemeralContainers, and container port names used twice in one container or not valid.
 */
export const apiServerRejects = defineRule({
  id: 'LP018',
  name: 'api-server-rejects',
  title: 'The API server rejects the pod: a container or port name is missing, repeated or invalid',
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'kubectl apply, Helm and every controller send the pod to the API server, whose validation refuses it as a whole: ' +
    'a Deployment with two containers named "web" is created but never gets a pod, and the error appears only in its ' +
    'ReplicaSet\'s events. Container names are unique across containers, initContainers and ephemeralContainers; port ' +
    'names are unique within a container and are IANA service names.',
  remediation:
    'Give every container a name of its own, and every named port of a container a name of its own: at most 15 ' +
    'lowercase letters, digits and single hyphens, with at least one letter (http, metrics, dns-tcp).',
  check: (input) => {
    const findings: RuleFinding[] = [];
    const reject = (container: string | null, path: string, message: string) =>
      findings.push({ container, path, message: `the API server rejects this pod: ${message}` });
    const firstPathOfName = new Map<string, string>();
    for (const container of listContainers(asObject(input.pod.spec))) {
      if (!container.named) {
        // An entry that is not a mapping is a field of the wrong type: its verdicts say so (unknown).
        if (Object.keys(container.spec).length > 0) reject(null, `spec.${container.path}`, `${container.path} has no name (Required value)`);
        continue;
      }
      const first = firstPathOfName.get(container.name);
      if (first !== undefined) reject(container.name, `spec.${container.path}.name`, `${container.path}.name "${container.name}" is already the name of ${first} (Duplicate value)`);
      else firstPathOfName.set(container.name, container.path);
      const portPathOfName = new Map<string, string>();
      (asArray(container.spec.ports) ?? []).forEach((raw, index) => {
        const name = asObject(raw)?.name;
        if (typeof name !== 'string' || name === '') return;
        const path = `${container.path}.ports[${index}]`;
        if (name.length > 15 || !PORT_NAME.test(name)) {
          reject(container.name, `spec.${path}.name`, `${path}.name "${name}" is not a valid port name: at most 15 lowercase letters, digits and single hyphens, with at least one letter`);
        }
        const firstPort = portPathOfName.get(name);
        if (firstPort !== undefined) reject(container.name, `spec.${path}.name`, `${path}.name "${name}" is already the name of ${firstPort} (Duplicate value)`);
        else portPathOfName.set(name, path);
      });
    }
    return findings;
  },
});
