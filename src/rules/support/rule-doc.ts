import type { RuleMetadata } from './rule';

/** The rule's documentation page (`docs/rules/<id>.md`), made from its metadata so the two cannot drift. */
export function renderRuleDoc(rule: RuleMetadata): string {
  const pss = rule.podSecurityChecks.length === 0 ? 'none' : rule.podSecurityChecks.map((check) => `\`${check}\``).join(', ');
  return [
    `# ${rule.id} \`${rule.name}\``,
    '',
    '<!-- Generated from the rule\'s metadata in src/rules: run `npm run docs:rules` after changing it. -->',
    '',
    rule.title,
    '',
    `- Severity: **${rule.severity}**`,
    `- Related Pod Security Admission checks: ${pss}`,
    '',
    '## Why it matters',
    '',
    rule.rationale,
    '',
    '## What to do',
    '',
    ...(rule.remediation.includes('\n') ? ['```yaml', rule.remediation, '```'] : [rule.remediation]),
    '',
    '## Suppressing it',
    '',
    'Only with a reason, on the workload:',
    '',
    '```yaml',
    'metadata:',
    '  annotations:',
    `    k8s-least-privilege.dev/suppress: "${rule.id}: <why this is acceptable here>"`,
    '```',
    '',
  ].join('\n');
}

/** The index page (`docs/rules/README.md`). */
export function renderRuleIndex(rules: readonly RuleMetadata[]): string {
  return [
    '# Rules',
    '',
    '<!-- Generated from the rules\' metadata in src/rules: run `npm run docs:rules` after changing it. -->',
    '',
    '| id | name | severity | reports |',
    '|---|---|---|---|',
    ...rules.map((rule) => `| [${rule.id}](${rule.id}.md) | \`${rule.name}\` | ${rule.severity} | ${rule.title} |`),
    '',
  ].join('\n');
}
