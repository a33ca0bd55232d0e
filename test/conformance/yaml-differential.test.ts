/**
 * Differential test: our YAML loader (`src/input/load-document.ts`, which `check` reads every
 * document with) against kubectl's own decoder (the oracle's `yaml` mode, `test/oracle`:
 * `k8s.io/apimachinery/pkg/util/yaml` over go-yaml v2), which decides what the API server
 * receives. The same JSON must come out of both, or both must refuse the document.
 *
 * - The spelling table (`yaml-spellings.ts`): every scalar spelling on which YAML 1.1 and 1.2
 *   disagree, plain, quoted and tagged, as a value and as a key. Our side runs always; the table
 *   itself is checked against the oracle whenever the binary is built.
 * - Random documents built from those spellings: values and keys (plain, quoted, `!!str`,
 *   aliases), nested block and flow maps and lists, anchors, and merge keys (`<<`) placed
 *   anywhere among the entries, with a map, a list of maps or an alias. `YAML_FUZZ_RUNS` sets
 *   the number of documents (default 300), `YAML_FUZZ_SEED` the seed (default random, printed).
 * - What the checker refuses on purpose although kubectl reads it (docs/input-handling.md).
 */
import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import type { Spelling } from './yaml-spellings';
import { PLAIN_SPELLINGS, REFUSED, WRITTEN_SCALARS } from './yaml-spellings';
import { loadDocument } from '../../src/input/load-document';
import { integerFromEnv } from '../env-integer';
import type { KubectlReading } from '../oracle/oracle';
import { PsaOracle, describeWithOracle } from '../oracle/oracle';

const RUNS = integerFromEnv('YAML_FUZZ_RUNS') ?? 300;
const SEED = integerFromEnv('YAML_FUZZ_SEED') ?? Math.floor(Math.random() * 2 ** 31);
/** How many disagreeing documents are printed in full. */
const SHOWN = 5;

/** What a reader made of a document: its JSON, or that it refused it. */
type Reading = { readonly value: unknown } | typeof REFUSED;

function ours(text: string): Reading {
  const loaded = loadDocument(text);
  return loaded.ok ? { value: loaded.value } : REFUSED;
}

function kubectls(reading: KubectlReading): Reading {
  return reading.error === undefined ? { value: reading.documents[0] ?? null } : REFUSED;
}

const sameReading = (a: Reading, b: Reading): boolean => (a === REFUSED || b === REFUSED ? a === b : isDeepStrictEqual(a.value, b.value));
const show = (reading: Reading): string => (reading === REFUSED ? 'refused' : JSON.stringify(reading.value, (_key, value: unknown) => (Object.is(value, -0) ? '-0' : value)));

// ---------------------------------------------------------------- the spelling table

/** The documents of one table row and what kubectl makes of each, per the table. */
function rowCases(spelling: Spelling): Array<{ readonly text: string; readonly expected: Reading }> {
  const { text, value, key } = spelling;
  return [
    { text: `v: ${text}\n`, expected: value === REFUSED ? REFUSED : { value: { v: value } } },
    { text: `${text}: k\n`, expected: key === REFUSED ? REFUSED : { value: { [key]: 'k' } } },
  ];
}

/** Every plain spelling quoted is the string it spells, as a value and as a key. */
const QUOTED: readonly Spelling[] = PLAIN_SPELLINGS.flatMap(({ text }) => [
  { text: `'${text}'`, value: text, key: text },
  { text: `"${text}"`, value: text, key: text },
]);
const TABLE: readonly Spelling[] = [...PLAIN_SPELLINGS, ...WRITTEN_SCALARS, ...QUOTED];
const TABLE_CASES = TABLE.flatMap(rowCases);

describe('YAML as kubectl reads it: the spelling table', () => {
  test.each(TABLE.map((spelling) => [spelling.text, spelling]))('%s', (_text, spelling) => {
    for (const { text, expected } of rowCases(spelling)) {
      expect({ text, reading: show(ours(text)) }).toEqual({ text, reading: show(expected) });
    }
  });
});

// ---------------------------------------------------------------- random documents

/** A node of a generated document, rendered by {@link flow} or {@link block}. */
type Node =
  | { readonly type: 'scalar'; readonly text: string }
  | { readonly type: 'map'; readonly flow: boolean; readonly entries: readonly Entry[] }
  | { readonly type: 'seq'; readonly flow: boolean; readonly items: readonly Node[] };
/** A map entry, or a merge key with its value (`*m0`, `[*m0, {a: b}]` …). */
type Entry = { readonly key: Key; readonly value: Node } | { readonly merge: string };

/**
 * A key as written, the JSON key kubectl makes of it (what keeps a generated map's keys
 * distinct), and go-yaml's type of it. Keys of two types that print alike (`1:` and `1.:`,
 * `true:` and `"true":`) are two keys to go-yaml, and kubectl keeps either one at random when a
 * merge brings both into a map: a document holds only one type of each JSON key.
 */
interface Key {
  readonly text: string;
  readonly json: string;
  readonly type: string;
}

/** The anchors a document defines, for aliases and merges: `&s0`… scalars, `&m0`… maps, `&list`. */
interface Anchors {
  readonly scalars: readonly Spelling[];
  /** How many anchored maps. */
  readonly maps: number;
}

const WRITTEN = [...WRITTEN_SCALARS, ...QUOTED];
const usable = (spellings: readonly Spelling[], what: 'value' | 'key') => spellings.filter((s) => s[what] !== REFUSED);
const refused = (spellings: readonly Spelling[], what: 'value' | 'key') => spellings.filter((s) => s[what] === REFUSED);

/** go-yaml's type of a scalar kubectl reads as a key: bool, int, float or string (a number's type is in its spelling). */
function goType(spelling: Spelling): string {
  if (typeof spelling.value === 'boolean') return 'bool';
  const { text } = spelling;
  if (text.startsWith('!!float') || /^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return 'float';
  if (typeof spelling.value !== 'number') return 'string';
  return text.startsWith('!!int') || /^[-+]?0[xXoObB]/.test(text) || !/[.eE]/.test(text) ? 'int' : 'float';
}

/** A key kubectl refuses makes the whole document refused: it is its own JSON key, never a duplicate. */
const asKey = (spelling: Spelling, text = spelling.text): Key =>
  spelling.key === REFUSED ? { text, json: `refused ${text}`, type: 'refused' } : { text, json: spelling.key, type: goType(spelling) };

/**
 * The keys of one document, by weight: a few plain words (so that merged maps share keys with
 * the maps they merge into) and the table's spellings, plain, quoted, `!!str` or an alias of an
 * anchored scalar (`*s0 :`, with a space: `*s0:` would name the alias `s0:` to js-yaml); rarely
 * one kubectl refuses. NaN keys are left out: no two NaN are the same key to go-yaml, so a merge
 * that brings two together leaves kubectl's choice to chance. Of the spellings one JSON key has
 * in several types, `salt` keeps one type.
 */
function keyUniverse(anchors: Anchors, salt: number): Array<{ readonly weight: number; readonly keys: readonly Key[] }> {
  const categories = [
    { weight: 60, keys: ['a', 'b', 'c', 'image', 'name'].map((text) => ({ text, json: text, type: 'string' })) },
    { weight: 80, keys: usable(PLAIN_SPELLINGS, 'key').map((s) => asKey(s)) },
    { weight: 30, keys: usable(WRITTEN, 'key').map((s) => asKey(s)) },
    { weight: 10, keys: usable(PLAIN_SPELLINGS, 'key').map((s) => ({ text: `!!str ${s.text}`, json: s.text, type: 'string' })) },
    { weight: 16, keys: anchors.scalars.flatMap((s, i) => (s.key === REFUSED ? [] : [asKey(s, `*s${i} `)])) },
    { weight: 1, keys: refused([...PLAIN_SPELLINGS, ...WRITTEN], 'key').map((s) => asKey(s)) },
  ];
  const types = new Map<string, Set<string>>();
  for (const { keys } of categories) for (const k of keys) types.set(k.json, (types.get(k.json) ?? new Set()).add(k.type));
  const kept = (k: Key) => {
    if (k.json === '.nan') return false;
    const choices = [...(types.get(k.json) ?? [])].sort();
    return choices[(salt + k.json.length) % choices.length] === k.type;
  };
  return categories.map(({ weight, keys }) => ({ weight, keys: keys.filter(kept) })).filter(({ keys }) => keys.length > 0);
}

/** A key of the document's universe. */
const keyOf = (universe: ReturnType<typeof keyUniverse>): fc.Arbitrary<Key> =>
  fc.oneof(...universe.map(({ weight, keys }) => ({ weight, arbitrary: fc.constantFrom(...keys) })));

/**
 * A scalar value: the table's spellings that kubectl reads, plain, quoted, tagged or through an
 * alias; about one in two hundred is one it refuses, so that about one document in ten is.
 */
function scalarValue(anchors: Anchors): fc.Arbitrary<Node> {
  return fc
    .oneof(
      { weight: 140, arbitrary: fc.constantFrom(...usable(PLAIN_SPELLINGS, 'value')).map((s) => s.text) },
      { weight: 36, arbitrary: fc.constantFrom(...usable(WRITTEN, 'value')).map((s) => s.text) },
      { weight: 10, arbitrary: fc.constantFrom(...usable(PLAIN_SPELLINGS, 'value')).map((s) => `!!str ${s.text}`) },
      { weight: 14, arbitrary: fc.nat(anchors.scalars.length - 1).map((i) => `*s${i}`) },
      { weight: 1, arbitrary: fc.constantFrom(...refused([...PLAIN_SPELLINGS, ...WRITTEN], 'value')).map((s) => s.text) },
    )
    .map((text) => ({ type: 'scalar' as const, text }));
}

/** What a merge key merges: an anchored map, a list of maps, an inline map; rarely an anchored list, which go-yaml refuses. */
function mergeValue(anchors: Anchors, inlineMap: fc.Arbitrary<Node>): fc.Arbitrary<string> {
  const alias = fc.nat(anchors.maps - 1).map((i) => `*m${i}`);
  const inline = inlineMap.map((node) => flow(node));
  return fc.oneof(
    { weight: 50, arbitrary: alias },
    { weight: 30, arbitrary: fc.array(fc.oneof(alias, inline), { minLength: 1, maxLength: 3 }).map((items) => `[${items.join(', ')}]`) },
    { weight: 20, arbitrary: inline },
    { weight: 1, arbitrary: fc.constant('*list') },
  );
}

/** Map entries with distinct JSON keys; merge keys among them when `merges`. */
function entries(
  key: fc.Arbitrary<Key>,
  value: fc.Arbitrary<Node>,
  maxLength: number,
  merges: fc.Arbitrary<string> | undefined,
): fc.Arbitrary<Entry[]> {
  const pairs = fc.uniqueArray(fc.record({ key, value }), { maxLength, selector: (entry) => entry.key.json });
  if (merges === undefined) return pairs;
  const mergesAt = fc.array(fc.record({ at: fc.nat(maxLength), merge: merges }), { maxLength: 2 });
  return fc.tuple(pairs, mergesAt).map(([list, inserted]) => {
    const result: Entry[] = [...list];
    for (const { at, merge } of inserted) result.splice(Math.min(at, result.length), 0, { merge });
    return result;
  });
}

/** A flow map of scalars (an anchored map, or one merged inline). */
const scalarMap = (key: fc.Arbitrary<Key>, anchors: Anchors): fc.Arbitrary<Node> =>
  entries(key, scalarValue(anchors), 4, undefined).map((list): Node => ({ type: 'map', flow: true, entries: list }));

/** A map of scalars, maps and lists, nested a few levels, each block or flow, with merge keys. */
function tree(key: fc.Arbitrary<Key>, anchors: Anchors): fc.Arbitrary<Node> {
  const merges = mergeValue(anchors, scalarMap(key, anchors));
  return fc.letrec<{ node: Node; map: Node; seq: Node }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 4, arbitrary: scalarValue(anchors) }, { weight: 2, arbitrary: tie('map') }, { weight: 1, arbitrary: tie('seq') }),
    map: fc.record({ type: fc.constant('map' as const), flow: fc.boolean(), entries: entries(key, tie('node'), 5, merges) }),
    seq: fc.record({ type: fc.constant('seq' as const), flow: fc.boolean(), items: fc.array(tie('node'), { maxLength: 3 }) }),
  })).map;
}

/** A generated document: its text, and the scalars written in it (values, keys, anchored scalars). */
interface GeneratedDocument {
  readonly text: string;
  readonly scalars: readonly string[];
}

/** A whole document: its anchors (scalars to alias, maps to merge, a list), then the generated tree under `doc`. */
const generatedDocument: fc.Arbitrary<GeneratedDocument> = fc
  .record({
    scalars: fc.array(fc.constantFrom(...usable(PLAIN_SPELLINGS, 'value'), ...usable(WRITTEN_SCALARS, 'value')), { minLength: 1, maxLength: 3 }),
    maps: fc.integer({ min: 1, max: 3 }),
    salt: fc.nat(),
  })
  .chain(({ scalars, maps, salt }) => {
    const anchors: Anchors = { scalars, maps };
    const key = keyOf(keyUniverse(anchors, salt));
    const anchoredMaps = fc.tuple(...Array.from({ length: maps }, () => scalarMap(key, anchors)));
    return fc.record({ anchored: anchoredMaps, body: tree(key, anchors) }).map(({ anchored, body }) => {
      const lines = [`scalars: [${scalars.map((s, i) => `&s${i} ${s.text}`).join(', ')}]`, 'maps:'];
      lines.push(...anchored.map((map, i) => `- &m${i} ${flow(map)}`), `- &list [${flow(anchored[0])}]`, 'doc:', ...block(body, 2));
      return { text: `${lines.join('\n')}\n`, scalars: [...scalars.map((s) => s.text), ...[...anchored, body].flatMap(scalarsOf)] };
    });
  });

/** The scalars and keys written in a node. */
function scalarsOf(node: Node): string[] {
  if (node.type === 'scalar') return [node.text];
  if (node.type === 'seq') return node.items.flatMap(scalarsOf);
  return node.entries.flatMap((entry) => ('merge' in entry ? [] : [entry.key.text, ...scalarsOf(entry.value)]));
}

/** A node in flow style. */
function flow(node: Node): string {
  switch (node.type) {
    case 'scalar':
      return node.text;
    case 'seq':
      return `[${node.items.map(flow).join(', ')}]`;
    case 'map':
      return `{${node.entries.map((entry) => ('merge' in entry ? `<<: ${entry.merge}` : `${entry.key.text}: ${flow(entry.value)}`)).join(', ')}}`;
  }
}

/** Whether a node is written on one line: a scalar, a flow collection, an empty one. */
const oneLine = (node: Node): boolean => node.type === 'scalar' || node.flow || (node.type === 'map' ? node.entries.length : node.items.length) === 0;

/** The lines of a node in block style at `indent`, or its flow form on one line when it asks for it (or is empty). */
function block(node: Node, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (node.type === 'scalar' || oneLine(node)) return [`${pad}${flow(node)}`];
  const nested = (prefix: string, child: Node): string[] => (oneLine(child) ? [`${prefix} ${flow(child)}`] : [prefix, ...block(child, indent + 2)]);
  if (node.type === 'seq') return node.items.flatMap((item) => nested(`${pad}-`, item));
  return node.entries.flatMap((entry) => ('merge' in entry ? [`${pad}<<: ${entry.merge}`] : nested(`${pad}${entry.key.text}:`, entry.value)));
}

describeWithOracle('YAML as kubectl reads it: the real decoder', () => {
  let oracle: PsaOracle;

  beforeAll(async () => {
    oracle = await PsaOracle.start();
  });
  afterAll(async () => {
    await oracle?.stop();
  });

  test(`the spelling table is kubectl's (${TABLE_CASES.length} documents)`, async () => {
    const readings = await oracle.readYaml(TABLE_CASES.map((c) => c.text));
    const wrong = TABLE_CASES.flatMap((c, i) => (sameReading(kubectls(readings[i]), c.expected) ? [] : [`${JSON.stringify(c.text)}: kubectl ${show(kubectls(readings[i]))}, table ${show(c.expected)}`]));
    expect(wrong).toEqual([]);
  });

  test(`${RUNS} random documents read alike`, async () => {
    const documents = fc.sample(generatedDocument, { seed: SEED, numRuns: RUNS });
    const texts = documents.map((document) => document.text);
    const readings = await oracle.readYaml(texts);
    const disagreements = texts.flatMap((text, i) => {
      const theirs = kubectls(readings[i]);
      const mine = ours(text);
      return sameReading(mine, theirs) ? [] : [`--- document ${i}\n${text}    kubectl: ${show(theirs)}${theirs === REFUSED ? ` (${readings[i].error})` : ''}\n    ours:    ${show(mine)}`];
    });
    const refusedCount = readings.filter((reading) => reading.error !== undefined).length;
    const written = documents.flatMap((document) => document.scalars);
    const used = new Set(written.map((text) => text.trimEnd()));
    const covered = TABLE.filter((spelling) => used.has(spelling.text)).length;
    console.log(
      `YAML differential: seed ${SEED} (YAML_FUZZ_SEED), ${RUNS} documents (YAML_FUZZ_RUNS), ${refusedCount} refused by kubectl; ` +
        `${written.length} scalars and keys written, ${covered}/${TABLE.length} table spellings used; ${RUNS - disagreements.length}/${RUNS} agree`,
    );
    expect(disagreements.length === 0 ? 'agree' : disagreements.slice(0, SHOWN).join('\n')).toBe('agree');
  });

  test('the checker refuses, on purpose, what kubectl reads: duplicate keys, application tags, a scalar tag on a collection', async () => {
    const texts = ['a: 1\na: 2\n', 'yes: 1\non: 2\n', '1: a\n"1": b\n', 'kind: !Ref Kind\n', 'v: !!str {a: 1}\n', 'v: !!int [1]\n'];
    const readings = await oracle.readYaml(texts);
    expect(readings.map((reading) => reading.error)).toEqual(texts.map(() => undefined));
    expect(texts.map(ours)).toEqual(texts.map(() => REFUSED));
  });
});
