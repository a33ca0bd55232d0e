/**
 * Issue 7, property-based: structurally valid manifests, mutated (fields dropped, retyped,
 * duplicated, nested; text truncated, garbage inserted, lines duplicated, deleted or
 * re-indented), then checked. Whatever the input:
 *   - the checker exits 0, 1 or 2 with one parseable JSON report and no stack trace;
 *   - every error names its file, document and line (a line inside the file);
 *   - no document that parses is missing from `resources` — js-yaml, run on each document
 *     independently of the checker's splitting, says which parse and what they hold;
 *   - a document that does not parse has an error entry and no resource.
 *
 * `FUZZ_RUNS` sets the number of streams (default 150, a few seconds), `FUZZ_SEED` the seed
 * (default random; printed, and fast-check prints seed and path of any counterexample).
 * `npm run fuzz` runs it longer.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import { checkInProcess, checkWithBinary, parseReport, workDirectory, removeWorkDirectories } from './run-checker';
import type { CheckReport } from '../../src/check/report';
import { WORKLOAD_KINDS } from '../../src/model/workload';
import { integerFromEnv } from '../env-integer';

afterAll(removeWorkDirectories);

const RUNS = integerFromEnv('FUZZ_RUNS') ?? 150;
const SEED = integerFromEnv('FUZZ_SEED') ?? Math.floor(Math.random() * 2 ** 31);
/** No single stream may take longer than this: a hang shows up as a failure, not a stuck CI job. */
const MAX_SECONDS_PER_STREAM = 5;
/** About 15 ms a stream here; the limit leaves room for shrinking a counterexample and a slow runner. */
const TIME_LIMIT_MS = 120_000 + RUNS * 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------- valid manifests

const capabilityName = fc.constantFrom('ALL', 'NET_BIND_SERVICE', 'CAP_NET_BIND_SERVICE', 'all', 'CHOWN', 'NET_RAW', 'SYS_ADMIN', 'SETUID');
const port = fc.record(
  {
    containerPort: fc.oneof(fc.constantFrom(53, 80, 443, 1023, 1024, 8080), fc.integer({ min: 1, max: 65535 })),
    protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
    name: fc.constantFrom('http', 'dns', 'metrics'),
    hostPort: fc.constantFrom(0, 80, 8080),
  },
  { requiredKeys: ['containerPort'] },
);
const securityContext = fc.record(
  {
    runAsUser: fc.oneof(fc.constantFrom(0, 1000, 65534), fc.nat()),
    runAsNonRoot: fc.boolean(),
    privileged: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    readOnlyRootFilesystem: fc.boolean(),
    capabilities: fc.record(
      { add: fc.array(capabilityName, { maxLength: 3 }), drop: fc.array(capabilityName, { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
    seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined', 'Localhost') }),
  },
  { requiredKeys: [] },
);
const containerName = fc.constantFrom('web', 'dns', 'sidecar', 'init');
const container = fc.record(
  { name: containerName, image: fc.constant('nginx'), ports: fc.array(port, { maxLength: 3 }), securityContext },
  { requiredKeys: ['name'] },
);
const podSecurityContext = fc.record(
  {
    runAsUser: fc.constantFrom(0, 1000),
    runAsNonRoot: fc.boolean(),
    sysctls: fc.array(fc.record({ name: fc.constant('net.ipv4.ip_unprivileged_port_start'), value: fc.constantFrom('0', '80', '1024') }), { maxLength: 1 }),
    seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined') }),
  },
  { requiredKeys: [] },
);
const podSpec = fc.record(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 3 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    securityContext: podSecurityContext,
    hostNetwork: fc.boolean(),
    volumes: fc.constantFrom([{ name: 'tmp', emptyDir: {} }], [{ name: 'logs', hostPath: { path: '/var/log' } }]),
  },
  { requiredKeys: ['containers'] },
);
const podTemplate = fc.record({
  metadata: fc.record(
    { annotations: fc.dictionary(fc.constantFrom('file-capabilities.k8s-least-privilege.dev/web', 'k8s-least-privilege.dev/suppress'), fc.constantFrom('cap_net_bind_service=+ep', 'LP004: reason', 'LP001')) },
    { requiredKeys: [] },
  ),
  spec: podSpec,
});
const objectMetadata = fc.record(
  { name: fc.constantFrom('web', 'api', 'dns', 'a-b', 'ünïcödé'), namespace: fc.constantFrom('default', 'shop') },
  { requiredKeys: [] },
);

/** Where each kind keeps its pod, as in src/model/workload.ts (re-stated: the generator must not share the code it tests). */
function workloadOf(kind: string, template: { metadata: Json; spec: Json }, meta: Json): Json {
  const apiVersion = kind === 'Pod' || kind === 'PodTemplate' || kind === 'ReplicationController' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  const base = { apiVersion, kind, metadata: meta };
  if (kind === 'Pod') return { ...base, metadata: { ...(meta as object), ...(template.metadata as object) }, spec: template.spec };
  if (kind === 'PodTemplate') return { ...base, template };
  if (kind === 'CronJob') return { ...base, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
  return { ...base, spec: { template } };
}

const kubernetesObject: fc.Arbitrary<Json> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...WORKLOAD_KINDS), podTemplate, objectMetadata)
      .map(([kind, template, meta]) => workloadOf(kind, template as { metadata: Json; spec: Json }, meta as Json)),
  },
  { weight: 1, arbitrary: objectMetadata.map((meta) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 80, targetPort: 8080 }] } }) as Json) },
  { weight: 1, arbitrary: objectMetadata.map((meta) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { 'nginx.conf': 'listen 80;\n---\n' } }) as Json) },
  { weight: 1, arbitrary: podTemplate.map((template) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'crd' }, spec: { template } }) as Json) },
);

// ---------------------------------------------------------------- mutations

/** A value mutation: which node (an index into all paths, modulo their number), and what to do with it. */
type ValueMutation = { readonly node: number } & ({ readonly op: 'drop' | 'duplicate' | 'nest-list' | 'nest-map' | 'wrap-in-list' } | { readonly op: 'retype'; readonly value: Json });
/** A text mutation of one document's text: where (a fraction of its length), and what. */
type TextMutation = { readonly at: number } & ({ readonly op: 'truncate' | 'duplicate-line' | 'delete-line' | 'tab-indent' | 'unindent' } | { readonly op: 'insert'; readonly text: string });

const trickyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, '0', '80', 'true', 'false', '', 'http', 'ALL', -1, 0, 65536, 2 ** 31, 2 ** 53 + 2, 1e300, 0.5, true, [], {}, [null], { '': null }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
const valueMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  fc.record({ node: fc.nat(), op: fc.constantFrom('drop' as const, 'duplicate' as const, 'nest-list' as const, 'nest-map' as const, 'wrap-in-list' as const) }),
  fc.record({ node: fc.nat(), op: fc.constant('retype' as const), value: trickyValue }),
);
const garbage = fc.oneof(
  fc.constantFrom(':', ': ', '- ', '{', '}', '[', ']', '&a ', '*a', '!!str ', '!Ref ', '|', '>', '#', '%', '@', '`', '"', "'", '\t', '\r', '\n', '\ufeff', '\u0000', '\u0085', '\u2028', '? ', '<<: *a', '---', '...'),
  fc.string({ maxLength: 8 }),
  fc.fullUnicodeString({ maxLength: 4 }),
);
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), op: fc.constantFrom('truncate' as const, 'duplicate-line' as const, 'delete-line' as const, 'tab-indent' as const, 'unindent' as const) }),
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), op: fc.constant('insert' as const), text: garbage }),
);

interface DocumentCase {
  readonly value: Json;
  readonly format: 'block' | 'flow' | 'json';
  readonly valueMutations: readonly ValueMutation[];
  readonly textMutations: readonly TextMutation[];
}
interface StreamCase {
  readonly documents: readonly DocumentCase[];
  readonly bom: boolean;
  readonly crlf: boolean;
  readonly leadingComment: boolean;
}

const documentCase: fc.Arbitrary<DocumentCase> = fc.record({
  value: fc.oneof({ weight: 8, arbitrary: kubernetesObject }, { weight: 1, arbitrary: fc.array(kubernetesObject, { maxLength: 3 }).map((items) => ({ apiVersion: 'v1', kind: 'List', items }) as Json) }),
  format: fc.constantFrom('block' as const, 'block' as const, 'flow' as const, 'json' as const),
  valueMutations: fc.array(valueMutation, { maxLength: 3 }),
  textMutations: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }) },
  ),
});
const streamCase: fc.Arbitrary<StreamCase> = fc.record({
  documents: fc.array(documentCase, { minLength: 1, maxLength: 5 }),
  bom: fc.boolean(),
  crlf: fc.boolean(),
  leadingComment: fc.boolean(),
});

function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

function mutateValue(root: Json, mutation: ValueMutation): Json {
  const paths = pathsOf(root);
  const path = paths[mutation.node % paths.length];
  const replace = (node: Json): Json | undefined => {
    switch (mutation.op) {
      case 'drop':
        return undefined;
      case 'retype':
        return mutation.value;
      case 'nest-list':
        return [node];
      case 'nest-map':
        return { value: node };
      case 'wrap-in-list':
        return { apiVersion: 'v1', kind: 'List', items: [node] };
      case 'duplicate':
        return Array.isArray(node) ? [...node, ...node] : node !== null && typeof node === 'object' ? { ...node, ...Object.fromEntries(Object.entries(node).map(([key, child]) => [`${key}-copy`, child])) } : node;
    }
  };
  if (path.length === 0) return replace(root) ?? null;
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  const key = path[path.length - 1];
  const next = replace(parent[key]);
  if (next !== undefined) parent[key] = next;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return copy;
}

function serialize(value: Json, format: DocumentCase['format']): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  return jsYaml.dump(value, { noRefs: true, lineWidth: -1, flowLevel: format === 'flow' ? 1 : -1 });
}

function mutateText(text: string, mutation: TextMutation): string {
  const position = Math.floor(mutation.at * text.length);
  const lines = text.split('\n');
  const line = Math.min(Math.floor(mutation.at * lines.length), lines.length - 1);
  switch (mutation.op) {
    case 'truncate':
      return text.slice(0, position);
    case 'insert':
      return text.slice(0, position) + mutation.text + text.slice(position);
    case 'duplicate-line':
      return [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join('\n');
    case 'delete-line':
      return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
    case 'tab-indent':
      return [...lines.slice(0, line), `\t${lines[line]}`, ...lines.slice(line + 1)].join('\n');
    case 'unindent':
      return [...lines.slice(0, line), lines[line].replace(/^ {1,2}/, ''), ...lines.slice(line + 1)].join('\n');
  }
}

/** The stream and each document's text, every document after an explicit `---`. */
function render(stream: StreamCase): { text: string; documents: string[] } {
  const documents = stream.documents.map((document) => {
    const value = document.valueMutations.reduce(mutateValue, document.value);
    let text = document.textMutations.reduce(mutateText, serialize(value, document.format));
    if (!text.endsWith('\n')) text += '\n';
    return text;
  });
  let text = (stream.leadingComment ? '# generated by the fuzzer\n' : '') + documents.map((document) => `---\n${document}`).join('');
  if (stream.crlf) text = text.replace(/\r?\n/g, '\r\n');
  if (stream.bom) text = `\ufeff${text}`;
  return { text, documents };
}

// ---------------------------------------------------------------- the oracle

interface ExpectedObject {
  readonly kind: string;
  readonly name: string | null;
}

/**
 * What a parsed document holds, by the documented contract (DESIGN.md): a `List`'s items
 * (nested Lists too, up to 16 levels), or the document itself when it has string
 * `apiVersion` and `kind`; `null` holds nothing. `undefined` when the document must be an
 * error entry instead.
 */
function expectedObjects(value: unknown, depth = 0): ExpectedObject[] | undefined {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || object.apiVersion === '' || object.kind === '') return undefined;
  const metadata = object.metadata as Record<string, unknown> | null | undefined;
  const name = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && typeof metadata.name === 'string' ? metadata.name : null;
  if (object.kind === 'List' || object.kind.endsWith('List')) {
    if (!Array.isArray(object.items)) return object.kind === 'List' ? undefined : [{ kind: object.kind, name }];
    if (depth >= 16) return undefined;
    const items = object.items.map((item) => (item === null || item === undefined ? undefined : expectedObjects(item, depth + 1)));
    // A bad item is an error entry of its own; the good ones are still resources.
    return items.flatMap((item) => item ?? []);
  }
  return [{ kind: object.kind, name }];
}

function loadWithJsYaml(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: jsYaml.load(text) };
  } catch {
    return { ok: false };
  }
}

/** The invariants, for one stream checked in process. */
function checkStream(file: string, stream: StreamCase): CheckReport {
  const { text, documents } = render(stream);
  writeFileSync(file, text);
  const started = process.hrtime.bigint();
  const run = checkInProcess(file);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  expect(seconds).toBeLessThan(MAX_SECONDS_PER_STREAM);
  const report = parseReport(run);
  // Lines as YAML counts them (§5.4): LF, CRLF or a lone CR ends one.
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const error of report.errors) {
    expect(error.file).toBe(file);
    expect(error.document).not.toBeNull();
    expect(error.line).toBeLessThanOrEqual(lineCount);
  }
  for (const resource of report.resources) {
    expect(resource.source.file).toBe(file);
    expect(resource.source.line).toBeGreaterThanOrEqual(1);
    expect(resource.source.line).toBeLessThanOrEqual(lineCount);
    for (const finding of resource.findings) expect(finding.line).toBeLessThanOrEqual(lineCount);
  }
  // Which document is where is known independently only while no mutation made or broke a
  // separator line (a document's `---` or `...` at a line start); past that, the checks
  // above still hold.
  if (documents.some((document) => /^(?:---|\.\.\.)(?:[ \t\r]|$)/m.test(document) || /[\r\u0085\u2028\u2029]/.test(document))) return report;
  documents.forEach((document, index) => {
    const resourcesHere = report.resources
      .filter((resource) => resource.source.document === index)
      .map((resource) => ({ kind: resource.kind, name: resource.name }));
    const errorsHere = report.errors.filter((error) => error.document === index);
    // The checker drops a byte order mark at any line start (YAML 1.2 §5.2 allows one only where a document starts).
    const loaded = loadWithJsYaml(document.replace(/^\ufeff/gm, ''));
    // A line starting with `%` is a directive, which belongs to the next document: a document
    // of nothing else is empty for the checker, whatever js-yaml makes of it alone.
    if (document.split('\n').every((line) => !/^\s*[^\s#]/.test(line) || /^\s*%/.test(line))) {
      expect({ document: index, resources: resourcesHere }).toEqual({ document: index, resources: [] });
      return;
    }
    if (!loaded.ok) {
      expect({ document: index, resources: resourcesHere }).toEqual({ document: index, resources: [] });
      expect(errorsHere.length).toBeGreaterThan(0);
      return;
    }
    // An alias bomb parses (js-yaml shares aliased nodes) but is refused on purpose.
    if (errorsHere.some((error) => /alias bomb/.test(error.message))) return;
    const expected = expectedObjects(loaded.value) ?? [];
    expect({ document: index, resources: resourcesHere }).toEqual({ document: index, resources: expected });
  });
  return report;
}

describe('fuzz: mutated manifests never crash, never lose a document that parses', () => {
  const directory = workDirectory('fuzz');
  const kept: string[] = [];
  let resourcesInProcess = 0;

  beforeAll(() => {
    // The first run loads (and ts-jest compiles) the whole checker: not a time to bound.
    const warmUp = join(directory, 'warm-up.yaml');
    writeFileSync(warmUp, 'apiVersion: v1\nkind: Pod\nspec: {containers: [{name: web, ports: [{containerPort: 80}]}]}\n');
    parseReport(checkInProcess(warmUp));
    rmSync(warmUp);
    // eslint-disable-next-line no-console
    console.log(`robustness fuzz: seed ${SEED} (FUZZ_SEED), ${RUNS} streams (FUZZ_RUNS); replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
  });

  test('the invariants hold for every generated stream (in process)', () => {
    let run = 0;
    fc.assert(
      fc.property(streamCase, (stream) => {
        // Each stream gets its own file; the last 40 stay, for the binary to read again below.
        const file = join(directory, `stream-${String(run++ % 40).padStart(2, '0')}.yaml`);
        checkStream(file, stream);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    // Count what the files left on disk hold, for the run of the binary below.
    for (let index = 0; index < Math.min(run, 40); index++) {
      const file = join(directory, `stream-${String(index).padStart(2, '0')}.yaml`);
      kept.push(file);
      resourcesInProcess += parseReport(checkInProcess(file)).resources.length;
    }
  }, TIME_LIMIT_MS);

  test('the real binary agrees on the streams left on disk: one directory, one report', () => {
    expect(kept.length).toBeGreaterThan(0);
    const run = checkWithBinary(['--format', 'json', directory]);
    const report = parseReport(run);
    expect(report.summary.files).toBe(kept.length);
    expect(report.resources).toHaveLength(resourcesInProcess);
    expect(readFileSync(kept[0], 'utf8').length).toBeGreaterThan(0);
  });
});
