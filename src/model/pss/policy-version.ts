/**
 * Pod Security Standards policy versions (`latest`, `v1.0` … `v1.37`), parsed the way the upstream
 * admission library parses them (`k8s.io/pod-security-admission/api.ParseVersion`).
 */

/** The minor number of the newest policy version this evaluator knows (upstream v0.37.x). */
export const LATEST_POLICY_MINOR = 37;

/** The newest policy version this evaluator knows; `latest` means this one. */
export const LATEST_POLICY_VERSION = `v1.${LATEST_POLICY_MINOR}`;

// Upstream accepts `v1.` followed by a minor number without leading zeros; nothing else.
const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * The minor number of the policy version that applies to `version`.
 *
 * A minor beyond {@link LATEST_POLICY_MINOR} is the newest policy: upstream evaluates an unknown
 * future version with its newest checks (`checkRegistry.EvaluatePod` clamps to `maxVersion`).
 *
 * @throws RangeError when `version` is neither `latest` nor `v1.N` — a usage error.
 */
export function policyMinor(version: unknown = 'latest'): number {
  if (version === 'latest') return LATEST_POLICY_MINOR;
  const match = typeof version === 'string' ? VERSION_PATTERN.exec(version) : null;
  const minor = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(
      `invalid Pod Security Standards policy version ${typeof version === 'string' ? JSON.stringify(version) : String(version)}: ` +
        `expected "latest" or "v1.N" (v1.0 … ${LATEST_POLICY_VERSION}; later versions evaluate as ${LATEST_POLICY_VERSION})`,
    );
  }
  return Math.min(minor, LATEST_POLICY_MINOR);
}

/**
 * The policy version a pod is evaluated at: `latest` (the default) and any version newer than
 * {@link LATEST_POLICY_VERSION} resolve to {@link LATEST_POLICY_VERSION}; `v1.N` otherwise stays itself.
 *
 * @throws RangeError when `version` is neither `latest` nor `v1.N`.
 */
export function resolvePolicyVersion(version?: string): string {
  return `v1.${policyMinor(version)}`;
}
