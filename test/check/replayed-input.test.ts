/**
 * An input too large to keep in memory is read twice (src/check/parsed-input.ts): once to index
 * what looks across objects, once to check each object. The report must be the one the input
 * kept in memory gives, wherever the limit falls; standard input, which cannot be read again, is
 * kept as text; and a file that changed between the two readings stops the check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../../bench/corpus';
import { writeCheck } from '../../src/check/check-run';
import { InputChangedError, readInput } from '../../src/check/parsed-input';
import type { InputSource } from '../../src/input/read-sources';
import { readSources } from '../../src/input/read-sources';
import { findRuntimeProfile } from '../../src/model/runtime-profile';
import { jsonReportWriter } from '../../src/report/json-format';

const OPTIONS = { runtimeProfile: findRuntimeProfile('strict')! };

function jsonOf(sources: Iterable<InputSource>, keptChars: number): string {
  const chunks: string[] = [];
  writeCheck(readInput(sources, keptChars), OPTIONS, jsonReportWriter((text) => chunks.push(text)));
  return chunks.join('');
}

describe('an input read twice', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'replayed-input-'));
    for (let file = 0; file < 4; file++) writeFileSync(join(directory, `part-${file}.yaml`), generateCorpus(60, file + 1).text);
    writeFileSync(join(directory, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: [unclosed\n');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test('gives the report the input kept in memory gives, wherever the limit falls', () => {
    const kept = jsonOf(readSources([directory]), Infinity);
    expect(JSON.parse(kept).errors).toHaveLength(1);
    for (const limit of [0, 1, 40_000, 150_000]) expect(jsonOf(readSources([directory]), limit)).toBe(kept);
  });

  test('keeps the text of what cannot be read again (standard input)', () => {
    const text = generateCorpus(80, 9).text;
    const stdin: InputSource = { file: '<stdin>', ok: true, text };
    expect(jsonOf([stdin], 0)).toBe(jsonOf([stdin], Infinity));
  });

  test('stops when a file changed between the two readings', () => {
    const file = join(directory, 'changing.yaml');
    writeFileSync(file, generateCorpus(20, 3).text);
    const input = readInput(readSources([file]), 0);
    writeFileSync(file, generateCorpus(20, 4).text);
    expect(() => [...input.objects()]).toThrow(InputChangedError);
    expect(() => [...input.objects()]).toThrow(/changing\.yaml changed while it was being checked/);
  });
});
