import { analyzePod, PodAnalysis } from '../model/analyze';
import { POD_SECURITY_LEVELS, PodInput, PodSecurityLevel } from '../model/pod-security-types';

/** What a pod (template) must satisfy. */
export interface PodExpectation {
  /** The least restrictive Pod Security level the pod may meet. */
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
 * Checks a pod with the capability model: every declared port of every container must be
 * `allowed` under the `strict` runtime profile (no runtime help, so the verdict holds on
 * every runtime), and the pod must meet `expectation.level` at the policy version.
 */
export function verifyPod(pod: PodInput, expectation: PodExpectation): PodVerification {
  const analysis = analyzePod(pod, { runtimeProfile: 'strict', podSecurityVersion: expectation.podSecurityVersion ?? 'latest' });
  const problems: string[] = [];
  for (const container of analysis.containers) {
    for (const port of container.ports) {
      if (port.bind === 'allowed') continue;
      problems.push(`container "${container.name}" port ${String(port.containerPort)}/${port.protocol} is ${port.bind} under the strict runtime profile: ${port.reason}`);
    }
  }
  const podSecurity = analysis.podSecurity;
  if (levelRank(podSecurity.level) < levelRank(expectation.level)) {
    const failed = podSecurity.violations
      .filter((violation) => levelRank(violation.level) <= levelRank(expectation.level))
      .map((violation) => `${violation.checkId} (${violation.reason}: ${violation.detail})`);
    problems.push(
      `the pod meets Pod Security "${podSecurity.level}" at ${podSecurity.version}, not the declared "${expectation.level}": ${failed.join('; ')}`,
    );
  }
  return { ok: problems.length === 0, problems, analysis };
}
