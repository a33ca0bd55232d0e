import { podSecurityCheckFindings } from './support/pod-security-check-findings';
import { defineRule } from './support/rule';

const CHECKS = ['allowPrivilegeEscalation'];

/** LP009: allowPrivilegeEscalation is not false (no no_new_privs). */
export const privilegeEscalationAllowed = defineRule({
  id: 'LP009',
  name: 'privilege-escalation-allowed',
  title: 'allowPrivilegeEscalation is not set to false',
  severity: 'warning',
  podSecurityChecks: CHECKS,
  rationale:
    'Without no_new_privs a setuid binary or a file capability can raise privileges after exec. no_new_privs does not stop ' +
    'a file capability whose capability the runtime already put in the permitted set, so the file-capability strategy keeps working.',
  remediation: 'securityContext:\n  allowPrivilegeEscalation: false',
  check: (input) => podSecurityCheckFindings(input, CHECKS),
});
