import { asObject, JsonObject, objectField } from '../model/json-value';
import { POD_SECURITY_LEVELS, PodSecurityLevel } from '../model/pod-security-types';
import { evaluatePodSecurity, levelVerdict, missedLevelPhrase, resolvePolicyVersion } from '../model/pss';
import { Rule, RuleFinding } from './rule';

/** The annotation (on the workload or its pod template) that names the level the pod must meet. */
export const TARGET_LEVEL_ANNOTATION = 'k8s-least-privilege.dev/pod-security-level';
/** The annotation that pins the policy version of the target level (`latest` when absent). */
export const TARGET_VERSION_ANNOTATION = 'k8s-least-privilege.dev/pod-security-version';

function annotation(metadata: JsonObject | undefined, key: string): unknown {
  return objectField(metadata, 'annotations')?.[key];
}

/** LP020: the pod misses the Pod Security level it is labelled for. */
export const podSecurityLevelMissed: Rule = {
  id: 'LP020',
  name: 'pod-security-level-missed',
  title: 'The pod misses the Pod Security Standards level it is labelled for',
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'A namespace that enforces a level rejects the pod at admission; the annotation states the level the workload is ' +
    'meant for, so the miss is caught before deploy. The message lists the upstream checks that fail.',
  remediation: `Fix each check listed, or change the ${TARGET_LEVEL_ANNOTATION} annotation knowingly.`,
  check: ({ pod, objectMetadata, analysis }): RuleFinding[] => {
    const podMetadata = asObject(pod.metadata);
    const level = annotation(objectMetadata, TARGET_LEVEL_ANNOTATION) ?? annotation(podMetadata, TARGET_LEVEL_ANNOTATION);
    if (level === undefined) return [];
    const path = 'metadata.annotations';
    if (typeof level !== 'string' || !POD_SECURITY_LEVELS.includes(level as PodSecurityLevel)) {
      return [{ container: null, path, message: `${TARGET_LEVEL_ANNOTATION} is ${JSON.stringify(level)}; write privileged, baseline or restricted` }];
    }
    const version = annotation(objectMetadata, TARGET_VERSION_ANNOTATION) ?? annotation(podMetadata, TARGET_VERSION_ANNOTATION) ?? 'latest';
    let resolved: string;
    try {
      resolved = resolvePolicyVersion(String(version));
    } catch (error) {
      return [{ container: null, path, message: `${TARGET_VERSION_ANNOTATION}: ${(error as Error).message}` }];
    }
    const evaluation = resolved === analysis.podSecurity.version ? analysis.podSecurity : evaluatePodSecurity(pod, { version: resolved });
    const verdict = levelVerdict(evaluation, level as PodSecurityLevel);
    if (verdict.allowed) return [];
    const checks = verdict.violations.map((violation) => `${violation.checkId} (${violation.detail})`).join('; ');
    return [{ container: null, path, message: `labelled ${level} (${resolved}), and the pod ${missedLevelPhrase(evaluation, level as PodSecurityLevel)}: ${checks}` }];
  },
};
