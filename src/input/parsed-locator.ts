import type { Document, LineCounter, YAMLMap } from 'yaml';
import { NodePath } from '../model/workload';

/**
 * Finds the line of a node by parsing the document with the `yaml` package, which keeps
 * every node's position: exact for any YAML, and about ten times slower than js-yaml, so
 * {@link NodeLocator} uses it only for documents its indentation reading cannot answer.
 * The package is loaded on first use: most runs of `check` never need it.
 */
export class ParsedLocator {
  private parsed: { document: Document; lines: LineCounter } | undefined;

  constructor(private readonly text: string) {}

  /** The zero-based line (within the text) of the node at `path`, or of its nearest ancestor that exists. */
  lineIndexOf(path: NodePath): number {
    const yaml = loadYaml();
    const { document, lines } = this.parse();
    let node: unknown = document.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (!yaml.isCollection(node)) break;
      const child = node.get(segment, true);
      if (child === undefined) break;
      const start = (yaml.isMap(node) ? keyStart(node, segment) : undefined) ?? rangeStart(child);
      if (start !== undefined) offset = start;
      node = child;
    }
    return lines.linePos(offset).line - 1;
  }

  private parse(): { document: Document; lines: LineCounter } {
    if (this.parsed === undefined) {
      const yaml = loadYaml();
      const lines = new yaml.LineCounter();
      // Aliases are never expanded here: only node positions are read.
      const document = yaml.parseDocument(this.text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false });
      this.parsed = { document, lines };
    }
    return this.parsed;
  }
}

function loadYaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

function rangeStart(node: unknown): number | undefined {
  const yaml = loadYaml();
  if (yaml.isScalar(node) || yaml.isCollection(node)) return node.range?.[0];
  return undefined;
}

/** Where the key of a map entry starts: a finding about a field points at its key. */
function keyStart(node: YAMLMap, segment: string | number): number | undefined {
  const yaml = loadYaml();
  for (const item of node.items) {
    if (yaml.isScalar(item.key) && item.key.value === segment) return item.key.range?.[0];
  }
  return undefined;
}
