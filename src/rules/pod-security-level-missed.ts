import type { JsonObject } from '../model/json-value';
import { asObject, objectField } from '../model/json-value';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { evaluatePodSecurity, failingChecksPhrase, levelVerdict, missedLevelPhrase, resolvePolicyVersion } from '../model/pss';
import type { RuleFinding } from './support/rule';
import { defineRule } from './support/rule';

/** The annotation (on the workload or its pod template) that names the level the pod must meet. */
export const TARGET_LEVEL_ANNOTATION = 'k8s-least-privilege.dev/pod-security-level';
/** The annotation that pins the policy version of the target level (`latest` when absent). */
export const TARGET_VERSION_ANNOTATION = 'k8s-least-privilege.dev/pod-security-version';

/**
 * The level every workload must meet unless configured otherwise: baseline is the level that
 * "prevents known privilege escalations" (`SYS_ADMIN`, `hostPort`, `seccompProfile: Unconfined` …).
 */
export const DEFAULT_REQUIRED_LEVEL: PodSecurityLevel = 'baseline';

function annotation(metadata: JsonObject | undefined, key: string): unknown {
  return objectField(metadata, 'annotations')?.[key];
}

/** Whether level `a` is stricter than level `b`. */
function stricter(a: PodSecurityLevel, b: PodSecurityLevel): boolean {
  return POD_SECURITY_LEVELS.indexOf(a) > POD_SECURITY_LEVELS.indexOf(b);
}

/** LP020: the pod misses the Pod Security level it must meet: the configured one, or the stricter one it is labelled for. */
export const podSecurityLevelMissed = defineRule({
  id: 'LP020',
  name: 'pod-security-level-missed',
  title: 'The pod misses the Pod Security Standards level it must meet (the configured level, or the stricter one it is labelled for)',
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'Baseline is the level that prevents known privilege escalations, so by default a pod that misses it is an error; the ' +
    '`level` setting (`--level`) makes restricted the gate, or privileged none. A namespace that enforces a level rejects the ' +
    'pod at admission; the annotation states a stricter level a workload is meant for, so that miss is caught before deploy too. ' +
    'The message lists the upstream checks that fail. Checks of a level stricter than the required one stay warnings (their own rules).',
  remediation:
    'Fix each check listed. A workload that needs a lower level (a CNI agent, a node exporter) says so with a suppression and its reason ' +
    `(k8s-least-privilege.dev/suppress: "LP020: …"); the ${TARGET_LEVEL_ANNOTATION} annotation only raises the level.`,
  check: ({ pod, objectMetadata, analysis, requiredLevel = DEFAULT_REQUIRED_LEVEL }): RuleFinding[] => {
    const podMetadata = asObject(pod.metadata);
    const label = annotation(objectMetadata, TARGET_LEVEL_ANNOTATION) ?? annotation(podMetadata, TARGET_LEVEL_ANNOTATION);
    const path = 'metadata.annotations';
    if (label !== undefined && (typeof label !== 'string' || !POD_SECURITY_LEVELS.includes(label as PodSecurityLevel))) {
      return [{ container: null, path, message: `${TARGET_LEVEL_ANNOTATION} is ${JSON.stringify(label)}; write privileged, baseline or restricted` }];
    }
    if (label === undefined || stricter(requiredLevel, label as PodSecurityLevel)) {
      const verdict = levelVerdict(analysis.podSecurity, requiredLevel);
      if (verdict.allowed) return [];
      return [
        {
          container: null,
          path: 'spec',
          message:
            `the pod ${missedLevelPhrase(analysis.podSecurity, requiredLevel)} (${analysis.podSecurity.version}), and ${requiredLevel} ` +
            `is the level required of every workload (--level, the level setting): ${failingChecksPhrase(verdict)}`,
        },
      ];
    }
    const level = label as PodSecurityLevel;
    const version = annotation(objectMetadata, TARGET_VERSION_ANNOTATION) ?? annotation(podMetadata, TARGET_VERSION_ANNOTATION) ?? 'latest';
    let resolved: string;
    try {
      resolved = resolvePolicyVersion(String(version));
    } catch (error) {
      return [{ container: null, path, message: `${TARGET_VERSION_ANNOTATION}: ${(error as Error).message}` }];
    }
    const evaluation = resolved === analysis.podSecurity.version ? analysis.podSecurity : evaluatePodSecurity(pod, { version: resolved });
    const verdict = levelVerdict(evaluation, level);
    if (verdict.allowed) return [];
    return [{ container: null, path, message: `labelled ${level} (${resolved}), and the pod ${missedLevelPhrase(evaluation, level)}: ${failingChecksPhrase(verdict)}` }];
  },
});
