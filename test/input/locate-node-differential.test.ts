import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import { generateCorpus, SeededRandom } from '../../bench/corpus';
import { IndentationLocator } from '../../src/input/indentation-locator';
import { NodeLocator } from '../../src/input/locate-node';
import { ParsedLocator } from '../../src/input/parsed-locator';
import { splitDocuments } from '../../src/input/split-documents';
import type { NodePath } from '../../src/model/workload';

/**
 * The indentation locator must give the yaml-based locator's answer whenever it gives one:
 * compared on every node path (and paths that leave the document) of generated documents.
 */

/**
 * Every path to a node of a loaded value, and paths just outside it (missing key, index out of
 * range, one level too deep); with `mistyped`, also an index into a map and a key into a
 * sequence, which the checker never asks for (the yaml package reads `'0'` as an index).
 */
function pathsOf(value: unknown, mistyped: boolean, prefix: NodePath = [], out: NodePath[] = []): NodePath[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, index) => pathsOf(item, mistyped, [...prefix, index], out));
    out.push([...prefix, value.length]);
    if (mistyped) out.push([...prefix, 'name'], [...prefix, '0'], [...prefix, -1]);
  } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, child] of Object.entries(value)) pathsOf(child, mistyped, [...prefix, key], out);
    out.push([...prefix, 'missing']);
    if (mistyped) out.push([...prefix, 0]);
  } else {
    out.push([...prefix, 'below'], [...prefix, 0]);
  }
  return out;
}

interface Comparison {
  answered: number;
  total: number;
}

/** Compares both locators on every path of the document; returns how many the indentation locator answered. */
function compare(text: string, mistyped = true): Comparison {
  let loaded: unknown;
  try {
    loaded = jsYaml.load(text);
  } catch {
    return { answered: 0, total: 0 }; // the checker never locates in a document js-yaml refuses
  }
  const fast = new IndentationLocator(text);
  const parsed = new ParsedLocator(text);
  let answered = 0;
  const paths = pathsOf(loaded, mistyped);
  for (const path of paths) {
    const line = fast.lineIndexOf(path);
    if (line === undefined) continue;
    answered++;
    const expected = parsed.lineIndexOf(path);
    if (line !== expected) {
      throw new Error(`path ${JSON.stringify(path)}: indentation locator says line ${line}, yaml says ${expected}, in:\n${numbered(text)}`);
    }
  }
  return { answered, total: paths.length };
}

function numbered(text: string): string {
  return text
    .split('\n')
    .map((line, index) => `${String(index).padStart(3)}|${line}`)
    .join('\n');
}

const PLAIN_KEYS = ['name', 'image', 'ports', 'securityContext', 'app.kubernetes.io/name', 'a b', 'x:y', 'k#v', 'k8s-app', '<<', '80', 'true', 'null', '0x1F', '-dash', 'x[0]'];
const QUOTED_KEYS = ['"name"', "'name'", '"a: b"', "'it''s'", '"# not a comment"', '"80"', "'true'", '"esc\\"aped"', '""'];
const PLAIN_SCALARS = ['web', 'nginx:1.27', 'a#b', 'http://x:80/y', '8080', 'true', '~', 'null', 'two words', '-1', '1.5', 'x, y', 'a]b', "it's", 'say "hi"', '2024-01-01'];
const QUOTED_SCALARS = ['"has: colon"', "'it''s'", '"with #hash"', '"esc\\"aped"', '""', "''", '"[not, flow]"', "'- not an item'"];
const FLOW = ['[]', '{}', '[ALL]', '["NET_BIND_SERVICE", CHOWN]', '{a: 1, b: [2, 3]}', "[ 'x', \"y\" ]", '[a, {b: c}]', '{"k": v}', '[a # not closed'];
const BLOCK_CONTENT = ['- not an item', 'key: not a key', '# not a comment', '"unclosed', "it's", '[unclosed', '', '  deeper: x', '---x', '&anchor *alias !tag'];

/** A random block-style YAML document: what the checker sees, plus the constructs the indentation locator leaves to the parser. */
function randomDocument(random: SeededRandom): string {
  const lines: string[] = [];
  const comment = (indent: number) => {
    if (random.chance(0.1)) lines.push(`${' '.repeat(random.int(0, indent + 4))}# comment: - x "`);
    if (random.chance(0.05)) lines.push(random.chance(0.5) ? '' : ' '.repeat(random.int(1, 6)));
  };
  const trailing = () => (random.chance(0.1) ? '  # trailing: "' : '');
  const scalar = () => (random.chance(0.6) ? random.pick(PLAIN_SCALARS) : random.pick(QUOTED_SCALARS));
  const key = () => (random.chance(0.85) ? random.pick(PLAIN_KEYS) : random.pick(QUOTED_KEYS)) + (random.chance(0.03) ? ' ' : '');
  const blockScalar = (owner: number): string => {
    const header = random.pick(['|', '>', '|-', '>+', '|2', '| # c']);
    const contentIndent = owner + random.int(1, 4);
    const contents = Array.from({ length: random.int(0, 3) }, () => (random.chance(0.2) ? '' : ' '.repeat(contentIndent) + random.pick(BLOCK_CONTENT)));
    queue.push(...contents);
    return header;
  };
  // Lines a value writes after its key's line.
  let queue: string[] = [];
  const flush = () => {
    lines.push(...queue);
    queue = [];
  };

  /** Writes a value after `prefix` (`key:` or `-`) whose owner is at column `owner`; `depth` bounds nesting. */
  const value = (prefix: string, owner: number, depth: number, inSequence: boolean): void => {
    const roll = random.next();
    if (depth <= 0 || roll < 0.3) {
      lines.push(`${prefix} ${scalar()}${trailing()}`);
    } else if (roll < 0.36) {
      lines.push(prefix + trailing()); // null
    } else if (roll < 0.42) {
      lines.push(`${prefix} ${random.pick(FLOW)}${trailing()}`);
    } else if (roll < 0.47) {
      lines.push(`${prefix} ${blockScalar(owner)}`);
      flush();
    } else if (roll < 0.5) {
      // A multi-line plain or quoted scalar, or a flow collection over two lines (left to the parser).
      const form = random.pick(['plain', 'double', 'single', 'flow']);
      const next = ' '.repeat(owner + random.int(0, 3));
      if (form === 'plain') lines.push(`${prefix} first`, `${next}second`);
      else if (form === 'double') lines.push(`${prefix} "first`, `${next}second"`);
      else if (form === 'single') lines.push(`${prefix} 'first`, `${next}second'`);
      else lines.push(`${prefix} [first,`, `${next}second]`);
    } else if (roll < 0.52) {
      lines.push(`${prefix} ${random.pick(['&a1 anchored', '*a1', '!!str tagged', '&a2'])}`);
    } else if (roll < 0.76) {
      // A map: compact after `-`, else on the following lines.
      const indent = inSequence && random.chance(0.7) ? owner + random.int(2, 3) : owner + random.pick([1, 2, 2, 2, 4]);
      if (inSequence && indent === owner + 2 && random.chance(0.7)) {
        map(indent, depth - 1, `${prefix} `);
      } else {
        lines.push(prefix + trailing());
        comment(indent);
        map(indent, depth - 1, ' '.repeat(indent));
      }
    } else {
      // A sequence: at its key's column (kubectl), indented under it (Helm), or compact after `-`.
      if (inSequence && random.chance(0.4)) {
        sequence(owner + 2, depth - 1, `${prefix} `);
      } else {
        const indent = inSequence ? owner + random.pick([1, 2, 4]) : owner + random.pick([0, 0, 2, 2, 4, 1]);
        lines.push(prefix + trailing());
        comment(indent);
        sequence(indent, depth - 1, ' '.repeat(indent));
      }
    }
  };
  const map = (indent: number, depth: number, firstPrefix: string) => {
    const count = random.int(1, 4);
    for (let i = 0; i < count; i++) {
      const prefix = i === 0 ? firstPrefix : ' '.repeat(indent);
      value(`${prefix}${key()}:`, indent, depth, false);
      if (i < count - 1) comment(indent);
    }
  };
  const sequence = (indent: number, depth: number, firstPrefix: string) => {
    const count = random.int(1, 4);
    for (let i = 0; i < count; i++) {
      const prefix = i === 0 ? firstPrefix : ' '.repeat(indent);
      value(`${prefix}-${random.chance(0.1) ? '  ' : ''}`, indent, depth, true);
      if (i < count - 1) comment(indent);
    }
  };

  comment(0);
  if (random.chance(0.05)) lines.push('  indented: root');
  else if (random.chance(0.1)) sequence(0, 4, '');
  else map(0, 5, '');
  if (random.chance(0.05)) lines.push('tab:\tafter');
  return lines.join('\n') + (random.chance(0.8) ? '\n' : '');
}

describe('IndentationLocator gives the answers of the yaml-based locator', () => {
  test('on random block-style documents', () => {
    let answered = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const result = compare(randomDocument(new SeededRandom(seed)));
        answered += result.answered;
        total += result.total;
      }),
      { numRuns: Number(process.env.LOCATOR_FUZZ_RUNS ?? 2000) },
    );
    // The comparison means something only if the fast path answers many paths: about a third
    // here (the generator makes many documents the parser must answer), every one of the corpus's.
    expect(answered / total).toBeGreaterThan(0.15);
  });

  test('on every path of the benchmark corpus, answering all the checker can ask without a parse', () => {
    for (const document of splitDocuments(generateCorpus(300, 7).text)) {
      const { answered, total } = compare(document.text, false);
      expect(answered).toBe(total);
    }
  });

  test('on the checker fixtures', () => {
    const directory = join(__dirname, '..', 'fixtures', 'check');
    for (const file of readdirSync(directory)) {
      for (const document of splitDocuments(readFileSync(join(directory, file), 'utf8'))) compare(document.text);
    }
  });

  test('NodeLocator falls back to the parse for what indentation cannot tell', () => {
    const text = 'a: 1\nb: {\n  c: [x,\n    y]}\n';
    expect(new IndentationLocator(text).lineIndexOf(['b', 'c', 1])).toBeUndefined();
    expect(new NodeLocator(text, 5).lineOf(['b', 'c', 1])).toBe(8);
    expect(new NodeLocator(text, 5).lineOf(['a'])).toBe(5);
  });
});
