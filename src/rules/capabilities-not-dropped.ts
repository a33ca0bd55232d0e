import { isAllCapabilities, RUNTIME_DEFAULT_CAPABILITIES } from '../model/capabilities';
import { containerFindings } from './support/container-findings';
import { defineRule } from './support/rule';

/** LP004: a container that keeps the runtime's default capabilities. */
export const capabilitiesNotDropped = defineRule({
  id: 'LP004',
  name: 'capabilities-not-dropped',
  title: 'A container keeps the runtime\'s default capabilities (no drop: [ALL])',
  severity: 'warning',
  podSecurityChecks: ['capabilities_restricted'],
  rationale:
    `Without drop: [ALL] a container runs with the runtime's default set (${RUNTIME_DEFAULT_CAPABILITIES.join(', ')}); ` +
    'a root process holds all of them, among them NET_RAW (packet spoofing) and DAC_OVERRIDE. PSS restricted requires dropping ALL.',
  remediation:
    'securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]   # only if the process must bind a port < 1024\n' +
    'or HardenedContainer / PrivilegedPortService, which drop ALL by construction.',
  check: (input) =>
    containerFindings(input, (container) =>
      container.securityContext.privileged || container.securityContext.drop.some(isAllCapabilities)
        ? undefined
        : { message: 'does not drop ALL capabilities: it keeps the runtime defaults; set capabilities.drop: [ALL]', field: 'capabilities' },
    ),
});
