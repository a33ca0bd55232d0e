import type { PodView } from '../pod-view';

/**
 * An annotation's value as the decoder reads `map[string]string`: `null` is the empty string;
 * any other non-string stays as it is so that value checks fail closed on it.
 */
export function annotationValue(pod: PodView, key: string): unknown {
  const value = pod.annotations[key];
  return value === null ? '' : value;
}

/** The field path of an annotation, e.g. `metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']`. */
export function annotationPath(key: string): string {
  return `metadata.annotations['${key}']`;
}
