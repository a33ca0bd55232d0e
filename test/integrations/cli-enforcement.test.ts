import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import type { CheckReport } from '../../src/check/report';

const BIN = join(__dirname, '..', '..', 'bin', 'k8s-least-privilege');

/** The third enforcement point: the same fixtures, as one YAML stream, through the installed CLI (closed world, as the table is). */
describe('the CLI reports the shared enforcement table', () => {
  const stream = ENFORCEMENT_FIXTURES.map((fixture) => dump(fixture.object)).join('---\n');
  const result = spawnSync(BIN, ['check', '--image-facts', 'assume-none', '--format', 'json', '-'], { input: stream });
  const report = JSON.parse(result.stdout.toString()) as CheckReport;

  test('exit status 1: some fixtures fail, none is an input error', () => {
    expect(report.errors).toEqual([]);
    expect(result.status).toBe(ENFORCEMENT_FIXTURES.some((fixture) => fixture.fails) ? 1 : 0);
  });

  test.each(ENFORCEMENT_FIXTURES.map((fixture, index) => [fixture.id, index] as const))('%s gives the table\'s rule ids', (_id, index) => {
    const fixture = ENFORCEMENT_FIXTURES[index];
    const resource = report.resources.find((r) => r.source.document === index)!;
    expect([...new Set(resource.findings.filter((f) => !f.suppressed).map((f) => f.ruleId))].sort()).toEqual(
      [...new Set(fixture.expectedRuleIds)].sort(),
    );
    expect(resource.findings.some((f) => f.severity === 'error' && !f.suppressed)).toBe(fixture.fails);
  });
});
