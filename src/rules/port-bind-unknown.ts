import { portFindings } from './support/port-findings';
import { defineRule } from './support/rule';

/** LP002: a declared port whose bind verdict the manifest does not decide. */
export const portBindUnknown = defineRule({
  id: 'LP002',
  name: 'port-bind-unknown',
  title: 'Whether a declared container port binds is not decided by the manifest',
  severity: 'warning',
  podSecurityChecks: [],
  rationale:
    'The verdict depends on something the manifest does not say (the image USER, a file capability without +e) ' +
    'or on a field the API server would reject; a pod that works today may crash-loop after an image rebuild.',
  remediation:
    'Set runAsUser (and runAsNonRoot) explicitly, declare the binary\'s file capabilities with the annotation ' +
    'file-capabilities.k8s-least-privilege.dev/<container>, and fix fields of the wrong type.',
  check: (input) => portFindings(input, (port) => port.bind === 'unknown', 'may not bind'),
});
