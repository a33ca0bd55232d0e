import { InputSource } from '../input/read-sources';
import { loadDocument } from '../input/load-document';
import { NodeLocator } from '../input/locate-node';
import { DocumentText, splitDocuments } from '../input/split-documents';
import { analyzePod } from '../model/analyze';
import { KubernetesObject, NodePath, objectsInDocument, PodTemplate } from '../model/workload';
import { RuntimeProfile } from '../model/runtime-profile';
import { RULES } from '../rules';
import { formatFieldPath, parseFieldPath } from './node-path';
import { CheckReport, CheckSummary, ContainerReport, FindingReport, InputErrorReport, ResourceReport } from './report';

/** Options of a check. */
export interface CheckOptions {
  /** The runtime the bind verdicts hold for. */
  readonly runtimeProfile: RuntimeProfile;
  /**
   * The Pod Security Standards policy version.
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
}

/**
 * Checks every document of every input: each Kubernetes object becomes a resource
 * report, each unreadable file, document or object an error entry, and one bad
 * document never hides the others.
 */
export function checkInputs(sources: Iterable<InputSource>, options: CheckOptions): CheckReport {
  const resources: ResourceReport[] = [];
  const errors: InputErrorReport[] = [];
  let files = 0;
  for (const source of sources) {
    files++;
    if (!source.ok) {
      errors.push({ file: source.file, document: null, line: null, message: source.message });
      continue;
    }
    for (const document of splitDocuments(source.text)) checkDocument(source.file, document, options, resources, errors);
  }
  return {
    schemaVersion: 1,
    runtimeProfile: options.runtimeProfile.name,
    resources,
    errors,
    summary: summarize(files, resources, errors),
  };
}

function checkDocument(
  file: string,
  document: DocumentText,
  options: CheckOptions,
  resources: ResourceReport[],
  errors: InputErrorReport[],
): void {
  const loaded = loadDocument(document.text);
  if (!loaded.ok) {
    const line = loaded.line === undefined ? document.contentLine : document.startLine + loaded.line;
    errors.push({ file, document: document.index, line, message: loaded.message });
    return;
  }
  const locator = new NodeLocator(document.text, document.startLine);
  const lineOf = (path: NodePath) => (path.length === 0 ? document.contentLine : locator.lineOf(path));
  const { objects, problems } = objectsInDocument(loaded.value);
  for (const problem of problems) {
    errors.push({ file, document: document.index, line: lineOf(problem.path), message: problem.message });
  }
  for (const object of objects) {
    resources.push(checkObject(object, { file, document: document.index, line: lineOf(object.path) }, lineOf, options));
  }
}

function checkObject(
  object: KubernetesObject,
  source: ResourceReport['source'],
  lineOf: (path: NodePath) => number,
  options: CheckOptions,
): ResourceReport {
  const identity = {
    source,
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
  };
  const pod = object.pod;
  if (pod === undefined) return { ...identity, containers: [], findings: [] };
  const analysis = analyzePod(pod, { runtimeProfile: options.runtimeProfile, podSecurityVersion: options.podSecurityVersion });
  const containers: ContainerReport[] = analysis.containers.map((container) => ({
    name: container.name,
    type: container.type,
    ports: container.ports.map(({ containerPort, protocol, bind, reason }) => ({ containerPort, protocol, bind, reason })),
  }));
  const findings: FindingReport[] = [];
  for (const rule of RULES) {
    for (const finding of rule.check({ pod, analysis })) {
      const path = [...object.path, ...podRelativeToObject(pod, finding.path)];
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        message: finding.message,
        container: finding.container,
        path: formatFieldPath(path.slice(object.path.length)),
        line: lineOf(path),
        suppressed: false,
      });
    }
  }
  return { ...identity, podSecurityLevel: analysis.podSecurity.level, containers, findings };
}

/** Maps a pod-relative path (`spec.containers[0]`, `metadata.annotations`) onto the object's template. */
function podRelativeToObject(pod: PodTemplate, podPath: string): NodePath {
  const [root, ...rest] = parseFieldPath(podPath);
  if (root === 'metadata') return [...pod.metadataPath, ...rest];
  if (root === 'spec') return [...pod.specPath, ...rest];
  return [...pod.specPath, root, ...rest];
}

function summarize(files: number, resources: readonly ResourceReport[], errors: readonly InputErrorReport[]): CheckSummary {
  const findings = { error: 0, warning: 0, info: 0 };
  const ports = { allowed: 0, denied: 0, unknown: 0 };
  let suppressed = 0;
  let workloads = 0;
  for (const resource of resources) {
    if (resource.podSecurityLevel !== undefined) workloads++;
    for (const finding of resource.findings) {
      if (finding.suppressed) suppressed++;
      else findings[finding.severity]++;
    }
    for (const container of resource.containers) for (const port of container.ports) ports[port.bind]++;
  }
  return { files, resources: resources.length, workloads, errors: errors.length, findings, suppressed, ports };
}
