// Writes docs/rules/<id>.md and docs/rules/README.md from the rules' metadata.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../src/rules';
import { renderRuleDoc, renderRuleIndex } from '../src/rules/support/rule-doc';

const directory = join(__dirname, '..', 'docs', 'rules');
mkdirSync(directory, { recursive: true });
for (const rule of ALL_RULES) writeFileSync(join(directory, `${rule.id}.md`), renderRuleDoc(rule));
writeFileSync(join(directory, 'README.md'), renderRuleIndex(ALL_RULES));
console.log(`wrote ${ALL_RULES.length} rule pages to ${directory}`);
