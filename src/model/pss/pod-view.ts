import type { Fields } from './pod-fields';
import { displayValue, fieldsOf, itemsOf } from './pod-fields';
import type { PodInput } from '../pod-security-types';

/** One container (init, regular or ephemeral) as the checks see it. */
export interface ContainerView {
  /** The container's name, as upstream names it in details (`""` when missing). */
  readonly name: string;
  /** Its path relative to the pod, e.g. `spec.initContainers[0]`. */
  readonly path: string;
  /** Its fields. */
  readonly fields: Fields;
  /** Its `securityContext` fields (empty when unset). */
  readonly securityContext: Fields;
}

/** A pod read once per evaluation, shared by every check. */
export interface PodView {
  /** `metadata.annotations` (empty when unset). */
  readonly annotations: Fields;
  /** `spec`. */
  readonly spec: Fields;
  /** `spec.securityContext` (empty when unset). */
  readonly podSecurityContext: Fields;
  /** Init containers, then containers, then ephemeral containers: upstream's visiting order. */
  readonly containers: readonly ContainerView[];
  /**
   * `spec.os.name: windows`. From policy v1.25 upstream exempts such pods from the restricted
   * checks that Windows cannot honour (API validation forbids those fields there).
   */
  readonly windows: boolean;
  /**
   * `spec.hostUsers: false`: the pod runs in a user namespace, which relaxes `runAsNonRoot`,
   * `runAsUser` and baseline `procMount` from policy v1.35 (KEP-127). Only a real `false` counts.
   */
  readonly userNamespace: boolean;
}

// Upstream `visitContainers` order; ephemeral containers share the container fields that matter.
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Reads a pod once for all checks. Never throws. */
export function viewPod(pod: PodInput): PodView {
  const spec = fieldsOf(fieldsOf(pod).spec);
  const containers: ContainerView[] = [];
  for (const list of CONTAINER_LISTS) {
    itemsOf(spec[list]).forEach((item, index) => {
      const fields = fieldsOf(item);
      containers.push({
        name: displayValue(fields.name),
        path: `spec.${list}[${index}]`,
        fields,
        securityContext: fieldsOf(fields.securityContext),
      });
    });
  }
  return {
    annotations: fieldsOf(fieldsOf(fieldsOf(pod).metadata).annotations),
    spec,
    podSecurityContext: fieldsOf(spec.securityContext),
    containers,
    windows: fieldsOf(spec.os).name === 'windows',
    userNamespace: spec.hostUsers === false,
  };
}
