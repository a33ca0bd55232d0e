import type { JsonObject } from '../../model/json-value';
import { objectField } from '../../model/json-value';

/** The workload annotation that suppresses findings: `"<ruleId>: <reason>"` entries, one per line or `;`-separated. */
export const SUPPRESS_ANNOTATION = 'k8s-least-privilege.dev/suppress';

/** A suppression of one rule, with the reason a person gave. */
export interface Suppression {
  /** The rule suppressed. */
  readonly ruleId: string;
  /** Why; never empty. */
  readonly reason: string;
  /** Which container only; every container when absent. */
  readonly container?: string;
}

/** The suppressions an object's annotation declares, and what is wrong with the entries that are not valid. */
export function readSuppressionAnnotation(
  metadata: JsonObject | undefined,
  knownRuleIds: ReadonlySet<string>,
): { suppressions: Suppression[]; problems: string[] } {
  const value = objectField(metadata, 'annotations')?.[SUPPRESS_ANNOTATION];
  if (value === undefined || value === null) return { suppressions: [], problems: [] };
  if (typeof value !== 'string') return { suppressions: [], problems: [`${SUPPRESS_ANNOTATION} must be a string of "<ruleId>: <reason>" entries`] };
  const suppressions: Suppression[] = [];
  const problems: string[] = [];
  for (const entry of value.split(/[\n;]/).map((text) => text.trim()).filter((text) => text !== '')) {
    const match = /^([A-Za-z]+\d+)(?:\[([^\]]+)\])?\s*(?::\s*(.*))?$/.exec(entry);
    if (match === null) {
      problems.push(`suppression "${entry}" is not of the form "<ruleId>: <reason>" (or "<ruleId>[<container>]: <reason>")`);
    } else if (!knownRuleIds.has(match[1])) {
      problems.push(`suppression "${entry}" names no rule (${match[1]})`);
    } else if (match[3] === undefined || match[3].trim() === '') {
      problems.push(`suppression of ${match[1]} gives no reason: write "${match[1]}: <why this is acceptable>"`);
    } else {
      suppressions.push({ ruleId: match[1], reason: match[3].trim(), ...(match[2] ? { container: match[2] } : {}) });
    }
  }
  return { suppressions, problems };
}
