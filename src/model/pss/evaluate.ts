import type { PodInput, PodSecurityEvaluation, PodSecurityLevel, PodSecurityLevelVerdict, PodSecurityViolation } from '../pod-security-types';
import { POD_SECURITY_LEVELS } from '../pod-security-types';
import { viewPod } from './pod-view';
import { policyMinor } from './policy-version';
import { activeChecks } from './registry';

/** Options of {@link evaluatePodSecurity}. */
export interface EvaluatePodSecurityOptions {
  /**
   * The policy version: `latest` or `v1.N`. Versions newer than the evaluator knows are evaluated
   * with its newest checks, as upstream does.
   * @default 'latest'
   */
  readonly version?: string;
}

/**
 * Evaluates a pod (or pod template) against the Pod Security Standards at one policy version,
 * as the upstream Pod Security Admission library does (`k8s.io/pod-security-admission/policy`).
 *
 * Each level is judged with the checks upstream runs at that level and version
 * (`policy/registry.go`): baseline with the baseline checks; restricted with the restricted checks
 * and the baseline checks no restricted check overrides (`OverrideCheckIDs`). Every check that
 * applies at the version is evaluated once; `violations` lists all that fail (a baseline check
 * that a restricted one overrides, such as `hostPathVolumes` under `restrictedVolumes`, is still
 * reported: it decides baseline), `levels` what each level makes of them.
 * Never throws on malformed pods (see `pod-fields.ts` for how they are read).
 *
 * @throws RangeError when `options.version` is neither `latest` nor `v1.N` — a usage error.
 */
export function evaluatePodSecurity(pod: PodInput, options: EvaluatePodSecurityOptions = {}): PodSecurityEvaluation {
  const minor = policyMinor(options?.version);
  const view = viewPod(pod);
  const violations: PodSecurityViolation[] = [];
  const baseline: PodSecurityViolation[] = [];
  const restricted: PodSecurityViolation[] = [];
  for (const { check, evaluate, decidesBaseline, decidesRestricted } of activeChecks(minor)) {
    const failure = evaluate(view);
    if (failure === undefined) continue;
    const violation: PodSecurityViolation = { checkId: check.id, level: check.level, ...failure };
    violations.push(violation);
    if (decidesBaseline) baseline.push(violation);
    if (decidesRestricted) restricted.push(violation);
  }
  const levels = {
    baseline: { allowed: baseline.length === 0, violations: baseline },
    restricted: { allowed: restricted.length === 0, violations: restricted },
  };
  const level: PodSecurityLevel = levels.restricted.allowed ? 'restricted' : levels.baseline.allowed ? 'baseline' : 'privileged';
  return { version: `v1.${minor}`, level, violations, levels };
}

/**
 * The verdict of a namespace enforcing `level` on an evaluated pod: `privileged` admits every pod,
 * baseline and restricted are `evaluation.levels`. "The pod meets level L" is this `allowed`,
 * never a comparison with `evaluation.level` (a pod admitted at restricted may be refused at baseline).
 */
export function levelVerdict(evaluation: PodSecurityEvaluation, level: PodSecurityLevel): PodSecurityLevelVerdict {
  return level === 'privileged' ? PRIVILEGED_VERDICT : evaluation.levels[level];
}

/**
 * How a pod stands that `level` refuses, for messages: `meets only baseline`, or, for a pod that
 * restricted admits and baseline refuses (from v1.25 a Windows pod with `seccompProfile: Unconfined`),
 * `meets restricted but not baseline`.
 */
export function missedLevelPhrase(evaluation: PodSecurityEvaluation, level: PodSecurityLevel): string {
  return POD_SECURITY_LEVELS.indexOf(evaluation.level) > POD_SECURITY_LEVELS.indexOf(level)
    ? `meets ${evaluation.level} but not ${level}`
    : `meets only ${evaluation.level}`;
}

const PRIVILEGED_VERDICT: PodSecurityLevelVerdict = { allowed: true, violations: [] };

/** The checks a level refuses a pod for, for messages: `hostPorts (hostPort=80); privileged (container "web" must not set …)`. */
export function failingChecksPhrase(verdict: PodSecurityLevelVerdict): string {
  return verdict.violations.map((violation) => `${violation.checkId} (${violation.detail})`).join('; ');
}
