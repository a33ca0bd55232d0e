/**
 * `check --fix --dry-run --format sarif`: the results carry the fixes as SARIF 2.1.0 suggestions
 * (`fixes[].artifactChanges[].replacements[]`), valid against the schema, and applying a result's
 * replacements to the file gives exactly the text `--fix` writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { copyFixtures, runFixCli } from './fix-helpers';

const SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const SINGLE_WORKLOAD_FILES = ['seed-non-root.yaml', 'seed-file-capability.yaml', 'seed-default-caps.json', 'host-network.yaml'];

/** The text with the replacements applied, each at its character offset in the original. */
function applied(text: string, replacements: readonly Sarif.Replacement[]): string {
  return [...replacements]
    .sort((a, b) => b.deletedRegion.charOffset! - a.deletedRegion.charOffset!)
    .reduce(
      (result, { deletedRegion: region, insertedContent }) =>
        result.slice(0, region.charOffset!) + (insertedContent?.text ?? '') + result.slice(region.charOffset! + region.charLength!),
      text,
    );
}

describe('check --fix --dry-run --format sarif', () => {
  const directory = copyFixtures(SINGLE_WORKLOAD_FILES);
  const originals = new Map(SINGLE_WORKLOAD_FILES.map((name) => [name, readFileSync(join(directory, name), 'utf8')]));
  const run = runFixCli(['--fix', '--dry-run', '--format', 'sarif', directory]);
  const log = JSON.parse(run.stdout) as Sarif.Log;
  const results = log.runs[0].results!;
  const fixed = copyFixtures(SINGLE_WORKLOAD_FILES);
  runFixCli(['--fix', fixed]);

  test('is valid SARIF 2.1.0, and nothing was written', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(SCHEMA);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    for (const [name, text] of originals) expect(readFileSync(join(directory, name), 'utf8')).toBe(text);
  });

  test('every LP001 result that has a fix carries it; the hostNetwork pod\'s has none', () => {
    const lp001 = results.filter((result) => result.ruleId === 'LP001');
    const uris = (result: Sarif.Result) => result.locations![0].physicalLocation!.artifactLocation!.uri!;
    expect(lp001.filter((result) => result.fixes !== undefined).map(uris).sort()).toEqual(
      ['seed-default-caps.json', 'seed-file-capability.yaml', 'seed-non-root.yaml'].map((name) => join(directory, name)),
    );
    expect(lp001.find((result) => uris(result).endsWith('host-network.yaml'))!.fixes).toBeUndefined();
  });

  test('each fix is one artifact change whose replacements, applied to the file, give the text --fix writes', () => {
    const withFixes = results.filter((result) => result.fixes !== undefined);
    expect(withFixes.length).toBeGreaterThanOrEqual(3);
    for (const result of withFixes) {
      const [fix] = result.fixes!;
      expect(fix.description?.text).toEqual(expect.any(String));
      expect(fix.artifactChanges).toHaveLength(1);
      const [change] = fix.artifactChanges;
      const name = change.artifactLocation.uri!.split('/').pop()!;
      for (const replacement of change.replacements) {
        const region = replacement.deletedRegion;
        const numbers = Object.fromEntries(['startLine', 'startColumn', 'endLine', 'endColumn', 'charOffset', 'charLength'].map((key) => [key, expect.any(Number)]));
        expect(region).toEqual(expect.objectContaining(numbers));
      }
      expect([name, applied(originals.get(name)!, change.replacements)]).toEqual([name, readFileSync(join(fixed, name), 'utf8')]);
    }
  });

  test('a hardening result (LP009, LP011) carries the fix of its workload too', () => {
    const hardening = results.filter((result) => (result.ruleId === 'LP009' || result.ruleId === 'LP011') && result.fixes !== undefined);
    expect(hardening.length).toBeGreaterThan(0);
  });
});
