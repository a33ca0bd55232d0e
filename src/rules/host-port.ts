import { podSecurityCheckFindings } from './support/pod-security-check-findings';
import { defineRule } from './support/rule';

const CHECKS = ['hostPorts'];

/** LP013: hostPort. */
export const hostPortUsed = defineRule({
  id: 'LP013',
  name: 'host-port',
  title: 'A container port is published on the node with hostPort',
  severity: 'warning',
  podSecurityChecks: CHECKS,
  rationale: 'hostPort ties the pod to a node port and bypasses NetworkPolicy on many CNIs; PSS baseline forbids it.',
  remediation: 'Remove hostPort and expose the port through a Service of type ClusterIP, NodePort or LoadBalancer.',
  check: (input) => podSecurityCheckFindings(input, CHECKS),
});
