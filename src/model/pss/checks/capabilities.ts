import { displayValue, fieldsOf, isSet } from '../pod-fields';
import type { ContainerView } from '../pod-view';

const NONE: readonly string[] = Object.freeze([]);

/**
 * The capabilities `container` adds that `isAllowed` rejects, as shown in details. Names are
 * compared exactly, as upstream does: `net_bind_service` and `CAP_NET_BIND_SERVICE` are not
 * `NET_BIND_SERVICE`. An `add` that is not a list is one forbidden value (fail closed).
 */
export function forbiddenAdditions(container: ContainerView, isAllowed: (name: string) => boolean): readonly string[] {
  const add = fieldsOf(container.securityContext.capabilities).add;
  if (!isSet(add)) return NONE;
  // Not a list: the API server refuses the pod; say so rather than blame the value as a capability.
  if (!Array.isArray(add)) return [`${displayValue(add)} (${typeof add === 'object' ? 'an object' : `a ${typeof add}`}, not a list)`];
  const forbidden = add.filter((name) => typeof name !== 'string' || !isAllowed(name));
  return forbidden.length === 0 ? NONE : forbidden.map(displayValue);
}

/** The field path of a container's `capabilities.<list>`. */
export function capabilitiesPath(container: ContainerView, list: 'add' | 'drop'): string {
  return `${container.path}.securityContext.capabilities.${list}`;
}
