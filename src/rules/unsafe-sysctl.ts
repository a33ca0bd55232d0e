import { podSecurityCheckFindings } from './support/pod-security-check-findings';
import { defineRule } from './support/rule';

const CHECKS = ['sysctls'];

/** LP014: sysctls outside the safe set. */
export const unsafeSysctl = defineRule({
  id: 'LP014',
  name: 'unsafe-sysctl',
  title: 'The pod sets a sysctl outside the safe set',
  severity: 'warning',
  podSecurityChecks: CHECKS,
  rationale:
    'The kubelet rejects unsafe sysctls unless the node allows them (SysctlForbidden), and PSS baseline forbids them. ' +
    'net.ipv4.ip_unprivileged_port_start is in the safe set.',
  remediation: 'Keep only the safe sysctls (net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_port_range, net.ipv4.ping_group_range, …).',
  check: (input) => podSecurityCheckFindings(input, CHECKS),
});
