import { InputSource } from '../input/read-sources';
import { loadDocument } from '../input/load-document';
import { NodeLocator } from '../input/locate-node';
import { DocumentText, splitDocuments } from '../input/split-documents';
import { serviceTargetsOf } from '../model/service-selection';
import { KubernetesObject, NodePath, objectsInDocument } from '../model/workload';
import { DEFAULT_REQUIRED_LEVEL, INPUT_RULES } from '../rules';
import { CheckedObject } from '../rules';
import { CheckOptions, checkObject, suppressionReason, suppressionsOf } from './check-object';
import { formatFieldPath, parseFieldPath } from './node-path';
import { CheckReport, CheckSummary, FindingReport, InputErrorReport, podSecurityLevelReport, ResourceReport } from './report';

/** An object the input rules see, with where its report is and how to locate its fields. */
interface CollectedObject extends CheckedObject {
  readonly report: ResourceReport & { findings: FindingReport[] };
  readonly lineOf: (path: NodePath) => number;
}

/** One Kubernetes object of the input, parsed, with where it is. */
export interface ParsedObject {
  /** The object. */
  readonly object: KubernetesObject;
  /** Where its document starts. */
  readonly source: ResourceReport['source'];
  /** The line of a field, from the document's root. */
  readonly lineOf: (path: NodePath) => number;
}

/** Every input, parsed: the objects in input order, and what could not be read. */
export interface ParsedInputs {
  /** Files read (or tried). */
  readonly files: number;
  /** Every Kubernetes object, in input order. */
  readonly objects: readonly ParsedObject[];
  /** Unreadable files, documents and objects. */
  readonly errors: readonly InputErrorReport[];
}

/**
 * Checks every document of every input: each Kubernetes object becomes a resource
 * report, each unreadable file, document or object an error entry, and one bad
 * document never hides the others.
 */
export function checkInputs(sources: Iterable<InputSource>, options: CheckOptions): CheckReport {
  return checkParsed(parseInputs(sources), options);
}

/** Reads and parses every input; one bad document never hides the others. */
export function parseInputs(sources: Iterable<InputSource>): ParsedInputs {
  const errors: InputErrorReport[] = [];
  const objects: ParsedObject[] = [];
  let files = 0;
  for (const source of sources) {
    files++;
    if (!source.ok) {
      errors.push({ file: source.file, document: null, line: null, message: source.message });
      continue;
    }
    for (const document of splitDocuments(source.text)) parseDocument(source.file, document, objects, errors);
  }
  return { files, objects, errors };
}

/**
 * Checks parsed inputs: first the Services are matched to the workloads they select (so that a
 * port only a Service names is judged on its workload; `serviceTargets` of the options when a
 * caller already matched them), then the model and every rule run over each object, then the
 * rules over the whole input.
 */
export function checkParsed(parsed: ParsedInputs, givenOptions: CheckOptions): CheckReport {
  const options: CheckOptions = { ...givenOptions, serviceTargets: givenOptions.serviceTargets ?? serviceTargetsOf(parsed.objects.map(({ object }) => object)) };
  const resources: ResourceReport[] = [];
  const collected: CollectedObject[] = [];
  for (const { object, source, lineOf } of parsed.objects) {
    const { report, podSecurity } = resourceReport(object, source, lineOf, options);
    resources.push(report);
    // Only the kinds an input rule looks at are kept, with their document's locator.
    if (object.pod !== undefined || object.kind === 'Service' || object.kind === 'Namespace') {
      collected.push({ object, podSecurity, report, lineOf: (path) => lineOf([...object.path, ...path]) });
    }
  }
  runInputRules(collected, options);
  return {
    schemaVersion: 1,
    runtimeProfile: options.runtimeProfile.name,
    requiredLevel: options.level ?? DEFAULT_REQUIRED_LEVEL,
    resources,
    errors: parsed.errors,
    summary: summarize(parsed.files, resources, parsed.errors),
  };
}

function parseDocument(file: string, document: DocumentText, objects: ParsedObject[], errors: InputErrorReport[]): void {
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
  for (const object of found.objects) objects.push({ object, source: { file, document: document.index, line: lineOf(object.path) }, lineOf });
}

/** Runs the rules that need the whole input and adds their findings to the objects' reports. */
function runInputRules(collected: readonly CollectedObject[], options: CheckOptions): void {
  for (const rule of INPUT_RULES) {
    for (const finding of rule.checkInput(collected)) {
      const target = collected[finding.objectIndex];
      const reason = suppressionReason(suppressionsOf(target.object, options), rule.id, finding.container);
      const path = parseFieldPath(finding.path);
      target.report.findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        message: finding.message,
        container: finding.container,
        path: formatFieldPath(path),
        line: target.lineOf(path),
        suppressed: reason !== undefined,
        ...(reason === undefined ? {} : { suppressionReason: reason }),
      });
    }
  }
}

function resourceReport(
  object: KubernetesObject,
  source: ResourceReport['source'],
  lineOf: (path: NodePath) => number,
  options: CheckOptions,
): { report: ResourceReport & { findings: FindingReport[] }; podSecurity: CheckedObject['podSecurity'] } {
  const { analysis, containers, findings } = checkObject(object, options);
  const report = {
    source,
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
    ...(analysis === undefined
      ? {}
      : {
          podSecurityLevel: analysis.podSecurity.level,
          podSecurity: {
            baseline: podSecurityLevelReport(analysis.podSecurity.levels.baseline),
            restricted: podSecurityLevelReport(analysis.podSecurity.levels.restricted),
          },
        }),
    containers,
    findings: findings.map(({ path, suppressionReason: reason, ...finding }) => ({
      ...finding,
      path: formatFieldPath(path),
      line: lineOf([...object.path, ...path]),
      suppressed: reason !== undefined,
      ...(reason === undefined ? {} : { suppressionReason: reason }),
    })),
  };
  return { report, podSecurity: analysis?.podSecurity };
}

function summarize(files: number, resources: readonly ResourceReport[], errors: readonly InputErrorReport[]): CheckSummary {
  const findings = { error: 0, warning: 0, info: 0 };
  const ports = { allowed: 0, denied: 0, unknown: 0 };
  let suppressed = 0;
  let workloads = 0;
  let portsAwaitingImages = 0;
  for (const resource of resources) {
    if (resource.podSecurityLevel !== undefined) workloads++;
    for (const finding of resource.findings) {
      if (finding.suppressed) suppressed++;
      else findings[finding.severity]++;
    }
    for (const container of resource.containers) {
      for (const port of container.ports) {
        ports[port.bind]++;
        if (port.awaitsImage === true) portsAwaitingImages++;
      }
    }
  }
  return { files, resources: resources.length, workloads, errors: errors.length, findings, suppressed, ports, portsAwaitingImages };
}
