import { plainKeyString } from './go-yaml-scalars';
import type { NodePath } from '../model/workload';

/**
 * Finds the line of a node in block-style YAML by reading indentation, with no parse: the
 * fast path of {@link NodeLocator}. Rendered manifests (Helm, kubectl, cdk8s) are block YAML
 * whose every line is self-contained (a key, a sequence item `- `, a scalar, a comment, a
 * one-line flow collection `[...]`/`{...}`, or the content of a block scalar `|`/`>`), and for
 * those the indentation alone says which line holds a node. A document with anything else —
 * a quoted scalar or flow collection that spans lines, an anchor, an alias, a tag, a complex
 * key `?`, a tab, an explicit indentation indicator, a first line that is indented — is not
 * answered here (`undefined`), and the caller parses it with the `yaml` package instead.
 *
 * The answers are those of the `yaml`-based locator (`ParsedLocator`), which a differential
 * test checks on generated documents: the line of a map entry's key, of a sequence item's
 * first token, or of the nearest ancestor found when the path leaves the document.
 */
export class IndentationLocator {
  /** Offsets of each line's first character; `undefined` until the first lookup. */
  private lineStarts: Int32Array | undefined;
  /**
   * Each line's indentation; {@link NO_NODE} for a line that holds no node (blank, comment, or
   * block scalar content). `undefined` until the first lookup; `null` when the document is
   * not plain block YAML.
   */
  private indents: Int32Array | null | undefined;

  /** @param text the document's text */
  constructor(private readonly text: string) {}

  /**
   * The zero-based line (within the text) of the node at `path`, or of its nearest ancestor
   * that exists; `undefined` when this document must be parsed to say.
   */
  lineIndexOf(path: NodePath): number | undefined {
    if (this.indents === undefined) this.indents = this.index();
    const indents = this.indents;
    if (indents === null) return undefined;
    const root = this.nextNodeLine(indents, 0);
    // An empty document: the yaml package's document has no contents, at offset 0.
    if (root === -1) return 0;
    if (indents[root] !== 0) return undefined;
    let line = root;
    let column = 0;
    let found = root;
    for (const segment of path) {
      const shape = this.shapeAt(line, column);
      if (shape === 'flow') {
        // Every node of a one-line flow collection is on its line: the answer is that line,
        // if it is the line of the last node found (else, whether the child exists matters).
        return line === found ? found : undefined;
      }
      if (shape === 'scalar') return found;
      if (shape === undefined) return undefined;
      if (shape === 'map') {
        if (typeof segment !== 'string') return undefined;
        const entry = this.findKey(indents, line, column, segment);
        if (entry === undefined) return undefined;
        if (entry === null) return found;
        found = entry.line;
        const value = this.valueOf(indents, entry.line, entry.valueOffset, column);
        if (value === null) return found;
        line = value.line;
        column = value.column;
      } else {
        if (typeof segment !== 'number') return isItemIndex(segment) ? undefined : found;
        if (!Number.isInteger(segment) || segment < 0) return found;
        const item = this.findItem(indents, line, column, segment);
        if (item === undefined) return found;
        const content = this.itemContent(indents, item, column);
        found = content.line;
        if (content.column === -1) return found;
        line = content.line;
        column = content.column;
      }
    }
    return found;
  }

  /**
   * Indexes the lines, or returns `null` when the document is not plain block YAML. Besides
   * checking each line on its own ({@link scanLine}), it follows the open collections'
   * columns, as a parser would, and refuses indentation that closes a collection without
   * returning to an open one's column: parsers recover from such input in ways of their own.
   */
  private index(): Int32Array | null {
    const text = this.text;
    // Tabs (indentation or separation) and carriage returns (line breaks to the yaml
    // package) change where nodes are in ways indentation does not show.
    if (text.includes('\t') || text.includes('\r')) return null;
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
    const starts = new Int32Array(count + 1);
    const indents = new Int32Array(count);
    let line = 0;
    starts[0] = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[++line] = i + 1;
    starts[count] = text.length + 1;
    this.lineStarts = starts;
    // The open block collections, innermost last: their columns, and whether each is a sequence.
    const columns: number[] = [];
    const sequences: boolean[] = [];
    // After a line that ends with a key or `-` and no value: that key's or `-`'s column.
    let opener = -1;
    let openerIsKey = false;
    // After a plain scalar value: deeper lines may continue it.
    let plainOwner = -1;
    // While a block scalar is open: the column its content must be deeper than.
    let blockScalarParent = -1;
    for (let l = 0; l < count; l++) {
      const start = starts[l];
      const end = starts[l + 1] - 1;
      let position = start;
      while (position < end && text.charCodeAt(position) === SPACE) position++;
      const indent = position - start;
      const first = position < end ? text.charCodeAt(position) : -1;
      if (blockScalarParent !== -1) {
        if (first === -1 || indent > blockScalarParent) {
          indents[l] = NO_NODE;
          continue;
        }
        blockScalarParent = -1;
      }
      if (first === -1 || first === HASH) {
        indents[l] = NO_NODE;
        continue;
      }
      if (plainOwner !== -1 && opener === -1 && indent > plainOwner) {
        // A continuation of a multi-line plain scalar: text, unless it looks like a node.
        if (!isPlainContinuation(text, position, end)) return null;
        indents[l] = NO_NODE;
        continue;
      }
      plainOwner = -1;
      if (scanLine(text, position, end) === INVALID) return null;
      const firstIsDash = LINE.dashes > 0 && LINE.dash[0] === position;
      const firstIsKey = LINE.key === position;
      if (!firstIsDash && !firstIsKey) {
        // A scalar on its own line is only a value of the key or `-` above it.
        if (opener === -1 || indent <= opener) return null;
      } else if (opener !== -1 && (indent > opener || (openerIsKey && indent === opener && firstIsDash))) {
        // The value of the key or `-` above: a collection that opens here.
        columns.push(indent);
        sequences.push(firstIsDash);
      } else if (columns.length === 0) {
        // The root collection; a second root after it is not YAML.
        if (this.nextNodeLine(indents, 0, l) !== -1) return null;
        columns.push(indent);
        sequences.push(firstIsDash);
      } else {
        // An entry of an open collection: close the deeper ones; the line must be at an open column.
        while (columns.length > 0 && columns[columns.length - 1] > indent) {
          columns.pop();
          sequences.pop();
        }
        if (columns.length > 0 && firstIsKey && sequences[sequences.length - 1] && columns[columns.length - 1] === indent) {
          // A key after a sequence written at its key's column (`containers:\n- name: a\nvolumes:`).
          columns.pop();
          sequences.pop();
        }
        if (columns.length === 0 || columns[columns.length - 1] !== indent || sequences[sequences.length - 1] !== firstIsDash) return null;
      }
      // Compact collections on the line: `- - a`, `- key: value`.
      for (let d = firstIsDash ? 1 : 0; d < LINE.dashes; d++) {
        columns.push(LINE.dash[d] - start);
        sequences.push(true);
      }
      if (LINE.key !== -1 && !firstIsKey) {
        columns.push(LINE.key - start);
        sequences.push(false);
      }
      const owner = (LINE.key !== -1 ? LINE.key : LINE.dashes > 0 ? LINE.dash[LINE.dashes - 1] : position) - start;
      opener = -1;
      if (LINE.value === VALUE_NONE && (LINE.key !== -1 || LINE.dashes > 0)) {
        opener = owner;
        openerIsKey = LINE.key !== -1;
      } else if (LINE.value === VALUE_BLOCK_SCALAR) {
        blockScalarParent = owner;
      } else if (LINE.value === VALUE_PLAIN) {
        plainOwner = columns.length > 0 ? columns[columns.length - 1] : owner;
      }
      indents[l] = indent;
    }
    return indents;
  }

  /** The first line at or after `from` (and before `to`) that holds a node, or -1. */
  private nextNodeLine(indents: Int32Array, from: number, to: number = indents.length): number {
    for (let l = from; l < to; l++) if (indents[l] !== NO_NODE) return l;
    return -1;
  }

  /** What the node whose first token is at (line, column) is. */
  private shapeAt(line: number, column: number): 'map' | 'seq' | 'scalar' | 'flow' | undefined {
    const text = this.text;
    const start = this.lineStarts![line] + column;
    const end = this.lineStarts![line + 1] - 1;
    const c = text.charCodeAt(start);
    if (c === DASH && isBreakOrSpace(text, start + 1, end)) return 'seq';
    if (c === OPEN_BRACKET || c === OPEN_BRACE) return 'flow';
    if (c === PIPE || c === GREATER) return 'scalar';
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const close = closingQuote(text, start, end);
      if (close === -1) return undefined;
      return colonAfter(text, close + 1, end) === -1 ? 'scalar' : 'map';
    }
    return plainKeyEnd(text, start, end) === -1 ? 'scalar' : 'map';
  }

  /**
   * The entry of the map whose first key is at (line, column) with key `key`: the line and
   * the offset just after its `:`; `null` when the map has no such key; `undefined` when a
   * key cannot be read without a parse.
   */
  private findKey(indents: Int32Array, line: number, column: number, key: string): { line: number; valueOffset: number } | null | undefined {
    const text = this.text;
    const starts = this.lineStarts!;
    for (let l = line; l !== -1; ) {
      const start = starts[l] + column;
      const end = starts[l + 1] - 1;
      const entry = readKey(text, start, end);
      if (entry === undefined) return undefined;
      // A plain key is the key kubectl makes of it (`yes` is `true`, `0x1F` is `31`); one that is
      // no key (`~`, a merge `<<`) is left to the parser.
      const entryKey = entry.plain ? plainKeyString(entry.key) : entry.key;
      if (entryKey === undefined) return undefined;
      if (entryKey === key) return { line: l, valueOffset: entry.valueOffset };
      // The next entry: the next line at this column that is not an item of a sequence
      // written at its key's column (`containers:\n- name: web`).
      let next = -1;
      for (let n = l + 1; n < indents.length; n++) {
        const indent = indents[n];
        if (indent === NO_NODE || indent > column) continue;
        if (indent < column) break;
        if (text.charCodeAt(starts[n] + column) === DASH && isBreakOrSpace(text, starts[n] + column + 1, starts[n + 1] - 1)) continue;
        next = n;
        break;
      }
      l = next;
    }
    return null;
  }

  /**
   * Where the value of the entry whose `:` ends before `valueOffset` on `line` starts: on the
   * same line, on a deeper line after it, or a sequence at the key's column; `null` for none.
   */
  private valueOf(indents: Int32Array, line: number, valueOffset: number, column: number): { line: number; column: number } | null {
    const text = this.text;
    const lineStart = this.lineStarts![line];
    const end = this.lineStarts![line + 1] - 1;
    let position = valueOffset;
    while (position < end && text.charCodeAt(position) === SPACE) position++;
    if (position < end && text.charCodeAt(position) !== HASH) return { line, column: position - lineStart };
    const next = this.nextNodeLine(indents, line + 1);
    if (next === -1) return null;
    const indent = indents[next];
    if (indent > column) return { line: next, column: indent };
    const start = this.lineStarts![next] + column;
    if (indent === column && text.charCodeAt(start) === DASH && isBreakOrSpace(text, start + 1, this.lineStarts![next + 1] - 1)) {
      return { line: next, column };
    }
    return null;
  }

  /** The line of item `index` of the sequence whose first `-` is at (line, column), or `undefined`. */
  private findItem(indents: Int32Array, line: number, column: number, index: number): number | undefined {
    const text = this.text;
    const starts = this.lineStarts!;
    let l = line;
    for (let i = 0; i < index; i++) {
      let next = -1;
      for (let n = l + 1; n < indents.length; n++) {
        const indent = indents[n];
        if (indent === NO_NODE || indent > column) continue;
        const start = starts[n] + column;
        if (indent === column && text.charCodeAt(start) === DASH && isBreakOrSpace(text, start + 1, starts[n + 1] - 1)) next = n;
        break;
      }
      if (next === -1) return undefined;
      l = next;
    }
    return l;
  }

  /**
   * Where the item whose `-` is at (line, column) starts: after the `-` on its line, or on
   * the next deeper line; column -1 for an empty item (the yaml package puts it at its `-`).
   */
  private itemContent(indents: Int32Array, line: number, column: number): { line: number; column: number } {
    const text = this.text;
    const lineStart = this.lineStarts![line];
    const end = this.lineStarts![line + 1] - 1;
    let position = lineStart + column + 1;
    while (position < end && text.charCodeAt(position) === SPACE) position++;
    if (position < end && text.charCodeAt(position) !== HASH) return { line, column: position - lineStart };
    const next = this.nextNodeLine(indents, line + 1);
    if (next !== -1 && indents[next] > column) return { line: next, column: indents[next] };
    return { line, column: -1 };
  }
}

/** The yaml package reads a string segment on a sequence as an index when it is one. */
function isItemIndex(segment: string | number): boolean {
  const number = Number(segment);
  return segment !== '' && Number.isInteger(number) && number >= 0;
}

const NO_NODE = -1;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const COMMA = 0x2c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const PIPE = 0x7c;
const GREATER = 0x3e;
const PLUS = 0x2b;


/** Whether the character at `position` is a space or the end of the line. */
function isBreakOrSpace(text: string, position: number, end: number): boolean {
  return position >= end || text.charCodeAt(position) === SPACE;
}

/** A character that cannot start a plain scalar, or that this locator leaves to the parser. */
function isUnsupportedIndicator(c: number): boolean {
  // ? : , ] } & * ! % @ `
  return (
    c === 0x3f || c === COLON || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE ||
    c === 0x26 || c === 0x2a || c === 0x21 || c === 0x25 || c === 0x40 || c === 0x60
  );
}

/** What {@link scanLine} found on a line: its `-` indicators, its key, and what its value is. */
const LINE = { dashes: 0, dash: new Int32Array(16), key: -1, value: 0 };
const VALUE_NONE = 0;
const VALUE_PLAIN = 1;
const VALUE_OTHER = 2; // a quoted scalar or a one-line flow collection
const VALUE_BLOCK_SCALAR = 3;
const INVALID = -2;

/**
 * Reads a line (from its first token to `end`) into {@link LINE}, or returns {@link INVALID}
 * when it is not self-contained block YAML: a chain of `- ` indicators, at most one key, and
 * a value that ends on the line (or a block scalar header).
 */
function scanLine(text: string, position: number, end: number): number {
  LINE.dashes = 0;
  LINE.key = -1;
  LINE.value = VALUE_NONE;
  for (;;) {
    while (position < end && text.charCodeAt(position) === SPACE) position++;
    if (position >= end) return 0;
    const c = text.charCodeAt(position);
    if (c === HASH) return 0;
    if (c === DASH && isBreakOrSpace(text, position + 1, end)) {
      // A sequence cannot start on its key's line.
      if (LINE.key !== -1 || LINE.dashes === LINE.dash.length) return INVALID;
      LINE.dash[LINE.dashes++] = position;
      position++;
      continue;
    }
    if (c === PIPE || c === GREATER) {
      // A block scalar header: chomping indicator and comment only (an explicit indentation
      // indicator is left to the parser).
      position++;
      while (position < end && (text.charCodeAt(position) === DASH || text.charCodeAt(position) === PLUS)) position++;
      const afterIndicators = position;
      while (position < end && text.charCodeAt(position) === SPACE) position++;
      if (position < end && !(text.charCodeAt(position) === HASH && position > afterIndicators)) return INVALID;
      LINE.value = VALUE_BLOCK_SCALAR;
      return 0;
    }
    let tokenEnd: number;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const close = closingQuote(text, position, end);
      if (close === -1) return INVALID;
      tokenEnd = close + 1;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      const close = closingBracket(text, position, end);
      if (close === -1) return INVALID;
      // A flow collection as a key (`[a]: b`) is left to the parser.
      if (colonAfter(text, close + 1, end) !== -1) return INVALID;
      tokenEnd = close + 1;
    } else if (isUnsupportedIndicator(c)) {
      return INVALID;
    } else {
      const keyEnd = plainKeyEnd(text, position, end);
      if (keyEnd === -1) {
        // A plain scalar to the end of the line or to a comment.
        LINE.value = VALUE_PLAIN;
        return 0;
      }
      if (LINE.key !== -1) return INVALID;
      LINE.key = position;
      position = keyEnd + 1;
      continue;
    }
    // After a quoted scalar or flow collection: a `:` (it was a key), a comment, or the end.
    let next = tokenEnd;
    while (next < end && text.charCodeAt(next) === SPACE) next++;
    if (next >= end || (text.charCodeAt(next) === HASH && next > tokenEnd)) {
      LINE.value = VALUE_OTHER;
      return 0;
    }
    if (text.charCodeAt(next) === COLON && isBreakOrSpace(text, next + 1, end) && LINE.key === -1 && c !== OPEN_BRACKET && c !== OPEN_BRACE) {
      LINE.key = position;
      position = next + 1;
      continue;
    }
    return INVALID;
  }
}

/** Whether a line deeper than a plain scalar is plain text that continues it (not a key, an item, a quote …). */
function isPlainContinuation(text: string, position: number, end: number): boolean {
  const c = text.charCodeAt(position);
  if (c === DASH && isBreakOrSpace(text, position + 1, end)) return false;
  if (isUnsupportedIndicator(c) || c === DOUBLE_QUOTE || c === SINGLE_QUOTE) return false;
  if (c === OPEN_BRACKET || c === OPEN_BRACE || c === PIPE || c === GREATER) return false;
  for (let i = position; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === COLON && isBreakOrSpace(text, i + 1, end)) return false;
    if (ch === HASH && text.charCodeAt(i - 1) === SPACE) return true;
  }
  return true;
}

/** The offset of the quote that closes the quoted scalar opening at `start`, or -1. */
function closingQuote(text: string, start: number, end: number): number {
  const quote = text.charCodeAt(start);
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote === DOUBLE_QUOTE && c === BACKSLASH) {
      i++;
    } else if (c === quote) {
      if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE && i + 1 < end) i++;
      else return i;
    }
  }
  return -1;
}

/** The offset of the bracket that closes the flow collection opening at `start`, or -1. */
function closingBracket(text: string, start: number, end: number): number {
  let depth = 0;
  // Whether the next non-space character starts a token (a quote there opens a quoted scalar).
  let tokenStart = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE) continue;
    if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
      tokenStart = true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (--depth === 0) return i;
      tokenStart = false;
    } else if (c === COMMA || c === COLON) {
      tokenStart = true;
    } else if (tokenStart && (c === DOUBLE_QUOTE || c === SINGLE_QUOTE)) {
      const close = closingQuote(text, i, end);
      if (close === -1) return -1;
      i = close;
      tokenStart = false;
    } else if (c === HASH && text.charCodeAt(i - 1) === SPACE) {
      return -1;
    } else if (c === 0x26 || c === 0x2a || c === 0x21 || c === 0x3f || c === PIPE || c === GREATER) {
      // Anchors, aliases, tags, complex keys: left to the parser.
      return -1;
    } else {
      tokenStart = false;
    }
  }
  return -1;
}

/** The offset of the `:` of a `: ` (or of a line-ending `:`) from `position`, if only spaces precede it; else -1. */
function colonAfter(text: string, position: number, end: number): number {
  while (position < end && text.charCodeAt(position) === SPACE) position++;
  return position < end && text.charCodeAt(position) === COLON && isBreakOrSpace(text, position + 1, end) ? position : -1;
}

/**
 * The offset of the `:` that ends a plain key starting at `start`, or -1 when the plain
 * scalar there is not a key (it ends at a comment or at the end of the line).
 */
function plainKeyEnd(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON && isBreakOrSpace(text, i + 1, end)) return i;
    if (c === HASH && i > start && text.charCodeAt(i - 1) === SPACE) return -1;
  }
  return -1;
}

/** The key of the map entry whose key starts at `start`, or `undefined` when it is not a key this locator reads. */
function readKey(text: string, start: number, end: number): { key: string; plain: boolean; valueOffset: number } | undefined {
  const c = text.charCodeAt(start);
  if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
    const close = closingQuote(text, start, end);
    if (close === -1) return undefined;
    const colon = colonAfter(text, close + 1, end);
    if (colon === -1) return undefined;
    const raw = text.slice(start + 1, close);
    if (c === DOUBLE_QUOTE && raw.includes('\\')) return undefined;
    return { key: c === SINGLE_QUOTE ? raw.replace(/''/g, "'") : raw, plain: false, valueOffset: colon + 1 };
  }
  if (c === DASH && isBreakOrSpace(text, start + 1, end)) return undefined;
  if (isUnsupportedIndicator(c) || c === OPEN_BRACKET || c === OPEN_BRACE || c === PIPE || c === GREATER || c === HASH) return undefined;
  const colon = plainKeyEnd(text, start, end);
  if (colon === -1) return undefined;
  let keyEnd = colon;
  while (keyEnd > start && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
  return { key: text.slice(start, keyEnd), plain: true, valueOffset: colon + 1 };
}
