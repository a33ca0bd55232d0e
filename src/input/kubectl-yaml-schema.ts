/**
 * Loads a YAML document into the value kubectl sends the API server: js-yaml (the fastest
 * parser for Node) with a schema of go-yaml v2's scalars ({@link ./go-yaml-scalars}), plus the
 * parts of kubectl's reading no schema can express, which a js-yaml parse listener and one walk
 * of the loaded value supply:
 *
 * - map keys become strings as `sigs.k8s.io/yaml` makes them (`yes:` is the key `true`, `1e6:`
 *   is `1e+06`), and the keys it refuses (null, a map or a list, an integer beyond int64) and the
 *   values JSON cannot hold (`.inf`, `.nan`) are errors, as they are for kubectl;
 * - merge keys (`<<`) follow go-yaml v2, not the YAML 1.1 merge specification js-yaml follows:
 *   the entries of a map are applied in document order, each overriding the ones before, so a
 *   `<<` after an explicit key overrides it, and a second `<<` overrides the first;
 * - tags: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp`, `!!binary`, `!!merge`
 *   as go-yaml reads them; any other `!!` tag is ignored as go-yaml ignores it (`!!set` and
 *   `!!omap` keep their collection, `!!map x` is the string `x`).
 *
 * Hand-written because no YAML library for JavaScript reads YAML as go-yaml v2 does. What differs
 * from kubectl, on purpose or for lack of a hook, is documented in docs/input-handling.md: a
 * duplicate key is an error here (kubectl keeps the last value, or an arbitrary one when the keys
 * only collide once converted to strings, `1:` and `"1":`); so are an application tag (`!Ref`)
 * and a scalar tag on a collection (`!!str {}`), which go-yaml ignores; and a null or collection
 * key with no value after it (`? ~`) is read as the key `null` or `[object Object]`.
 */
import { randomUUID } from 'node:crypto';
import * as jsYaml from 'js-yaml';
import type { ResolvableTag } from './go-yaml-scalars';
import {
  GoNumber,
  binaryScalarValue,
  mayNotBeString,
  plainScalarValue,
  taggedScalarValue,
} from './go-yaml-scalars';

/** A `<<` merge key: its map key is a placeholder under which js-yaml keeps the merged value until the walk applies it. */
class MergeKey {
  /** The explicit keys written before this `<<` in its map; set on the pass that records keys. */
  public keysBefore: ReadonlySet<string> | undefined;

  constructor(private readonly placeholder: string) {}

  public toString(): string {
    return this.placeholder;
  }

  public get [Symbol.toStringTag](): string {
    return 'MergeKey';
  }
}

/**
 * What kubectl refuses when it converts the decoded document to JSON — a null map key, a key
 * beyond int64, a value JSON cannot hold (`.inf`) — and only if it is still in the document
 * then: a later merge may have overridden it. As a map key, its placeholder.
 */
class Refusal {
  constructor(
    public readonly reason: string,
    /** The zero-based line in the document. */
    public readonly line: number,
    private readonly placeholder: string,
  ) {}

  public toString(): string {
    return this.placeholder;
  }

  public get [Symbol.toStringTag](): string {
    return 'Refusal';
  }
}

/** What one load has seen, for the walks after it. */
interface LoadContext {
  /** Placeholder map key → the merge key or refusal it stands for, in document order. */
  readonly placeholders: Map<string, MergeKey | Refusal>;
  /** Whether the document has a merge key. */
  merges: boolean;
  /** Whether the value holds a {@link GoNumber} or a {@link Refusal}. */
  wrapped: boolean;
  /** Entries copied by merges so far, against {@link MAX_MERGED_ENTRIES}. */
  mergedEntries: number;
}

/**
 * The most entries the merge keys of one document may copy, as many as its aliases may expand
 * to (load-document.ts): a few kilobytes of `<<: [*a, *a, …]` over a large map would otherwise
 * take seconds. kubectl refuses such a document too (go-yaml: "excessive aliasing").
 */
const MAX_MERGED_ENTRIES = 1_000_000;

/** Placeholder keys start with this: no YAML key can, unless it guesses a random UUID. */
const PLACEHOLDER_PREFIX = `\u0000<<${randomUUID()}#`;
const MERGE_TAG = 'tag:yaml.org,2002:merge';
/** The tag of the implicit type; written explicitly (`!<…>`), it is refused like any application tag. */
const PLAIN_SCALAR_TAG = 'tag:k8s-least-privilege,2026:go-yaml-plain-scalar';
/** The YAML 1.1 type repository (`!!x`): go-yaml reads the scalar types in it and ignores the rest. */
const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';
const SCALAR_CORE_TAGS: ReadonlySet<string> = new Set(['str', 'bool', 'int', 'float', 'null', 'timestamp', 'binary', 'merge'].map((tag) => CORE_TAG_PREFIX + tag));

const newContext = (): LoadContext => ({ placeholders: new Map(), merges: false, wrapped: false, mergedEntries: 0 });
let context: LoadContext = newContext();
/** The value a type's `resolve` computed, for its `construct`, which js-yaml calls right after. */
let resolved: unknown;

function nextPlaceholder(): string {
  return `${PLACEHOLDER_PREFIX}${context.placeholders.size}`;
}

function newMergeKey(): MergeKey {
  const key = new MergeKey(nextPlaceholder());
  context.placeholders.set(String(key), key);
  context.merges = true;
  return key;
}

function newRefusal(state: ParseState, reason: string): Refusal {
  const refusal = new Refusal(reason, state.line, nextPlaceholder());
  context.placeholders.set(String(refusal), refusal);
  context.wrapped = true;
  return refusal;
}

/** Keeps a resolved value for `construct`; notes a {@link GoNumber}. */
function keep(value: unknown): true {
  if (value instanceof GoNumber) context.wrapped = true;
  resolved = value;
  return true;
}

const construct = (): unknown => resolved;

/** Plain scalars: go-yaml v2's implicit resolution (`yes`, `0777`, `~` …); `<<` is a merge key. */
const plainScalar = new jsYaml.Type(PLAIN_SCALAR_TAG, {
  kind: 'scalar',
  resolve: (data: string, tag?: string) => {
    if (tag !== undefined) return false;
    if (data === '<<') return keep(newMergeKey());
    if (!mayNotBeString(data)) return false;
    const value = plainScalarValue(data);
    return value !== data && keep(value);
  },
  construct,
});

/** An explicit YAML 1.1 core tag; a text go-yaml refuses for it makes js-yaml report the tag. */
function coreTag(tag: ResolvableTag): jsYaml.Type {
  return new jsYaml.Type(CORE_TAG_PREFIX + tag, {
    kind: 'scalar',
    resolve: (data: string | null) => {
      const value = taggedScalarValue(data ?? '', tag);
      return value !== undefined && keep(value);
    },
    construct,
  });
}

const SCHEMA = new jsYaml.Schema({
  implicit: [plainScalar],
  explicit: [
    ...(['str', 'bool', 'int', 'float', 'null', 'timestamp'] as const).map(coreTag),
    new jsYaml.Type(`${CORE_TAG_PREFIX}binary`, {
      kind: 'scalar',
      resolve: (data: string | null) => {
        const value = binaryScalarValue(data ?? '');
        return value !== undefined && keep(value);
      },
      construct,
    }),
    // `!!merge <<` is a merge key; `!!merge` on any other text is a string.
    new jsYaml.Type(MERGE_TAG, { kind: 'scalar', construct: (data: string | null) => (data === '<<' ? newMergeKey() : (data ?? '')) }),
    // Any other `!!` tag: go-yaml ignores it. The scalar one comes first: it also serves an empty
    // node with a tag (`!!map` alone), which go-yaml reads as the string "".
    new jsYaml.Type(CORE_TAG_PREFIX, { kind: 'scalar', multi: true, construct: (data: string | null) => data ?? '' }),
    new jsYaml.Type(CORE_TAG_PREFIX, { kind: 'sequence', multi: true, resolve: isCollectionTag }),
    new jsYaml.Type(CORE_TAG_PREFIX, { kind: 'mapping', multi: true, resolve: isCollectionTag }),
  ],
});

/** Whether a `!!` tag may stand on a map or a list: not a scalar type's (`!!str {}` is refused, as js-yaml refuses it). */
function isCollectionTag(_data: unknown, tag = ''): boolean {
  return !SCALAR_CORE_TAGS.has(tag);
}

/** The parts of js-yaml's parse state the listener reads and writes. */
type ParseState = jsYaml.State & { tag: string | null; kind: string | null };

/**
 * Loads one YAML document as kubectl reads it (see the module comment). Errors — YAML js-yaml
 * cannot parse, and what kubectl refuses — are `jsYaml.YAMLException`s, with the line when it
 * is known.
 */
export function loadKubectlYaml(text: string): unknown {
  context = newContext();
  let value = jsYaml.load(text, { schema: SCHEMA, listener: parseListener(false) });
  if (context.merges) {
    // Merging in go-yaml's order needs the keys written before each `<<`: read it again, recording them.
    context = newContext();
    value = jsYaml.load(text, { schema: SCHEMA, listener: parseListener(true) });
    applyAllMerges(value, new Set(), new Set());
  }
  return context.wrapped ? toJsonValue(value, new Set()) : value;
}

/**
 * A js-yaml listener that checks each node when it closes. A node is a map key when the next
 * token is the `:` value indicator; js-yaml has stringified no key yet at that point.
 */
function parseListener(recordKeys: boolean): (event: 'open' | 'close', state: ParseState) => void {
  let depth = 0;
  // With `recordKeys`: keys[d] are the keys closed so far in the map whose entries are at depth d.
  const keys: string[][] = [];
  // The depth of the value of the `<<` that closed last, until that value closes.
  let mergeValueDepth = -1;
  return (event, state) => {
    if (event === 'open') {
      depth++;
      if (recordKeys) keys[depth + 1] = [];
      return;
    }
    const nodeDepth = depth--;
    // js-yaml would merge by the YAML 1.1 rules, the walk merges by go-yaml's; `!` keeps the node
    // tagged, as js-yaml expects of a node that had a tag.
    if (state.tag === MERGE_TAG) state.tag = '!';
    let result: unknown = state.result;
    if (nodeDepth === mergeValueDepth) {
      mergeValueDepth = -1;
      // go-yaml merges an alias only if it names a map; an inline list of maps is fine.
      if (state.kind === null && Array.isArray(result)) throw refused(state.line, 'a merge key (<<) needs a map or a list of maps; an alias of a list is refused');
    }
    const bangMerge = state.tag === '!' && result === '<<'; // `! <<` is plain to go-yaml: a merge key
    // A string, number or boolean needs nothing, unless keys are being recorded.
    if (typeof result !== 'object' && !bangMerge && !recordKeys) return;
    const key = isKey(state);
    if (bangMerge && key) result = state.result = newMergeKey();
    if (result instanceof MergeKey) {
      if (!key || state.kind === null) {
        // A value `<<`, or an alias of a `<<`: the string "<<".
        result = state.result = '<<';
      } else {
        if (recordKeys) result.keysBefore = new Set(keys[nodeDepth]);
        mergeValueDepth = nodeDepth;
        return;
      }
    }
    if (key) {
      if (result === null) {
        result = state.result = newRefusal(state, 'a map key is null; kubectl refuses it');
      } else if (result instanceof GoNumber && result.refusedAsKey()) {
        result = state.result = newRefusal(state, `the map key ${String(result)} is beyond int64; kubectl refuses it`);
      } else if (typeof result === 'object' && !(result instanceof GoNumber) && !(result instanceof Refusal)) {
        throw refused(state.line, 'a map key is a map or a list; kubectl refuses it');
      }
      if (recordKeys) keys[nodeDepth].push(String(result));
    } else if (result instanceof GoNumber && !result.isJsonNumber()) {
      state.result = newRefusal(state, `${String(result)} is not a JSON number; kubectl refuses it`);
    }
  };
}

/**
 * Whether the node that just closed is a map key: the next token is the `:` value indicator,
 * on the same line, or on a later line after an explicit `? key` (then followed by a space or
 * the line's end, so that a later key `:x` is not taken for one).
 */
function isKey(state: ParseState): boolean {
  const input = state.input;
  let position = state.position;
  // A block collection closes at the start (or the indentation) of the line after it.
  let back = position - 1;
  while (back >= 0 && (input.charCodeAt(back) === SPACE || input.charCodeAt(back) === TAB)) back--;
  let sameLine = back >= 0 && input.charCodeAt(back) !== LF && input.charCodeAt(back) !== CR;
  for (;;) {
    const c = input.charCodeAt(position);
    if (c === SPACE || c === TAB) {
      position++;
    } else if (c === LF || c === CR) {
      sameLine = false;
      position++;
    } else if (c === HASH) {
      while (position < input.length && input.charCodeAt(position) !== LF) position++;
    } else if (c !== COLON) {
      return false;
    } else {
      if (sameLine) return true;
      const next = input.charCodeAt(position + 1);
      return Number.isNaN(next) || next === 0 || next === SPACE || next === TAB || next === LF || next === CR;
    }
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const COLON = 0x3a;

/** An error kubectl would also stop at, at a zero-based line of the document (when known). */
function refused(line: number | undefined, reason: string): jsYaml.YAMLException {
  if (line === undefined) return new jsYaml.YAMLException(reason);
  const mark = { name: null, line, column: 0, snippet: null };
  return new jsYaml.YAMLException(reason, mark as unknown as jsYaml.YAMLException['mark']);
}

/**
 * Applies every merge of the document, as go-yaml does when it decodes it: each map after the
 * maps it merges (`done`: applied; `open`: being applied, so that a map merging itself is caught).
 * Every map is merged, even one a later merge overrides: go-yaml refuses a bad merge anywhere.
 */
function applyAllMerges(value: unknown, done: Set<object>, open: Set<object>): void {
  if (typeof value !== 'object' || value === null || done.has(value) || open.has(value)) return;
  open.add(value);
  const node = value as Record<string, unknown>;
  const merges: MergeKey[] = [];
  for (const key of Object.keys(node)) {
    applyAllMerges(node[key], done, open);
    const placeheld = key.startsWith(PLACEHOLDER_PREFIX) ? context.placeholders.get(key) : undefined;
    if (placeheld instanceof MergeKey) merges.push(placeheld);
  }
  if (merges.length > 0) merge(node, merges, open);
  open.delete(value);
  done.add(value);
}

/**
 * Replaces the entries of a map that has merge keys with what go-yaml v2 makes of it: its
 * entries applied in document order, each overriding the ones before; a merged list of maps is
 * applied from its last map to its first, so that the first wins.
 */
function merge(node: Record<string, unknown>, merges: readonly MergeKey[], open: ReadonlySet<object>): void {
  const placeholders = new Set(merges.map(String));
  const explicitKeys = Object.keys(node).filter((key) => !placeholders.has(key));
  // An explicit key sits before the first merge whose keysBefore has it (they grow along the map).
  const slots = explicitKeys.map((key) => {
    const slot = merges.findIndex((mergeKey) => mergeKey.keysBefore?.has(key));
    return slot === -1 ? merges.length : slot;
  });
  const merged = new Map<string, unknown>();
  for (let slot = 0; slot <= merges.length; slot++) {
    explicitKeys.forEach((key, index) => {
      if (slots[index] === slot) merged.set(key, node[key]);
    });
    if (slot === merges.length) break;
    for (const source of mergeSources(node[String(merges[slot])], open)) {
      const keys = Object.keys(source);
      context.mergedEntries += keys.length;
      if (context.mergedEntries > MAX_MERGED_ENTRIES) {
        throw refused(undefined, `its merge keys (<<) copy more than ${MAX_MERGED_ENTRIES.toLocaleString('en-US')} entries; refusing to read it`);
      }
      for (const key of keys) merged.set(key, source[key]);
    }
  }
  for (const key of Object.keys(node)) delete node[key];
  for (const [key, entry] of merged) setOwn(node, key, entry);
}

/** The maps a `<<` merges, in the order they are applied; what go-yaml refuses is an error. */
function mergeSources(value: unknown, open: ReadonlySet<object>): Array<Record<string, unknown>> {
  const sources = Array.isArray(value) ? [...value].reverse() : [value];
  for (const source of sources) {
    if (typeof source !== 'object' || source === null || Array.isArray(source) || Object.getPrototypeOf(source) !== Object.prototype) {
      throw refused(undefined, 'a merge key (<<) needs a map or a list of maps; kubectl refuses anything else');
    }
    if (open.has(source)) throw refused(undefined, 'a map merges itself (<<: of its own anchor); kubectl refuses it');
  }
  return sources as Array<Record<string, unknown>>;
}

/**
 * The document as the JSON kubectl makes of it: every {@link GoNumber} unwrapped, and the first
 * {@link Refusal} still in it thrown (`done`: the nodes walked; js-yaml shares aliased nodes).
 */
function toJsonValue(value: unknown, done: Set<object>): unknown {
  if (value instanceof GoNumber) return value.jsonValue();
  if (value instanceof Refusal) throw refused(value.line, value.reason);
  if (typeof value !== 'object' || value === null || done.has(value)) return value;
  done.add(value);
  const node = value as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    const placeheld = key.startsWith(PLACEHOLDER_PREFIX) ? context.placeholders.get(key) : undefined;
    if (placeheld instanceof Refusal) throw refused(placeheld.line, placeheld.reason);
    const entry = node[key];
    const converted = toJsonValue(entry, done);
    if (converted !== entry) setOwn(node, key, converted);
  }
  return value;
}

/** Sets an own entry, even `__proto__`, which an assignment would take for the prototype. */
function setOwn(node: object, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}
