import { isCollection, isMap, isScalar, LineCounter, parseDocument, Document, YAMLMap } from 'yaml';
import { NodePath } from '../model/workload';

/**
 * Finds the line of a node in a document's text. The document is parsed a second
 * time, with positions, only when something in it must be located: most documents
 * never are, and js-yaml (which keeps no positions) stays the only parser on the
 * hot path.
 */
export class NodeLocator {
  private parsed: { document: Document; lines: LineCounter } | undefined;

  /**
   * @param text the document's text
   * @param startLine the one-based line of the text's first line in its file
   */
  constructor(
    private readonly text: string,
    private readonly startLine: number,
  ) {}

  /**
   * The one-based line in the file of the node at `path`, or of its nearest ancestor
   * that exists (a finding about a missing `securityContext` points at its container).
   */
  lineOf(path: NodePath): number {
    const { document, lines } = this.parse();
    let node: unknown = document.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (!isCollection(node)) break;
      const child = node.get(segment, true);
      if (child === undefined) break;
      const start = (isMap(node) ? keyStart(node, segment) : undefined) ?? rangeStart(child);
      if (start !== undefined) offset = start;
      node = child;
    }
    return lines.linePos(offset).line + this.startLine - 1;
  }

  private parse(): { document: Document; lines: LineCounter } {
    if (this.parsed === undefined) {
      const lines = new LineCounter();
      // Aliases are never expanded here: only node positions are read.
      const document = parseDocument(this.text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false });
      this.parsed = { document, lines };
    }
    return this.parsed;
  }
}

function rangeStart(node: unknown): number | undefined {
  if (isScalar(node) || isCollection(node)) return node.range?.[0];
  return undefined;
}

/** Where the key of a map entry starts: a finding about a field points at its key. */
function keyStart(node: YAMLMap, segment: string | number): number | undefined {
  for (const item of node.items) {
    if (isScalar(item.key) && item.key.value === segment) return item.key.range?.[0];
  }
  return undefined;
}
