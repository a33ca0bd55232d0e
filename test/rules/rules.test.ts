import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleCase } from './rule-cases';
import { deployment, RULE_CASES } from './rule-cases';
import { checkObject } from '../../src/check/check-object';
import type { ImageFactsLookup } from '../../src/model/image-facts';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';
import { findRuntimeProfile } from '../../src/model/runtime-profile';
import { objectsInDocument } from '../../src/model/workload';
import type { RuleMetadata } from '../../src/rules';
import { ALL_RULES, defineRule, RULES } from '../../src/rules';
import { renderRuleDoc, renderRuleIndex } from '../../src/rules/support/rule-doc';

function ruleIds(
  manifest: object,
  profile: RuntimeProfileName = 'strict',
  imageFacts?: ImageFactsLookup,
): { unsuppressed: string[]; suppressed: string[] } {
  const [object] = objectsInDocument(manifest).objects;
  const { findings } = checkObject(object, { runtimeProfile: findRuntimeProfile(profile)!, imageFacts });
  return {
    unsuppressed: findings.filter((f) => f.suppressionReason === undefined).map((f) => f.ruleId),
    suppressed: findings.filter((f) => f.suppressionReason !== undefined).map((f) => f.ruleId),
  };
}

/** The compliant and non-compliant case of a rule. */
function caseOf(ruleId: string): RuleCase {
  const found = RULE_CASES.find((c) => c.ruleId === ruleId);
  if (found === undefined) throw new Error(`test/rules/rule-cases.ts has no case for ${ruleId}`);
  return found;
}

test('every pod rule has its cases in rule-cases.ts, and no case names another', () => {
  expect(RULE_CASES.map((c) => c.ruleId).sort()).toEqual(RULES.map((r) => r.id).sort());
});

describe.each(RULES.map((rule) => [rule.id, rule.name] as const))('%s %s', (ruleId) => {
  const profile = ruleId === 'LP003' ? 'containerd-2' : 'strict';

  test('the compliant case raises none of its findings', () => {
    const c = caseOf(ruleId);
    expect(ruleIds(c.compliant, profile, c.imageFacts).unsuppressed).not.toContain(ruleId);
  });

  test('the non-compliant case raises it', () => {
    const c = caseOf(ruleId);
    expect(ruleIds(c.nonCompliant, profile, c.imageFacts).unsuppressed).toContain(ruleId);
  });
});

test('the hardened restricted Deployment the cases vary raises nothing at all', () => {
  expect(ruleIds(deployment()).unsuppressed).toEqual([]);
});

test('a Pod Security finding says what is allowed and links the upstream check', () => {
  const c = RULE_CASES.find((x) => x.ruleId === 'LP010')!;
  const [object] = objectsInDocument(c.nonCompliant).objects;
  const finding = checkObject(object, { runtimeProfile: findRuntimeProfile('strict')! }).findings.find((f) => f.ruleId === 'LP010')!;
  expect(finding.message).toMatch(/^privileged: container "web" must not set securityContext.privileged=true \(Pod Security check privileged, baseline: https:\/\/github.com\/kubernetes\/pod-security-admission\/.*check_privileged.go\)$/);
});

describe('suppressions', () => {
  test('a suppression with a reason marks the finding suppressed and keeps it', () => {
    const c = RULE_CASES.find((x) => x.ruleId === 'LP007')!;
    const nonCompliant = JSON.parse(JSON.stringify(c.nonCompliant));
    nonCompliant.metadata.annotations = { 'k8s-least-privilege.dev/suppress': 'LP007: dnsmasq drops root after bind; LP011: legacy node' };
    const { unsuppressed, suppressed } = ruleIds(nonCompliant);
    expect(suppressed).toContain('LP007');
    expect(unsuppressed).not.toContain('LP007');
  });

  test('a suppression can name one container', () => {
    const c = RULE_CASES.find((x) => x.ruleId === 'LP010')!;
    const manifest = JSON.parse(JSON.stringify(c.nonCompliant));
    manifest.metadata.annotations = { 'k8s-least-privilege.dev/suppress': 'LP010[other]: not this one' };
    expect(ruleIds(manifest).unsuppressed).toContain('LP010');
    manifest.metadata.annotations = { 'k8s-least-privilege.dev/suppress': 'LP010[web]: a device plugin' };
    expect(ruleIds(manifest).suppressed).toContain('LP010');
  });

  test('configured suppressions select by kind, name and namespace', () => {
    const c = RULE_CASES.find((x) => x.ruleId === 'LP009')!;
    const [object] = objectsInDocument(c.nonCompliant).objects;
    const check = (suppression: object) =>
      checkObject(object, { runtimeProfile: findRuntimeProfile('strict')!, suppressions: [{ ruleId: 'LP009', reason: 'ok', ...suppression }] })
        .findings.find((f) => f.ruleId === 'LP009')!.suppressionReason;
    expect(check({ kind: 'Deployment', name: 'web' })).toBe('ok');
    expect(check({ name: 'api' })).toBeUndefined();
  });

  test.each([
    ['LP007', /gives no reason/],
    ['LP999: because', /names no rule/],
    ['just words', /not of the form/],
  ])('"%s" is itself an error (LP000)', (annotation, message) => {
    const manifest = JSON.parse(JSON.stringify(deployment()));
    manifest.metadata.annotations['k8s-least-privilege.dev/suppress'] = annotation;
    const [object] = objectsInDocument(manifest).objects;
    const finding = checkObject(object, { runtimeProfile: findRuntimeProfile('strict')! }).findings.find((f) => f.ruleId === 'LP000');
    expect(finding?.message).toMatch(message);
  });
});

describe('rule metadata and docs', () => {
  test.each(ALL_RULES.map((rule) => [rule.id, rule] as const))('%s has complete metadata', (_id, rule) => {
    expect(rule.id).toMatch(/^LP\d{3}$/);
    expect(rule.name).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
    for (const text of [rule.title, rule.rationale, rule.remediation]) expect(text.length).toBeGreaterThan(10);
  });

  test('one file per rule in src/rules, named after the rule, declared with defineRule; helpers live in src/rules/support', () => {
    const directory = join(__dirname, '..', '..', 'src', 'rules');
    const files = readdirSync(directory).filter((file) => file.endsWith('.ts') && file !== 'index.ts');
    expect(files.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual(ALL_RULES.map((rule) => rule.name).sort());
    for (const file of files) {
      const exported = Object.values(require(join(directory, file)) as Record<string, unknown>).filter(
        (value): value is RuleMetadata => typeof value === 'object' && value !== null && 'id' in value && 'severity' in value,
      );
      expect(exported.map((rule) => `${rule.name}.ts`)).toEqual([file]);
      expect(Object.isFrozen(exported[0])).toBe(true);
    }
  });

  test('defineRule refuses malformed metadata', () => {
    const rule = { ...RULES[1] };
    expect(() => defineRule({ ...rule, id: 'X1' })).toThrow(/rule id "X1" is not LP and three digits/);
    expect(() => defineRule({ ...rule, name: 'Port Cannot Bind' })).toThrow(/is not kebab-case/);
    expect(() => defineRule({ ...rule, rationale: '' })).toThrow(/title, rationale and remediation are required/);
  });

  test('ids and names are unique', () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    expect(new Set(ALL_RULES.map((r) => r.name)).size).toBe(ALL_RULES.length);
  });

  test('docs/rules is generated from the metadata and not stale (npm run docs:rules)', () => {
    const directory = join(__dirname, '..', '..', 'docs', 'rules');
    for (const rule of ALL_RULES) expect(readFileSync(join(directory, `${rule.id}.md`), 'utf8')).toBe(renderRuleDoc(rule));
    expect(readFileSync(join(directory, 'README.md'), 'utf8')).toBe(renderRuleIndex(ALL_RULES));
  });
});
