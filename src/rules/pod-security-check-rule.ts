import { POD_SECURITY_CHECKS } from '../model/pss';
import { Rule, RuleFinding } from './rule';

/** A rule's metadata, for rules that report a Pod Security Standards check's violations. */
export type PodSecurityCheckRuleDefinition = Omit<Rule, 'check'>;

/**
 * A rule that reports the violations of upstream Pod Security checks (`podSecurityChecks`)
 * at the analysis's policy version, worded as the admission controller words them:
 * the PSS evaluator is the one place those checks are implemented.
 */
export function podSecurityCheckRule(definition: PodSecurityCheckRuleDefinition): Rule {
  const checks = new Set(definition.podSecurityChecks);
  const sources = new Map(POD_SECURITY_CHECKS.map((check) => [check.id, check.source]));
  return {
    ...definition,
    check: ({ analysis }): RuleFinding[] =>
      analysis.podSecurity.violations
        .filter((violation) => checks.has(violation.checkId))
        .map((violation) => ({
          container: violation.container ?? null,
          path: violation.fieldPaths[0] ?? 'spec',
          message: `${violation.reason}: ${violation.detail} (Pod Security check ${violation.checkId}, ${violation.level}: ${sources.get(violation.checkId)})`,
        })),
  };
}
