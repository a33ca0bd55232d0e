import type { PlainProperties } from './pulumi-properties';
import { plainProperties } from './pulumi-properties';
import type { KubernetesObject } from '../model/workload';
import { objectsInDocument, WORKLOAD_KINDS } from '../model/workload';

/** A Pulumi resource read as the Kubernetes object it creates. */
export interface KubernetesResource extends PlainProperties {
  /** The object, for a type that carries a pod. */
  readonly object: KubernetesObject;
}

/** Why a policy does not apply to a resource that is not a workload. */
export const NOT_A_WORKLOAD = `not a Kubernetes workload with a pod template (${WORKLOAD_KINDS.join(', ')})`;

/** What a workload's Pulumi type says of the object it creates. */
export interface WorkloadType {
  /** `apps/v1`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** `Deployment`, `Pod` … */
  readonly kind: string;
}

const KUBERNETES_TYPE = /^kubernetes:([^:]+):([^:]+)$/;

// Every policy asks for every resource, and a program has few types.
const workloadTypes = new Map<string, WorkloadType | undefined>();

/**
 * The `apiVersion` and `kind` of a `kubernetes:<group>/<version>:<Kind>` type whose kind
 * carries a pod; `undefined` for every other type (other providers, Services, `…Patch`
 * resources, whose properties are partial). Reads the type only, so that a policy can say it
 * does not apply before it reads any property.
 */
export function workloadTypeOf(type: string): WorkloadType | undefined {
  if (workloadTypes.has(type)) return workloadTypes.get(type);
  const match = KUBERNETES_TYPE.exec(type);
  const workloadType =
    match === null || !WORKLOAD_KINDS.includes(match[2])
      ? undefined
      : { apiVersion: match[1].startsWith('core/') ? match[1].slice('core/'.length) : match[1], kind: match[2] };
  workloadTypes.set(type, workloadType);
  return workloadType;
}

/**
 * The Kubernetes object a `kubernetes:<group>/<version>:<Kind>` resource creates, for the
 * kinds that carry a pod ({@link workloadTypeOf}); `undefined` for every other type.
 * Resources a `kubernetes:yaml/v2:ConfigGroup` creates reach the pack under their own types,
 * so YAML is checked too.
 */
export function kubernetesResource(type: string, props: unknown): KubernetesResource | undefined {
  const workloadType = workloadTypeOf(type);
  if (workloadType === undefined) return undefined;
  const plain = plainProperties(props);
  const { objects } = objectsInDocument({ ...plain.value, ...workloadType });
  const object = objects[0];
  return object === undefined ? undefined : { ...plain, object };
}
