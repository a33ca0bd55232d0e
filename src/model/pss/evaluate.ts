import { PodInput, PodSecurityEvaluation, PodSecurityLevel, PodSecurityViolation } from '../pod-security-types';
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
 * Every check that applies at the version is evaluated once; `violations` lists all that fail,
 * baseline and restricted (a baseline check that a restricted one overrides, such as
 * `hostPathVolumes` under `restrictedVolumes`, is still reported: it decides baseline).
 * Never throws on malformed pods (see `pod-fields.ts` for how they are read).
 *
 * @throws RangeError when `options.version` is neither `latest` nor `v1.N` — a usage error.
 */
export function evaluatePodSecurity(pod: PodInput, options: EvaluatePodSecurityOptions = {}): PodSecurityEvaluation {
  const minor = policyMinor(options?.version);
  const view = viewPod(pod);
  const violations: PodSecurityViolation[] = [];
  let meetsBaseline = true;
  let meetsRestricted = true;
  for (const { check, evaluate, decidesBaseline, decidesRestricted } of activeChecks(minor)) {
    const failure = evaluate(view);
    if (failure === undefined) continue;
    violations.push({ checkId: check.id, level: check.level, ...failure });
    meetsBaseline &&= !decidesBaseline;
    meetsRestricted &&= !decidesRestricted;
  }
  const level: PodSecurityLevel = meetsRestricted && meetsBaseline ? 'restricted' : meetsBaseline ? 'baseline' : 'privileged';
  return { version: `v1.${minor}`, level, violations };
}
