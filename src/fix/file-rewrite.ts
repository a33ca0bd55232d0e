/**
 * One file of the input rewritten with the edits of its documents: JSON as JSON
 * (json-rewrite.ts), YAML by splices that leave everything else as it was (yaml-splices.ts).
 * A document the rewriter cannot edit in place is left as it is and said so; the file's other
 * documents are still fixed.
 */
import type { Document } from 'yaml';
import { parseAllDocuments } from 'yaml';
import type { FieldEdit } from './field-edits';
import { editTree } from './field-edits';
import { isJsonText, rewriteJson } from './json-rewrite';
import type { TextSplice } from './yaml-splices';
import { applySplices, documentSplices, YamlEditError } from './yaml-splices';
import { splitDocuments } from '../input/split-documents';

/** A document whose edits could not be written, and why. */
export interface DocumentProblem {
  /** The document's index in its file (as the report counts them). */
  readonly document: number;
  /** Why. */
  readonly message: string;
}

/** A file's text after its edits. */
export interface FileRewrite {
  /** The new text (the old one when nothing could be written). */
  readonly text: string;
  /** The documents left as they were, with why. */
  readonly problems: readonly DocumentProblem[];
}

/**
 * The file's text with each document's edits (paths from the document's root, by document
 * index) written into it.
 */
export function rewriteFile(text: string, edits: ReadonlyMap<number, readonly FieldEdit[]>): FileRewrite {
  if (edits.size === 0) return { text, problems: [] };
  if (isJsonText(text)) return { text: rewriteJson(text, edits.get(0) ?? []), problems: [] };
  const byteOrderMark = text.startsWith('\ufeff') ? '\ufeff' : '';
  const body = text.slice(byteOrderMark.length);
  const documents = documentsByIndex(body);
  const splices: TextSplice[] = [];
  const problems: DocumentProblem[] = [];
  for (const [index, documentEdits] of edits) {
    const document = documents.get(index);
    if (document === undefined || document.errors.length > 0) {
      problems.push({ document: index, message: 'the YAML editor cannot read this document as the checker does; it is left as it was' });
      continue;
    }
    try {
      splices.push(...documentSplices(body, document, editTree(documentEdits)));
    } catch (error) {
      if (!(error instanceof YamlEditError)) throw error;
      problems.push({ document: index, message: error.message });
    }
  }
  const lineBreak = body.includes('\r\n') ? '\r\n' : '\n';
  const written = lineBreak === '\n' ? splices : splices.map((splice) => ({ ...splice, text: splice.text.replace(/\r?\n/g, lineBreak) }));
  return { text: byteOrderMark + applySplices(body, written), problems };
}

/**
 * The `yaml` package's documents of a stream by the index the checker gives them
 * (splitDocuments: documents with content, counted as kubectl counts them), each matched by the
 * line its content starts on: a document the two do not see alike is left out.
 */
function documentsByIndex(text: string): Map<number, Document> {
  const parsed = parseAllDocuments(text, { version: '1.1' });
  // A document of comments alone has an empty scalar for its content.
  const withContent = (Array.isArray(parsed) ? parsed : []).filter((document) => {
    const range = document.contents?.range;
    return range !== undefined && range !== null && range[1] > range[0];
  });
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const lineOf = (offset: number) => {
    // The last line start at or before the offset, by bisection: a stream may hold thousands of documents.
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const byIndex = new Map<number, Document>();
  splitDocuments(text).forEach((split, ordinal) => {
    const document = withContent[ordinal];
    if (document?.contents?.range !== undefined && lineOf(document.contents.range[0]) === split.contentLine) byIndex.set(split.index, document);
  });
  return byIndex;
}
