/**
 * The Pod Security Standards evaluator: the upstream Pod Security Admission checks
 * (`k8s.io/pod-security-admission` v0.37, policy versions v1.0 … v1.37) in pure TypeScript.
 */
export { evaluatePodSecurity, EvaluatePodSecurityOptions, failingChecksPhrase, levelVerdict, missedLevelPhrase } from './evaluate';
export { LATEST_POLICY_VERSION, resolvePolicyVersion } from './policy-version';
export { PodSecurityCheck, PodSecurityCheckVersion } from './check';
import type { PodSecurityCheck } from './check';
import { CHECK_DEFINITIONS } from './registry';

/** Every Pod Security Standards check, with its level and version history (baseline first). */
export const POD_SECURITY_CHECKS: readonly PodSecurityCheck[] = CHECK_DEFINITIONS;
