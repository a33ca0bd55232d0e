import type { RuleFinding, RuleInput } from './rule';
import { POD_SECURITY_CHECKS } from '../../model/pss';

let sources: ReadonlyMap<string, string> | undefined;

/**
 * The findings of rules that report upstream Pod Security checks: the violations of `checkIds` at
 * the analysis's policy version, worded as the admission controller words them (the PSS evaluator
 * is the one place those checks are implemented), with the check's level and upstream source.
 */
export function podSecurityCheckFindings({ analysis }: RuleInput, checkIds: readonly string[]): RuleFinding[] {
  sources ??= new Map(POD_SECURITY_CHECKS.map((check) => [check.id, check.source]));
  return analysis.podSecurity.violations
    .filter((violation) => checkIds.includes(violation.checkId))
    .map((violation) => ({
      container: violation.container ?? null,
      path: violation.fieldPaths[0] ?? 'spec',
      message: `${violation.reason}: ${violation.detail} (Pod Security check ${violation.checkId}, ${violation.level}: ${sources?.get(violation.checkId)})`,
    }));
}
