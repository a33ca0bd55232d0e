/** One YAML document of a stream, as text, with where it starts. */
export interface DocumentText {
  /** Zero-based index of the document in its file (what `kubectl` and the JSON report call `document`). */
  readonly index: number;
  /** One-based line of the document's first line in the file. */
  readonly startLine: number;
  /** One-based line of the document's first line that is neither blank nor a comment. */
  readonly contentLine: number;
  /** The document's text (markers excluded). */
  readonly text: string;
}

/**
 * Splits a YAML stream into documents without parsing them, so that one broken
 * document cannot hide the others. YAML 1.2 (§9.1) forbids `---` and `...` at the
 * start of a line inside any content, so such a line always separates documents.
 * Documents that hold nothing but comments or blank lines are dropped (Helm leaves
 * many of them); the indexes of the others count every separator, as `kubectl` does.
 *
 * Line breaks are LF, CRLF or a lone CR, as for a YAML parser (YAML 1.2 §5.4): a file
 * written with old Mac line ends splits like any other. A document's text is a slice of
 * the stream (no copy), its CRLF and CR line breaks made LF.
 */
export function splitDocuments(stream: string): DocumentText[] {
  const text = stream.charCodeAt(0) === 0xfeff ? stream.slice(1) : stream;
  const hasCarriageReturns = text.includes('\r');
  const hasByteOrderMarks = text.includes('\ufeff');
  const documents: DocumentText[] = [];
  let index = 0;
  // The document being read: where its text starts and ends in the stream, and its lines.
  let current: { startLine: number; contentLine: number; start: number; end: number; explicit: boolean; hasContent: boolean } | undefined;
  const finish = () => {
    // An explicit document (`---`) counts even when empty, as in js-yaml's loadAll; a
    // stretch of comments before the first marker does not.
    if (current !== undefined && (current.explicit || current.hasContent)) {
      if (current.hasContent) {
        let slice = text.slice(current.start, current.end);
        if (hasCarriageReturns) slice = slice.replace(CARRIAGE_RETURN_LINE_BREAK, '\n');
        if (hasByteOrderMarks) slice = slice.replace(LINE_START_BYTE_ORDER_MARK, '');
        documents.push({ index, startLine: current.startLine, contentLine: current.contentLine, text: slice });
      }
      index++;
    }
    current = undefined;
  };
  let lineNumber = 0;
  const nextLineBreak = lineBreakFinder(text, hasCarriageReturns);
  for (let position = 0; position <= text.length; ) {
    // The line without its line break.
    const lineEnd = nextLineBreak(position);
    // YAML 1.2 §5.2: a byte order mark may start any document of a stream and must not appear
    // inside one. Files concatenated with `cat` bring theirs along (`\ufeff---`, `\ufeffkind: Pod`).
    const lineStart = text.charCodeAt(position) === BYTE_ORDER_MARK && position < lineEnd ? position + 1 : position;
    position = lineEnd + (text.charCodeAt(lineEnd) === CARRIAGE_RETURN && text.charCodeAt(lineEnd + 1) === LINE_FEED ? 2 : 1);
    lineNumber++;
    const first = text.charCodeAt(lineStart);
    if (first === DASH && isMarker(text, lineStart, lineEnd, DASH)) {
      finish();
      // Content may follow the marker on the same line (`--- {a: 1}`).
      const start = lineStart + 3;
      current = { startLine: lineNumber, contentLine: lineNumber, start, end: lineEnd, explicit: true, hasContent: hasContent(text, start, lineEnd) };
    } else if (first === DOT && isMarker(text, lineStart, lineEnd, DOT)) {
      finish();
    } else {
      current ??= { startLine: lineNumber, contentLine: lineNumber, start: lineStart, end: lineEnd, explicit: false, hasContent: false };
      current.end = lineEnd;
      if (!current.hasContent && hasContent(text, lineStart, lineEnd)) {
        current.hasContent = true;
        current.contentLine = lineNumber;
      }
    }
  }
  finish();
  return documents;
}

const DASH = 0x2d;
const DOT = 0x2e;
const BYTE_ORDER_MARK = 0xfeff;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const CARRIAGE_RETURN_LINE_BREAK = /\r\n?/g;
const LINE_START_BYTE_ORDER_MARK = /^\ufeff/gm;

/**
 * A function giving the position of the first line break (LF or CR) at or after a position, or
 * the text's length. Each kind's next position is remembered, so a whole scan is linear.
 */
function lineBreakFinder(text: string, hasCarriageReturns: boolean): (from: number) => number {
  let lineFeed = -1;
  let carriageReturn = hasCarriageReturns ? -1 : text.length;
  return (from) => {
    if (lineFeed < from) lineFeed = indexOrEnd(text, '\n', from);
    if (carriageReturn < from) carriageReturn = indexOrEnd(text, '\r', from);
    return Math.min(lineFeed, carriageReturn);
  };
}

function indexOrEnd(text: string, char: string, from: number): number {
  const index = text.indexOf(char, from);
  return index === -1 ? text.length : index;
}

/** Whether the line is a `---` or `...` marker: three of `char`, then a space, a tab or the end of the line. */
function isMarker(text: string, start: number, end: number, char: number): boolean {
  if (end - start < 3 || text.charCodeAt(start + 1) !== char || text.charCodeAt(start + 2) !== char) return false;
  if (end === start + 3) return true;
  const next = text.charCodeAt(start + 3);
  return next === 0x20 || next === 0x09;
}

/** Whether the line holds anything besides white space, a comment or a directive. */
function hasContent(text: string, start: number, end: number): boolean {
  const trimmed = text.slice(start, end).trimStart();
  return trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('%');
}
