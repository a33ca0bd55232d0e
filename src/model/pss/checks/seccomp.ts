import { Culprits, joinQuoted, sortedValues } from '../culprits';
import type { Fields } from '../pod-fields';
import { displayValue, fieldsOf, isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

/** Whether a `seccompProfile.type` is allowed: only RuntimeDefault and Localhost (an unset type is ""). */
export function allowedSeccompType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** Seccomp profiles set explicitly to a forbidden type, at pod and container level. */
export interface ExplicitSeccompFaults {
  /** Who sets a forbidden type. */
  readonly setters: Culprits;
  /** The forbidden types. */
  readonly badTypes: Set<string>;
  /** Whether the pod sets an allowed profile that containers without their own inherit. */
  readonly podProfileAllowed: boolean;
}

function badType(securityContext: Fields): string | undefined {
  const type = fieldsOf(securityContext.seccompProfile).type;
  return allowedSeccompType(type) ? undefined : displayValue(type);
}

/** Finds every explicitly set seccomp profile of a forbidden type (baseline and restricted alike). */
export function explicitSeccompFaults(pod: PodView): ExplicitSeccompFaults {
  const setters = new Culprits();
  const badTypes = new Set<string>();
  let podProfileAllowed = false;
  if (isSet(pod.podSecurityContext.seccompProfile)) {
    const type = badType(pod.podSecurityContext);
    if (type === undefined) {
      podProfileAllowed = true;
    } else {
      setters.blamePod('spec.securityContext.seccompProfile.type');
      badTypes.add(type);
    }
  }
  for (const c of pod.containers) {
    if (!isSet(c.securityContext.seccompProfile)) continue;
    const type = badType(c.securityContext);
    if (type === undefined) continue;
    setters.blameContainer(c, `${c.path}.securityContext.seccompProfile.type`);
    badTypes.add(type);
  }
  return { setters, badTypes, podProfileAllowed };
}

/** Upstream's detail for explicit forbidden types. */
export function explicitSeccompDetail(faults: ExplicitSeccompFaults): string {
  return `${faults.setters.setters()} must not set securityContext.seccompProfile.type to ${joinQuoted(sortedValues(faults.badTypes))}`;
}
