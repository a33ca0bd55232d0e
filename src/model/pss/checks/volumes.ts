import type { Fields } from '../pod-fields';
import { fieldsOf, isSet, itemsOf, displayValue } from '../pod-fields';
import type { PodView } from '../pod-view';

/** One entry of `spec.volumes`. */
export interface VolumeView {
  /** The volume's name (`""` when missing). */
  readonly name: string;
  /** Its path relative to the pod, e.g. `spec.volumes[0]`. */
  readonly path: string;
  /** Its fields: the name and the volume source. */
  readonly fields: Fields;
}

/** Calls `visit` for every entry of `spec.volumes`, in order. */
export function forEachVolume(pod: PodView, visit: (volume: VolumeView) => void): void {
  itemsOf(pod.spec.volumes).forEach((item, index) => {
    const fields = fieldsOf(item);
    visit({ name: displayValue(fields.name), path: `spec.volumes[${index}]`, fields });
  });
}

/** Whether the volume's source of type `sourceType` (e.g. `hostPath`) is set. */
export function hasSource(volume: VolumeView, sourceType: string): boolean {
  return isSet(volume.fields[sourceType]);
}
