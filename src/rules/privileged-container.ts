import { podSecurityCheckFindings } from './support/pod-security-check-findings';
import { defineRule } from './support/rule';

const CHECKS = ['privileged'];

/** LP010: a privileged container. */
export const privilegedContainer = defineRule({
  id: 'LP010',
  name: 'privileged-container',
  title: 'A container is privileged',
  severity: 'error',
  podSecurityChecks: CHECKS,
  rationale: 'privileged: true gives every capability and the host\'s devices: a container escape is one step away. Binding a port never needs it.',
  remediation: 'Remove privileged: true; bind privileged ports with NET_BIND_SERVICE, the sysctl or a high port.',
  check: (input) => podSecurityCheckFindings(input, CHECKS),
});
