import { analyzePod, PodAnalysis } from '../model/analyze';
import { ImageFactsLookup } from '../model/image-facts';
import { asObject } from '../model/json-value';
import { PodSecurityLevel } from '../model/pod-security-types';
import { RuntimeProfile } from '../model/runtime-profile';
import { ServiceTargetLookup } from '../model/service-selection';
import { KubernetesObject, NodePath, PodTemplate } from '../model/workload';
import { readSuppressionAnnotation, ruleIdSet, RULES, Severity, Suppression } from '../rules';
import { shortenLongWords } from '../input/untrusted-text';
import { parseFieldPath } from './node-path';
import { ContainerReport } from './report';

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
  if (pod === undefined) return { analysis: undefined, containers: [], findings: [] };
  const analysis = analyzePod(pod, {
    runtimeProfile: options.runtimeProfile,
    podSecurityVersion: options.podSecurityVersion,
    imageFacts: options.imageFacts,
    serviceTargets: options.serviceTargets?.(object),
  });
  const containers: ContainerReport[] = analysis.containers.map((container) => ({
    name: container.name,
    type: container.type,
    ports: container.ports.map(({ containerPort, protocol, bind, reason, awaitsImage, source, origin }) => ({
      containerPort,
      protocol,
      bind,
      reason: shortenLongWords(reason),
      ...(awaitsImage ? { awaitsImage: true as const } : {}),
      ...(source === 'declared' || origin === undefined ? {} : { source, origin: shortenLongWords(origin) }),
    })),
  }));
  const objectMetadata = asObject(object.object.metadata);
  const suppressions = suppressionsOf(object, options);
  const findings: ObjectFinding[] = [];
  for (const rule of RULES) {
    for (const finding of rule.check({ pod, analysis, objectMetadata, requiredLevel: options.level, knownRuleIds: ruleIdSet() })) {
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
  const [root, ...rest] = parseFieldPath(podPath);
  if (root === 'metadata') return [...pod.metadataPath, ...rest];
  if (root === 'spec') return [...pod.specPath, ...rest];
  return [...pod.specPath, root, ...rest];
}
