import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { checkObject } from '../../src/check/check-object';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';
import { objectsInDocument } from '../../src/model/workload';

// The table's expectations are what the rules say today: when a rule changes, this test names
// the fixture to update before the Pulumi and cdk8s tests disagree with it.
describe('the enforcement table agrees with checkObject', () => {
  test.each(ENFORCEMENT_FIXTURES.map((fixture) => [fixture.id, fixture] as const))('%s', (_, fixture) => {
    const { objects, problems } = objectsInDocument(fixture.object);
    expect(problems).toEqual([]);
    expect(objects).toHaveLength(1);
    const { findings } = checkObject(objects[0], { runtimeProfile: DEFAULT_RUNTIME_PROFILE });
    expect([...new Set(findings.map((finding) => finding.ruleId))].sort()).toEqual(fixture.expectedRuleIds);
    expect(findings.some((finding) => finding.severity === 'error')).toBe(fixture.fails);
  });

  test('fixture ids and object names are unique (they name constructs and Pulumi resources)', () => {
    const names = ENFORCEMENT_FIXTURES.map((fixture) => (fixture.object.metadata as { name: string }).name);
    expect(new Set(ENFORCEMENT_FIXTURES.map((fixture) => fixture.id)).size).toBe(ENFORCEMENT_FIXTURES.length);
    expect(new Set(names).size).toBe(names.length);
  });
});
