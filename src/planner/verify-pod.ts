import type { PodAnalysis } from '../model/analyze';
import { analyzePod } from '../model/analyze';
import type { PodInput, PodSecurityEvaluation, PodSecurityLevel } from '../model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { describePort } from '../model/ports';
import { levelVerdict, missedLevelPhrase } from '../model/pss';

/** What a pod (template) must satisfy. */
export interface PodExpectation {
  /** The Pod Security level that must admit the pod (judged with that level's own checks). */
  readonly level: PodSecurityLevel;
  /**
   * The Pod Security Standards policy version to evaluate at.
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
}

/** The model's verdict on a pod against an expectation. */
export interface PodVerification {
  /** Every port binds under the strict runtime profile and the level is met. */
  readonly ok: boolean;
  /** One sentence per problem, with the model's reason. */
  readonly problems: readonly string[];
  /** The model's full analysis (strict runtime profile). */
  readonly analysis: PodAnalysis;
}

/** The rank of a level: privileged 0 < baseline 1 < restricted 2. */
export function levelRank(level: PodSecurityLevel): number {
  return POD_SECURITY_LEVELS.indexOf(level);
}

/**
 * Checks a pod with the capability model: every port of every container (declared, or named by
 * a probe) must be `allowed` under the `strict` runtime profile (no runtime help, so the verdict
 * holds on every runtime), and the pod must meet `expectation.level` at the policy version.
 */
export function verifyPod(pod: PodInput, expectation: PodExpectation): PodVerification {
  const analysis = analyzePod(pod, { runtimeProfile: 'strict', podSecurityVersion: expectation.podSecurityVersion ?? 'latest' });
  const problems: string[] = [];
  for (const container of analysis.containers) {
    for (const port of container.ports) {
      if (port.bind === 'allowed') continue;
      problems.push(`container "${container.name}" port ${describePort(port)} is ${port.bind} under the strict runtime profile: ${port.reason}`);
    }
  }
  const levelProblem = podSecurityProblem(analysis.podSecurity, expectation.level);
  if (levelProblem !== undefined) problems.push(levelProblem);
  return { ok: problems.length === 0, problems, analysis };
}

/**
 * The problem, in one sentence with the failing checks, when a namespace enforcing the declared
 * `level` would refuse the evaluated pod (each level judged with its own checks, see
 * `levelVerdict`); `undefined` when it admits it.
 */
export function podSecurityProblem(podSecurity: PodSecurityEvaluation, level: PodSecurityLevel): string | undefined {
  const verdict = levelVerdict(podSecurity, level);
  if (verdict.allowed) return undefined;
  const failed = verdict.violations.map((violation) => `${violation.checkId} (${violation.reason}: ${violation.detail})`);
  return `Pod Security "${level}" at ${podSecurity.version} (the declared level) refuses the pod, which ${missedLevelPhrase(podSecurity, level)}: ${failed.join('; ')}`;
}
