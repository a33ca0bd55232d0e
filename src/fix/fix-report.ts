/**
 * What `check --fix` says about its fixes, beside the check's report: one line per change, port
 * left as it was and thing a person must still do (human); each workload's fix as data (JSON);
 * each fix as the SARIF `fixes` of the results it answers (SARIF).
 */
import type { InputFix, ResourceFix } from './fix-input';
import { sarifReplacements, unifiedDiff } from './text-changes';
import type { SourceLocation } from '../check/report';
import { escapeControlCharacters } from '../input/untrusted-text';
import type { SarifFixesOf } from '../report/sarif-format';
import { toUri } from '../report/sarif-format';

/** Whether the fixes were written, or only shown (`--dry-run`). */
export type FixMode = 'written' | 'dry-run';

/** Every changed file as one unified diff (empty when nothing changes). */
export function inputDiff(fix: InputFix): string {
  return fix.files.map(unifiedDiff).join('');
}

/** The fixes for a person: `file:line  fixed  Kind name  what`, then what could not be fixed and what is left to do. */
export function formatFixes(fix: InputFix, mode: FixMode): string {
  const lines: string[] = [];
  const done = mode === 'written' ? 'fixed' : 'would fix';
  for (const resource of fix.fixes) {
    const where = `${resource.source.file}:${resource.source.line}`;
    const what = `${resource.kind} ${resource.namespace === null ? '' : `${resource.namespace}/`}${resource.name ?? '<unnamed>'}`;
    for (const change of resource.changes) {
      lines.push(`${where}  ${done}  ${what}  ${change.container === null ? '' : `${change.container}: `}${change.description} (${change.ruleIds.join(', ')})`);
    }
    for (const port of resource.unfixable) lines.push(`${where}  not fixable  ${what}  ${port.container}: port ${port.port}: ${port.why}`);
    for (const note of resource.notes) lines.push(`${where}  to do  ${what}  ${note}`);
  }
  if (lines.length === 0) lines.push(`--fix: nothing to fix (${mode === 'written' ? 'no file changed' : 'no file would change'})`);
  return `${lines.map(escapeControlCharacters).join('\n')}\n\n`;
}

/** A workload's fix in the JSON report's `fixes` (the diff of this fix alone, and whether it was written). */
export function fixJson(resource: ResourceFix, mode: FixMode): Record<string, unknown> {
  const { source, kind, name, namespace, level, changes, notes, unfixable, fileChanges } = resource;
  return { source, kind, name, namespace, level, written: mode === 'written', changes, notes, unfixable, diff: fileChanges.map(unifiedDiff).join('') };
}

/**
 * The SARIF `fixes` of a result: the fix of its workload, when one of its changes answers the
 * result's rule for the result's container (or the pod); none otherwise.
 */
export function sarifFixesOf(fix: InputFix): SarifFixesOf {
  const bySource = new Map(fix.fixes.map((resource) => [sourceKey(resource.source), resource]));
  return (resource, finding) => {
    const fixed = bySource.get(sourceKey(resource.source));
    if (fixed === undefined || fixed.fileChanges.length === 0) return [];
    const sameContainer = (container: string | null) => container === null || finding.container === null || container === finding.container;
    const answers = fixed.changes.filter((change) => change.ruleIds.includes(finding.ruleId) && sameContainer(change.container));
    if (answers.length === 0) return [];
    return [
      {
        description: { text: answers.map((change) => change.description).join('; ') },
        artifactChanges: fixed.fileChanges.map((change) => ({
          artifactLocation: { uri: toUri(change.file) },
          replacements: sarifReplacements(change),
        })),
      },
    ];
  };
}

function sourceKey(source: SourceLocation): string {
  return `${source.file}\0${source.document}\0${source.line}`;
}
