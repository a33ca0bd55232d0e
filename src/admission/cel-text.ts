/**
 * Writing CEL source text: literals that say exactly what the TypeScript value says, and the
 * let-binding the CEL of Kubernetes 1.30 allows (it has no `cel.bind`).
 */

/** A CEL string literal of `value` (CEL reads JSON's escapes: `\"`, `\\`, `\n`, `\uXXXX`). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** A CEL list literal of strings. */
export function celStringList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** A CEL map literal from each string to `true`: a set whose `in` costs one step, not one per entry. */
export function celStringSet(values: readonly string[]): string {
  return `{${values.map((value) => `${celString(value)}: true`).join(', ')}}`;
}

/**
 * `body` with `name` bound to the value of `value`, computed once: `[value].map(name, body)[0]`.
 * `name` must not be used by an enclosing comprehension.
 */
export function letIn(name: string, value: string, body: string): string {
  return `[${value}].map(${name}, ${body})[0]`;
}

/** `cases` tried in order, each `[condition, value]`, else `otherwise`: a chain of `?:`. */
export function firstOf(cases: readonly (readonly [string, string])[], otherwise: string): string {
  return cases.reduceRight((rest, [condition, value]) => `(${condition} ? ${value} : ${rest})`, otherwise);
}

/**
 * The characters JavaScript's `\s` and `String.prototype.trim` take for whitespace (ECMAScript
 * WhiteSpace and LineTerminator), as an RE2 class body: the model splits and trims with them, so
 * the policy must too (RE2's own `\s` is only ASCII).
 */
export const JS_WHITESPACE_CLASS = String.raw`\t\n\v\f\r \x{00a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`;

/**
 * `base.f1.f2…` when every field is set, else `fallback`, with `has()` on each step: unlike the
 * optional `base.?f1.?f2.orValue(fallback)`, a plain field selection keeps its path, by which the
 * API server's cost estimator knows how large the value may be.
 */
export function fieldOr(base: string, fields: readonly string[], fallback: string): string {
  const paths = fields.map((_, index) => `${base}.${fields.slice(0, index + 1).join('.')}`);
  return `(${paths.map((path) => `has(${path})`).join(' && ')} ? ${paths[paths.length - 1]} : ${fallback})`;
}
