import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { runCli } from '../../src/cli/main';
import { ALL_RULES } from '../../src/rules';

const FIXTURES = join(__dirname, '..', 'fixtures', 'check');
const SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

function sarifOf(...paths: string[]): { status: number; log: Sarif.Log } {
  let stdout = '';
  const status = runCli(['check', '--image-facts', 'assume-none', '--format', 'sarif', ...paths], { stdout: (t) => (stdout += t), stderr: () => undefined });
  return { status, log: JSON.parse(stdout) as Sarif.Log };
}

describe('check --format sarif', () => {
  const { status, log } = sarifOf(join(FIXTURES, 'mixed.yaml'), join(FIXTURES, 'trap.yaml'));
  const run = log.runs[0];

  test('is valid against the SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }); // the schema's language pattern is not valid with the u flag;
    addFormats(ajv);
    const validate = ajv.compile(SCHEMA);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
  });

  test('carries every rule with metadata and a help URI to its doc', () => {
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    const lp001 = run.tool.driver.rules![ALL_RULES.findIndex((r) => r.id === 'LP001')];
    expect(lp001).toMatchObject({ name: 'port-cannot-bind', defaultConfiguration: { level: 'error' } });
    expect(lp001.helpUri).toMatch(/docs\/rules\/LP001\.md$/);
  });

  test('results point at file and line', () => {
    const result = run.results!.find((r) => r.ruleId === 'LP001')!;
    expect(result.level).toBe('error');
    expect(result.locations![0].physicalLocation).toMatchObject({
      artifactLocation: { uri: expect.stringMatching(/mixed\.yaml$/) },
      region: { startLine: 14 },
    });
    expect(run.tool.driver.rules![result.ruleIndex!].id).toBe('LP001');
  });

  test('input errors are notifications and the exit status stays 2', () => {
    expect(status).toBe(2);
    expect(run.invocations![0].executionSuccessful).toBe(false);
    expect(run.invocations![0].toolExecutionNotifications!.map((n) => n.message.text)).toEqual([
      expect.stringMatching(/^document 1: invalid YAML/),
      expect.stringMatching(/^document 2: expected a Kubernetes object/),
    ]);
  });
});
