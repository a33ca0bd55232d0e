/**
 * Safe reading of parsed YAML/JSON, where nothing about the shape is trusted.
 *
 * The API server decodes manifests into typed structs and rejects a string where
 * an integer belongs; the checker must not crash on such a manifest, so every read
 * says whether the field was absent, valid, or present with the wrong type.
 */

/** A parsed mapping (a YAML map / JSON object). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** What a read of one field found. */
export type FieldReading<T> =
  | { readonly state: 'absent' }
  | { readonly state: 'valid'; readonly value: T }
  | { readonly state: 'invalid'; readonly raw: unknown };

const ABSENT: FieldReading<never> = { state: 'absent' };

/** The value as a mapping, or `undefined` when it is not one (null, array, scalar). */
export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The value as a sequence, or `undefined` when it is not one. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A field of a mapping as a mapping; `undefined` when the parent or the field is not a mapping. */
export function objectField(parent: JsonObject | undefined, key: string): JsonObject | undefined {
  return parent === undefined ? undefined : asObject(parent[key]);
}

/** A field of a mapping as a sequence; `undefined` when absent or not a sequence. */
export function arrayField(parent: JsonObject | undefined, key: string): readonly unknown[] | undefined {
  return parent === undefined ? undefined : asArray(parent[key]);
}

function read<T>(parent: JsonObject | undefined, key: string, accept: (v: unknown) => v is T): FieldReading<T> {
  if (parent === undefined) return ABSENT;
  const raw = parent[key];
  // `null` is how YAML spells an omitted optional field (`runAsUser:` with no value).
  if (raw === undefined || raw === null) return ABSENT;
  return accept(raw) ? { state: 'valid', value: raw } : { state: 'invalid', raw };
}

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isString = (v: unknown): v is string => typeof v === 'string';
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** A boolean field; the string `"true"` is invalid, as it is for the API server. */
export function readBoolean(parent: JsonObject | undefined, key: string): FieldReading<boolean> {
  return read(parent, key, isBoolean);
}

/** An integer field; `"80"` or `80.5` is invalid. */
export function readInteger(parent: JsonObject | undefined, key: string): FieldReading<number> {
  return read(parent, key, isInteger);
}

/** A string field. */
export function readString(parent: JsonObject | undefined, key: string): FieldReading<string> {
  return read(parent, key, isString);
}

/** The first reading that is not absent: how a container-level field overrides the pod-level one. */
export function firstPresent<T>(...readings: FieldReading<T>[]): FieldReading<T> {
  for (const reading of readings) if (reading.state !== 'absent') return reading;
  return ABSENT;
}

/** A short, quoted rendering of a raw value for messages (`"0"` for a string, `[object]` for maps). */
export function describeRaw(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object' && raw !== null) return 'a map';
  return String(raw);
}
