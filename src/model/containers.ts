import type { JsonObject } from './json-value';
import { asArray, asObject } from './json-value';

/** Where a container sits in the pod spec. */
export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

/** One container of a pod spec, with where it is. */
export interface ContainerEntry {
  /** The container's name; `containers[0]`-style when the manifest gives none. */
  readonly name: string;
  /** Whether the manifest names the container (an unnamed one cannot be matched by annotations). */
  readonly named: boolean;
  /** Its kind of container. */
  readonly type: ContainerType;
  /** The field path relative to the pod spec, e.g. `initContainers[1]`. */
  readonly path: string;
  /** The container as parsed; empty when the list entry is not a mapping. */
  readonly spec: JsonObject;
}

const CONTAINER_LISTS: readonly [string, ContainerType][] = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

const EMPTY: JsonObject = Object.freeze({});

/** Every container of a pod spec, init containers first, as the kubelet starts them. */
export function listContainers(podSpec: JsonObject | undefined): ContainerEntry[] {
  const entries: ContainerEntry[] = [];
  for (const [field, type] of CONTAINER_LISTS) {
    const list = podSpec === undefined ? undefined : asArray(podSpec[field]);
    list?.forEach((raw, index) => {
      const spec = asObject(raw) ?? EMPTY;
      const path = `${field}[${index}]`;
      const named = typeof spec.name === 'string' && spec.name.length > 0;
      entries.push({ name: named ? (spec.name as string) : path, named, type, path, spec });
    });
  }
  return entries;
}
