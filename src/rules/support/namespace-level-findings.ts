import type { CheckedObject, InputRuleFinding } from './rule';
import { asObject, objectField } from '../../model/json-value';
import type { PodSecurityLevel } from '../../model/pod-security-types';
import { POD_SECURITY_LEVELS } from '../../model/pod-security-types';
import { evaluatePodSecurity, failingChecksPhrase, levelVerdict, missedLevelPhrase, resolvePolicyVersion } from '../../model/pss';

/** The Pod Security Admission modes a namespace label sets. */
export type AdmissionMode = 'enforce' | 'audit' | 'warn';

/** The level and version one mode of a Namespace's labels asks for. */
interface NamespaceTarget {
  readonly level: PodSecurityLevel;
  readonly version: string;
}

/**
 * The target a Namespace's `pod-security.kubernetes.io/<mode>[-version]` labels set, as the
 * admission controller reads them; `undefined` when the label is absent or not a level (the
 * controller then falls back to its configured default, which the input does not show).
 */
function namespaceTarget(namespace: CheckedObject, mode: AdmissionMode): NamespaceTarget | undefined {
  const labels = objectField(asObject(namespace.object.object.metadata), 'labels');
  const level = labels?.[`pod-security.kubernetes.io/${mode}`];
  if (typeof level !== 'string' || !POD_SECURITY_LEVELS.includes(level as PodSecurityLevel)) return undefined;
  const version = labels?.[`pod-security.kubernetes.io/${mode}-version`];
  try {
    return { level: level as PodSecurityLevel, version: resolvePolicyVersion(typeof version === 'string' ? version : 'latest') };
  } catch {
    // An unparseable version label makes the controller use the latest policy.
    return { level: level as PodSecurityLevel, version: resolvePolicyVersion('latest') };
  }
}

/**
 * The findings of rules about pods that miss the level a Namespace in the same input sets for some
 * admission modes, with the upstream checks that fail at the label's version; `consequence` says
 * what the API server does about it.
 */
export function namespaceLevelFindings(objects: readonly CheckedObject[], modes: readonly AdmissionMode[], consequence: string): InputRuleFinding[] {
  const namespaces = new Map(objects.filter((entry) => entry.object.kind === 'Namespace').map((entry) => [entry.object.name, entry]));
  const findings: InputRuleFinding[] = [];
  objects.forEach((entry, objectIndex) => {
    const { pod, namespace } = entry.object;
    if (pod === undefined || entry.podSecurity === undefined || namespace === null) return;
    const namespaceEntry = namespaces.get(namespace);
    if (namespaceEntry === undefined) return;
    for (const mode of modes) {
      const target = namespaceTarget(namespaceEntry, mode);
      if (target === undefined) continue;
      const evaluation = target.version === entry.podSecurity.version ? entry.podSecurity : evaluatePodSecurity(pod, { version: target.version });
      const verdict = levelVerdict(evaluation, target.level);
      if (verdict.allowed) continue;
      findings.push({
        objectIndex,
        container: null,
        path: 'metadata.namespace',
        message:
          `namespace "${namespace}" sets pod-security.kubernetes.io/${mode}=${target.level} (${target.version}) and the pod ` +
          `${missedLevelPhrase(evaluation, target.level)}: ${consequence}; failing: ${failingChecksPhrase(verdict)}`,
      });
    }
  });
  return findings;
}
