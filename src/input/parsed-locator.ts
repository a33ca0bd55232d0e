import type { Document, LineCounter, Pair } from 'yaml';
import { plainKeyString } from './go-yaml-scalars';
import type { NodePath } from '../model/workload';

/**
 * Finds the line of a node by parsing the document with the `yaml` package, which keeps
 * every node's position: exact for any YAML, and about ten times slower than js-yaml, so
 * {@link NodeLocator} uses it only for documents its indentation reading cannot answer.
 * The package is loaded on first use: most runs of `check` never need it.
 */
export class ParsedLocator {
  private parsed: { document: Document; lines: LineCounter } | undefined;

  /** @param text the document's text, parsed on the first question */
  constructor(private readonly text: string) {}

  /** The zero-based line (within the text) of the node at `path`, or of its nearest ancestor that exists. */
  lineIndexOf(path: NodePath): number {
    const yaml = loadYaml();
    const { document, lines } = this.parse();
    let node: unknown = document.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (yaml.isMap(node)) {
        const entry = node.items.find((item) => keyOf(item) === segment);
        if (entry === undefined) break;
        // A finding about a field points at its key.
        const start = rangeStart(entry.key) ?? rangeStart(entry.value);
        if (start !== undefined) offset = start;
        node = entry.value;
      } else if (yaml.isSeq(node)) {
        const child = node.get(segment, true);
        if (child === undefined) break;
        offset = rangeStart(child) ?? offset;
        node = child;
      } else {
        break;
      }
    }
    return lines.linePos(offset).line - 1;
  }

  private parse(): { document: Document; lines: LineCounter } {
    if (this.parsed === undefined) {
      const yaml = loadYaml();
      const lines = new yaml.LineCounter();
      // Aliases are never expanded here: only node positions are read. Every scalar is read as
      // its text (the failsafe schema): keys are matched as kubectl reads them, by keyOf.
      const document = yaml.parseDocument(this.text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false, schema: 'failsafe' });
      this.parsed = { document, lines };
    }
    return this.parsed;
  }
}

function loadYaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: most runs never need it
  return require('yaml') as typeof import('yaml');
}

function rangeStart(node: unknown): number | undefined {
  const yaml = loadYaml();
  if (yaml.isScalar(node) || yaml.isCollection(node)) return node.range?.[0];
  return undefined;
}

/**
 * The key kubectl makes of a map entry's key (`yes` is `true`), as the loaded document has it;
 * `undefined` for a key that is none (a merge `<<`, `~`), a tagged key, a map, a list or an alias.
 */
function keyOf(entry: Pair): string | undefined {
  const key = entry.key;
  if (!loadYaml().isScalar(key) || key.tag !== undefined) return undefined;
  const text = String(key.value);
  return key.type === 'PLAIN' ? plainKeyString(text) : text;
}
