import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, joinQuoted, pluralize, sortedValues } from '../culprits';
import type { Fields } from '../pod-fields';
import { displayValue, fieldsOf, isSet, quoted } from '../pod-fields';
import type { PodView } from '../pod-view';
import { annotationPath, annotationValue } from './annotations';

// The deprecated beta annotations (removed from kubelet in 1.30) are still judged by PSA.
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || value === 'runtime/default' || value.startsWith('localhost/'));
}

// An unset `type` is Go's "" and, like Unconfined, is not allowed.
function allowedProfileType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function badProfileType(securityContext: Fields): string | undefined {
  const profile = securityContext.appArmorProfile;
  if (!isSet(profile)) return undefined;
  const type = fieldsOf(profile).type;
  return allowedProfileType(type) ? undefined : displayValue(type);
}

function appArmorProfile1_0(pod: PodView): CheckFailure | undefined {
  const setters = new Culprits();
  const badTypes = new Set<string>();
  const podType = badProfileType(pod.podSecurityContext);
  if (podType !== undefined) {
    setters.blamePod('spec.securityContext.appArmorProfile.type');
    badTypes.add(podType);
  }
  for (const c of pod.containers) {
    const type = badProfileType(c.securityContext);
    if (type === undefined) continue;
    setters.blameContainer(c, `${c.path}.securityContext.appArmorProfile.type`);
    badTypes.add(type);
  }
  const annotations = new Culprits();
  const badAnnotations: string[] = [];
  for (const key of Object.keys(pod.annotations)) {
    if (!key.startsWith(ANNOTATION_PREFIX)) continue;
    const value = annotationValue(pod, key);
    if (allowedAnnotationValue(value)) continue;
    annotations.blamePod(annotationPath(key));
    badAnnotations.push(`${key}=${quoted(displayValue(value))}`);
  }
  if (!setters.found && !annotations.found) return undefined;
  const badValues = [...sortedValues(badTypes), ...badAnnotations.sort()];
  const who = setters.found ? [setters.setters()] : [];
  if (annotations.found) who.push(pluralize(badAnnotations.length, 'annotation', 'annotations'));
  return setters.failure(
    pluralize(badValues.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'),
    `${who.join(' and ')} must not set AppArmor profile type to ${joinQuoted(badValues)}`,
    annotations,
  );
}

/** `appArmorProfile` (baseline): AppArmor may not be disabled or overridden beyond runtime default or a localhost profile. */
export const appArmorProfileCheck: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  title: 'AppArmor',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_appArmorProfile.go'),
  versions: [
    {
      since: 'v1.0',
      change:
        'securityContext.appArmorProfile.type (pod and containers) must be RuntimeDefault or Localhost; ' +
        'container.apparmor.security.beta.kubernetes.io/* annotations must be empty, runtime/default or localhost/*',
      evaluate: appArmorProfile1_0,
    },
  ],
};
