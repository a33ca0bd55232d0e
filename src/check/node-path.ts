import { NodePath } from '../model/workload';

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Parses a field path such as `spec.containers[0].ports[1]` into its segments. */
export function parseFieldPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const [, key, index] of path.matchAll(SEGMENT)) segments.push(index !== undefined ? Number(index) : key);
  return segments;
}

/** Renders segments as a field path: `spec.template.spec.containers[0]`. */
export function formatFieldPath(path: NodePath): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text;
}
