/**
 * Reading YAML as kubectl reads it (src/input/kubectl-yaml-schema.ts, go-yaml-scalars.ts): what
 * `check` judges, merge keys in go-yaml v2's order, what kubectl refuses and where, and the line
 * of a node under a key that YAML 1.1 renames. Every expected value here is the reference
 * oracle's (kubectl's decoder); test/conformance/yaml-differential.test.ts compares the two at
 * large.
 */
import type { CheckReport } from '../../src/check/report';
import { IndentationLocator } from '../../src/input/indentation-locator';
import { loadDocument } from '../../src/input/load-document';
import { ParsedLocator } from '../../src/input/parsed-locator';
import { checkWithBinary } from '../robustness/run-checker';

/** A pod that meets restricted only when `yes`, `no`, `Off` are the booleans kubectl reads. */
const RESTRICTED_IN_YAML_1_1 = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    runAsNonRoot: yes
    seccompProfile: {type: RuntimeDefault}
  hostNetwork: n
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 01777
    securityContext:
      allowPrivilegeEscalation: no
      privileged: Off
      capabilities: {drop: [ALL]}
`;

describe('check judges a manifest as kubectl reads it (YAML 1.1)', () => {
  // The compiled binary: `npx projen compile` (npm test compiles first).
  const report = (input: string): CheckReport => JSON.parse(checkWithBinary(['--format', 'json', '-'], input).stdout) as CheckReport;

  test('runAsNonRoot: yes, allowPrivilegeEscalation: no, privileged: Off … is restricted, and containerPort: 01777 is port 1023', () => {
    const [resource] = report(RESTRICTED_IN_YAML_1_1).resources;
    expect(resource.podSecurityLevel).toBe('restricted');
    expect(resource.containers[0].ports.map((port) => port.containerPort)).toEqual([1023]);
  });

  test('privileged: Yes is privileged', () => {
    const [resource] = report(RESTRICTED_IN_YAML_1_1.replace('privileged: Off', 'privileged: Yes')).resources;
    expect(resource.podSecurityLevel).toBe('privileged');
  });
});

describe('merge keys (<<) in go-yaml v2 order', () => {
  const value = (text: string): unknown => {
    const loaded = loadDocument(text);
    if (!loaded.ok) throw new Error(loaded.message);
    return loaded.value;
  };

  test.each([
    ['a merge after an explicit key overrides it', 'b: &b {x: 1}\nm: {x: 0, <<: *b}\n', { x: 1 }],
    ['an explicit key after a merge overrides it', 'b: &b {x: 1}\nm: {<<: *b, x: 0}\n', { x: 0 }],
    ['a second merge overrides the first', 'a: &a {x: 1}\nb: &b {x: 2, y: 2}\nm: {<<: *a, <<: *b}\n', { x: 2, true: 2 }],
    ['in a list of maps, the first wins', 'a: &a {x: 1}\nb: &b {x: 2, z: 2}\nm: {<<: [*a, *b]}\n', { x: 1, z: 2 }],
    ['a quoted integer key before the merge is overridden', 'b: &b {80: 1}\nm: {"80": 0, <<: *b}\n', { 80: 1 }],
    ['and after it, overrides', 'b: &b {80: 1}\nm: {<<: *b, "80": 0}\n', { 80: 0 }],
    ['a merged map merges first', 'a: &a {x: 1}\nb: &b {<<: *a, z: 2}\nm: {<<: *b}\n', { x: 1, z: 2 }],
    ['a quoted << is a key', 'm: {"<<": {x: 1}}\n', { '<<': { x: 1 } }],
    ['`! <<` and `!!merge <<` are merge keys', 'm: {! <<: {x: 1}, !!merge <<: {z: 2}}\n', { x: 1, z: 2 }],
  ])('%s', (_title, text, m) => {
    expect(value(text)).toMatchObject({ m });
  });

  test('what go-yaml refuses to merge is refused', () => {
    expect(loadDocument('m: {<<: ~}\n')).toMatchObject({ ok: false, message: expect.stringMatching(/needs a map or a list of maps/) });
    expect(loadDocument('l: &l [{x: 1}]\nm: {<<: *l}\n')).toMatchObject({ ok: false, line: 1, message: expect.stringMatching(/alias of a list/) });
    expect(loadDocument('m: &m {<<: *m}\n')).toMatchObject({ ok: false, message: expect.stringMatching(/merges itself/) });
  });

  test('merges that would copy more than a million entries are refused quickly', () => {
    const big = `a: &a {${Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join(', ')}}`;
    const maps = Array.from({ length: 300 }, (_, i) => `m${i}: {<<: [${Array(100).fill('*a').join(', ')}]}`);
    const started = Date.now();
    expect(loadDocument([big, ...maps].join('\n'))).toMatchObject({ ok: false, message: expect.stringMatching(/copy more than 1,000,000 entries/) });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('what a later merge overrides is never converted, so kubectl does not refuse it', () => {
    expect(value('b: &b {x: 1}\nm:\n  x: {~: .inf}\n  <<: *b\n')).toEqual({ b: { x: 1 }, m: { x: 1 } });
  });
});

describe('what kubectl refuses when it converts a document to JSON', () => {
  test.each([
    ['a null key', 'a: 1\n~: x\n', 1, /a map key is null/],
    ['an empty flow key', 'a: 1\nb: {: x}\n', 1, /a map key is null/],
    ['a key beyond int64', 'a: 1\n9223372036854775808: x\n', 1, /beyond int64/],
    ['a map as a key', 'a: 1\n[x]: y\n', 1, /a map key is a map or a list/],
    ['.inf as a value', 'a: 1\nb: [.inf]\n', 1, /\.inf is not a JSON number/],
    ['.nan through an alias', 'a: &n .nan\nb: *n\n', 0, /\.nan is not a JSON number/],
  ])('%s', (_title, text, line, message) => {
    expect(loadDocument(text)).toEqual({ ok: false, message: expect.stringMatching(message), line });
  });

  test('as keys, the same spellings are read: .inf, a float printed as a float32, a bool', () => {
    expect(loadDocument('.inf: a\n1e6: b\n3.14159265: c\non: d\n-0.0: e\n')).toEqual({ ok: true, value: { '.inf': 'a', '1e+06': 'b', '3.1415927': 'c', 'true': 'd', '-0': 'e' } });
  });
});

describe('the line of a node under a key YAML 1.1 renames', () => {
  const block = 'data:\n  on: a\n  0x1F: b\n  "yes": c\n  1e6: d\n  y: e\n';
  const paths = [['data', 'true'], ['data', '31'], ['data', 'yes'], ['data', '1e+06'], ['data', 'on']];

  test('the indentation locator and the yaml-based one find the key kubectl reads', () => {
    // `y` is the key true too, a duplicate: the locators find the first, as neither loads the document.
    const expected = [1, 2, 3, 4, 0];
    expect(paths.map((path) => new IndentationLocator(block).lineIndexOf(path))).toEqual(expected);
    expect(paths.map((path) => new ParsedLocator(block).lineIndexOf(path))).toEqual(expected);
  });

  test('a null or merge key is no key: the indentation locator leaves the document to the parser', () => {
    expect(new IndentationLocator('data:\n  ~: a\n  b: c\n').lineIndexOf(['data', 'b'])).toBeUndefined();
    expect(new ParsedLocator('data:\n  ~: a\n  b: c\n').lineIndexOf(['data', 'b'])).toBe(2);
  });
});
