/** One YAML document of a stream, as text, with where it starts. */
export interface DocumentText {
  /** Zero-based index of the document in its file (what `kubectl` and DESIGN.md call `document`). */
  readonly index: number;
  /** One-based line of the document's first line in the file. */
  readonly startLine: number;
  /** One-based line of the document's first line that is neither blank nor a comment. */
  readonly contentLine: number;
  /** The document's text (markers excluded). */
  readonly text: string;
}

const DOCUMENT_START = /^---(?:[ \t]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;

/**
 * Splits a YAML stream into documents without parsing them, so that one broken
 * document cannot hide the others. YAML 1.2 (§9.1) forbids `---` and `...` at the
 * start of a line inside any content, so such a line always separates documents.
 * Documents that hold nothing but comments or blank lines are dropped (Helm leaves
 * many of them); the indexes of the others count every separator, as `kubectl` does.
 */
export function splitDocuments(stream: string): DocumentText[] {
  const text = stream.charCodeAt(0) === 0xfeff ? stream.slice(1) : stream;
  const documents: DocumentText[] = [];
  let index = 0;
  let current: { startLine: number; contentLine: number; lines: string[]; explicit: boolean; hasContent: boolean } | undefined;
  const finish = () => {
    // An explicit document (`---`) counts even when empty, as in js-yaml's loadAll; a
    // stretch of comments before the first marker does not.
    if (current !== undefined && (current.explicit || current.hasContent)) {
      if (current.hasContent) documents.push({ index, startLine: current.startLine, contentLine: current.contentLine, text: current.lines.join('\n') });
      index++;
    }
    current = undefined;
  };
  let lineNumber = 0;
  for (let position = 0; position <= text.length; ) {
    let end = text.indexOf('\n', position);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(position, end - 1) : text.slice(position, end);
    position = end + 1;
    lineNumber++;
    if (DOCUMENT_START.test(line)) {
      finish();
      // Content may follow the marker on the same line (`--- {a: 1}`).
      const rest = line.slice(3);
      current = { startLine: lineNumber, contentLine: lineNumber, lines: [rest], explicit: true, hasContent: hasContent(rest) };
    } else if (DOCUMENT_END.test(line)) {
      finish();
    } else {
      current ??= { startLine: lineNumber, contentLine: lineNumber, lines: [], explicit: false, hasContent: false };
      current.lines.push(line);
      if (!current.hasContent && hasContent(line)) {
        current.hasContent = true;
        current.contentLine = lineNumber;
      }
    }
  }
  finish();
  return documents;
}

function hasContent(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('%');
}
