/**
 * Writes edits into a YAML document's text as splices at the places the `yaml` package's
 * Document API locates (node ranges), leaving every other character as it was. Hand-written
 * here because the package's own way back to text, `Document.toString()`, lays the whole
 * document out again: it re-indents a 4-space file to 2, pads every flow collection, moves
 * comments — a fix must change only what it changes. A scalar is replaced where it stands (with
 * its quotes), a sequence that only grows gets its new items after its last one, a missing key
 * is added after the last key of its map, in the map's own column and style (yaml-rendering.ts).
 */
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { isAlias, isCollection, isMap, isScalar, isSeq, visit } from 'yaml';
import type { EditTree } from './field-edits';
import { treeValue } from './field-edits';
import type { ScalarQuoting, YamlStyle } from './yaml-rendering';
import { DEFAULT_YAML_STYLE, renderAfterKey, renderBlockMap, renderBlockSequence, renderFlow, renderScalar } from './yaml-rendering';

/** Characters `start` to `end` of a text replaced by `text`. */
export interface TextSplice {
  /** The first character replaced (an insertion: where it goes). */
  readonly start: number;
  /** The character after the last one replaced (`start` for an insertion). */
  readonly end: number;
  /** What goes there. */
  readonly text: string;
  /** How deep the collection written into is: of two insertions at one place, the deeper one comes first. */
  readonly depth: number;
}

/** An edit the document's text cannot take in place (an alias on the way, a scalar where a map must be). */
export class YamlEditError extends Error {}

/** The splices that write `tree` (paths from the document's root) into `document`, parsed from `text`. */
export function documentSplices(text: string, document: Document, tree: EditTree): TextSplice[] {
  return new SpliceWriter(text, documentStyle(text, document)).edit(document.contents as Node | null, tree, undefined, 0);
}

/** `text` with the splices applied: each at its place in the original text. */
export function applySplices(text: string, splices: readonly TextSplice[]): string {
  const ordered = [...splices].sort((a, b) => b.start - a.start || a.depth - b.depth);
  let result = text;
  for (const splice of ordered) result = result.slice(0, splice.start) + splice.text + result.slice(splice.end);
  return result;
}

class SpliceWriter {
  constructor(
    private readonly text: string,
    private readonly style: YamlStyle,
  ) {}

  /** The splices for `tree` at `node` (the value of `pair`, when it is one). */
  edit(node: Node | null, tree: EditTree, pair: Pair | undefined, depth: number): TextSplice[] {
    if (isAlias(node)) throw new YamlEditError(`the value at line ${this.lineOf(node.range![0])} is an alias (*${node.source}): edit its anchor instead`);
    if (tree.set !== undefined) return this.replace(node, tree.set.value, pair, depth);
    if (isMap(node)) return this.editMap(node, tree, depth);
    if (isSeq(node)) return this.editSequence(node, tree, depth);
    if (node === null || (isScalar(node) && node.value === null)) return this.replace(node, treeValue(tree), pair, depth);
    throw new YamlEditError(`the value at line ${this.lineOf(node.range![0])} is a scalar where the fix needs a map or a list`);
  }

  private editMap(map: YAMLMap, tree: EditTree, depth: number): TextSplice[] {
    const splices: TextSplice[] = [];
    const missing: [string, unknown][] = [];
    for (const [key, child] of tree.children) {
      const pair = map.items.find((item) => isScalar(item.key) && namesKey(item.key, String(key)));
      if (pair === undefined) missing.push([String(key), treeValue(child)]);
      else splices.push(...this.edit(pair.value as Node | null, child, pair, depth + 1));
    }
    if (missing.length > 0) splices.push(this.insertPairs(map, Object.fromEntries(missing), depth));
    return splices;
  }

  private editSequence(sequence: YAMLSeq, tree: EditTree, depth: number): TextSplice[] {
    const splices: TextSplice[] = [];
    const appended: unknown[] = [];
    for (const [index, child] of tree.children) {
      const item = typeof index === 'number' ? sequence.items[index] : undefined;
      if (item === undefined) appended.push(treeValue(child));
      else splices.push(...this.edit(item as Node | null, child, undefined, depth + 1));
    }
    if (appended.length > 0) splices.push(this.insertItems(sequence, appended, depth));
    return splices;
  }

  /** `node` (the value of `pair`, when it is one) replaced by `value`. */
  private replace(node: Node | null, value: unknown, pair: Pair | undefined, depth: number): TextSplice[] {
    const isCollectionValue = typeof value === 'object' && value !== null;
    if (isScalar(node) && node.value !== null && !isCollectionValue) {
      return [{ start: node.range![0], end: node.range![1], text: renderScalar(value, quotingOf(node.type)), depth }];
    }
    if (isSeq(node) && Array.isArray(value) && growsFrom(node, value)) {
      return value.length === node.items.length ? [] : [this.insertItems(node, value.slice(node.items.length), depth)];
    }
    if (node !== null && (pair === undefined || (isCollection(node) && node.flow === true) || (isScalar(node) && !isCollectionValue))) {
      return [{ start: node.range![0], end: node.range![1], text: renderFlow(value, this.style), depth }];
    }
    if (pair === undefined) throw new YamlEditError('a document without content cannot be edited');
    // A block collection, or nothing: everything after the key's colon is written again.
    const keyEnd = (pair.key as Node).range![1];
    const colon = this.text.indexOf(':', keyEnd);
    const end = node === null || (isScalar(node) && node.range![0] === node.range![1]) ? colon + 1 : this.lineEnd(node.range![1]);
    const column = this.columnOf((pair.key as Node).range![0]);
    const after = renderAfterKey(value, column, this.style);
    return [{ start: colon + 1, end, text: end === colon + 1 ? after : `${after}\n`, depth }];
  }

  /** New keys after the last one of `map`, in its column (block) or before its closing brace (flow). */
  private insertPairs(map: YAMLMap, entries: Readonly<Record<string, unknown>>, depth: number): TextSplice {
    if (map.flow === true || map.items.length === 0) {
      const last = map.items.at(-1);
      if (last === undefined) return { start: map.range![0], end: map.range![1], text: renderFlow(entries, this.style), depth };
      const end = ((last.value ?? last.key) as Node).range![1];
      const text = Object.entries(entries).map(([key, value]) => `, ${renderScalar(key)}: ${renderFlow(value, this.style)}`).join('');
      return { start: end, end, text, depth };
    }
    const column = this.columnOf((map.items[0].key as Node).range![0]);
    return this.insertLines(map.range![1], renderBlockMap(entries, column, this.style), depth);
  }

  /** New items after the last one of `sequence`. */
  private insertItems(sequence: YAMLSeq, items: readonly unknown[], depth: number): TextSplice {
    if (sequence.flow === true || sequence.items.length === 0) {
      const last = sequence.items.at(-1) as Node | undefined;
      if (last === undefined) return { start: sequence.range![0], end: sequence.range![1], text: renderFlow(items, this.style), depth };
      const end = last.range![1];
      return { start: end, end, text: items.map((item) => `, ${renderFlow(item, this.style)}`).join(''), depth };
    }
    return this.insertLines(sequence.range![1], renderBlockSequence(items, this.columnOf(sequence.range![0]), this.style), depth);
  }

  /** Whole lines inserted after the line on which a block collection ends at `end`. */
  private insertLines(end: number, lines: string, depth: number): TextSplice {
    const at = this.lineEnd(end);
    const newline = at > 0 && this.text[at - 1] !== '\n' ? '\n' : '';
    return { start: at, end: at, text: `${newline}${lines}\n`, depth };
  }

  /** Where the line holding character `offset - 1` ends (after its line break), or the text's end. */
  private lineEnd(offset: number): number {
    if (offset > 0 && this.text[offset - 1] === '\n') return offset;
    const lineBreak = this.text.indexOf('\n', offset);
    return lineBreak === -1 ? this.text.length : lineBreak + 1;
  }

  private columnOf(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private lineOf(offset: number): number {
    let line = 1;
    for (let at = this.text.indexOf('\n'); at !== -1 && at < offset; at = this.text.indexOf('\n', at + 1)) line++;
    return line;
  }
}

/**
 * Whether a map key is `key`: by its value, or by its text, since YAML 1.1 reads some plain keys
 * as other types (`y`, `on` as booleans) while the field a fix names is the text.
 */
function namesKey(node: Scalar, key: string): boolean {
  return String(node.value) === key || node.source === key;
}

function quotingOf(type: string | undefined): ScalarQuoting {
  return type === 'QUOTE_DOUBLE' ? 'double' : type === 'QUOTE_SINGLE' ? 'single' : 'plain';
}

/** Whether `value` is the sequence's items with more after them. */
function growsFrom(sequence: YAMLSeq, value: readonly unknown[]): boolean {
  const same = (item: unknown, index: number) => JSON.stringify((item as Node).toJSON()) === JSON.stringify(value[index]);
  return value.length >= sequence.items.length && sequence.items.every(same);
}

/** The document's own layout: its indentation step, how it indents sequences, whether it pads flow collections. */
function documentStyle(text: string, document: Document): YamlStyle {
  const column = (offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  let indent: number | undefined;
  let indentSequences: boolean | undefined;
  let flowPadding: boolean | undefined;
  visit(document, {
    Pair(_key, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || value === null || !isCollection(value) || value.items.length === 0) return;
      if (value.flow === true) {
        flowPadding ??= text[value.range![0] + 1] === ' ';
        return;
      }
      const offset = column(key.range[0]);
      if (isMap(value)) indent ??= column((value.items[0].key as Node).range![0]) - offset;
      else indentSequences ??= column(value.range![0]) > offset;
    },
  });
  return {
    indent: indent !== undefined && indent > 0 ? indent : DEFAULT_YAML_STYLE.indent,
    indentSequences: indentSequences ?? DEFAULT_YAML_STYLE.indentSequences,
    flowPadding: flowPadding ?? DEFAULT_YAML_STYLE.flowPadding,
  };
}
