import { podSecurityCheckFindings } from './support/pod-security-check-findings';
import { defineRule } from './support/rule';

const CHECKS = ['seccompProfile_baseline', 'seccompProfile_restricted'];

/** LP011: no seccomp profile (RuntimeDefault or Localhost). */
export const seccompProfileMissing = defineRule({
  id: 'LP011',
  name: 'seccomp-profile-missing',
  title: 'No seccomp profile (RuntimeDefault or Localhost) is set',
  severity: 'warning',
  podSecurityChecks: CHECKS,
  rationale: 'Kubernetes runs containers Unconfined unless a profile is set; RuntimeDefault blocks hundreds of rarely needed syscalls.',
  remediation: 'securityContext:   # pod level\n  seccompProfile:\n    type: RuntimeDefault\n(cdk8s-plus-27 has no seccomp field: HardenedContainer sets it.)',
  check: (input) => podSecurityCheckFindings(input, CHECKS),
});
