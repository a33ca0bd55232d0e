/**
 * `check --format sarif` against the official SARIF 2.1.0 JSON schema (OASIS, Errata 01), committed
 * with its source in test/fixtures/sarif/README.md. (--fix's `fixes` are not in the output yet.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { runWithStdin } from './integration-tools';
import { runCli } from '../../src/cli/main';

const SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
const CHECK_FIXTURES = join(__dirname, '..', 'fixtures', 'check');
const REAL_WORLD = join(__dirname, '..', 'real-world', 'manifests');

// The schema is draft-04; its `language` pattern is not a valid regular expression with the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(SCHEMA);

function sarifOf(...paths: string[]): Sarif.Log {
  let stdout = '';
  runCli(['check', '--image-facts', 'assume-none', '--format', 'sarif', ...paths], { stdout: (text) => (stdout += text), stderr: () => undefined });
  return JSON.parse(stdout) as Sarif.Log;
}

function schemaErrors(log: unknown) {
  return validate(log) ? [] : validate.errors;
}

describe('check --format sarif is valid SARIF 2.1.0 (the OASIS schema)', () => {
  test.each([
    ['findings of every severity and input errors', [join(CHECK_FIXTURES, 'mixed.yaml'), join(CHECK_FIXTURES, 'trap.yaml')]],
    ['a clean input', [join(CHECK_FIXTURES, 'clean.yaml')]],
    ['the real-world corpus', [REAL_WORLD]],
  ])('%s', (_what, paths) => {
    const log = sarifOf(...paths);
    expect(schemaErrors(log)).toEqual([]);
  });

  test('from standard input (post-render and a kubectl List)', () => {
    const list = readFileSync(join(__dirname, 'fixtures', 'kubectl-get-list.yaml'), 'utf8');
    const log = JSON.parse(runWithStdin(['post-render', '--format', 'sarif'], list).stderr) as Sarif.Log;
    expect(log.runs[0].results?.some((result) => result.ruleId === 'LP001')).toBe(true);
    expect(schemaErrors(log)).toEqual([]);
  });

  test('the schema is enforced: a log the standard refuses is refused', () => {
    const log = sarifOf(join(CHECK_FIXTURES, 'trap.yaml'));
    const result = log.runs[0].results![0];
    expect(schemaErrors({ ...log, version: '2.0.0' })).not.toEqual([]);
    expect(schemaErrors({ ...log, runs: [{ ...log.runs[0], results: [{ ...result, level: 'fatal' }] }] })).not.toEqual([]);
    const lineZero = { ...result, locations: [{ physicalLocation: { region: { startLine: 0 } } }] };
    expect(schemaErrors({ ...log, runs: [{ ...log.runs[0], results: [lineZero] }] })).not.toEqual([]);
  });
});
