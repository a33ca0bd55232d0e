import type { JsonObject } from './json-value';
import { asArray, asObject, describeRaw } from './json-value';
import type { PodInput } from './pod-security-types';

/** A path from a document's root to a node: map keys and sequence indexes. */
export type NodePath = readonly (string | number)[];

/** One Kubernetes object found in a document (a `List`'s items are objects of their own). */
export interface KubernetesObject {
  /** Where the object sits in its document (`[]` for the document itself, `['items', 2]` in a List). */
  readonly path: NodePath;
  /** `apiVersion`. */
  readonly apiVersion: string;
  /** `kind`. */
  readonly kind: string;
  /** `metadata.name`, or `null`. */
  readonly name: string | null;
  /** `metadata.namespace`, or `null`. */
  readonly namespace: string | null;
  /** The object as parsed. */
  readonly object: JsonObject;
  /** The pod or pod template it carries, for workload kinds. */
  readonly pod: PodTemplate | undefined;
}

/** A pod, or a workload's pod template, and where it sits in the object. */
export interface PodTemplate extends PodInput {
  /** Path from the object to the pod's `spec`, e.g. `['spec', 'template', 'spec']`. */
  readonly specPath: NodePath;
  /** Path from the object to the pod's `metadata`. */
  readonly metadataPath: NodePath;
}

/** Something in a document that is not a Kubernetes object the checker can read. */
export interface ObjectProblem {
  /** Where in the document. */
  readonly path: NodePath;
  /** What is wrong and what to do. */
  readonly message: string;
}

/**
 * Where each workload kind keeps its pod template. Every kind is matched by name
 * whatever its API group version (`apps/v1`, `batch/v1`, `extensions/v1beta1` …).
 */
const POD_TEMPLATE_PATHS: Readonly<Record<string, NodePath>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

/** The kinds whose pod (template) the checker reads. */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

/** How deep `List`s may nest inside each other before the document is refused. */
const MAX_LIST_DEPTH = 16;

/**
 * The Kubernetes objects in one parsed document: the document itself, or a `List`'s
 * items (nested Lists too). An empty document (`null`) holds none; anything that is
 * not an object with `apiVersion` and `kind` is a problem, and the rest is still read.
 */
export function objectsInDocument(document: unknown): { objects: KubernetesObject[]; problems: ObjectProblem[] } {
  const objects: KubernetesObject[] = [];
  const problems: ObjectProblem[] = [];
  collect(document, [], 0, objects, problems);
  return { objects, problems };
}

function collect(value: unknown, path: NodePath, depth: number, objects: KubernetesObject[], problems: ObjectProblem[]): void {
  if (value === null || value === undefined) {
    if (path.length > 0) problems.push({ path, message: 'a List item is empty' });
    return;
  }
  const object = asObject(value);
  if (object === undefined) {
    problems.push({ path, message: `expected a Kubernetes object (a map with apiVersion and kind), found ${Array.isArray(value) ? 'a list' : `the scalar ${describeRaw(value)}`}` });
    return;
  }
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    problems.push({ path, message: 'not a Kubernetes object: apiVersion and kind must both be non-empty strings' });
    return;
  }
  if (kind === 'List' || kind.endsWith('List')) {
    const items = asArray(object.items);
    if (items === undefined) {
      if (kind === 'List') problems.push({ path, message: 'a List without an items list' });
      else objects.push(describe(object, path, apiVersion, kind));
      return;
    }
    if (depth >= MAX_LIST_DEPTH) {
      problems.push({ path, message: `Lists nest deeper than ${MAX_LIST_DEPTH} levels` });
      return;
    }
    items.forEach((item, index) => collect(item, [...path, 'items', index], depth + 1, objects, problems));
    return;
  }
  objects.push(describe(object, path, apiVersion, kind));
}

function describe(object: JsonObject, path: NodePath, apiVersion: string, kind: string): KubernetesObject {
  const metadata = asObject(object.metadata);
  return {
    path,
    apiVersion,
    kind,
    name: typeof metadata?.name === 'string' ? metadata.name : null,
    namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : null,
    object,
    pod: podTemplateOf(object, kind),
  };
}

function podTemplateOf(object: JsonObject, kind: string): PodTemplate | undefined {
  const templatePath = POD_TEMPLATE_PATHS[kind];
  if (templatePath === undefined) return undefined;
  let template: unknown = object;
  for (const key of templatePath) template = asObject(template)?.[key];
  const templateObject = asObject(template);
  return {
    metadata: templateObject?.metadata,
    spec: templateObject?.spec,
    specPath: [...templatePath, 'spec'],
    metadataPath: [...templatePath, 'metadata'],
  };
}
