/**
 * Issue 7: input the checker cannot (fully) understand. Each case yields a report — a
 * resource for every document that parses, an error entry (file, document, line) for every
 * one that does not — and the right exit status; never an exception, a stack trace or a hang.
 * docs/input-handling.md describes each case.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInProcess, checkText, checkWithBinary, checkWithBinaryMeasuringMemory, inputFile, parseReport, resourceNames, workDirectory, removeWorkDirectories } from './run-checker';

afterAll(removeWorkDirectories);

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
// Non-root with NET_BIND_SERVICE on port 80: DESIGN.md's trap, an error finding (LP001).
const trapPod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: web\n      ports: [{containerPort: 80}]\n` +
  '      securityContext: {runAsUser: 1000, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}\n';

/** An alias bomb ("billion laughs"): nine levels of nine aliases, 9^9 nodes once expanded. */
function aliasBomb(): string {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < 9; level++) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return `${levels.join('\n')}\n`;
}

describe('a stream with one bad document', () => {
  test('invalid YAML in one document of many: an error entry at its line, the others checked', () => {
    const { run, report, file } = checkText([configMap('a'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n', trapPod('c'), configMap('d')].join('---\n'));
    expect(run.status).toBe(2);
    expect(resourceNames(report)).toEqual(['ConfigMap/a', 'Pod/c', 'ConfigMap/d']);
    expect(report.resources.map((resource) => resource.source.document)).toEqual([0, 2, 3]);
    expect(report.errors).toEqual([{ file, document: 1, line: expect.any(Number), message: expect.stringMatching(/^invalid YAML: /) }]);
    expect(report.errors[0].line).toBeGreaterThanOrEqual(6);
    expect(report.errors[0].line).toBeLessThanOrEqual(9);
    // The error finding of Pod/c is still there.
    expect(report.resources[1].findings.map((finding) => finding.ruleId)).toContain('LP001');
  });

  test('an error at the end of a document (an unclosed flow) is on its last line, not on the next document\'s ---', () => {
    // js-yaml appends a line break and marks the end of the stream on the line after the text.
    for (const ending of ['\n', '\n\n', '\n# trailing comment\n']) {
      const { report } = checkText(`${configMap('a')}---\nkind: [${ending}---\n${configMap('c')}`);
      const separatorLine = 6 + ending.split('\n').length - 1;
      expect(report.errors).toEqual([{ file: expect.any(String), document: 1, line: expect.any(Number), message: 'invalid YAML: unexpected end of the stream within a flow collection' }]);
      expect(report.errors[0].line).toBeGreaterThanOrEqual(6);
      expect(report.errors[0].line).toBeLessThan(separatorLine);
    }
    expect(checkText('kind: [').report.errors[0].line).toBe(1);
  });

  test('tabs in indentation are invalid YAML, at the line of the tab', () => {
    const { report } = checkText(`${configMap('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabbed\n`);
    expect(report.errors).toEqual([{ file: expect.any(String), document: 1, line: 9, message: 'invalid YAML: tab characters must not be used in indentation' }]);
    expect(resourceNames(report)).toEqual(['ConfigMap/a']);
  });

  test('a tab inside a flow mapping or a value is only whitespace', () => {
    expect(resourceNames(checkText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name:\ttabbed}\n').report)).toEqual(['ConfigMap/tabbed']);
  });

  test('duplicate keys are an error for that document (kubectl refuses them too)', () => {
    const { report } = checkText(`apiVersion: v1\nkind: Pod\nkind: Deployment\n---\n${configMap('b')}`);
    expect(report.errors).toEqual([{ file: expect.any(String), document: 0, line: 3, message: 'invalid YAML: duplicated mapping key' }]);
    expect(resourceNames(report)).toEqual(['ConfigMap/b']);
  });

  test('an unknown tag (CloudFormation-style !Ref) is invalid YAML for that document only', () => {
    const { report } = checkText(`apiVersion: v1\nkind: !Ref Kind\n---\n${configMap('b')}`);
    expect(report.errors).toEqual([{ file: expect.any(String), document: 0, line: 2, message: 'invalid YAML: unknown tag !<!Ref>' }]);
    expect(resourceNames(report)).toEqual(['ConfigMap/b']);
  });

  test('a document that is a scalar or a list, or an object without apiVersion/kind, is an error entry', () => {
    const { report } = checkText(`42\n---\n- a\n- b\n---\nmetadata: {name: x}\n---\n${configMap('d')}`);
    expect(report.errors.map((error) => [error.document, error.line, error.message])).toEqual([
      [0, 1, 'expected a Kubernetes object (a map with apiVersion and kind), found the scalar 42'],
      [1, 3, 'expected a Kubernetes object (a map with apiVersion and kind), found a list'],
      [2, 6, 'not a Kubernetes object: apiVersion and kind must both be non-empty strings'],
    ]);
    expect(resourceNames(report)).toEqual(['ConfigMap/d']);
  });
});

describe('encodings and line endings', () => {
  test('a UTF-8 byte order mark is skipped', () => {
    const { run, report } = checkText(`\ufeff${configMap('bom')}`);
    expect(run.status).toBe(0);
    expect(report.resources[0]).toMatchObject({ name: 'bom', source: { document: 0, line: 1 } });
  });

  test('a BOM before JSON too', () => {
    expect(resourceNames(checkText('\ufeff{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}', 'bom.json').report)).toEqual(['ConfigMap/j']);
  });

  test('CRLF line endings: documents split and lines counted as with LF', () => {
    const { report } = checkText(`${configMap('a')}---\n${trapPod('b')}`.replace(/\n/g, '\r\n'));
    expect(resourceNames(report)).toEqual(['ConfigMap/a', 'Pod/b']);
    expect(report.resources[1].source.line).toBe(6);
    expect(report.resources[1].findings.find((finding) => finding.ruleId === 'LP001')?.line).toBe(13);
  });

  test('a file that is not UTF-8 (Latin-1) is one error entry; the other files are still checked', () => {
    const directory = workDirectory('latin1');
    writeFileSync(join(directory, 'a.yaml'), Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n', 'latin1'));
    writeFileSync(join(directory, 'b.yaml'), configMap('b'));
    const run = checkInProcess(directory);
    const report = parseReport(run);
    expect(run.status).toBe(2);
    expect(report.errors).toEqual([{ file: join(directory, 'a.yaml'), document: null, line: null, message: expect.stringMatching(/^not UTF-8 text/) }]);
    expect(resourceNames(report)).toEqual(['ConfigMap/b']);
  });

  test('binary garbage (a gzip header and random bytes) is "not UTF-8"', () => {
    const garbage = Buffer.from([0x1f, 0x8b, 0x08, 0x00, ...Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 256)]);
    const { run, report } = checkText(garbage, 'chart.tgz.yaml');
    expect(run.status).toBe(2);
    expect(report.errors).toEqual([{ file: expect.any(String), document: null, line: null, message: expect.stringMatching(/^not UTF-8 text/) }]);
  });

  test('control characters that are valid UTF-8 are invalid YAML for their document only', () => {
    const { report } = checkText(`${configMap('a')}---\n\u0001\u0002\u0003\u0000binary\n---\n${configMap('c')}`);
    expect(report.errors).toEqual([{ file: expect.any(String), document: 1, line: expect.any(Number), message: expect.stringMatching(/^invalid YAML: /) }]);
    expect(resourceNames(report)).toEqual(['ConfigMap/a', 'ConfigMap/c']);
  });
});

describe('empty input', () => {
  test.each([
    ['an empty file', ''],
    ['only comments', '# generated\n# nothing here\n'],
    ['--- only', '---\n'],
    ['several --- and ...', '---\n---\n...\n---'],
    ['blank lines and whitespace', '\n   \n\t\n'],
    ['an explicit null document', '--- ~\n--- null\n'],
  ])('%s: a clean empty report, exit 0', (_, content) => {
    const { run, report } = checkText(content);
    expect(run.status).toBe(0);
    expect(report.resources).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 1, resources: 0 });
  });

  test('Helm-style output: empty documents and "# Source:" comments between the real ones keep kubectl\'s indexes', () => {
    const helm = ['---\n# Source: chart/templates/disabled.yaml\n', '---\n# Source: chart/templates/cm.yaml\n' + configMap('cm'), '---\n\n', '---\n# Source: chart/templates/pod.yaml\n' + trapPod('pod')].join('');
    const { run, report } = checkText(helm);
    expect(run.status).toBe(1);
    expect(report.resources.map((resource) => [resource.name, resource.source.document, resource.source.line])).toEqual([
      ['cm', 1, 5],
      ['pod', 3, 13],
    ]);
  });
});

describe('JSON input', () => {
  test('a .json file holding one object', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'json' }, spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } };
    const { run, report } = checkText(JSON.stringify(pod, null, 2), 'pod.json');
    expect(run.status).toBe(0);
    expect(report.resources[0]).toMatchObject({ kind: 'Pod', name: 'json', containers: [{ ports: [{ containerPort: 8080, bind: 'allowed' }] }] });
  });

  test('a kubectl-style JSON List, on one line', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }] };
    expect(resourceNames(checkText(JSON.stringify(list), 'list.json').report)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
  });

  test('truncated JSON is invalid YAML, with a line', () => {
    const { run, report } = checkText('{"apiVersion": "v1",\n "kind": "Pod",\n "spec": {"containers": [', 'cut.json');
    expect(run.status).toBe(2);
    expect(report.errors).toEqual([{ file: expect.any(String), document: 0, line: expect.any(Number), message: expect.stringMatching(/^invalid YAML: /) }]);
  });
});

describe('alias bombs and deep nesting: an error entry quickly, the next documents still checked', () => {
  const hostile: [string, string][] = [
    ['an alias bomb', aliasBomb()],
    ['a cyclic alias', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: &spec {containers: [{name: c}], loop: *spec}\n'],
    ['deeply nested flow sequences', `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`],
    ['deeply nested flow maps', `a: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`],
    ['deeply nested block maps', `${Array.from({ length: 5_000 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n')} 1\n`],
  ];

  test.each(hostile)('%s', (_, document) => {
    const started = process.hrtime.bigint();
    const { run, report } = checkText(`${document}---\n${trapPod('after')}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(run.status).toBe(2);
    expect(report.errors).toEqual([{ file: expect.any(String), document: 0, line: expect.any(Number), message: expect.stringMatching(/alias bomb|nest/) }]);
    expect(resourceNames(report)).toEqual(['Pod/after']);
    expect(report.resources[0].findings.map((finding) => finding.ruleId)).toContain('LP001');
    // "Well under a second" on an idle machine; the bound leaves room for a loaded CI runner.
    expect(seconds).toBeLessThan(2);
  });

  test('the real binary on an alias bomb between two documents: exit 2, bounded memory', () => {
    const file = inputFile('bomb.yaml', `${configMap('before')}---\n${aliasBomb()}---\n${trapPod('after')}`);
    const { run, maxRssBytes } = checkWithBinaryMeasuringMemory(['--format', 'json', file]);
    const report = parseReport(run);
    expect(run.status).toBe(2);
    expect(resourceNames(report)).toEqual(['ConfigMap/before', 'Pod/after']);
    expect(report.errors).toEqual([{ file, document: 1, line: 6, message: expect.stringMatching(/alias bomb/) }]);
    expect(maxRssBytes).toBeLessThan(300 * 1024 * 1024);
  });
});

describe('kinds the checker does not read', () => {
  test('an unknown kind and a CRD embedding a pod template are listed with nothing checked', () => {
    const crd =
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: canary}\nspec:\n  template:\n    spec:\n      containers:\n' +
      '        - name: web\n          ports: [{containerPort: 80}]\n          securityContext: {runAsUser: 1000, capabilities: {add: [NET_BIND_SERVICE]}}\n';
    const { run, report } = checkText(`${crd}---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n`);
    expect(run.status).toBe(0);
    expect(report.resources).toEqual([
      expect.objectContaining({ kind: 'Rollout', name: 'canary', containers: [], findings: [] }),
      expect.objectContaining({ kind: 'Widget', name: 'w', containers: [], findings: [] }),
    ]);
    expect(report.resources[0]).not.toHaveProperty('podSecurityLevel');
  });

  test('Lists nest; their items are resources at their own lines; bad items are error entries', () => {
    const list = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: List',
      '    items:',
      '      - apiVersion: v1',
      '        kind: ConfigMap',
      '        metadata: {name: inner}',
      '  - null',
      '  - 42',
      `  - ${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'trap' }, spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }], securityContext: { runAsUser: 1000 } }] } })}`,
      '',
    ].join('\n');
    const { run, report } = checkText(list);
    expect(run.status).toBe(2);
    expect(report.resources.map((resource) => [resource.name, resource.source.line])).toEqual([
      ['inner', 7],
      ['trap', 12],
    ]);
    expect(report.errors.map((error) => [error.line, error.message])).toEqual([
      [10, 'a List item is empty'],
      [11, 'expected a Kubernetes object (a map with apiVersion and kind), found the scalar 42'],
    ]);
  });

  test('Lists nested past 16 levels are refused, not recursed into', () => {
    let value: unknown = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' } };
    for (let depth = 0; depth < 40; depth++) value = { apiVersion: 'v1', kind: 'List', items: [value] };
    const { report } = checkText(JSON.stringify(value), 'deep.json');
    expect(report.resources).toEqual([]);
    expect(report.errors).toEqual([expect.objectContaining({ document: 0, message: 'Lists nest deeper than 16 levels' })]);
  });
});

describe('the real binary', () => {
  test('a 0-byte stdin: an empty report, exit 0', () => {
    const run = checkWithBinary(['-f', 'json', '-'], Buffer.alloc(0));
    expect(run.status).toBe(0);
    expect(parseReport(run)).toMatchObject({ resources: [], errors: [], summary: { files: 1, resources: 0 } });
  });

  test('binary garbage on stdin: exit 2, an error entry for <stdin>, no stack trace', () => {
    const run = checkWithBinary(['-f', 'json', '-'], Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]));
    expect(parseReport(run).errors).toEqual([{ file: '<stdin>', document: null, line: null, message: expect.stringMatching(/^not UTF-8/) }]);
  });

  test('a mixed stream on stdin, in each format: exit 2, and the human format names file:line', () => {
    const stream = `${configMap('a')}---\nkind: [\n---\n${trapPod('b')}`;
    const json = checkWithBinary(['-f', 'json', '-'], stream);
    expect(resourceNames(parseReport(json))).toEqual(['ConfigMap/a', 'Pod/b']);
    const human = checkWithBinary(['-'], stream);
    expect(human.status).toBe(2);
    expect(human.stdout).toMatch(/<stdin>:6/);
    const sarif = checkWithBinary(['-f', 'sarif', '-'], stream);
    expect(sarif.status).toBe(2);
    expect(() => JSON.parse(sarif.stdout)).not.toThrow();
    for (const run of [json, human, sarif]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('a directory (other files skipped) and a missing file: one error entry, exit 2', () => {
    const directory = workDirectory('binary-dir');
    writeFileSync(join(directory, 'ok.yml'), configMap('ok'));
    writeFileSync(join(directory, 'notes.txt'), 'not a manifest: ignored');
    const run = checkWithBinary(['-f', 'json', directory, join(directory, 'missing.yaml')]);
    const report = parseReport(run);
    expect(run.status).toBe(2);
    expect(resourceNames(report)).toEqual(['ConfigMap/ok']);
    expect(report.errors).toEqual([{ file: join(directory, 'missing.yaml'), document: null, line: null, message: 'cannot read: no such file or directory' }]);
  });
});

describe('files concatenated with cat', () => {
  // Found by the fuzzer: a BOM after a `---` made `apiVersion` the key "\ufeffapiVersion", and the document was lost.
  test('a byte order mark at the start of a later document, before or after its ---, is skipped', () => {
    const windowsFile = `\ufeff${configMap('b')}`;
    const { run, report } = checkText(`${configMap('a')}---\n${windowsFile}\ufeff---\n${trapPod('c')}`);
    expect(run.status).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.resources.map((resource) => [resource.name, resource.source.document, resource.source.line])).toEqual([
      ['a', 0, 1],
      ['b', 1, 6],
      ['c', 2, 11],
    ]);
  });
});
