/**
 * The report is written as it is made (src/report/report-writer.ts): each format's writer gets
 * the head, then one resource at a time, then the tail. Its text must be the text of the whole
 * report formatted at once, byte for byte: JSON and SARIF as `JSON.stringify(…, null, 2)` writes
 * them, and the CLI's output as the `format…` functions write a report checked in memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus } from '../../bench/corpus';
import { checkInputs } from '../../src/check/check-inputs';
import type { CheckReport } from '../../src/check/report';
import { runCli } from '../../src/cli/main';
import { packageVersion } from '../../src/cli/package-version';
import type { InputSource } from '../../src/input/read-sources';
import { findRuntimeProfile } from '../../src/model/runtime-profile';
import { formatHuman, humanReportWriter } from '../../src/report/human-format';
import { formatJson } from '../../src/report/json-format';
import { jsonArrayItems } from '../../src/report/json-items';
import { chunkedOutput, formatWhole } from '../../src/report/report-writer';
import { formatSarif } from '../../src/report/sarif-format';

const FIXTURES = join(__dirname, '..', 'fixtures', 'check');
const OPTIONS = { runtimeProfile: findRuntimeProfile('strict')! };

function reportOf(...sources: InputSource[]): CheckReport {
  return checkInputs(sources, OPTIONS);
}

const CORPUS: InputSource = { file: 'corpus.yaml', ok: true, text: generateCorpus(300, 11).text };
const BROKEN: InputSource = { file: 'broken.yaml', ok: true, text: 'kind: [unclosed\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' };
const UNREADABLE: InputSource = { file: 'missing.yaml', ok: false, message: 'cannot read: no such file' };

const REPORTS: readonly (readonly [string, CheckReport])[] = [
  ['a corpus', reportOf(CORPUS)],
  ['no input at all', reportOf()],
  ['input errors only', reportOf(BROKEN, UNREADABLE)],
  ['a corpus and errors', reportOf(BROKEN, CORPUS, UNREADABLE)],
  [
    'images read',
    {
      ...reportOf(CORPUS),
      images: [
        { image: 'nginx:1.27', platform: 'linux/amd64', status: 'pulled', source: 'registry-1.docker.io/library/nginx@sha256:00', layersRead: 2, message: null },
        { image: 'example/app:2', platform: 'linux/amd64', status: 'failed', source: null, layersRead: null, message: 'example/app:2: 401 Unauthorized' },
      ],
    },
  ],
];

describe('the report written resource by resource', () => {
  test.each(REPORTS)('JSON is the whole report stringified (%s)', (_name, report) => {
    expect(formatJson(report)).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  test.each(REPORTS)('SARIF is one log, stringified as a whole (%s)', (_name, report) => {
    const text = formatSarif(report, '1.2.3');
    const log = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(log, null, 2)}\n`);
    expect(log.runs[0].results).toHaveLength(report.resources.reduce((sum, resource) => sum + resource.findings.length, 0));
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toHaveLength(report.errors.length);
  });

  test.each(REPORTS)('any cut of the output into chunks writes the same text (%s)', (_name, report) => {
    const chunks: string[] = [];
    const output = chunkedOutput((text) => chunks.push(text), 7);
    const writer = humanReportWriter(output.write);
    writer.start(report);
    for (const resource of report.resources) writer.resource(resource);
    writer.finish(report);
    output.flush();
    expect(chunks.join('')).toBe(formatWhole(report, humanReportWriter));
    expect(chunks.every((chunk, index) => index === chunks.length - 1 || chunk.length >= 7)).toBe(true);
  });

  test('array items at any depth are what JSON.stringify writes inside the array', () => {
    const items = [{ a: [1, { b: 'x\ny' }] }, [], 'text', 3, null, { '': {} }];
    for (let depth = 1; depth <= 5; depth++) {
      let nested: unknown = items;
      for (let level = 1; level < depth; level++) nested = [nested];
      const indentation = ' '.repeat(2 * depth);
      const whole = JSON.stringify(nested, null, 2);
      expect(whole).toContain(`[\n${indentation}${jsonArrayItems(items, depth)}\n`);
    }
  });
});

describe('check writes what the format functions write of the report made in memory', () => {
  const files = [join(FIXTURES, 'mixed.yaml'), join(FIXTURES, 'trap.yaml'), join(FIXTURES, 'clean.yaml')];
  const sources: InputSource[] = files.map((file) => ({ file, ok: true, text: readFileSync(file, 'utf8') }));
  const report = reportOf(...sources);

  function cli(format: string): string {
    let stdout = '';
    runCli(['check', '--image-facts', 'assume-none', '--format', format, ...files], { stdout: (text) => (stdout += text), stderr: () => undefined });
    return stdout;
  }

  test('json', () => expect(cli('json')).toBe(formatJson(report)));
  test('sarif', () => expect(cli('sarif')).toBe(formatSarif(report, packageVersion())));
  test('human', () => expect(cli('human')).toBe(formatHuman(report)));
});
