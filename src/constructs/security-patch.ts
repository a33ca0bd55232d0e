import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';

/**
 * The one place where the constructs reach past cdk8s-plus with the escape hatch
 * (`ApiObject.of(x).addJsonPatch`). cdk8s-plus-27, the reference, cannot express three things the
 * plans need:
 * - `seccompProfile` — it has no field for it (28+ have one per container, no version one per pod);
 * - exact capability names — its `Capability` enum spells `CAP_NET_BIND_SERVICE`, which containerd
 *   reads as `CAP_CAP_NET_BIND_SERVICE` and ignores, and has no `ALL` (28+ spell them exactly);
 * - `hostUsers: false` on the pod spec (the user-namespace strategy) — no version, 27 through 33,
 *   has a prop for it.
 * The patches are the same for every supported version (27–33), so one code path serves them all.
 * Everything else (uid, gid, runAsNonRoot, sysctls, fsGroup, ports, annotations) goes through
 * cdk8s-plus's own API.
 */

/** Which container list of the pod spec. */
export type ContainerList = 'containers' | 'initContainers';

/** Fields to set in one container's `securityContext`. */
export interface ContainerSecurityFields {
  /** The list the container is in. */
  readonly list: ContainerList;
  /** Its index in that list. */
  readonly index: number;
  /** The fields, by their Kubernetes names (`capabilities`, `seccompProfile`, …). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The pod spec's path inside the workload object, as a JSON pointer. */
export function podSpecPointer(workload: IConstruct): string {
  const kind = ApiObject.of(workload).kind;
  if (kind === 'Pod') return '/spec';
  if (kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  return '/spec/template/spec';
}

/** Sets fields of the pod spec itself (`hostUsers`), which no cdk8s-plus version (27–33) has a prop for. */
export function patchPodSpec(workload: IConstruct, fields: Readonly<Record<string, unknown>>): void {
  addFields(workload, podSpecPointer(workload), fields);
}

/** Sets fields of the pod's `securityContext` (cdk8s-plus 27–33 always emit that object). */
export function patchPodSecurityContext(workload: IConstruct, fields: Readonly<Record<string, unknown>>): void {
  addFields(workload, `${podSpecPointer(workload)}/securityContext`, fields);
}

/** Sets fields of one container's `securityContext` (cdk8s-plus 27–33 always emit that object). */
export function patchContainerSecurityContext(workload: IConstruct, container: ContainerSecurityFields): void {
  addFields(workload, `${podSpecPointer(workload)}/${container.list}/${container.index}/securityContext`, container.fields);
}

/** One JSON patch `add` per field, under the object at `pointer`. */
function addFields(workload: IConstruct, pointer: string, fields: Readonly<Record<string, unknown>>): void {
  const patches = Object.entries(fields).map(([name, value]) => JsonPatch.add(`${pointer}/${name}`, value));
  if (patches.length > 0) ApiObject.of(workload).addJsonPatch(...patches);
}
