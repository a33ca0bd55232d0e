/**
 * The input of a check, read once: every file split into documents and parsed, every object
 * indexed for what looks across objects ({@link CrossResourceIndex}), every unreadable file,
 * document or object an error. The objects are then gone through a second time, in input order,
 * to check them: from memory when the input is small enough to keep, or else read and parsed
 * again, one document at a time, so that memory does not grow with the input.
 */
import { createHash } from 'node:crypto';
import type { CrossResourceIndex } from './cross-resource-index';
import { CrossResourceIndexBuilder } from './cross-resource-index';
import type { InputErrorReport, ResourceReport } from './report';
import { loadDocument } from '../input/load-document';
import { NodeLocator } from '../input/locate-node';
import type { InputSource } from '../input/read-sources';
import type { DocumentText } from '../input/split-documents';
import { splitDocuments } from '../input/split-documents';
import type { KubernetesObject, NodePath } from '../model/workload';
import { objectsInDocument } from '../model/workload';

/** One Kubernetes object of the input, parsed, with where it is. */
export interface ParsedObject {
  /** The object. */
  readonly object: KubernetesObject;
  /** Where its document starts. */
  readonly source: ResourceReport['source'];
  /** The line of a field, from the document's root. */
  readonly lineOf: (path: NodePath) => number;
}

/** Every input, parsed and kept: the objects in input order, and what could not be read. */
export interface ParsedInputs {
  /** Files read (or tried). */
  readonly files: number;
  /** Every Kubernetes object, in input order. */
  readonly objects: readonly ParsedObject[];
  /** Unreadable files, documents and objects. */
  readonly errors: readonly InputErrorReport[];
}

/** The input of a check, read once (see the module comment). */
export interface ParsedInput {
  /** Files read (or tried). */
  readonly files: number;
  /** Unreadable files, documents and objects, in input order. */
  readonly errors: readonly InputErrorReport[];
  /** What the checks of each object need from the others. */
  readonly index: CrossResourceIndex;
  /** Whether the objects are kept in memory: going through them again costs nothing. */
  readonly kept: boolean;
  /** Every Kubernetes object, in input order: kept, or read and parsed again. @throws InputChangedError */
  objects(): Iterable<ParsedObject>;
}

/** A file that changed between its two readings: the check cannot go on with it. */
export class InputChangedError extends Error {}

/**
 * How many characters of input a check keeps parsed in memory; beyond, it reads the input a
 * second time to check it (parsed documents take about ten times their text's size).
 */
export const KEPT_INPUT_CHARS = 48 * 1024 * 1024;

/** Reads and parses every input once; one bad document never hides the others. */
export function readInput(sources: Iterable<InputSource>, keptChars: number = KEPT_INPUT_CHARS): ParsedInput {
  const errors: InputErrorReport[] = [];
  const index = new CrossResourceIndexBuilder();
  const replays: ReplayedSource[] = [];
  let kept: ParsedObject[] | undefined = [];
  let chars = 0;
  let files = 0;
  for (const source of sources) {
    files++;
    if (!source.ok) {
      errors.push({ file: source.file, document: null, line: null, message: source.message });
      continue;
    }
    const replay = replayedSource(source);
    replays.push(replay);
    chars += source.text.length;
    if (kept !== undefined && chars > keptChars) {
      // Too large to keep: what is kept so far goes, and every object will be read again.
      kept = undefined;
      index.compactRecords();
      for (const earlier of replays) letGo(earlier);
    }
    for (const document of splitDocuments(source.text)) {
      parseDocument(source.file, document, (object) => {
        index.add(object.object);
        kept?.push(object);
      }, errors);
    }
    if (kept === undefined) letGo(replay);
  }
  return parsedInput(files, errors, index.build(), kept, replays);
}

/**
 * The input read: made apart from {@link readInput}, whose closures (over the index builder,
 * with every record) would otherwise live as long as the input's.
 */
function parsedInput(
  files: number,
  errors: readonly InputErrorReport[],
  index: CrossResourceIndex,
  kept: readonly ParsedObject[] | undefined,
  replays: readonly ReplayedSource[],
): ParsedInput {
  return { files, errors, index, kept: kept !== undefined, objects: kept === undefined ? () => replayObjects(replays) : () => kept };
}

/** Inputs already parsed and kept, as the input of a check. */
export function parsedInputOf(parsed: ParsedInputs): ParsedInput {
  const index = new CrossResourceIndexBuilder();
  for (const { object } of parsed.objects) index.add(object);
  return { files: parsed.files, errors: parsed.errors, index: index.build(), kept: true, objects: () => parsed.objects };
}

/** Reads and parses every input, keeping every object; one bad document never hides the others. */
export function parseInputs(sources: Iterable<InputSource>): ParsedInputs {
  const input = readInput(sources, Infinity);
  return { files: input.files, objects: input.objects() as readonly ParsedObject[], errors: input.errors };
}

/** A file of the input, for its second reading: its text, or how to read it again and what it held. */
export interface ReplayedSource {
  /** The file's name. */
  readonly file: string;
  /** Its text, until it is let go of ({@link letGo}). */
  text: string | undefined;
  /** How to read it again; standard input cannot be. */
  readonly reread: (() => InputSource) | undefined;
  /** The digest of its text, once the text is let go of. */
  digest: string | undefined;
}

/** A file read, kept for its second reading. */
export function replayedSource(source: InputSource & { readonly ok: true }): ReplayedSource {
  return { file: source.file, text: source.text, reread: source.reread, digest: undefined };
}

/** Lets go of a file's text, when it can be read again, keeping what proves the second reading the same. */
export function letGo(replay: ReplayedSource): void {
  if (replay.reread === undefined || replay.text === undefined) return;
  replay.digest = digestOf(replay.text);
  replay.text = undefined;
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/** The objects of the input, read and parsed again, one document at a time. */
function* replayObjects(replays: readonly ReplayedSource[]): Generator<ParsedObject> {
  const ignored: InputErrorReport[] = [];
  for (const replay of replays) {
    const text = replayedText(replay);
    for (const document of splitDocuments(text)) {
      const objects: ParsedObject[] = [];
      parseDocument(replay.file, document, (object) => objects.push(object), ignored);
      ignored.length = 0;
      yield* objects;
    }
  }
}

/** A file's text for its second reading: kept, or read again. @throws InputChangedError when it changed since the first */
export function replayedText(replay: ReplayedSource): string {
  if (replay.text !== undefined) return replay.text;
  const source = replay.reread!();
  if (!source.ok || digestOf(source.text) !== replay.digest) {
    throw new InputChangedError(`${replay.file} changed while it was being checked (it is read twice when the input is large): check it again`);
  }
  return source.text;
}

/** Parses one document of a file: each Kubernetes object it holds to `onObject`, in order; what cannot be read to `errors`. */
export function parseDocument(file: string, document: DocumentText, onObject: (object: ParsedObject) => void, errors: InputErrorReport[]): void {
  const loaded = loadDocument(document.text);
  if (!loaded.ok) {
    const line = loaded.line === undefined ? document.contentLine : document.startLine + loaded.line;
    errors.push({ file, document: document.index, line, message: loaded.message });
    return;
  }
  const locator = new NodeLocator(document.text, document.startLine);
  const lineOf = (path: NodePath) => (path.length === 0 ? document.contentLine : locator.lineOf(path));
  const found = objectsInDocument(loaded.value);
  for (const problem of found.problems) {
    errors.push({ file, document: document.index, line: lineOf(problem.path), message: problem.message });
  }
  for (const object of found.objects) onObject({ object, source: { file, document: document.index, line: lineOf(object.path) }, lineOf });
}
