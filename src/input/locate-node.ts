import { IndentationLocator } from './indentation-locator';
import { ParsedLocator } from './parsed-locator';
import type { NodePath } from '../model/workload';

/**
 * Finds the line of a node in a document's text, for findings and errors: js-yaml, which
 * loads every document, keeps no positions. Block-style YAML (what Helm, kubectl and cdk8s
 * write) is answered by reading its indentation ({@link IndentationLocator}), at a fraction
 * of a parse's cost; anything else (flow-style JSON, anchors, multi-line quoted scalars …) is
 * parsed a second time, with positions, by the `yaml` package ({@link ParsedLocator}). Both
 * give the same answers; nothing is computed for a document until one of its nodes is located.
 */
export class NodeLocator {
  private indentation: IndentationLocator | undefined;
  private parsed: ParsedLocator | undefined;

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
    this.indentation ??= new IndentationLocator(this.text);
    let line = this.indentation.lineIndexOf(path);
    if (line === undefined) {
      this.parsed ??= new ParsedLocator(this.text);
      line = this.parsed.lineIndexOf(path);
    }
    return line + this.startLine;
  }
}
