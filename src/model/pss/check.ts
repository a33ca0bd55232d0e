import type { PodView } from './pod-view';

/** One version of a check: from `since` on (until the next entry), the check is evaluated so. */
export interface PodSecurityCheckVersion {
  /** The first policy version this behaviour applies to, e.g. `v1.25`. */
  readonly since: string;
  /** What this version checks or changed, in one line. */
  readonly change: string;
  /**
   * Baseline check ids that this restricted check replaces at restricted level from `since`
   * (upstream `OverrideCheckIDs`): e.g. `restrictedVolumes` replaces `hostPathVolumes`.
   */
  readonly overrides?: readonly string[];
}

/** A Pod Security Standards check as the upstream admission library defines it. */
export interface PodSecurityCheck {
  /** The upstream check id, e.g. `capabilities_restricted`. */
  readonly id: string;
  /** The lowest level the check belongs to; baseline checks apply to restricted too. */
  readonly level: 'baseline' | 'restricted';
  /** A short human title, e.g. `Capabilities (restricted)`. */
  readonly title: string;
  /** The check's versions, oldest first: the policy versions at which it appeared or changed. */
  readonly versions: readonly PodSecurityCheckVersion[];
  /** The Pod Security Standards documentation of the control. */
  readonly documentation: string;
  /** The upstream source that defines the check. */
  readonly source: string;
}

/** Why a pod fails one check: the parts of a violation a check decides. */
export interface CheckFailure {
  /** The admission controller's short reason. */
  readonly reason: string;
  /** The admission controller's detail: who sets what, and what is allowed. */
  readonly detail: string;
  /** The offending fields, relative to the pod. */
  readonly fieldPaths: readonly string[];
  /** The container concerned, when it alone is at fault. */
  readonly container?: string;
}

/** Evaluates one version of a check; `undefined` when the pod passes. */
export type EvaluateCheck = (pod: PodView) => CheckFailure | undefined;

/** A check version with its evaluation. */
export interface CheckVersionDefinition extends PodSecurityCheckVersion {
  /** The evaluation at this version. */
  readonly evaluate: EvaluateCheck;
}

/** A check with its evaluations: what `checks/*.ts` define. */
export interface CheckDefinition extends PodSecurityCheck {
  /** The check's versions with their evaluations, oldest first. */
  readonly versions: readonly CheckVersionDefinition[];
}

const STANDARDS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
const UPSTREAM = 'https://github.com/kubernetes/pod-security-admission/blob/master/policy/';

/** The Pod Security Standards page section for a level. */
export function documentationFor(level: 'baseline' | 'restricted'): string {
  return `${STANDARDS}#${level}`;
}

/** The upstream source file of a check, e.g. `check_privileged.go`. */
export function upstreamSource(file: string): string {
  return UPSTREAM + file;
}

/**
 * From policy v1.25, Windows pods (`spec.os.name: windows`) pass the restricted checks whose
 * fields Windows cannot set (API validation rejects them), so they need not set them.
 */
export function exemptingWindowsPods(evaluate: EvaluateCheck): EvaluateCheck {
  return (pod) => (pod.windows ? undefined : evaluate(pod));
}

/**
 * From policy v1.35, pods in a user namespace (`spec.hostUsers: false`) pass `runAsNonRoot`,
 * `runAsUser` and baseline `procMount`: their uid 0 maps to an unprivileged host uid and their
 * /proc to their own namespace (KEP-127).
 */
export function exemptingUserNamespacePods(evaluate: EvaluateCheck): EvaluateCheck {
  return (pod) => (pod.userNamespace ? undefined : evaluate(pod));
}
