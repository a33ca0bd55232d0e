import { shortenLongWords } from '../input/untrusted-text';
import type { PodAnalysis } from '../model/analyze';
import { withPodSecurity } from '../model/analyze';
import type { BindingAnalysis, ContainerAnalysis, PortAnalysis } from '../model/bind-analysis';
import { analyzeBinding } from '../model/bind-analysis';
import type { ImageFactsLookup } from '../model/image-facts';
import { asObject } from '../model/json-value';
import type { PodSecurityLevel } from '../model/pod-security-types';
import type { RuntimeProfile } from '../model/runtime-profile';
import type { ServiceTargetLookup } from '../model/service-selection';
import type { ServiceTarget } from '../model/undeclared-ports';
import type { KubernetesObject, NodePath, PodTemplate } from '../model/workload';
import type { RuleInput, Severity, Suppression } from '../rules';
import { readSuppressionAnnotation, ruleIdSet, RULES } from '../rules';
import { parseFieldPath } from './node-path';
import type { ContainerReport, PortReport } from './report';

/** Options of a check. */
export interface CheckOptions {
  /** The runtime the bind verdicts hold for. */
  readonly runtimeProfile: RuntimeProfile;
  /**
   * The Pod Security Standards policy version.
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * Suppressions from a config file (or policy config), each with a reason, beside the
   * ones a workload declares with its `k8s-least-privilege.dev/suppress` annotation.
   * @default []
   */
  readonly suppressions?: readonly ConfiguredSuppression[];
  /**
   * The facts of the containers' images (their USER, their binary's file capabilities), read
   * from disk by `checkOptionsWithImages` / `loadImages` (`src/image/`).
   * @default none — the image's user is unknown and file-capability annotations are trusted
   */
  readonly imageFacts?: ImageFactsLookup;
  /**
   * The numbers the Services of the input target on each workload's pods, so that a port only a
   * Service names is judged. `checkParsed` sets it from the Services of its input.
   * @default none — a lone resource (the Pulumi pack) has no Service beside it
   */
  readonly serviceTargets?: ServiceTargetLookup;
  /**
   * The Pod Security level every workload must meet: missing it is an error (LP020); a
   * workload's `k8s-least-privilege.dev/pod-security-level` annotation can only raise it.
   * @default 'baseline'
   */
  readonly level?: PodSecurityLevel;
}

/** A suppression given outside the manifest, optionally limited to some objects. */
export interface ConfiguredSuppression extends Suppression {
  /** Only objects of this kind. @default every kind */
  readonly kind?: string;
  /** Only objects of this name. @default every name */
  readonly name?: string;
  /** Only objects in this namespace. @default every namespace */
  readonly namespace?: string;
}

/** One rule finding on an object, not yet located in a file. */
export interface ObjectFinding {
  /** The rule's id. */
  readonly ruleId: string;
  /** The rule's severity. */
  readonly severity: Severity;
  /** What is wrong and what to do. */
  readonly message: string;
  /** The container concerned, or `null`. */
  readonly container: string | null;
  /** The offending field, from the object's root (`['spec', 'template', 'spec', 'containers', 0]`). */
  readonly path: NodePath;
  /** The reason of the suppression that covers the finding; `undefined` when none does. */
  readonly suppressionReason: string | undefined;
}

/** What the rules say about one Kubernetes object. */
export interface ObjectCheck {
  /** The model's analysis, for objects that carry a pod. */
  readonly analysis: PodAnalysis | undefined;
  /** The containers and their port verdicts (empty for objects without a pod). */
  readonly containers: readonly ContainerReport[];
  /** Every rule's findings. */
  readonly findings: readonly ObjectFinding[];
}

/**
 * Runs the model and every rule over one Kubernetes object: the one place where the
 * CLI, the Pulumi policy pack and the cdk8s validation plugin get their findings.
 */
export function checkObject(object: KubernetesObject, options: CheckOptions): ObjectCheck {
  const pod = object.pod;
  if (pod === undefined) return NOTHING_TO_CHECK;
  return checkAnalyzedObject(object, pod, analyzeObjectBinding(pod, options, options.serviceTargets?.(object) ?? []), options);
}

const NOTHING_TO_CHECK: ObjectCheck = Object.freeze({ analysis: undefined, containers: Object.freeze([]), findings: Object.freeze([]) });

/**
 * The first step of {@link checkObject}: the bind verdicts of the object's pod, with the Service
 * targets given. A caller that reads images learns from them which images the verdicts need.
 */
export function analyzeObjectBinding(pod: PodTemplate, options: CheckOptions, serviceTargets: readonly ServiceTarget[]): BindingAnalysis {
  return analyzeBinding(pod, options.runtimeProfile, options.imageFacts, serviceTargets);
}

/** The rest of {@link checkObject}, from the bind verdicts of `pod`, the object's pod, made with the same options. */
export function checkAnalyzedObject(object: KubernetesObject, pod: PodTemplate, binding: BindingAnalysis, options: CheckOptions): ObjectCheck {
  const analysis = withPodSecurity(pod, binding, options.runtimeProfile, options.podSecurityVersion);
  const containers = analysis.containers.map(containerReport);
  // One input for every rule (a rule reads it, never changes it); the suppressions once a rule finds something.
  const objectMetadata = asObject(object.object.metadata);
  const input: RuleInput = { pod, analysis, objectMetadata, requiredLevel: options.level, knownRuleIds: ruleIdSet() };
  let suppressions: Suppression[] | undefined;
  const findings: ObjectFinding[] = [];
  for (const rule of RULES) {
    for (const finding of rule.check(input)) {
      suppressions ??= suppressionsOf(object, options);
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        message: shortenLongWords(finding.message),
        container: finding.container,
        path: podRelativeToObject(pod, finding.path),
        suppressionReason: suppressionReason(suppressions, rule.id, finding.container),
      });
    }
  }
  return { analysis, containers, findings };
}

function containerReport(container: ContainerAnalysis): ContainerReport {
  return { name: container.name, type: container.type, ports: container.ports.map(portReport) };
}

/** A port's verdict for the report; one object literal per shape, in the report's key order. */
function portReport(port: PortAnalysis): PortReport {
  const { containerPort, protocol, bind } = port;
  const reason = shortenLongWords(port.reason);
  const undeclared = port.source !== 'declared' && port.origin !== undefined;
  if (!undeclared) return port.awaitsImage ? { containerPort, protocol, bind, reason, awaitsImage: true } : { containerPort, protocol, bind, reason };
  const source = port.source as Exclude<PortAnalysis['source'], 'declared'>;
  const origin = shortenLongWords(port.origin!);
  return port.awaitsImage
    ? { containerPort, protocol, bind, reason, awaitsImage: true, source, origin }
    : { containerPort, protocol, bind, reason, source, origin };
}

/** The suppressions that apply to an object: its own annotation's, and the configured ones that select it. */
export function suppressionsOf(object: KubernetesObject, options: CheckOptions): Suppression[] {
  return [
    ...readSuppressionAnnotation(asObject(object.object.metadata), ruleIdSet()).suppressions,
    ...(options.suppressions ?? []).filter((suppression) => appliesTo(suppression, object)),
  ];
}

/** The reason of the suppression that covers a finding of `ruleId` on `container`, if one does. */
export function suppressionReason(suppressions: readonly Suppression[], ruleId: string, container: string | null): string | undefined {
  return suppressions.find((s) => s.ruleId === ruleId && (s.container === undefined || s.container === container))?.reason;
}

function appliesTo(suppression: ConfiguredSuppression, object: KubernetesObject): boolean {
  return (
    (suppression.kind === undefined || suppression.kind === object.kind) &&
    (suppression.name === undefined || suppression.name === object.name) &&
    (suppression.namespace === undefined || suppression.namespace === object.namespace)
  );
}

/** Maps a pod-relative path (`spec.containers[0]`, `metadata.annotations`) onto the object's template. */
function podRelativeToObject(pod: PodTemplate, podPath: string): NodePath {
  const segments = parseFieldPath(podPath);
  const root = segments[0];
  if (root === 'metadata') return [...pod.metadataPath, ...segments.slice(1)];
  if (root === 'spec') return [...pod.specPath, ...segments.slice(1)];
  return [...pod.specPath, ...segments];
}
