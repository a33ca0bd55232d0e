import { analyzePod, PodAnalysis } from '../model/analyze';
import { RuntimeProfile } from '../model/runtime-profile';
import { KubernetesObject, NodePath, PodTemplate } from '../model/workload';
import { RULES, Severity } from '../rules';
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
  const analysis = analyzePod(pod, { runtimeProfile: options.runtimeProfile, podSecurityVersion: options.podSecurityVersion });
  const containers: ContainerReport[] = analysis.containers.map((container) => ({
    name: container.name,
    type: container.type,
    ports: container.ports.map(({ containerPort, protocol, bind, reason }) => ({ containerPort, protocol, bind, reason })),
  }));
  const findings: ObjectFinding[] = [];
  for (const rule of RULES) {
    for (const finding of rule.check({ pod, analysis })) {
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        message: finding.message,
        container: finding.container,
        path: podRelativeToObject(pod, finding.path),
      });
    }
  }
  return { analysis, containers, findings };
}

/** Maps a pod-relative path (`spec.containers[0]`, `metadata.annotations`) onto the object's template. */
function podRelativeToObject(pod: PodTemplate, podPath: string): NodePath {
  const [root, ...rest] = parseFieldPath(podPath);
  if (root === 'metadata') return [...pod.metadataPath, ...rest];
  if (root === 'spec') return [...pod.specPath, ...rest];
  return [...pod.specPath, root, ...rest];
}
