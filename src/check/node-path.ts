import { asArray, asObject } from '../model/json-value';
import type { NodePath } from '../model/workload';

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Parses a field path such as `spec.containers[0].ports[1]` into its segments (frozen: they are shared). */
export function parseFieldPath(path: string): readonly (string | number)[] {
  let segments = PARSED.get(path);
  if (segments === undefined) {
    const parsed: (string | number)[] = [];
    for (const [, key, index] of path.matchAll(SEGMENT)) parsed.push(index !== undefined ? Number(index) : key);
    segments = Object.freeze(parsed);
    // Rules name few distinct paths; a bound keeps input-made ones (annotation keys) from piling up.
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(path, segments);
  }
  return segments;
}

const PARSED = new Map<string, readonly (string | number)[]>();
const MAX_PARSED = 4096;

/** Renders segments as a field path: `spec.template.spec.containers[0]`. */
export function formatFieldPath(path: NodePath): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text;
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: NodePath, path: NodePath): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

/** The value at `path`, or `undefined`. */
export function valueAt(root: unknown, path: NodePath): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (typeof segment === 'number') node = asArray(node)?.[segment];
    else node = asObject(node)?.[segment];
    if (node === undefined) return undefined;
  }
  return node;
}
