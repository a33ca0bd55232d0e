/**
 * The text of the values a fix writes into a YAML document, in the document's own style (its
 * indentation step, whether a block sequence is indented under its key, the padding of its flow
 * collections). Hand-written here because the `yaml` package renders a value only as a whole
 * document of its own: a value inserted at column 6 of someone else's file must be laid out
 * against that column. Scalars are the package's own YAML 1.1 rendering, so that a string kubectl
 * would read as another type (`"80"`, `"yes"`) is quoted.
 */
import { stringify } from 'yaml';
import { asObject } from '../model/json-value';

/** How a document lays out its collections; a fix writes new ones the same way. */
export interface YamlStyle {
  /** The indentation step of block maps, in spaces. */
  readonly indent: number;
  /** Whether a block sequence's `-` is indented under its key (`key:\n  - a`) or level with it (`key:\n- a`). */
  readonly indentSequences: boolean;
  /** Whether flow collections are padded inside their brackets: `{ a: 1 }`, not `{a: 1}`. */
  readonly flowPadding: boolean;
}

/** The style of a document whose own collections tell nothing: kubectl's and Helm's. */
export const DEFAULT_YAML_STYLE: YamlStyle = { indent: 2, indentSequences: true, flowPadding: false };

/** How a scalar being replaced was quoted, so that its new value is quoted the same way. */
export type ScalarQuoting = 'plain' | 'single' | 'double';

/** A scalar as YAML 1.1 reads it back as the same value, quoted as asked when it is a string. */
export function renderScalar(value: unknown, quoting: ScalarQuoting = 'plain'): string {
  if (typeof value === 'string' && quoting === 'double') return JSON.stringify(value);
  if (typeof value === 'string' && quoting === 'single') return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { version: '1.1', lineWidth: 0 }).trimEnd();
}

/** A value as a flow collection (or a scalar): `[ALL]`, `{type: RuntimeDefault}`. */
export function renderFlow(value: unknown, style: YamlStyle): string {
  const pad = style.flowPadding ? ' ' : '';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${pad}${value.map((item) => renderFlow(item, style)).join(', ')}${pad}]`;
  const object = asObject(value);
  if (object === undefined) return renderScalar(value);
  const entries = Object.entries(object);
  if (entries.length === 0) return '{}';
  return `{${pad}${entries.map(([key, item]) => `${renderScalar(key)}: ${renderFlow(item, style)}`).join(', ')}${pad}}`;
}

/**
 * What follows `key:` for a value of a block map whose keys are at `column`: ` value` for a
 * scalar or an empty collection, else a line break and the collection's lines, without the
 * final line break.
 */
export function renderAfterKey(value: unknown, column: number, style: YamlStyle): string {
  if (Array.isArray(value) && value.length > 0) {
    return `\n${renderBlockSequence(value, column + (style.indentSequences ? style.indent : 0), style)}`;
  }
  const object = asObject(value);
  if (object !== undefined && Object.keys(object).length > 0) return `\n${renderBlockMap(object, column + style.indent, style)}`;
  return ` ${renderFlow(value, style)}`;
}

/** The lines of a block map whose keys are at `column`, each indented, without the final line break. */
export function renderBlockMap(map: Readonly<Record<string, unknown>>, column: number, style: YamlStyle): string {
  return Object.entries(map)
    .map(([key, value]) => `${' '.repeat(column)}${renderScalar(key)}:${renderAfterKey(value, column, style)}`)
    .join('\n');
}

/** The lines of a block sequence whose `-` are at `column`, without the final line break. */
export function renderBlockSequence(items: readonly unknown[], column: number, style: YamlStyle): string {
  return items.map((item) => `${' '.repeat(column)}- ${renderSequenceItem(item, column + 2, style)}`).join('\n');
}

/** An item after its `- `: a map's first key on that line, the rest at `column`. */
export function renderSequenceItem(item: unknown, column: number, style: YamlStyle): string {
  const object = asObject(item);
  if (object === undefined || Object.keys(object).length === 0) return renderFlow(item, style);
  return renderBlockMap(object, column, style).slice(column);
}
