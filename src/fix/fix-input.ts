/**
 * `check --fix` over a whole input, in memory and on one thread: the input checked, each
 * workload's fix decided on the parsed objects (workload-fix.ts), every file rewritten once with
 * the edits of its documents (file-rewrite.ts), the rewritten text read back and compared with
 * the objects the model approved, and the input checked again. Nothing is written to disk here:
 * the caller writes the files, prints the diff or the SARIF suggestions.
 */
import type { FieldEdit } from './field-edits';
import { editedObject } from './field-edits';
import { rewriteFile } from './file-rewrite';
import type { FixChange, UnfixablePort, WorkloadFixContext } from './workload-fix';
import { fixWorkload } from './workload-fix';
import type { ParsedObject } from '../check/check-inputs';
import { checkParsed, parseInputs } from '../check/check-inputs';
import type { CheckOptions } from '../check/check-object';
import { checkObject } from '../check/check-object';
import type { CheckReport, InputErrorReport, SourceLocation } from '../check/report';
import type { InputSource } from '../input/read-sources';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { serviceSelector, serviceTargetsOf, WorkloadIndex } from '../model/service-selection';
import type { KubernetesObject } from '../model/workload';

/** How `check --fix` runs: the check's options, and what the workloads' owners declared. */
export interface FixInputOptions extends Omit<WorkloadFixContext, 'options' | 'services'> {
  /** The check's options, image facts included. */
  readonly check: CheckOptions;
}

/** A file's text before and after some fixes. */
export interface FileChange {
  /** The file, as the report names it. */
  readonly file: string;
  /** Its text before. */
  readonly before: string;
  /** Its text after. */
  readonly after: string;
}

/** What the fix did, or could not do, to one workload. */
export interface ResourceFix {
  /** Where the workload is. */
  readonly source: SourceLocation;
  /** Its kind. */
  readonly kind: string;
  /** Its name, or `null`. */
  readonly name: string | null;
  /** Its namespace, or `null`. */
  readonly namespace: string | null;
  /** The Pod Security level its plans were made for. */
  readonly level: PodSecurityLevel;
  /** The changes made. */
  readonly changes: readonly FixChange[];
  /** What a person must still do. */
  readonly notes: readonly string[];
  /** The ports left as they were, each with why. */
  readonly unfixable: readonly UnfixablePort[];
  /** Each file this workload's fix changes (its Services' included), before and after this fix alone. */
  readonly fileChanges: readonly FileChange[];
}

/** A fix of a whole input. */
export interface InputFix {
  /** The files the fixes change, before and after all of them. */
  readonly files: readonly FileChange[];
  /** Every workload with a change, a note or a port left as it was, in input order. */
  readonly fixes: readonly ResourceFix[];
  /** Documents whose fixes could not be written (they are left as they were). */
  readonly problems: readonly InputErrorReport[];
  /** The check of the input as it was. */
  readonly before: CheckReport;
  /** The check of the input as fixed (the same as `before` when nothing changed). */
  readonly after: CheckReport;
}

/** Edits by file, then by document index, with paths from the document's root. */
type FileEdits = Map<string, Map<number, FieldEdit[]>>;

/** Fixes every workload of `sources` (read once: standard input cannot be read again). */
export function fixInput(sources: readonly InputSource[], options: FixInputOptions): InputFix {
  const texts = new Map(sources.flatMap((source) => (source.ok ? [[source.file, source.text] as const] : [])));
  const parsed = parseInputs(sources);
  const before = checkParsed(parsed, options.check);
  const objects = parsed.objects.map((entry) => entry.object);
  const targets = serviceTargetsOf(objects);
  const selecting = servicesSelecting(objects);
  const placeOf = new Map(parsed.objects.map((entry) => [entry.object, entry]));
  // A Service edited by one workload's fix is seen as edited by the next.
  const currentService = new Map<KubernetesObject, KubernetesObject>();
  const originalOf = new Map<KubernetesObject, KubernetesObject>();
  const allEdits: FileEdits = new Map();
  const fixes: ResourceFix[] = [];
  const expected = new Map<ParsedObject, KubernetesObject>();

  for (const entry of parsed.objects) {
    const { object } = entry;
    if (object.pod === undefined) continue;
    const check = checkObject(object, { ...options.check, serviceTargets: targets });
    const services = (selecting.get(object) ?? []).map((service) => currentService.get(service) ?? service);
    const fix = fixWorkload(object, check, { ...options, options: options.check, services });
    if (fix.edits.length === 0 && fix.unfixable.length === 0 && fix.notes.length === 0) continue;
    const ownEdits: FileEdits = new Map();
    const record = (place: ParsedObject, edits: readonly FieldEdit[]) => {
      for (const byFile of [ownEdits, allEdits]) addEdits(byFile, place, edits);
    };
    if (fix.edits.length > 0) {
      record(entry, fix.edits);
      expected.set(entry, editedObject(object, fix.edits));
    }
    for (const { service, edits } of fix.serviceEdits) {
      const original = originalOf.get(service) ?? service;
      const place = placeOf.get(original)!;
      const edited = editedObject(currentService.get(original) ?? original, edits);
      currentService.set(original, edited);
      originalOf.set(edited, original);
      expected.set(place, edited);
      record(place, edits);
    }
    fixes.push({
      source: entry.source,
      kind: object.kind,
      name: object.name,
      namespace: object.namespace,
      level: fix.level,
      changes: fix.changes,
      notes: fix.notes,
      unfixable: fix.unfixable,
      fileChanges: [...ownEdits].map(([file, documents]) => {
        const original = texts.get(file)!;
        return { file, before: original, after: rewriteFile(original, documents).text };
      }),
    });
  }

  const problems: InputErrorReport[] = [];
  const files: FileChange[] = [];
  for (const [file, documents] of allEdits) {
    const original = texts.get(file)!;
    const rewrite = rewriteFile(original, documents);
    const lineOf = (document: number) =>
      parsed.objects.find((entry) => entry.source.file === file && entry.source.document === document)?.source.line ?? null;
    for (const { document, message } of rewrite.problems) problems.push({ file, document, line: lineOf(document), message: `--fix: ${message}` });
    const mismatch = readBackMismatch(file, rewrite.text, parsed.objects, expected);
    if (mismatch !== undefined) {
      const message = '--fix: the rewritten text does not read back as the fix the model approved; the file is left as it was';
      problems.push({ file, document: mismatch.document, line: mismatch.line, message });
      continue;
    }
    if (rewrite.text !== original) files.push({ file, before: original, after: rewrite.text });
  }
  const fixedText = new Map(files.map((change) => [change.file, change.after]));
  const fixedSources = sources.map((source): InputSource => {
    const text = source.ok ? fixedText.get(source.file) : undefined;
    return text === undefined ? source : { file: source.file, ok: true, text };
  });
  const after = files.length === 0 ? before : checkParsed(parseInputs(fixedSources), options.check);
  return { files, fixes, problems, before, after };
}

function addEdits(edits: FileEdits, place: ParsedObject, objectEdits: readonly FieldEdit[]): void {
  let documents = edits.get(place.source.file);
  if (documents === undefined) edits.set(place.source.file, (documents = new Map()));
  let list = documents.get(place.source.document);
  if (list === undefined) documents.set(place.source.document, (list = []));
  for (const edit of objectEdits) list.push({ path: [...place.object.path, ...edit.path], value: edit.value });
}

/** The Services of the input that select each workload's pods. */
function servicesSelecting(objects: readonly KubernetesObject[]): Map<KubernetesObject, KubernetesObject[]> {
  const selecting = new Map<KubernetesObject, KubernetesObject[]>();
  const index = new WorkloadIndex(objects);
  for (const service of objects) {
    if (service.kind !== 'Service') continue;
    const selector = serviceSelector(service);
    if (selector === undefined) continue;
    for (const workload of index.selected(service.namespace, selector)) selecting.set(workload, [...(selecting.get(workload) ?? []), service]);
  }
  return selecting;
}

/**
 * Where the rewritten text of `file`, read as the checker reads it, differs from the objects the
 * model approved (`expected`, the others unchanged), or `undefined` when it reads back as them.
 */
function readBackMismatch(
  file: string,
  text: string,
  objects: readonly ParsedObject[],
  expected: ReadonlyMap<ParsedObject, KubernetesObject>,
): SourceLocation | undefined {
  const before = objects.filter((entry) => entry.source.file === file);
  const after = parseInputs([{ file, ok: true, text }]).objects;
  if (after.length !== before.length) return before[0]?.source ?? { file, document: 0, line: 1 };
  const differing = before.findIndex(
    (entry, index) => JSON.stringify((expected.get(entry) ?? entry.object).object) !== JSON.stringify(after[index].object.object),
  );
  return differing < 0 ? undefined : before[differing].source;
}
