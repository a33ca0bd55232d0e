import type { KubernetesResource } from './kubernetes-resource';
import { kubernetesResource } from './kubernetes-resource';
import type { PolicyConfig } from './policy-config';
import { configuredCheck } from './policy-config';
import type { ResourceCheck } from './resource-check';
import { checkResource } from './resource-check';
import type { CheckOptions } from '../check/check-object';
import { readImageFacts } from '../check/image-facts-mode';
import { formatFieldPath } from '../check/node-path';

/** What one rule's policy reports on a resource. */
export interface RuleVerdict {
  /** The violations, one line each: the rule's judged findings that no suppression covers. */
  readonly violations: readonly string[];
  /** Whether a finding of the rule was withheld for a value unknown during preview. */
  readonly withheld: boolean;
}

/**
 * Everything the pack's policies say about one resource under one policy config: the
 * resource read once, its image facts read once, every rule run once, and each rule's
 * verdict ready to report.
 */
export interface ResourceAnalysis {
  /** The resource as the model reads it. */
  readonly resource: KubernetesResource;
  /** The check options, with the image facts its verdicts needed. */
  readonly options: CheckOptions;
  /** What every rule says, preview-aware. */
  readonly check: ResourceCheck;
  /** Each rule's verdict, by rule id; a rule without one has nothing to report. */
  readonly verdicts: ReadonlyMap<string, RuleVerdict>;
}

/**
 * Analyzes a resource for every policy of the pack at once: reads its properties, the image
 * facts its verdicts need (asynchronous in `registry` mode) and runs every rule.
 * @returns `undefined` for a resource that is not a workload ({@link kubernetesResource})
 */
export async function analyzeResource(type: string, props: unknown, config: PolicyConfig): Promise<ResourceAnalysis | undefined> {
  const resource = kubernetesResource(type, props);
  if (resource === undefined) return undefined;
  const { options, imageFacts } = await configuredCheck(config);
  const { mode, registry } = imageFacts;
  // An image that cannot be read (from the map or a registry) is the lookup's answer for its
  // containers: the verdicts that depend on it are unknown with its reason (LP002), as in every face.
  const { lookup } = await readImageFacts([resource.object], mode, options.runtimeProfile, options.imageFacts, registry);
  const withFacts = lookup === undefined ? options : { ...options, imageFacts: lookup };
  const check = checkResource(resource, withFacts);
  return { resource, options: withFacts, check, verdicts: verdictsOf(check) };
}

function verdictsOf(check: ResourceCheck): Map<string, RuleVerdict> {
  const verdicts = new Map<string, { violations: string[]; withheld: boolean }>();
  const verdictOf = (ruleId: string) => {
    let verdict = verdicts.get(ruleId);
    if (verdict === undefined) verdicts.set(ruleId, (verdict = { violations: [], withheld: false }));
    return verdict;
  };
  for (const finding of check.findings) {
    // A suppression (annotation or policy config) always carries a reason; it is not a violation.
    if (finding.suppressionReason !== undefined) continue;
    const verdict = verdictOf(finding.ruleId);
    if (finding.judged) verdict.violations.push(`[${finding.ruleId}] ${formatFieldPath(finding.path)}: ${finding.message}`);
    else verdict.withheld = true;
  }
  return verdicts;
}
