import { Rule } from './rule';

/** LP020: the Pod Security Standards checks the pod violates, as the admission controller reports them. */
export const podSecurityViolation: Rule = {
  id: 'LP020',
  name: 'pod-security-violation',
  title: 'The pod violates a Pod Security Standards check',
  severity: 'info',
  rationale:
    'The Pod Security Admission controller rejects (enforce) or reports (audit, warn) pods that violate the level ' +
    'their namespace sets. Each finding names the upstream check id and says what is allowed.',
  remediation: 'Change the field the message names as it says, or target a lower level knowingly.',
  check: ({ analysis }) =>
    analysis.podSecurity.violations.map((violation) => ({
      container: violation.container ?? null,
      path: violation.fieldPaths[0] ?? 'spec',
      message: `${violation.level} check ${violation.checkId} (${analysis.podSecurity.version}): ${violation.reason}: ${violation.detail}`,
    })),
};
