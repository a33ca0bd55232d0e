import * as jsYaml from 'js-yaml';
import { loadKubectlYaml } from './kubectl-yaml-schema';
import { boundMessage } from './untrusted-text';

/** The result of parsing one document. */
export type LoadedDocument =
  | { readonly ok: true; readonly value: unknown }
  /** `line` is zero-based within the document text, when the parser knows it. */
  | { readonly ok: false; readonly message: string; readonly line: number | undefined };

/**
 * The most nodes a document may expand to through aliases. js-yaml shares an aliased
 * node instead of copying it, so a "billion laughs" document loads quickly, but any
 * walk over it would not end; such a document is refused before anything walks it.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

// An alias (`*a`) needs an anchor (`&a`) in its own document, or js-yaml refuses it: a document
// with no anchor shares no node, and is not walked (a cron schedule's `"* * *"` is not an alias).
const MAY_HAVE_ANCHOR = /&[^\s,\]}]/;
const MAY_HAVE_ALIAS = /\*[^\s,\]}]/;

/**
 * Parses one YAML (or JSON) document with js-yaml, the fastest parser for Node, into the value
 * kubectl would send the API server: YAML 1.1 scalars as go-yaml v2 reads them (see
 * {@link loadKubectlYaml}).
 */
export function loadDocument(text: string): LoadedDocument {
  let value: unknown;
  try {
    value = loadKubectlYaml(text);
  } catch (error) {
    if (error instanceof jsYaml.YAMLException) {
      // The reason may quote the input (an unknown tag, an alias name): bounded.
      return { ok: false, message: `invalid YAML: ${boundMessage(error.reason)}`, line: lineWithin(text, error.mark?.line) };
    }
    if (error instanceof RangeError) {
      return { ok: false, message: 'the document nests too deeply to parse', line: undefined };
    }
    throw error;
  }
  if (MAY_HAVE_ANCHOR.test(text) && MAY_HAVE_ALIAS.test(text) && expandedSize(value, new Map()) > MAX_EXPANDED_NODES) {
    return {
      ok: false,
      message: `its aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb); refusing to read it`,
      line: undefined,
    };
  }
  return { ok: true, value };
}

/**
 * js-yaml appends a line break to its input, so an error at the end of the stream (an
 * unclosed `[`) is marked on the line after the text: that would name the next document's
 * `---`. The last line of the text is where the document ends.
 */
function lineWithin(text: string, line: number | undefined): number | undefined {
  if (line === undefined) return undefined;
  let lastLine = 0;
  for (let position = text.indexOf('\n'); position !== -1 && position < text.length - 1; position = text.indexOf('\n', position + 1)) lastLine++;
  return Math.min(line, lastLine);
}

/** The node count of the value with every alias expanded, counted in time linear in the shared graph. */
function expandedSize(value: unknown, memo: Map<object, number>): number {
  if (typeof value !== 'object' || value === null) return 1;
  const known = memo.get(value);
  if (known !== undefined) return known;
  memo.set(value, Infinity); // a cycle (`&a [*a]`) expands without end
  let size = 1;
  for (const child of Object.values(value)) {
    size += expandedSize(child, memo);
    if (size > MAX_EXPANDED_NODES) break;
  }
  memo.set(value, size);
  return size;
}
