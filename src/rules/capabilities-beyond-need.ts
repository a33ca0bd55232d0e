import { canonicalCapabilityName, isAllCapabilities, NET_BIND_SERVICE } from '../model/capabilities';
import { containerFindings, declaresPrivilegedPort } from './container-findings';
import { Rule } from './rule';

/** LP005: capabilities added that binding a port does not need. */
export const capabilitiesBeyondNeed: Rule = {
  id: 'LP005',
  name: 'capabilities-beyond-need',
  title: 'A container adds capabilities beyond NET_BIND_SERVICE, or NET_BIND_SERVICE without a privileged port',
  severity: 'warning',
  podSecurityChecks: ['capabilities_baseline', 'capabilities_restricted'],
  rationale:
    'Every added capability widens what a compromised process can do. Binding a port needs NET_BIND_SERVICE and only ' +
    'for a port below ip_unprivileged_port_start; PSS restricted allows no other add.',
  remediation: 'Remove the extra names from capabilities.add; keep NET_BIND_SERVICE only for a container that binds a port < 1024.',
  check: (input) =>
    containerFindings(input, (container) => {
      const extra = container.securityContext.add.filter((name) => isAllCapabilities(name) || canonicalCapabilityName(name) !== NET_BIND_SERVICE);
      if (extra.length > 0) return { message: `adds ${extra.join(', ')}: binding a port needs only NET_BIND_SERVICE`, field: 'capabilities.add' };
      const addsNetBindService = container.securityContext.add.some((name) => canonicalCapabilityName(name) === NET_BIND_SERVICE);
      return addsNetBindService && !declaresPrivilegedPort(container)
        ? { message: 'adds NET_BIND_SERVICE but declares no port below 1024: remove it', field: 'capabilities.add' }
        : undefined;
    }),
};
