/**
 * What a fix changes in a manifest, as data: fields set to values, by path. The fix chooses
 * edits on the parsed object (so that the model can judge the result before any text is
 * touched), and the rewriters (yaml-splices.ts, json-rewrite.ts) write the same edits into the
 * file. Edits of one document are gathered into a tree first, so that two edits under one
 * missing map (`securityContext.capabilities` and `securityContext.allowPrivilegeEscalation`)
 * create that map once.
 */
import type { SecurityContextChange } from '../check/security-context-hardening';
import { withChanges } from '../check/security-context-hardening';
import type { KubernetesObject, NodePath } from '../model/workload';
import { objectsInDocument } from '../model/workload';

/** One field a fix sets: its path (from the object's or the document's root) and its new value. */
export type FieldEdit = SecurityContextChange;

/** Edits gathered by path: a node is either set to a value, or has edits below it. */
export interface EditTree {
  /** The value this node is set to, when an edit ends here. */
  set?: { readonly value: unknown };
  /** The edits below this node, by map key or sequence index, in the order they were first made. */
  readonly children: Map<string | number, EditTree>;
}

/** The edits as one tree; a later edit of a path wins. */
export function editTree(edits: readonly FieldEdit[]): EditTree {
  const root: EditTree = { children: new Map() };
  for (const edit of edits) addEdit(root, edit.path, edit.value);
  return root;
}

/** Adds one edit to a tree. */
function addEdit(root: EditTree, path: NodePath, value: unknown): void {
  let node = root;
  for (const [depth, segment] of path.entries()) {
    if (node.set !== undefined) {
      // Below a value already set: the edit changes that value.
      node.set = { value: withEdits(node.set.value, [{ path: path.slice(depth), value }]) };
      return;
    }
    let child = node.children.get(segment);
    if (child === undefined) node.children.set(segment, (child = { children: new Map() }));
    node = child;
  }
  node.children.clear();
  node.set = { value };
}

/** The value a node that does not exist yet gets: its own, or a map (a sequence, for indexes) of its children's. */
export function treeValue(tree: EditTree): unknown {
  if (tree.set !== undefined) return tree.set.value;
  const entries = [...tree.children].map(([key, child]) => [key, treeValue(child)] as const);
  if (entries.every(([key]) => typeof key === 'number')) return entries.map(([, value]) => value);
  return Object.fromEntries(entries);
}

/** `root` with the edits applied to a copy (creating the maps on the way); `root` is not changed. */
export function withEdits<T>(root: T, edits: readonly FieldEdit[]): T {
  return withChanges(root, edits) as T;
}

/** The object as the model reads it once `edits` (from its root) are made, in its original place in its document. */
export function editedObject(original: KubernetesObject, edits: readonly FieldEdit[]): KubernetesObject {
  const [object] = objectsInDocument(withEdits(original.object, edits)).objects;
  return { ...object, path: original.path };
}
