import { podSecurityCheckFindings } from './support/pod-security-check-findings';
import { defineRule } from './support/rule';

const CHECKS = ['hostNamespaces'];

/** LP012: host namespaces. */
export const hostNamespaces = defineRule({
  id: 'LP012',
  name: 'host-namespaces',
  title: 'The pod shares a host namespace (hostNetwork, hostPID, hostIPC)',
  severity: 'warning',
  podSecurityChecks: CHECKS,
  rationale:
    "A pod in the host's network namespace binds the node's ports, sees its interfaces and cannot use the ip_unprivileged_port_start sysctl.",
  remediation: 'Remove hostNetwork/hostPID/hostIPC; expose the port through a Service (or hostPort only if unavoidable).',
  check: (input) => podSecurityCheckFindings(input, CHECKS),
});
