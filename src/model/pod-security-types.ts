/**
 * The vocabulary of Pod Security Standards evaluation, shared by the evaluator
 * (`./pss/`), the capability model and every face on them.
 */

/** A Pod Security Standards level, from least to most restrictive. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The levels in order of increasing restriction. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/**
 * A pod (or pod template) as parsed from YAML or JSON: nothing about its shape is trusted.
 */
export interface PodInput {
  /** The pod's (or pod template's) `metadata`, as parsed. */
  readonly metadata: unknown;
  /** The pod's (or pod template's) `spec`, as parsed. */
  readonly spec: unknown;
}

/** One reason a pod fails a Pod Security Standards check. */
export interface PodSecurityViolation {
  /** The upstream check id (`k8s.io/pod-security-admission/policy`), e.g. `capabilities_restricted`. */
  readonly checkId: string;
  /**
   * The lowest level that this check belongs to (`baseline` checks also apply to `restricted`,
   * unless a restricted check overrides them there: see {@link PodSecurityEvaluation.levels}).
   */
  readonly level: 'baseline' | 'restricted';
  /** The short reason, worded as the admission controller words it, e.g. `unrestricted capabilities`. */
  readonly reason: string;
  /** What is wrong and what is allowed, e.g. `container "web" must set securityContext.capabilities.drop=["ALL"]`. */
  readonly detail: string;
  /** Field paths relative to the pod spec or metadata that cause the violation, e.g. `spec.containers[0].securityContext.capabilities.add`. */
  readonly fieldPaths: readonly string[];
  /** The container concerned, when the violation is about one container. */
  readonly container?: string;
}

/**
 * Whether a namespace enforcing one level admits the pod, judged as the admission library judges
 * that level: with the checks it runs at that level and policy version.
 */
export interface PodSecurityLevelVerdict {
  /** Whether the level admits the pod: none of its checks fails. */
  readonly allowed: boolean;
  /**
   * The failing checks the level runs, in upstream's order (baseline checks first, each group by
   * id). At restricted, a baseline check that a restricted check overrides at the version is not
   * run (upstream `OverrideCheckIDs`, e.g. `seccompProfile_baseline` under `seccompProfile_restricted`).
   */
  readonly violations: readonly PodSecurityViolation[];
}

/** The verdict of the Pod Security Standards on one pod at one policy version. */
export interface PodSecurityEvaluation {
  /** The policy version the pod was evaluated at, e.g. `v1.37` (`latest` resolved). */
  readonly version: string;
  /**
   * The most restrictive level that admits the pod: `restricted` when `levels.restricted.allowed`,
   * else `baseline` when `levels.baseline.allowed`, else `privileged`. Each level has its own
   * checks, so a pod may be admitted at restricted and not at baseline (from v1.25 a Windows pod
   * with `seccompProfile: Unconfined`: `seccompProfile_restricted`, which exempts Windows pods,
   * replaces `seccompProfile_baseline` at restricted); its level is then `restricted`.
   */
  readonly level: PodSecurityLevel;
  /** Every violated check, baseline and restricted (an overridden baseline check included). */
  readonly violations: readonly PodSecurityViolation[];
  /** The verdict of each enforcing level, each judged with its own checks. */
  readonly levels: {
    readonly baseline: PodSecurityLevelVerdict;
    readonly restricted: PodSecurityLevelVerdict;
  };
}
