import type { EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity as PolicySeverity } from '@pulumi/policy';
import type { SecurityContextChange } from '../check/security-context-hardening';
import { describeChanges } from '../check/security-context-hardening';
import type { Rule, Severity } from '../rules';
import { RULES } from '../rules';
import { hardenedProperties, hardenResource } from './harden-security-context';
import { NOT_A_WORKLOAD, workloadTypeOf } from './kubernetes-resource';
import { POLICY_CONFIG_SCHEMA, policyConfigOf } from './policy-config';
import type { ResourceAnalysis } from './resource-analysis';
import { analyzeResource } from './resource-analysis';
import { sharedAnalysis } from './shared-analysis';
import type { NodePath } from '../model/workload';

export { kubernetesResource } from './kubernetes-resource';
export type { KubernetesResource } from './kubernetes-resource';
export { POLICY_CONFIG_SCHEMA } from './policy-config';
export { checkResource } from './resource-check';
export type { JudgedFinding, ResourceCheck } from './resource-check';

/** The policy pack's name, as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = 'k8s-least-privilege';

/** The policy that offers the mechanical security-context fixes through `remediateResource`. */
export const HARDEN_POLICY_NAME = 'harden-security-context';

/**
 * How each rule severity is enforced: an `error` (the pod crash-loops, or admission refuses
 * it) stops `pulumi up`; a `warning` is printed; `info` is off unless configured, because
 * Pulumi has no level below advisory and would print it on every preview.
 */
export const ENFORCEMENT_LEVELS: Readonly<Record<Severity, EnforcementLevel>> = { error: 'mandatory', warning: 'advisory', info: 'disabled' };

const POLICY_SEVERITIES: Readonly<Record<Severity, PolicySeverity>> = { error: 'high', warning: 'medium', info: 'low' };

/**
 * The pack's policies: one per rule (name, description, enforcement level and remediation
 * text from the rule's metadata), and {@link HARDEN_POLICY_NAME}, which remediates.
 */
export function leastPrivilegePolicies(): ResourceValidationPolicy[] {
  return [...RULES.map(rulePolicy), hardenPolicy()];
}

function rulePolicy(rule: Rule): ResourceValidationPolicy {
  return {
    name: rule.name,
    displayName: `${rule.id} ${rule.name}`,
    description: `${rule.id}: ${rule.title}`,
    enforcementLevel: ENFORCEMENT_LEVELS[rule.severity],
    severity: POLICY_SEVERITIES[rule.severity],
    remediationSteps: rule.remediation,
    tags: ['kubernetes', 'least-privilege', rule.id],
    configSchema: POLICY_CONFIG_SCHEMA,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) =>
      withAnalysis(args, (analysis) => {
        const verdict = analysis.verdicts.get(rule.id);
        if (verdict === undefined) return;
        for (const violation of verdict.violations) reportViolation(violation);
        if (verdict.withheld) reportCannotJudge(args.props, analysis.check.withheldFor);
      }),
  };
}

/**
 * Runs `use` on the analysis every policy of one `Analyze` request shares: at once when it is
 * done (for every policy but the first), which @pulumi/policy takes as it takes a promise
 * (`await Promise.resolve(validation(args, reportViolation))`). Not applicable to a resource
 * that is not a workload.
 */
function withAnalysis(args: ResourceValidationArgs, use: (analysis: ResourceAnalysis) => void): void | Promise<void> {
  // The type alone tells most resources of a stack apart, before any property is read.
  if (workloadTypeOf(args.type) === undefined) args.notApplicable(NOT_A_WORKLOAD);
  const applicable = (analysis: ResourceAnalysis | undefined) => use(analysis ?? args.notApplicable(NOT_A_WORKLOAD));
  const shared = sharedAnalysis(args);
  return shared.done === undefined ? shared.analysis.then(applicable) : applicable(shared.done.analysis);
}

/**
 * Hands the "cannot judge during preview" case to @pulumi/policy's own mechanism: reading an
 * unknown through `args.props` throws its `UnknownValueError`, which it reports as an advisory
 * "can't run policy … during preview: … can't be known during preview", whatever the policy's
 * enforcement level — after the violations already reported. Reading through the proxy (rather
 * than throwing our own error) keeps the error class the one the pack's @pulumi/policy checks.
 */
function reportCannotJudge(props: unknown, unknownPaths: readonly NodePath[]): void {
  for (const path of unknownPaths) {
    let node: unknown = props;
    for (const segment of path) node = (node as Record<string | number, unknown> | undefined)?.[segment];
  }
}

function hardenPolicy(): ResourceValidationPolicy {
  return {
    name: HARDEN_POLICY_NAME,
    displayName: 'harden security context',
    description:
      'Sets capabilities.drop [ALL], allowPrivilegeEscalation false and pod seccompProfile RuntimeDefault where no port binds worse',
    enforcementLevel: 'advisory',
    severity: 'medium',
    remediationSteps:
      'Set this policy\'s enforcementLevel to "remediate" and Pulumi applies the changes; a root container that binds a ' +
      'privileged port keeps NET_BIND_SERVICE; unknown (preview) and secret fields and privileged containers are left alone.',
    tags: ['kubernetes', 'least-privilege', 'remediation'],
    configSchema: POLICY_CONFIG_SCHEMA,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) =>
      withAnalysis(args, (analysis) => {
        const changes = hardening(analysis);
        if (changes.length > 0) reportViolation(`can be hardened without breaking any port: ${describeChanges(changes)}`);
      }),
    // `Remediate` deserializes the properties once (secrets still wrapped, which the hardening
    // leaves alone) and hands them to each remediation in turn: this one runs once per request.
    remediateResource: async (args: ResourceValidationArgs) => {
      if (workloadTypeOf(args.type) === undefined) args.notApplicable(NOT_A_WORKLOAD);
      const analysis = (await analyzeResource(args.type, args.props, policyConfigOf(args))) ?? args.notApplicable(NOT_A_WORKLOAD);
      const changes = hardening(analysis);
      return changes.length === 0 ? undefined : hardenedProperties(args.props, changes);
    },
  };
}

/** The hardening of an analyzed resource, judged with the facts (image facts included) its rules were. */
function hardening({ resource, options, check }: ResourceAnalysis): SecurityContextChange[] {
  return hardenResource(resource, check.check, options);
}
